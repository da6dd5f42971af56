"""Schedule expressions in plain English for the studio's Triggers tab ("Every weekday at 07:00")."""

from __future__ import annotations

import re

from designer.triggers import expressions

DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _name(token: str, names: dict[str, int], labels: list[str]) -> str:
    number = names.get(token.upper()) or (int(token) if token.isdigit() else None)
    return labels[number - 1] if number and 1 <= number <= len(labels) else token


def _list(text: str, names: dict[str, int], labels: list[str]) -> str:
    parts = []
    for item in text.split(","):
        if "-" in item and "/" not in item:
            first, last = item.split("-", 1)
            parts.append(f"{_name(first, names, labels)} to {_name(last, names, labels)}")
        else:
            parts.append(_name(item, names, labels))
    return _join(parts)


def _time(minutes: str, hours: str) -> str:
    if minutes.isdigit() and hours.isdigit():
        return f"at {int(hours):02d}:{int(minutes):02d}"
    if m := re.fullmatch(r"(?:\*|0)/(\d+)", minutes):
        every = f"every {m[1]} minutes"
        return every if hours == "*" else f"{every} during hour {hours}"
    if minutes == "*":
        return "every minute" if hours == "*" else f"every minute during hour {hours}"
    if minutes.isdigit() and hours == "*":
        return f"at minute {int(minutes)} of every hour"
    if m := re.fullmatch(r"(?:\*|0)/(\d+)", hours):
        return f"at minute {minutes} of every {m[1]} hours"
    if minutes.isdigit() and re.fullmatch(r"[\d,]+", hours):
        return "at " + _join([f"{int(h):02d}:{int(minutes):02d}" for h in hours.split(",")])
    return f"at minute {minutes} of hour {hours}"


def _days(dom: str, dow: str) -> str:
    if dom == "?":
        if dow == "*":
            return "every day"
        if m := re.fullmatch(r"(\w+)#(\d)", dow):
            return f"on the {ORDINALS.get(int(m[2]), m[2])} {_name(m[1], expressions.WEEKDAYS, DAY_NAMES)} of the month"
        if m := re.fullmatch(r"(\w+)L", dow):
            return f"on the last {_name(m[1], expressions.WEEKDAYS, DAY_NAMES)} of the month"
        if dow.upper() in ("MON-FRI", "2-6"):
            return "every weekday"
        return "on " + _list(dow, expressions.WEEKDAYS, DAY_NAMES)
    if dom == "*":
        return "every day"
    if dom == "L":
        return "on the last day of the month"
    if dom == "LW":
        return "on the last weekday of the month"
    if m := re.fullmatch(r"L-(\d+)", dom):
        return f"{m[1]} days before the last day of the month"
    if m := re.fullmatch(r"(\d+)W", dom):
        return f"on the weekday nearest day {m[1]} of the month"
    return f"on day {_list(dom, {}, [str(n) for n in range(1, 32)])} of the month"


def describe(expression: str, timezone: str = "") -> str:
    """A sentence for an at/rate/cron expression; the expression itself when it cannot be read."""
    zone = timezone or "UTC"
    try:
        parsed = expressions.parse(expression)
    except expressions.InvalidExpression:
        return expression
    if isinstance(parsed, expressions.At):
        return f"Once, on {parsed.local:%Y-%m-%d at %H:%M:%S} ({zone})"
    if isinstance(parsed, expressions.Rate):
        return f"Every {parsed.unit}" if parsed.value == 1 else f"Every {parsed.value} {parsed.unit}s"
    minutes, hours, dom, month, dow, year = parsed.text.split()
    days, time = _days(dom, dow), _time(minutes, hours)
    if days == "every day" and time.startswith("every"):
        sentence = time  # "every 15 minutes" says "every day" already
    elif days == "every day" and minutes.isdigit() and hours == "*":
        sentence = f"every hour, at minute {int(minutes)}"
    else:
        sentence = f"{days}, {time}"
    if month != "*":
        sentence += f", in {_list(month, expressions.MONTHS, MONTH_NAMES)}"
    if year != "*":
        sentence += f", in {year.replace('-', ' to ')}"
    return f"{sentence[0].upper()}{sentence[1:]} ({zone})"
