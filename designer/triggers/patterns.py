"""EventBridge event patterns: validation and matching.

A pattern mirrors the event's structure. A leaf is a list of matchers, any of which may match;
an event field holding an array matches when any element does. Matchers are literal values
(string, number, boolean, null) and the objects `prefix`, `suffix`, `anything-but`, `numeric`,
`exists`, `equals-ignore-case`, `wildcard` and `cidr`; `$or` offers alternative sub-patterns at
any level. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
"""

from __future__ import annotations

import ipaddress
import json
import re

_MISSING = object()
NUMERIC_OPERATORS = {"<", "<=", "=", ">", ">="}
# AWS: numeric matching covers values between -5.0e9 and +5.0e9 inclusive.
NUMERIC_LIMIT = 5.0e9


class InvalidPattern(ValueError):
    """A pattern AWS would refuse (InvalidEventPatternException)."""


def load(text: str) -> dict:
    """Parse and validate a pattern's JSON text."""
    try:
        pattern = json.loads(text)
    except ValueError as exc:
        raise InvalidPattern(f"Event pattern is not valid. Reason: {exc}") from None
    validate(pattern)
    return pattern


def validate(pattern) -> None:
    if not isinstance(pattern, dict):
        raise InvalidPattern("Event pattern is not valid. Reason: the pattern must be a JSON object")
    if not pattern:
        raise InvalidPattern("Event pattern is not valid. Reason: the pattern must not be empty")
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidPattern("Event pattern is not valid. Reason: $or needs a list of at least two patterns")
            for alternative in value:
                validate(alternative)
        elif isinstance(value, dict):
            validate(value)
        elif isinstance(value, list):
            if not value:
                raise InvalidPattern(f"Event pattern is not valid. Reason: Empty arrays are not allowed at '{key}'")
            for matcher in value:
                _validate_matcher(key, matcher)
        else:
            raise InvalidPattern(
                f"Event pattern is not valid. Reason: '{key}' must be an object or an array"
            )


def _fail(key: str, reason: str):
    raise InvalidPattern(f"Event pattern is not valid. Reason: {reason} at '{key}'")


def _string_or_ignore_case(key: str, name: str, value) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, dict) and list(value) == ["equals-ignore-case"]:
        if isinstance(value["equals-ignore-case"], str):
            return
    _fail(key, f"{name} match pattern must be a string")


def _validate_matcher(key: str, matcher) -> None:
    if matcher is None or isinstance(matcher, str | bool | int | float):
        return
    if not isinstance(matcher, dict) or len(matcher) != 1:
        _fail(key, "Match value must be a string, number, boolean, null or a single-operator object")
    (operator, argument), = matcher.items()
    if operator in ("prefix", "suffix"):
        _string_or_ignore_case(key, operator, argument)
    elif operator in ("equals-ignore-case", "wildcard"):
        if not isinstance(argument, str):
            _fail(key, f"{operator} match pattern must be a string")
        if operator == "wildcard" and "**" in argument:
            _fail(key, "Consecutive wildcard characters are not allowed")
    elif operator == "exists":
        if not isinstance(argument, bool):
            _fail(key, "exists match pattern must be either true or false")
    elif operator == "numeric":
        _validate_numeric(key, argument)
    elif operator == "cidr":
        try:
            ipaddress.ip_network(argument, strict=False)
        except (TypeError, ValueError):
            _fail(key, "Malformed CIDR")
    elif operator == "anything-but":
        if isinstance(argument, list):
            if not argument or not all(isinstance(a, str | int | float) and not isinstance(a, bool) for a in argument):
                _fail(key, "Inside anything but list, start|null|boolean is not supported")
        elif isinstance(argument, dict):
            if len(argument) != 1 or next(iter(argument)) not in ("prefix", "suffix", "equals-ignore-case",
                                                                   "wildcard"):
                _fail(key, "Unsupported anything-but pattern")
            (inner, value), = argument.items()
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, str) for v in values):
                _fail(key, f"anything-but {inner} needs a string")
        elif not isinstance(argument, str | int | float) or isinstance(argument, bool):
            _fail(key, "Inside anything but list, start|null|boolean is not supported")
    else:
        _fail(key, f"Unrecognized match type {operator}")


def _validate_numeric(key: str, argument) -> None:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        _fail(key, "Value of numeric must be an array of one or two comparisons")
    for index in range(0, len(argument), 2):
        operator, bound = argument[index], argument[index + 1]
        if operator not in NUMERIC_OPERATORS:
            _fail(key, f"Unrecognized numeric range operator: {operator}")
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            _fail(key, "Value of numeric comparison must be a number")
        if abs(bound) > NUMERIC_LIMIT:
            _fail(key, "Value of numeric comparison is out of range")
    if len(argument) == 4:
        first, second = argument[0], argument[2]
        if not (first.startswith(">") and second.startswith("<")):
            _fail(key, "Bad numeric range: use a lower bound (> or >=) then an upper bound (< or <=)")
        if argument[1] >= argument[3]:
            _fail(key, "Bottom must be less than top")


# ─── matching ───────────────────────────────────────────────────────────────────────────────


def matches(pattern: dict, event: dict) -> bool:
    """True when `event` (a parsed JSON object) matches `pattern` (already validated)."""
    return _match_object(pattern, event)


def _match_object(pattern: dict, value) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(_match_object(alternative, value) for alternative in expected):
                return False
            continue
        field = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(expected, dict):
            if not _match_nested(expected, field):
                return False
        elif not _match_leaf(expected, field):
            return False
    return True


def _match_nested(pattern: dict, field) -> bool:
    if isinstance(field, list):
        return any(_match_nested(pattern, item) for item in field)
    if field is _MISSING or not isinstance(field, dict):
        # Only matchers that accept absence (exists: false) can match a missing object.
        return _match_object(pattern, {})
    return _match_object(pattern, field)


def _match_leaf(matchers: list, field) -> bool:
    if isinstance(field, list):
        if any(_is_exists(m) for m in matchers) and field == []:
            return any(_match_one(m, _MISSING) for m in matchers)
        return any(_match_one(m, item) for m in matchers for item in field)
    return any(_match_one(m, field) for m in matchers)


def _is_exists(matcher) -> bool:
    return isinstance(matcher, dict) and "exists" in matcher


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _wildcard(pattern: str, text: str, ignore_case: bool = False) -> bool:
    parts = re.split(r"(?<!\\)\*", pattern)
    regex = ".*".join(re.escape(part.replace("\\*", "*")) for part in parts)
    return re.fullmatch(regex, text, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def _affix(operator: str, argument, value: str) -> bool:
    if isinstance(argument, dict):
        wanted, value = argument["equals-ignore-case"].casefold(), value.casefold()
    else:
        wanted = argument
    return value.startswith(wanted) if operator == "prefix" else value.endswith(wanted)


def _match_one(matcher, value) -> bool:
    if not isinstance(matcher, dict):
        if value is _MISSING:
            return False
        if isinstance(matcher, bool) or matcher is None or isinstance(matcher, str):
            return type(value) is type(matcher) and value == matcher
        number = _number(value)
        return number is not None and number == float(matcher)
    (operator, argument), = matcher.items()
    if operator == "exists":
        return (value is not _MISSING) == argument
    if value is _MISSING:
        return False
    if operator in ("prefix", "suffix"):
        return isinstance(value, str) and _affix(operator, argument, value)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.casefold() == argument.casefold()
    if operator == "wildcard":
        return isinstance(value, str) and _wildcard(argument, value)
    if operator == "numeric":
        number = _number(value)
        if number is None:
            return False
        return all(_compare(argument[i], number, argument[i + 1]) for i in range(0, len(argument), 2))
    if operator == "cidr":
        try:
            return isinstance(value, str) and ipaddress.ip_address(value) in ipaddress.ip_network(argument, False)
        except ValueError:
            return False
    if operator == "anything-but":
        return _anything_but(argument, value)
    return False


def _compare(operator: str, value: float, bound: float) -> bool:
    return {
        "<": value < bound, "<=": value <= bound, "=": value == bound, ">": value > bound, ">=": value >= bound,
    }[operator]


def _anything_but(argument, value) -> bool:
    if isinstance(argument, dict):
        (inner, wanted), = argument.items()
        if not isinstance(value, str):
            return True
        wanted = wanted if isinstance(wanted, list) else [wanted]
        if inner == "prefix":
            return not any(value.startswith(w) for w in wanted)
        if inner == "suffix":
            return not any(value.endswith(w) for w in wanted)
        if inner == "equals-ignore-case":
            return value.casefold() not in {w.casefold() for w in wanted}
        return not any(_wildcard(w, value) for w in wanted)
    excluded = argument if isinstance(argument, list) else [argument]
    for item in excluded:
        if isinstance(item, str) and value == item:
            return False
        if not isinstance(item, str) and _number(value) is not None and float(item) == _number(value):
            return False
    return True
