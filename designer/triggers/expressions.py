"""Schedule expressions as EventBridge Scheduler and EventBridge rules define them.

- `at(yyyy-mm-ddThh:mm:ss)`: one time, in the schedule's time zone;
- `rate(value unit)`: every value minutes / hours / days from an anchor (a day is 24 hours);
- `cron(minutes hours day-of-month month day-of-week year)` with `,` `-` `*` `/`, `?` in
  day-of-month or day-of-week, `L` in both, `W` in day-of-month and `#` in day-of-week.

https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html

Times are evaluated in the schedule's IANA zone (zoneinfo). AWS: when the clocks spring forward a
cron time that does not exist that day is skipped; when they fall back a repeated local time
fires only once (its first occurrence).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {name: number for number, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
# AWS: day-of-week 1 is Sunday.
WEEKDAYS = {name: number for number, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
YEAR_MIN, YEAR_MAX = 1970, 2199


class InvalidExpression(ValueError):
    """The expression is not one AWS accepts; the message says which part is wrong."""


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name` (UTC when empty); InvalidExpression for an unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidExpression(f"Invalid time zone: {name}") from None


def _to_utc(local: datetime, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a naive local time; None when that local time does not exist (spring forward)."""
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        return None
    return instant


# ─── at ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class At:
    local: datetime  # naive, in the schedule's zone

    kind = "at"

    def next_after(self, after: datetime, tz: ZoneInfo, anchor: datetime | None = None) -> datetime | None:
        instant = _to_utc(self.local, tz)
        if instant is None:  # a one-time schedule inside a skipped hour runs when the clock resumes
            instant = self.local.replace(tzinfo=tz, fold=1).astimezone(UTC)
        return instant if instant > after else None


# ─── rate ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Rate:
    value: int
    unit: str  # minute | hour | day

    kind = "rate"

    @property
    def period(self) -> timedelta:
        return timedelta(seconds=self.value * RATE_UNITS[self.unit])

    def next_after(self, after: datetime, tz: ZoneInfo, anchor: datetime | None = None) -> datetime | None:
        """The first anchor + k·period after `after` (k ≥ 0); the anchor is StartDate or creation time."""
        anchor = (anchor or after).replace(microsecond=0)
        if anchor > after:
            return anchor
        steps = (after - anchor) // self.period + 1
        return anchor + steps * self.period


# ─── cron ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DayRule:
    """What the day-of-month or day-of-week field asks of a date, beyond a plain set of values."""

    values: frozenset[int] = frozenset()
    last: bool = False  # L: the month's last day (day-of-month)
    last_offset: int = 0  # L-n: n days before it
    weekday_near: int | None = None  # nW: the weekday nearest to day n
    last_weekday: bool = False  # LW
    last_of_weekday: int | None = None  # dL: the last d-day of the month (day-of-week)
    nth: tuple[int, int] | None = None  # d#n: the nth d-day of the month
    anything: bool = False  # ?


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Monday → 2, Sunday → 1


def _nearest_weekday(year: int, month: int, day: int) -> int:
    last = calendar.monthrange(year, month)[1]
    day = min(day, last)
    weekday = date(year, month, day).weekday()
    if weekday == 5:  # Saturday: the Friday before, unless that leaves the month
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: the Monday after, unless that leaves the month
        return day + 1 if day < last else day - 2
    return day


def _dom_matches(rule: DayRule, day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if rule.last:
        return day.day == last - rule.last_offset
    if rule.last_weekday:
        return day.day == _nearest_weekday(day.year, day.month, last)
    if rule.weekday_near is not None:
        return day.day == _nearest_weekday(day.year, day.month, rule.weekday_near)
    return day.day in rule.values


def _dow_matches(rule: DayRule, day: date) -> bool:
    weekday = _aws_weekday(day)
    if rule.last_of_weekday is not None:
        return weekday == rule.last_of_weekday and day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    if rule.nth is not None:
        wanted, nth = rule.nth
        return weekday == wanted and (day.day - 1) // 7 + 1 == nth
    return weekday in rule.values


def _number(text: str, names: dict[str, int] | None, low: int, high: int, field: str) -> int:
    upper = text.upper()
    if names and upper in names:
        return names[upper]
    if not text.isdigit():
        raise InvalidExpression(f"Invalid value '{text}' in the {field} field")
    value = int(text)
    if not low <= value <= high:
        raise InvalidExpression(f"Value {value} is out of range {low}-{high} in the {field} field")
    return value


def _values(text: str, low: int, high: int, field: str, names: dict[str, int] | None = None) -> frozenset[int]:
    """A field of `,`-separated items, each `*`, `n`, `a-b`, with an optional `/step`."""
    result: set[int] = set()
    for item in text.split(","):
        if not item:
            raise InvalidExpression(f"Empty item in the {field} field")
        base, _, step_text = item.partition("/")
        step = 1
        if _:
            if not step_text.isdigit() or int(step_text) == 0:
                raise InvalidExpression(f"Invalid step '{step_text}' in the {field} field")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, second = base.partition("-")
            start, end = _number(first, names, low, high, field), _number(second, names, low, high, field)
        else:
            start = _number(base, names, low, high, field)
            end = high if _ else start  # AWS: `5/15` means from 5 onwards every 15
        if start <= end:
            result.update(range(start, end + 1, step))
        else:  # a range that wraps, e.g. FRI-MON or 22-2
            span = list(range(start, high + 1)) + list(range(low, end + 1))
            result.update(span[::step])
    return frozenset(result)


def _day_of_month(text: str) -> DayRule:
    if text == "?":
        return DayRule(anything=True)
    if text == "L":
        return DayRule(last=True)
    if m := re.fullmatch(r"L-(\d{1,2})", text):
        offset = int(m[1])
        if offset > 30:
            raise InvalidExpression("Invalid L offset in the day-of-month field")
        return DayRule(last=True, last_offset=offset)
    if text == "LW":
        return DayRule(last_weekday=True)
    if m := re.fullmatch(r"(\d{1,2})W", text):
        return DayRule(weekday_near=_number(m[1], None, 1, 31, "day-of-month"))
    if "L" in text.upper() or "W" in text.upper() or "#" in text:
        raise InvalidExpression(f"Invalid value '{text}' in the day-of-month field")
    return DayRule(values=_values(text, 1, 31, "day-of-month"))


def _day_of_week(text: str) -> DayRule:
    if text == "?":
        return DayRule(anything=True)
    if text.upper() == "L":  # AWS: L alone is the last day of the week, Saturday
        return DayRule(values=frozenset({7}))
    if m := re.fullmatch(r"(\w+)L", text, re.IGNORECASE):
        return DayRule(last_of_weekday=_number(m[1], WEEKDAYS, 1, 7, "day-of-week"))
    if m := re.fullmatch(r"(\w+)#(\d)", text):
        nth = int(m[2])
        if not 1 <= nth <= 5:
            raise InvalidExpression("The number after # must be 1 to 5 in the day-of-week field")
        return DayRule(nth=(_number(m[1], WEEKDAYS, 1, 7, "day-of-week"), nth))
    if "#" in text:
        raise InvalidExpression(f"Invalid value '{text}' in the day-of-week field")
    return DayRule(values=_values(text, 1, 7, "day-of-week", WEEKDAYS))


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: DayRule
    months: frozenset[int]
    day_of_week: DayRule
    years: frozenset[int]

    kind = "cron"

    def matches_day(self, day: date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.day_of_month.anything:
            return _dow_matches(self.day_of_week, day)
        return _dom_matches(self.day_of_month, day)

    def local_times_from(self, start: datetime):
        """Matching naive local datetimes at or after `start` (naive, local), in order."""
        hours, minutes = sorted(self.hours), sorted(self.minutes)
        day = start.date()
        first = True
        while day.year <= YEAR_MAX:
            if day.year not in self.years:
                later = [y for y in self.years if y > day.year]
                if not later:
                    return
                day, first = date(min(later), 1, 1), False
                continue
            if day.month not in self.months:
                later = [m for m in self.months if m > day.month]
                day = date(day.year, min(later), 1) if later else date(day.year + 1, 1, 1)
                first = False
                continue
            if self.matches_day(day):
                for hour in hours:
                    for minute in minutes:
                        moment = datetime(day.year, day.month, day.day, hour, minute)
                        if not first or moment >= start:
                            yield moment
            day += timedelta(days=1)
            first = False

    def next_after(self, after: datetime, tz: ZoneInfo, anchor: datetime | None = None) -> datetime | None:
        local_after = after.astimezone(tz).replace(tzinfo=None, fold=0)
        start = (local_after + timedelta(minutes=1)).replace(second=0, microsecond=0)
        # Begin a day early so a fallen-back hour (local time going backwards) is not missed.
        for local in self.local_times_from(start - timedelta(hours=3)):
            instant = _to_utc(local, tz)
            if instant is not None and instant > after:
                return instant
        return None


def parse_cron(body: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise InvalidExpression("A cron expression has six fields: minutes hours day-of-month month day-of-week year")
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise InvalidExpression("Exactly one of the day-of-month and day-of-week fields must be '?'")
    for text, name in ((minutes, "minutes"), (hours, "hours"), (month, "month"), (year, "year")):
        if "?" in text or "L" in text.upper().replace("JUL", "") or "#" in text:
            raise InvalidExpression(f"Invalid value '{text}' in the {name} field")
    return Cron(
        text=body,
        minutes=_values(minutes, 0, 59, "minutes"),
        hours=_values(hours, 0, 23, "hours"),
        day_of_month=_day_of_month(dom),
        months=_values(month, 1, 12, "month", MONTHS),
        day_of_week=_day_of_week(dow),
        years=_values(year, YEAR_MIN, YEAR_MAX, "year"),
    )


def parse_rate(body: str) -> Rate:
    m = re.fullmatch(r"\s*(\d+)\s+([a-z]+)\s*", body)
    if not m:
        raise InvalidExpression("A rate expression is rate(value unit), e.g. rate(5 minutes)")
    value, unit = int(m[1]), m[2]
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in RATE_UNITS:
        raise InvalidExpression(f"Unknown rate unit '{unit}': use minutes, hours or days")
    if value <= 0:
        raise InvalidExpression("The rate value must be a positive number")
    # AWS: 1 takes the singular unit, anything larger the plural.
    if (value == 1) != (unit == singular):
        raise InvalidExpression(f"Use '{'' if value == 1 else 's'}' form: rate(1 {singular}) or rate(n {singular}s)")
    return Rate(value=value, unit=singular)


def parse_at(body: str) -> At:
    try:
        local = datetime.strptime(body.strip(), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise InvalidExpression("An at expression is at(yyyy-mm-ddThh:mm:ss)") from None
    return At(local=local)


def parse(expression: str, *, allow_at: bool = True) -> At | Rate | Cron:
    """Parse `at(…)`, `rate(…)` or `cron(…)`; InvalidExpression when AWS would refuse it."""
    m = re.fullmatch(r"(at|rate|cron)\((.*)\)", (expression or "").strip(), re.DOTALL)
    if not m:
        raise InvalidExpression("The expression must be at(...), rate(...) or cron(...)")
    kind, body = m[1], m[2]
    if kind == "at":
        if not allow_at:
            raise InvalidExpression("at(...) expressions are for EventBridge Scheduler only")
        return parse_at(body)
    return parse_rate(body) if kind == "rate" else parse_cron(body)


def upcoming(expression: At | Rate | Cron, *, after: datetime, tz: ZoneInfo, count: int,
             anchor: datetime | None = None, end: datetime | None = None) -> list[datetime]:
    """The next `count` fire times (UTC) strictly after `after`, stopping at `end`."""
    times: list[datetime] = []
    moment = after
    while len(times) < count:
        moment = expression.next_after(moment, tz, anchor)
        if moment is None or (end is not None and moment > end):
            break
        times.append(moment)
    return times
