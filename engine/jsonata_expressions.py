"""Compiled JSONata expressions: a cache, fast paths, and the jsonata-python bridge.

`compile_expression(source)` parses once per distinct text.  `Expression.evaluate(states,
variables)` returns a plain JSON value or `UNDEFINED`:

- literals, `$states.a.b` / `$name.a.b` paths over objects, and one binary operator between
  two of those are evaluated directly (most expressions in real workflows are of these forms);
- everything else runs in jsonata-python, in a root frame that binds `$states`, then the
  workflow variables, then the Step Functions functions (`engine.jsonata_functions`);
- results become plain JSON (`to_json`): no jsonata-python sequences or null sentinel, and
  whole numbers as ints, as JavaScript's numbers print them.

Errors are the library's (JException) and `SfnFunctionError`; `engine.jsonata_mode` turns them
into States.QueryEvaluationError with AWS's wording.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
import threading
from collections.abc import Mapping
from typing import Any

from jsonata import Jsonata
from jsonata.jexception import JException
from jsonata.timebox import Timebox
from jsonata.utils import Utils

from engine.evaluation_budget import Tracker
from engine.jsonata_functions import FUNCTION_FRAME

# A marker for JSONata's "undefined": no value at all, as opposed to JSON null (None).
UNDEFINED: Any = type("Undefined", (), {"__repr__": lambda self: "UNDEFINED", "__slots__": ()})()

_NONE = Utils.NONE
_NULL = Utils.NULL_VALUE


_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_STATES_PATH = re.compile(rf"\$states((?:\.{_IDENT})*)")
_VARIABLE_PATH = re.compile(rf"\$({_IDENT})((?:\.{_IDENT})*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_SIMPLE_STRING = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")
# Words that JSONata reads as operators or literals, never as a field name in a simple path.
_RESERVED_STEPS = frozenset({"and", "or", "in", "true", "false", "null"})
_LITERALS = {"true": True, "false": False, "null": None}


def _steps(dotted: str) -> tuple[str, ...] | None:
    steps = tuple(dotted.split(".")[1:]) if dotted else ()
    if any(step in _RESERVED_STEPS for step in steps):
        return None
    return steps


_DEFER: Any = object()


def _walk(value: Any, steps: tuple[str, ...]) -> Any:
    """Follow object keys the way a JSONata path does; _DEFER when a step meets an array."""
    for step in steps:
        if type(value) is not dict:
            if isinstance(value, list):
                return _DEFER       # JSONata maps over arrays: leave that to the library
            return UNDEFINED
        value = value.get(step, UNDEFINED)
        if value is UNDEFINED:
            return UNDEFINED
    return value


_OPERAND = (r"\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
            r"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
            r"|'[^'\\]*'|\"[^\"\\]*\"")
_BINARY = re.compile(rf"({_OPERAND})\s*(<=|>=|!=|[-+*/<>=])\s*({_OPERAND})")
_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
               "/": lambda a, b: a / b}
_ORDERING = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
             ">=": lambda a, b: a >= b}


def _operand(source: str) -> tuple | None:
    """A fast-path operand: ("literal", v), ("states", steps) or ("variable", name, steps)."""
    if source in _LITERALS:
        return ("literal", _LITERALS[source])
    if _NUMBER.fullmatch(source):
        number = json.loads(source)
        if isinstance(number, float) and number.is_integer() and abs(number) < 2 ** 53:
            number = int(number)
        return ("literal", number)
    m = _SIMPLE_STRING.fullmatch(source)
    if m:
        return ("literal", m.group(1) if m.group(1) is not None else m.group(2))
    m = _STATES_PATH.fullmatch(source)
    if m:
        steps = _steps(m.group(1))
        return None if steps is None else ("states", steps)
    m = _VARIABLE_PATH.fullmatch(source)
    if m and m.group(1) not in ("states", *_RESERVED_STEPS):
        steps = _steps(m.group(2))
        return None if steps is None else ("variable", m.group(1), steps)
    return None


def _value(operand: tuple, states: Mapping[str, Any], variables: Any) -> Any:
    """An operand's value, UNDEFINED, or _DEFER when only jsonata-python can tell."""
    kind = operand[0]
    if kind == "literal":
        return operand[1]
    if kind == "states":
        return _walk(states, operand[1])
    if variables is None:
        return _DEFER
    value = variables.get(operand[1], _NONE)
    if value is _NONE:
        return _DEFER       # maybe a function name, or undefined: the library knows
    return _walk(value, operand[2])


def _is_number(value: Any) -> bool:
    t = type(value)
    return t is int or t is float


def _binary(op: str, left: Any, right: Any) -> Any:
    """`left op right` for plain numbers and strings, else _DEFER (errors, odd types)."""
    if op in _ARITHMETIC:
        if not (_is_number(left) and _is_number(right)) or (op == "/" and right == 0):
            return _DEFER
        result = _ARITHMETIC[op](left, right)
        if type(result) is float:
            if not math.isfinite(result):
                return _DEFER
            if result.is_integer() and abs(result) < 2 ** 53:
                result = int(result)
        elif abs(result) >= 2 ** 53:
            return _DEFER   # JavaScript numbers lose precision here; let the library decide
        return result
    if op in _ORDERING:
        if (_is_number(left) and _is_number(right)) or (type(left) is str and type(right) is str):
            return _ORDERING[op](left, right)
        return _DEFER
    # = and !=: only between values of one JSON type (JSONata: true = 1 is false).
    same = ((_is_number(left) and _is_number(right)) or (type(left) is type(right) and type(left) in (str, bool))
            or (left is None and right is None))
    if not same:
        return _DEFER
    return (left == right) if op == "=" else (left != right)


class Expression:
    """One compiled JSONata expression (the text between `{%` and `%}`).

    Literals, plain `$states…`/`$name…` paths over objects, and one binary operator between
    two of those are evaluated directly; anything else, and any case where the direct route
    would have to guess (arrays on the path, mixed types, errors), goes to jsonata-python.
    """

    __slots__ = ("source", "_kind", "_data", "_jsonata")

    def __init__(self, source: str):
        self.source = source
        self._jsonata: Jsonata | None = None
        self._kind, self._data = self._classify(source)
        if self._kind == "jsonata":
            self._jsonata = _parse(source)

    @staticmethod
    def _classify(source: str) -> tuple[str, Any]:
        operand = _operand(source)
        if operand is not None:
            return "operand", operand
        m = _BINARY.fullmatch(source)
        if m:
            left, right = _operand(m.group(1)), _operand(m.group(3))
            if left is not None and right is not None:
                return "binary", (left, m.group(2), right)
        return "jsonata", None

    def evaluate(self, states: Mapping[str, Any], variables: Any = None) -> Any:
        """The JSON value of the expression, or UNDEFINED; JSONata errors propagate."""
        kind = self._kind
        if kind == "operand":
            result = _value(self._data, states, variables)
            if result is not _DEFER:
                return result
        elif kind == "binary":
            left, op, right = self._data
            a = _value(left, states, variables)
            if a is not _DEFER and a is not UNDEFINED:
                b = _value(right, states, variables)
                if b is not _DEFER and b is not UNDEFINED:
                    result = _binary(op, a, b)
                    if result is not _DEFER:
                        return result
        if self._jsonata is None:
            self._jsonata = _parse(self.source)
        return _run(self._jsonata, states, variables)


_CACHE: dict[str, Expression] = {}
_CACHE_LIMIT = 20_000
_CACHE_LOCK = threading.Lock()


def compile_expression(source: str) -> Expression:
    """A cached compiled expression; raises JException for a malformed one."""
    expression = _CACHE.get(source)
    if expression is None:
        expression = Expression(source)
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[source] = expression
    return expression


def _parse(source: str) -> Jsonata:
    compiled = Jsonata(source)
    if compiled.errors:
        raise compiled.errors[0]
    return compiled


class _ScopeFrame(Jsonata.Frame):
    """The root frame of one evaluation: `$states`, then the variables, then the functions.

    It also binds jsonata-python's step callbacks to the evaluation's budget
    (`engine.evaluation_budget.Tracker`): time, steps, sizes and cancellation.
    """

    def __init__(self, states: Mapping[str, Any], variables: Any, tracker: Tracker):
        self.bindings = {"__evaluate_entry": tracker.enter, "__evaluate_exit": tracker.leave}
        self.parent = FUNCTION_FRAME
        self.is_parallel_call = False
        self._states = states
        self._variables = variables

    def lookup(self, name: str) -> Any:
        value = self.bindings.get(name, _NONE)
        if value is not _NONE:
            return value
        if name == "states":
            return self._states
        if self._variables is not None and not name.startswith("__"):
            value = self._variables.get(name, _NONE)
            if value is not _NONE:
                # jsonata-python reads a bare None as "undefined"; a variable holding JSON
                # null must read as null.
                return _NULL if value is None else value
        return FUNCTION_FRAME.lookup(name)


_THREAD = threading.local()


def _instance(compiled: Jsonata) -> Jsonata:
    """This thread's copy of a cached expression.

    jsonata-python keeps evaluation state (current environment, input, timestamp) on the
    instance it evaluates with, so threads running the engine side by side must not share one.
    """
    copies = getattr(_THREAD, "copies", None)
    if copies is None:
        copies = _THREAD.copies = {}
    entry = copies.get(id(compiled))
    if entry is None or entry[0] is not compiled:
        if len(copies) >= _CACHE_LIMIT:
            copies.clear()
        entry = copies[id(compiled)] = (compiled, copy.copy(compiled))
    return entry[1]


def _run(compiled: Jsonata, states: Mapping[str, Any], variables: Any) -> Any:
    instance = _instance(compiled) if threading.current_thread() is not _MAIN else compiled
    # jsonata-python evaluates on the instance most recently constructed in this thread
    # (`Jsonata.CURRENT`); pointing it at this one keeps $now()/$millis() per evaluation.
    Jsonata.CURRENT.jsonata = instance
    instance.timestamp = Timebox.current_milli_time()
    tracker = Tracker()
    # jsonata-python calls ranges through the instance, so the budget's check sits in front.
    instance.evaluate_range_expression = functools.partial(_bounded_range, instance, tracker)
    frame = _ScopeFrame(states, variables, tracker)
    result = instance.eval(instance.ast, None, frame)
    return to_json(result)


def _bounded_range(instance: Jsonata, tracker: Tracker, lhs: Any, rhs: Any) -> Any:
    """`[a..b]` within the evaluation's memory budget (jsonata's own limit is 1e7 items)."""
    if type(lhs) is int and type(rhs) is int and rhs >= lhs:
        tracker.check_range(rhs - lhs + 1)
    return Jsonata.evaluate_range_expression(instance, lhs, rhs)


_MAIN = threading.main_thread()


def to_json(value: Any) -> Any:
    """A JSONata result as plain JSON: UNDEFINED for nothing, None for null, ints for whole numbers.

    AWS runs JSONata on JavaScript numbers, so 3.0 is written 3; jsonata-python's own list
    subclass (which carries sequence flags) is replaced by plain lists so that a stored value
    never changes meaning when it is read back by a later expression.
    """
    if value is None:
        return UNDEFINED
    return _plain(value)


def _plain(value: Any) -> Any:
    t = type(value)
    if t is str or t is bool or t is int:
        return value
    if value is _NULL or value is None:
        return None
    if t is float:
        if not math.isfinite(value):
            raise JException("D1001", 0, value)
        if value.is_integer() and abs(value) < 2 ** 63:
            return int(value)
        return value
    if t is dict:
        out = None
        for k, v in value.items():
            pv = _plain(v)
            if pv is not v:
                if out is None:
                    out = dict(value)
                out[k] = pv
        return value if out is None else out
    if isinstance(value, list):
        if t is list:
            out = None
            for i, v in enumerate(value):
                pv = _plain(v)
                if pv is not v:
                    if out is None:
                        out = list(value)
                    out[i] = pv
            return value if out is None else out
        return [_plain(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    raise _UnsupportedResult(value)


class _UnsupportedResult(Exception):
    """A JSONata result that is no JSON value (a function, a regex)."""
