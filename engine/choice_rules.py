"""Choice state rules: the comparison operators, their `*Path` twins, and And/Or/Not.

Implements the "Choice Rules" section of the ASL specification and the developer guide's
"Choice workflow state" page for JSONPath machines.  `CHOICE_OPERATORS` holds one entry per
comparison operator; the `*Path` twins (`NumericLessThanPath`, …) are derived from it, never
written by hand.  Rules are compiled once into closures (cached per rule object) because the
interpreter evaluates the same Choice state in tight loops.

JSONata states use `Condition` instead (engine.io.jsonata evaluates it).

`resolve(path)` is supplied by the caller: it resolves `$.x`, `$$.…` and `$var` paths against
the state's effective input, context object and variables, and raises
`engine.errors.PathNotFound` when nothing matches.  Errors raised here carry the cause text
without AWS's "An error occurred while executing the state '…' (entered at the event id #n). "
prefix; the lifecycle adds that prefix to every States.Runtime it reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.errors import PathNotFound, Runtime

Resolve = Callable[[str], Any]
Predicate = Callable[[Resolve], bool]

# --- value kinds ------------------------------------------------------------------------------

def is_number(value: Any) -> bool:
    """A JSON number: int or float, never a bool (ASL treats booleans as their own type)."""
    return type(value) is int or type(value) is float


def is_string(value: Any) -> bool:
    return type(value) is str


def is_boolean(value: Any) -> bool:
    return type(value) is bool


# AWS: timestamps are parsed like Java's ISO_OFFSET_DATE_TIME ("ISO-8601 extended offset
# date-time" in AWS's error texts), which is looser than the spec's RFC 3339 profile: seconds
# optional, 1-9 fraction digits, "T"/"Z" in either case, an offset of Z, ±HH:MM or ±HH:MM:SS.
# A missing offset is rejected (recorded: "2016-12-05T21:29:29" and "2016-12-05 21:29:29Z"
# both fail, "….000000Z" and "….00Z" pass).
_TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)\Z"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_timestamp(value: Any) -> tuple[int, int] | None:
    """An RFC 3339 timestamp as (seconds since the epoch, nanoseconds), or None if invalid.

    The pair compares exactly, fractions included, whatever the offset was.
    """
    if type(value) is not str:
        return None
    m = _TIMESTAMP_RE.match(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zulu, sign, oh, om, osec = m.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                          int(second or 0), tzinfo=UTC)
    except ValueError:
        return None
    offset = 0
    if not zulu:
        oh_i, om_i, os_i = int(oh), int(om), int(osec or 0)
        if oh_i > 18 or om_i > 59 or os_i > 59:
            return None
        offset = oh_i * 3600 + om_i * 60 + os_i
        if sign == "-":
            offset = -offset
        if abs(offset) > 18 * 3600:
            return None
    seconds = (moment - _EPOCH) // timedelta(seconds=1) - offset
    nanos = int((frac or "").ljust(9, "0")) if frac else 0
    return seconds, nanos


def is_timestamp(value: Any) -> bool:
    return parse_timestamp(value) is not None


def _string_order(a: str, b: str) -> int:
    # AWS: strings order like Java's String.compareTo, by UTF-16 code unit.  That differs from
    # Python's code point order only when a character lies outside the Basic Multilingual Plane.
    if not (a.isascii() and b.isascii()):
        a, b = a.encode("utf-16-be", "surrogatepass"), b.encode("utf-16-be", "surrogatepass")
    return (a > b) - (a < b)


def compile_string_pattern(pattern: str) -> re.Pattern[str]:
    """StringMatches: `*` matches any run of characters; `\\*` is a literal star and `\\\\` a
    literal backslash (a backslash escapes whatever character follows it)."""
    parts: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


# --- the operator table -------------------------------------------------------------------------

@dataclass(frozen=True)
class Operator:
    """One comparison operator.

    `accepts(value)` says whether a value is a valid operand (the rule's literal, or what a
    `*Path` twin's path resolves to); `prepare(value)` turns an accepted operand into the form
    `test(variable, prepared)` compares against, and `test` returns False for a variable of the
    wrong type rather than failing (AWS: a type mismatch is simply "no match").
    """

    name: str
    operand_type: str                       # "string", "number", "boolean" or "timestamp"
    accepts: Callable[[Any], bool]
    test: Callable[[Any, Any], bool]
    prepare: Callable[[Any], Any] = lambda value: value
    has_path_twin: bool = True


def _string_op(name: str, outcome: Callable[[int], bool]) -> Operator:
    def test(variable: Any, value: str) -> bool:
        return type(variable) is str and outcome(_string_order(variable, value))
    return Operator(name, "string", is_string, test)


def _string_equals(variable: Any, value: str) -> bool:
    return type(variable) is str and variable == value


def _string_matches(variable: Any, pattern: re.Pattern[str]) -> bool:
    return type(variable) is str and pattern.fullmatch(variable) is not None


def _numeric_op(name: str, compare: Callable[[Any, Any], bool]) -> Operator:
    def test(variable: Any, value: Any) -> bool:
        return (type(variable) is int or type(variable) is float) and compare(variable, value)
    return Operator(name, "number", is_number, test)


def _timestamp_op(name: str, compare: Callable[[Any, Any], bool]) -> Operator:
    def test(variable: Any, value: tuple[int, int]) -> bool:
        parsed = parse_timestamp(variable)
        return parsed is not None and compare(parsed, value)
    return Operator(name, "timestamp", is_timestamp, test, prepare=parse_timestamp)


def _type_test(name: str, check: Callable[[Any], bool]) -> Operator:
    def test(variable: Any, expected: bool) -> bool:
        return check(variable) is expected
    return Operator(name, "boolean", is_boolean, test, has_path_twin=False)


def _lt(a: Any, b: Any) -> bool:
    return a < b


def _le(a: Any, b: Any) -> bool:
    return a <= b


def _gt(a: Any, b: Any) -> bool:
    return a > b


def _ge(a: Any, b: Any) -> bool:
    return a >= b


def _eq(a: Any, b: Any) -> bool:
    return a == b


_OPERATORS: list[Operator] = [
    Operator("StringEquals", "string", is_string, _string_equals),
    _string_op("StringLessThan", lambda order: order < 0),
    _string_op("StringGreaterThan", lambda order: order > 0),
    _string_op("StringLessThanEquals", lambda order: order <= 0),
    _string_op("StringGreaterThanEquals", lambda order: order >= 0),
    # ASL has no StringMatchesPath.
    Operator("StringMatches", "string", is_string, _string_matches,
             prepare=compile_string_pattern, has_path_twin=False),
    _numeric_op("NumericEquals", _eq),
    _numeric_op("NumericLessThan", _lt),
    _numeric_op("NumericGreaterThan", _gt),
    _numeric_op("NumericLessThanEquals", _le),
    _numeric_op("NumericGreaterThanEquals", _ge),
    Operator("BooleanEquals", "boolean", is_boolean,
             lambda variable, value: type(variable) is bool and variable is value),
    _timestamp_op("TimestampEquals", _eq),
    _timestamp_op("TimestampLessThan", _lt),
    _timestamp_op("TimestampGreaterThan", _gt),
    _timestamp_op("TimestampLessThanEquals", _le),
    _timestamp_op("TimestampGreaterThanEquals", _ge),
    _type_test("IsNull", lambda value: value is None),
    # IsPresent's test only runs when the path matched; a missing path is handled in _compile_comparison.
    _type_test("IsPresent", lambda value: True),
    _type_test("IsNumeric", is_number),
    _type_test("IsString", is_string),
    _type_test("IsBoolean", is_boolean),
    _type_test("IsTimestamp", is_timestamp),
]

CHOICE_OPERATORS: dict[str, Operator] = {op.name: op for op in _OPERATORS}

# The `*Path` twins: the operand is a path to the value to compare with.  Derived, not written.
PATH_OPERATORS: dict[str, Operator] = {
    f"{op.name}Path": op for op in _OPERATORS if op.has_path_twin
}

ALL_COMPARISON_NAMES: frozenset[str] = frozenset(CHOICE_OPERATORS) | frozenset(PATH_OPERATORS)
BOOLEAN_COMBINATORS: frozenset[str] = frozenset({"And", "Or", "Not"})


# --- compilation ---------------------------------------------------------------------------------

class InvalidChoiceRule(ValueError):
    """A rule that static validation should have rejected (no operator, wrong operand type…)."""


def _invalid_path(path: str) -> Runtime:
    return Runtime(f"Invalid path '{path}': The choice state's condition path references an invalid value.")


def _compile_comparison(rule: dict, name: str) -> Predicate:
    variable_path = rule.get("Variable")
    if not isinstance(variable_path, str):
        raise InvalidChoiceRule(f"Choice rule with {name} needs a Variable path")
    operand = rule[name]

    if name == "IsPresent":
        if not is_boolean(operand):
            raise InvalidChoiceRule(f"{name} needs a boolean")
        expected = operand

        def is_present(resolve: Resolve) -> bool:
            try:
                resolve(variable_path)
            except PathNotFound:
                return not expected
            return expected
        return is_present

    op = CHOICE_OPERATORS.get(name)
    if op is not None:
        if not op.accepts(operand):
            raise InvalidChoiceRule(f"{name} needs a {op.operand_type}, got {operand!r}")
        prepared = op.prepare(operand)
        test = op.test

        def compare_literal(resolve: Resolve) -> bool:
            try:
                value = resolve(variable_path)
            except PathNotFound:
                raise _invalid_path(variable_path) from None
            return test(value, prepared)
        return compare_literal

    op = PATH_OPERATORS[name]
    if not isinstance(operand, str):
        raise InvalidChoiceRule(f"{name} needs a path")
    operand_path = operand
    accepts, prepare, test = op.accepts, op.prepare, op.test

    def compare_path(resolve: Resolve) -> bool:
        try:
            value = resolve(variable_path)
        except PathNotFound:
            raise _invalid_path(variable_path) from None
        try:
            other = resolve(operand_path)
        except PathNotFound:
            raise _invalid_path(operand_path) from None
        if not accepts(other):
            return False
        return test(value, prepare(other))
    return compare_path


def compile_rule(rule: dict) -> Predicate:
    """Compile one Choice rule (top-level or nested) into `predicate(resolve) -> bool`."""
    if not isinstance(rule, dict):
        raise InvalidChoiceRule("a Choice rule must be an object")
    if "And" in rule or "Or" in rule:
        key = "And" if "And" in rule else "Or"
        children = rule[key]
        if not isinstance(children, list) or not children:
            raise InvalidChoiceRule(f"{key} needs a non-empty array of rules")
        parts = tuple(compile_rule(child) for child in children)
        if len(parts) == 1:
            return parts[0]
        if key == "And":
            return lambda resolve: all(part(resolve) for part in parts)
        return lambda resolve: any(part(resolve) for part in parts)
    if "Not" in rule:
        inner = compile_rule(rule["Not"])
        return lambda resolve: not inner(resolve)
    names = [key for key in rule if key in ALL_COMPARISON_NAMES]
    if len(names) != 1:
        raise InvalidChoiceRule("a Choice rule needs exactly one comparison operator")
    return _compile_comparison(rule, names[0])


ChoiceFunction = Callable[[Resolve], "str | None"]


def compile_choice(state: dict) -> ChoiceFunction:
    """Compile a Choice state into `choose(resolve) -> Next | Default | None`.

    The returned function also has `.match(resolve) -> index | None`, giving the top-level rule
    that matched (None when none did), for the per-rule `Assign`.
    """
    compiled = tuple((compile_rule(rule), rule.get("Next"), rule) for rule in state.get("Choices") or ())
    default = state.get("Default")

    def choose(resolve: Resolve) -> str | None:
        for predicate, next_state, _ in compiled:
            if predicate(resolve):
                return next_state
        return default

    def match(resolve: Resolve) -> int | None:
        for index, (predicate, _, _) in enumerate(compiled):
            if predicate(resolve):
                return index
        return None

    choose.match = match  # type: ignore[attr-defined]
    return choose


# --- cached entry points -------------------------------------------------------------------------

# Keyed by id(); the object itself is kept in the value so that an id reused after garbage
# collection is recognised (the `is` check) and recompiled.
_RULE_CACHE: dict[int, tuple[dict, Predicate]] = {}
_CHOICE_CACHE: dict[int, tuple[dict, ChoiceFunction]] = {}
_CACHE_LIMIT = 10_000


def _cached(cache: dict, obj: dict, build: Callable[[dict], Any]) -> Any:
    entry = cache.get(id(obj))
    if entry is not None and entry[0] is obj:
        return entry[1]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    compiled = build(obj)
    cache[id(obj)] = (obj, compiled)
    return compiled


def evaluate_rule(rule: dict, resolve: Resolve) -> bool:
    """True when `rule` matches; a type mismatch is False, a missing Variable is States.Runtime."""
    return _cached(_RULE_CACHE, rule, compile_rule)(resolve)


def evaluate_choice(state: dict, resolve: Resolve) -> str | None:
    """The Next of the first matching rule, else the state's Default, else None."""
    return _cached(_CHOICE_CACHE, state, compile_choice)(resolve)


def matching_rule(state: dict, resolve: Resolve) -> int | None:
    """The index of the first top-level rule of a Choice state that matches, or None (Default)."""
    return _cached(_CHOICE_CACHE, state, compile_choice).match(resolve)
