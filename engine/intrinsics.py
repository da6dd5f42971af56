"""Intrinsic functions (`States.Format(...)` and the other 17): a hand-written parser and evaluator.

Implements the ASL specification's "Intrinsic Functions" section and the Step Functions
developer guide's "Intrinsic functions for JSONPath states" page.  An expression is parsed once
(`parse_intrinsic`, cached) into a small call tree and compiled into nested closures, so the
interpreter's hot loops pay one dict lookup plus the function bodies per evaluation.

Grammar (whitespace is allowed around arguments):

    call      := 'States.' NAME '(' [ argument (',' argument)* ] ')'
    argument  := call | string | number | 'true' | 'false' | 'null' | path
    string    := "'" ( char | '\\' ( "'" | '{' | '}' | '\\' ) )* "'"
    number    := '-'? ( '0' | [1-9][0-9]* ) ( '.' [0-9]+ )? ( [eE] [+-]? [0-9]+ )?
    path      := '$' ...   (`$.x`, `$`, `$$.Execution.Id`, `$var.field`), up to a top-level ',' or ')'

Malformed text (and an unknown function name) is an `IntrinsicSyntaxError`: AWS rejects it when
the state machine is created.  Everything else - argument counts, argument types, ranges - is
checked only when the call runs, as AWS does, and fails with States.Runtime and the cause
"Invalid arguments in States.<Name>".  A path argument that selects nothing raises the
`PathNotFound` from `resolve` unchanged; the caller knows the field and the input to phrase it.

Much of the behaviour below was characterised against AWS rather than read from the docs; each
such place carries an `AWS:` comment.

The module is longer than the house's ~400 lines because the parser, the evaluator and the
function table are one unit owned as one file; the 18 function bodies are short and sit together
below the `INTRINSICS` helpers so each can be read against its docstring.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import re
import struct
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from engine.errors import Runtime

__all__ = [
    "INTRINSICS",
    "Call",
    "IntrinsicArgumentError",
    "IntrinsicSyntaxError",
    "Literal",
    "Path",
    "evaluate_intrinsic",
    "is_intrinsic",
    "lint_intrinsic",
    "parse_intrinsic",
]

MAX_STRING_LENGTH = 10_000   # Base64Encode, Base64Decode, Hash (developer guide)
MAX_RANGE_ITEMS = 1_000      # ArrayRange (developer guide)
MAX_NESTING = 10             # "You can nest up to 10 intrinsic functions within a field"
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class IntrinsicSyntaxError(ValueError):
    """Malformed intrinsic text; `position` is the 0-based offset where parsing stopped."""

    def __init__(self, message: str, position: int = 0):
        super().__init__(message)
        self.message = message
        self.position = position


class IntrinsicArgumentError(Runtime):
    """A call whose arguments AWS rejects at run time (States.Runtime).

    AWS: the error is States.Runtime, not States.IntrinsicFailure, and the cause reads
    "Invalid arguments in States.<Name>"; `detail` says what exactly was wrong, for our own logs.
    """

    def __init__(self, name: str, detail: str = ""):
        super().__init__(f"Invalid arguments in {name}")
        self.function = name
        self.detail = detail


# ---------------------------------------------------------------------------------------------
# Parse tree


class Literal:
    """A constant argument: string, number, boolean or null.

    For a string literal, `template` holds the pieces between its `{}` placeholders (escaped
    braces count as text), or None when the literal has an unpaired `{` or `}`; States.Format
    uses it when the literal is its first argument.
    """

    __slots__ = ("value", "position", "template")

    def __init__(self, value: Any, position: int, template: tuple[str, ...] | None = None):
        self.value = value
        self.position = position
        self.template = template

    def __repr__(self) -> str:
        return f"Literal({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is Literal and type(other.value) is type(self.value) and other.value == self.value

    def __hash__(self) -> int:
        return hash((Literal, self.value))


class Path:
    """A `$…`, `$$…` or `$var…` argument, resolved through the caller's `resolve`."""

    __slots__ = ("path", "position")

    def __init__(self, path: str, position: int):
        self.path = path
        self.position = position

    def __repr__(self) -> str:
        return f"Path({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is Path and other.path == self.path

    def __hash__(self) -> int:
        return hash((Path, self.path))


class Call:
    """`States.Name(arg, ...)`; `name` is the full name, e.g. "States.Format"."""

    __slots__ = ("name", "args", "position")

    def __init__(self, name: str, args: tuple, position: int):
        self.name = name
        self.args = args
        self.position = position

    def __repr__(self) -> str:
        return f"Call({self.name!r}, {list(self.args)!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is Call and other.name == self.name and other.args == self.args

    def __hash__(self) -> int:
        return hash((Call, self.name, self.args))


# ---------------------------------------------------------------------------------------------
# Parser

_CALL_SHAPE = re.compile(r"\s*States\.[A-Za-z0-9]+\s*\(")
_NAME = re.compile(r"[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_KEYWORDS = {"true": True, "false": False, "null": None}
_ESCAPES = "'{}\\"


def is_intrinsic(text: Any) -> bool:
    """True when `text` has the shape of an intrinsic call: `States.Name(` … `)`."""
    return type(text) is str and text.startswith("States.") and _CALL_SHAPE.match(text) is not None \
        and text.rstrip().endswith(")")


@lru_cache(maxsize=4096)
def parse_intrinsic(expression: str) -> Call:
    """Parse an intrinsic call into a `Call` tree; raise IntrinsicSyntaxError when malformed."""
    if type(expression) is not str:
        raise IntrinsicSyntaxError("An intrinsic function call must be a string", 0)
    parser = _Parser(expression)
    parser.skip_space()
    if not expression.startswith("States.", parser.pos):
        raise IntrinsicSyntaxError(
            f"Expected an intrinsic function call starting with 'States.' at position {parser.pos}", parser.pos
        )
    call = parser.call()
    parser.skip_space()
    if parser.pos != len(expression):
        raise IntrinsicSyntaxError(
            f"Unexpected text {expression[parser.pos:parser.pos + 20]!r} after the closing ')' "
            f"at position {parser.pos}",
            parser.pos,
        )
    return call


class _Parser:
    __slots__ = ("text", "pos")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def fail(self, message: str, position: int | None = None) -> IntrinsicSyntaxError:
        pos = self.pos if position is None else position
        return IntrinsicSyntaxError(f"{message} at position {pos}", pos)

    def skip_space(self) -> None:
        text, pos, n = self.text, self.pos, len(self.text)
        while pos < n and text[pos] in " \t\n\r":
            pos += 1
        self.pos = pos

    def call(self) -> Call:
        start = self.pos
        self.pos += len("States.")
        m = _NAME.match(self.text, self.pos)
        if m is None:
            raise self.fail("Expected a function name after 'States.'")
        name = "States." + m.group()
        if name not in INTRINSICS:
            raise self.fail(f"Unknown intrinsic function '{name}'", start)
        self.pos = m.end()
        self.skip_space()
        if not self.text.startswith("(", self.pos):
            raise self.fail(f"Expected '(' after '{name}'")
        self.pos += 1
        args: list[Any] = []
        self.skip_space()
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return Call(name, (), start)
        while True:
            self.skip_space()
            args.append(self.argument())
            self.skip_space()
            if self.pos >= len(self.text):
                raise self.fail(f"Expected ',' or ')' to continue the arguments of '{name}' but the text ended")
            c = self.text[self.pos]
            self.pos += 1
            if c == ")":
                return Call(name, tuple(args), start)
            if c != ",":
                raise self.fail(f"Expected ',' or ')' in the arguments of '{name}' but found {c!r}", self.pos - 1)

    def argument(self) -> Any:
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise self.fail("Expected an argument but the text ended")
        c = text[pos]
        if c == "'":
            return self.string()
        if c == "$":
            return self.path()
        if c == "-" or c.isdigit():
            m = _NUMBER.match(text, pos)
            if m is None:
                raise self.fail("Expected a number")
            end = m.end()
            if end < len(text) and (text[end].isalnum() or text[end] in "._"):
                raise self.fail("Malformed number", pos)
            self.pos = end
            literal = m.group()
            value: Any = int(literal) if literal.lstrip("-").isdigit() else float(literal)
            return Literal(value, pos)
        if text.startswith("States.", pos):
            return self.call()
        m = _WORD.match(text, pos)
        if m is not None and m.group() in _KEYWORDS:
            self.pos = m.end()
            return Literal(_KEYWORDS[m.group()], pos)
        if c in ",)":
            raise self.fail(f"Expected an argument but found {c!r}")
        found = m.group() if m is not None else c
        raise self.fail(
            f"Expected a string in single quotes, a number, true, false, null, a path starting with '$' "
            f"or a 'States.' call but found {found!r}"
        )

    def string(self) -> Literal:
        text, start = self.text, self.pos
        pos, n = start + 1, len(text)
        value: list[str] = []
        pieces: list[str] = []      # literal text between placeholders, for States.Format
        piece: list[str] = []
        balanced = True
        while True:
            if pos >= n:
                raise self.fail("Unterminated string literal starting", start)
            c = text[pos]
            if c == "'":
                break
            if c == "\\":
                if pos + 1 >= n or text[pos + 1] not in _ESCAPES:
                    # AWS: an "open" backslash is rejected; only \' \{ \} \\ are escapes.
                    bad = text[pos:pos + 2]
                    raise self.fail(f"Invalid escape sequence {bad!r} in a string literal", pos)
                c = text[pos + 1]
                value.append(c)
                piece.append(c)
                pos += 2
                continue
            if c == "{":
                if text.startswith("{}", pos):
                    value.append("{}")
                    pieces.append("".join(piece))
                    piece = []
                    pos += 2
                    continue
                balanced = False
            elif c == "}":
                balanced = False
            value.append(c)
            piece.append(c)
            pos += 1
        self.pos = pos + 1
        pieces.append("".join(piece))
        return Literal("".join(value), start, tuple(pieces) if balanced else None)

    def path(self) -> Path:
        text, start = self.text, self.pos
        pos, n = start, len(text)
        depth = 0
        quote = ""
        while pos < n:
            c = text[pos]
            if quote:
                if c == "\\":
                    pos += 2
                    continue
                if c == quote:
                    quote = ""
            elif c in "'\"" and depth:
                quote = c
            elif c in "[(":
                depth += 1
            elif c in "])":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (c == "," or c in " \t\n\r"):
                break
            pos += 1
        if quote or depth:
            raise self.fail("Unterminated bracket or quote in the path starting", start)
        self.pos = pos
        return Path(text[start:pos], start)


# ---------------------------------------------------------------------------------------------
# Evaluation

Resolve = Callable[[str], Any]
Evaluator = Callable[[Resolve], Any]


def evaluate_intrinsic(expression: str, resolve: Resolve) -> Any:
    """Evaluate an intrinsic call; `resolve(path)` supplies the values of path arguments."""
    try:
        evaluator = _compiled(expression)
    except IntrinsicSyntaxError as exc:
        raise Runtime(exc.message) from None
    return evaluator(resolve)


@lru_cache(maxsize=4096)
def _compiled(expression: str) -> Evaluator:
    return _compile(parse_intrinsic(expression))


def _compile(node: Any) -> Evaluator:
    if type(node) is Literal:
        value = node.value
        return lambda resolve: value
    if type(node) is Path:
        path = node.path
        return lambda resolve: resolve(path)
    if node.name == "States.Format":
        return _compile_format(node)
    function = INTRINSICS[node.name]
    args = [_compile(arg) for arg in node.args]
    if not args:
        return lambda resolve: function()
    if len(args) == 1:
        (a,) = args
        return lambda resolve: function(a(resolve))
    if len(args) == 2:
        a, b = args
        return lambda resolve: function(a(resolve), b(resolve))
    return lambda resolve: function(*[f(resolve) for f in args])


def _compile_format(node: Call) -> Evaluator:
    args = node.args
    first = args[0] if args else None
    if type(first) is Literal and type(first.value) is str:
        # The template is known now; escaped braces in it are text, not placeholders.
        pieces = first.template
        values = [_compile(arg) for arg in args[1:]]

        def format_literal(resolve: Resolve) -> str:
            return _format(pieces, [f(resolve) for f in values])

        return format_literal
    compiled = [_compile(arg) for arg in args]
    return lambda resolve: states_format(*[f(resolve) for f in compiled])


# ---------------------------------------------------------------------------------------------
# Value helpers


def _invalid(name: str, detail: str) -> IntrinsicArgumentError:
    return IntrinsicArgumentError(name, detail)


def _arity(name: str, args: tuple, low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise _invalid(name, f"expected {expected} arguments, got {len(args)}")


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _truncate(name: str, value: Any, what: str) -> int:
    """A number argument as an integer, fraction dropped.

    AWS: ArrayPartition, ArrayRange, ArrayGetItem and MathRandom truncate fractional numbers
    toward zero (2.6 -> 2, -0.6 -> 0), although the guide speaks of rounding.
    """
    if not _is_number(value):
        raise _invalid(name, f"{what} must be a number, got {_type_name(value)}")
    if type(value) is float:
        if not math.isfinite(value):
            raise _invalid(name, f"{what} must be finite")
        return int(value)
    return value


def _java_round(value: float) -> int:
    """Java's Math.round: halves go up toward positive infinity (-1.5 -> -1, 2.5 -> 3)."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )


def _java_double(value: float) -> str:
    """Java's Double.toString: plain in [1e-3, 1e7), else `1.5E10`; always a fractional digit."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = repr(abs(value))                      # shortest round-trip digits, as Java 19+
    mantissa, _, exp = text.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    point = len(int_part.lstrip("0")) if int_part.strip("0") else -(len(frac_part) - len(frac_part.lstrip("0")))
    point += int(exp or 0)                       # value = 0.digits * 10**point
    digits = digits.rstrip("0") or "0"
    sign = "-" if value < 0 else ""
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}.0"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"


def _java_str(value: Any) -> str:
    """A value as Java's String.valueOf prints the deserialised JSON (maps print `{k=v, k2=v2}`).

    AWS: States.Format interpolates arguments this way (`$$.StateMachine` prints as
    `{Id=arn:..., Name=...}`, null as `null`), and States.ArrayContains compares by it.
    """
    t = type(value)
    if t is str:
        return value
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is float:
        return _java_double(value)
    if t is list:
        return "[" + ", ".join(_java_str(v) for v in value) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k}={_java_str(v)}" for k, v in value.items()) + "}"
    return str(value)


def _needs_java_floats(value: Any) -> bool:
    t = type(value)
    if t is float:
        a = abs(value)
        return not math.isfinite(value) or (a != 0 and (a < 1e-3 or a >= 1e7))
    if t is list:
        return any(_needs_java_floats(v) for v in value)
    if t is dict:
        return any(_needs_java_floats(v) for v in value.values())
    return False


def to_json_text(value: Any) -> str:
    """Compact JSON text the way Step Functions writes it (Jackson): no spaces, UTF-8 kept.

    AWS: doubles print as Java does (`1.0E7`, `1.0E-4`); Python's json agrees everywhere else.
    """
    if not _needs_java_floats(value):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _json_java(value)


def _json_java(value: Any) -> str:
    t = type(value)
    if t is float:
        return _java_double(value)
    if t is list:
        return "[" + ",".join(_json_java(v) for v in value) + "]"
    if t is dict:
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _json_java(v) for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _java_length(text: str) -> int:
    """String length in UTF-16 code units, as Java counts it."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# Java hash codes of the values Jackson deserialises JSON into (String, Integer, Long, Double,
# Boolean, ArrayList, LinkedHashMap), used to reproduce the iteration order of a java.util.HashSet.

def _int32(h: int) -> int:
    h &= 0xFFFFFFFF
    return h - 0x1_0000_0000 if h & 0x8000_0000 else h


def _java_hash(value: Any) -> int:
    t = type(value)
    if value is None:
        return 0
    if t is str:
        h = 0
        for ch in value:
            o = ord(ch)
            if o > 0xFFFF:
                o -= 0x10000
                h = (31 * h + (0xD800 + (o >> 10))) & 0xFFFFFFFF
                o = 0xDC00 + (o & 0x3FF)
            h = (31 * h + o) & 0xFFFFFFFF
        return _int32(h)
    if t is bool:
        return 1231 if value else 1237
    if t is int:
        if INT32_MIN <= value <= INT32_MAX:
            return value
        v = value & 0xFFFFFFFFFFFFFFFF
        return _int32(v ^ (v >> 32))
    if t is float:
        (bits,) = struct.unpack(">Q", struct.pack(">d", value))
        return _int32(bits ^ (bits >> 32))
    if t is list:
        h = 1
        for v in value:
            h = (31 * h + _java_hash(v)) & 0xFFFFFFFF
        return _int32(h)
    if t is dict:
        h = 0
        for k, v in value.items():
            h += _java_hash(k) ^ _java_hash(v)
        return _int32(h)
    return hash(value)


def _java_key(value: Any) -> Any:
    """A hashable key with Java's equals: 1 and 1.0 differ, true and 1 differ, maps ignore order."""
    t = type(value)
    if t is list:
        return ("l", tuple(_java_key(v) for v in value))
    if t is dict:
        return ("d", frozenset((k, _java_key(v)) for k, v in value.items()))
    if t is float:
        return ("f", value, math.copysign(1.0, value))
    return (t.__name__, value)


class _JavaRandom:
    """java.util.Random (a 48-bit linear congruential generator), for seeded MathRandom."""

    __slots__ = ("seed",)
    _MULT, _ADD, _MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1

    def __init__(self, seed: int):
        self.seed = (seed ^ self._MULT) & self._MASK

    def next(self, bits: int) -> int:
        self.seed = (self.seed * self._MULT + self._ADD) & self._MASK
        return _int32(self.seed >> (48 - bits))

    def next_int(self, bound: int) -> int:
        if bound & -bound == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + (bound - 1) < 2**31:
                return val


# ---------------------------------------------------------------------------------------------
# The functions.  Each takes the evaluated arguments positionally.


def _format(pieces: tuple[str, ...] | None, values: list[Any]) -> str:
    name = "States.Format"
    if pieces is None:
        # AWS: an unpaired '{' or '}' in the template ('Hello {', '{{}}', '}') fails at run time.
        raise _invalid(name, "the template has an unpaired '{' or '}'")
    if len(pieces) - 1 != len(values):
        raise _invalid(name, f"the template has {len(pieces) - 1} placeholders but {len(values)} values were given")
    if not values:
        return pieces[0]
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        out.append(_java_str(value))
        out.append(piece)
    return "".join(out)


@lru_cache(maxsize=1024)
def _template_pieces(template: str) -> tuple[str, ...] | None:
    """Split a template taken from a path: `{}` is a placeholder, a lone brace is an error."""
    pieces = template.split("{}")
    if any("{" in p or "}" in p for p in pieces):
        return None
    return tuple(pieces)


def states_format(*args: Any) -> str:
    """States.Format(template, value...): each `{}` replaced by the next value."""
    if not args:
        raise _invalid("States.Format", "expected at least 1 argument")
    template = args[0]
    if type(template) is not str:
        raise _invalid("States.Format", f"the template must be a string, got {_type_name(template)}")
    return _format(_template_pieces(template), list(args[1:]))


def states_string_to_json(*args: Any) -> Any:
    """States.StringToJson(text): the parsed JSON value."""
    name = "States.StringToJson"
    _arity(name, args, 1)
    (text,) = args
    if type(text) is not str:
        raise _invalid(name, f"the argument must be a string, got {_type_name(text)}")
    if not text.strip():
        # AWS: an empty or blank string parses to null rather than failing.
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise _invalid(name, f"the argument is not valid JSON: {exc}") from None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def states_json_to_string(*args: Any) -> str:
    """States.JsonToString(value): compact JSON text."""
    _arity("States.JsonToString", args, 1)
    return to_json_text(args[0])


def states_array(*args: Any) -> list:
    """States.Array(value...): the arguments as an array."""
    return list(args)


def states_array_partition(*args: Any) -> list:
    """States.ArrayPartition(array, size): consecutive chunks of `size`, the last one shorter."""
    name = "States.ArrayPartition"
    _arity(name, args, 2)
    array, size = args
    if type(array) is not list:
        raise _invalid(name, f"the first argument must be an array, got {_type_name(array)}")
    chunk = _truncate(name, size, "the chunk size")
    if chunk <= 0:
        raise _invalid(name, f"the chunk size must be positive, got {size}")
    return [array[i:i + chunk] for i in range(0, len(array), chunk)]


def states_array_contains(*args: Any) -> bool:
    """States.ArrayContains(array, value): whether `value` is an element of `array`."""
    name = "States.ArrayContains"
    _arity(name, args, 2)
    array, target = args
    if type(array) is not list:
        raise _invalid(name, f"the first argument must be an array, got {_type_name(array)}")
    # AWS: elements are compared by their Java string form, so 42 matches "42", true matches
    # "true", and objects match only with the same key order.
    wanted = _java_str(target)
    return any(_java_str(item) == wanted for item in array)


def states_array_range(*args: Any) -> list:
    """States.ArrayRange(first, last, step): first, first+step, … up to and including last."""
    name = "States.ArrayRange"
    _arity(name, args, 3)
    first = _truncate(name, args[0], "the start")
    last = _truncate(name, args[1], "the end")
    step = _truncate(name, args[2], "the step")
    if step == 0:
        raise _invalid(name, "the step must not be 0")
    count = 0 if (last - first) * step < 0 else (last - first) // step + 1
    if count > MAX_RANGE_ITEMS:
        raise _invalid(name, f"the range has {count} items, more than {MAX_RANGE_ITEMS}")
    # AWS: a negative step counts down; a step pointing away from `last` yields [].
    return list(range(first, last + (1 if step > 0 else -1), step))


def states_array_get_item(*args: Any) -> Any:
    """States.ArrayGetItem(array, index): the element at the 0-based `index`."""
    name = "States.ArrayGetItem"
    _arity(name, args, 2)
    array, index = args
    if type(array) is not list:
        raise _invalid(name, f"the first argument must be an array, got {_type_name(array)}")
    i = _truncate(name, index, "the index")
    if not array and i >= 0:
        # AWS: any index into an empty array yields null instead of failing.
        return None
    if not 0 <= i < len(array):
        raise _invalid(name, f"the index {index} is out of bounds for an array of length {len(array)}")
    return array[i]


def states_array_length(*args: Any) -> int:
    """States.ArrayLength(array): the number of elements."""
    name = "States.ArrayLength"
    _arity(name, args, 1)
    (array,) = args
    if type(array) is not list:
        raise _invalid(name, f"the argument must be an array, got {_type_name(array)}")
    return len(array)


def states_array_unique(*args: Any) -> list:
    """States.ArrayUnique(array): the distinct elements.

    AWS: the result comes out of a java.util.HashSet, so it is ordered by hash bucket rather
    than first occurrence ([true, false] -> [false, true]; [[1, 2], [2, 1]] -> [[2, 1], [1, 2]]).
    We rebuild that order from Java's hash codes, sizing the table as `new HashSet<>(list)` does.
    Equality is Java's: maps ignore key order, 1 and 1.0 differ.
    """
    name = "States.ArrayUnique"
    _arity(name, args, 1)
    (array,) = args
    if type(array) is not list:
        raise _invalid(name, f"the argument must be an array, got {_type_name(array)}")
    seen: set = set()
    unique: list[Any] = []
    for item in array:
        key = _java_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    capacity = 16
    wanted = max(int(len(array) / 0.75) + 1, 16)
    while capacity < wanted:
        capacity <<= 1
    mask = capacity - 1

    def bucket(item: Any) -> int:
        h = _java_hash(item) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & mask

    return sorted(unique, key=bucket)


def states_base64_encode(*args: Any) -> str:
    """States.Base64Encode(text): Base64 of the UTF-8 bytes, with padding."""
    name = "States.Base64Encode"
    _arity(name, args, 1)
    (text,) = args
    if type(text) is not str:
        raise _invalid(name, f"the argument must be a string, got {_type_name(text)}")
    if _java_length(text) > MAX_STRING_LENGTH:
        raise _invalid(name, f"the input is longer than {MAX_STRING_LENGTH} characters")
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")


_B64_ALPHABET = re.compile(r"[^A-Za-z0-9+/\-_=]+")


def states_base64_decode(*args: Any) -> str:
    """States.Base64Decode(text): the decoded bytes as UTF-8 text.

    AWS: decoding is lenient (a MIME-style decoder): characters outside the Base64 alphabet are
    skipped, decoding stops at the first '=', and missing padding or a trailing partial group is
    tolerated ('abc', 'ab==cd' and ' YWJjZA== ' all decode).  Invalid UTF-8 becomes U+FFFD.
    """
    name = "States.Base64Decode"
    _arity(name, args, 1)
    (text,) = args
    if type(text) is not str:
        raise _invalid(name, f"the argument must be a string, got {_type_name(text)}")
    if _java_length(text) > MAX_STRING_LENGTH:
        raise _invalid(name, f"the input is longer than {MAX_STRING_LENGTH} characters")
    cleaned = _B64_ALPHABET.sub("", text).partition("=")[0].replace("-", "+").replace("_", "/")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]      # a lone trailing character carries no whole byte
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _invalid(name, f"the argument is not Base64: {exc}") from None
    return raw.decode("utf-8", "replace")


_HASHES = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def states_hash(*args: Any) -> str:
    """States.Hash(data, algorithm): the lowercase hex digest of the UTF-8 bytes of `data`."""
    name = "States.Hash"
    _arity(name, args, 2)
    data, algorithm = args
    if type(algorithm) is not str or algorithm not in _HASHES:
        # The names are matched exactly: 'sha-256', 'SHA256' and 'MD-5' are all rejected.
        raise _invalid(name, f"the algorithm must be one of {', '.join(_HASHES)}, got {algorithm!r}")
    # AWS: a non-string data argument is hashed in its Java string form instead of failing.
    text = data if type(data) is str else _java_str(data)
    if _java_length(text) > MAX_STRING_LENGTH:
        raise _invalid(name, f"the input is longer than {MAX_STRING_LENGTH} characters")
    return _HASHES[algorithm](text.encode("utf-8", "surrogatepass")).hexdigest()


def states_json_merge(*args: Any) -> dict:
    """States.JsonMerge(left, right, false): keys of `right` override those of `left` (shallow)."""
    name = "States.JsonMerge"
    _arity(name, args, 3)
    left, right, deep = args
    if type(left) is not dict or type(right) is not dict:
        bad = left if type(left) is not dict else right
        raise _invalid(name, f"both objects to merge must be JSON objects, got {_type_name(bad)}")
    if deep is True:
        raise _invalid(name, "deep merging is not supported; the third argument must be false")
    # AWS: any third argument other than true (even the string 'false') means a shallow merge.
    merged = dict(left)
    merged.update(right)
    return merged


def states_math_random(*args: Any) -> int:
    """States.MathRandom(start, end[, seed]): an integer in [start, end).

    AWS: the end is exclusive and bounds are truncated (1.6 -> 1); start must be below end.
    With a seed we draw `start + new java.util.Random(seed).nextInt(end - start)`, which is
    deterministic per seed; that AWS uses exactly this draw is our assumption, not documented.
    """
    name = "States.MathRandom"
    _arity(name, args, 2, 3)
    start = _truncate(name, args[0], "the start")
    end = _truncate(name, args[1], "the end")
    if not INT32_MIN <= start < end <= INT32_MAX:
        raise _invalid(name, f"the start ({start}) must be lower than the end ({end}), both 32-bit integers")
    span = end - start
    if len(args) == 3:
        seed = _truncate(name, args[2], "the seed")
        if span <= INT32_MAX:
            return start + _JavaRandom(seed).next_int(span)
        return start + random.Random(seed).randrange(span)
    return start + random.randrange(span)


def states_math_add(*args: Any) -> int:
    """States.MathAdd(a, b): the sum of two 32-bit integers, fractions rounded first."""
    name = "States.MathAdd"
    _arity(name, args, 2)
    total = 0
    for value in args:
        if not _is_number(value):
            raise _invalid(name, f"the operands must be numbers, got {_type_name(value)}")
        if type(value) is float:
            if not math.isfinite(value):
                raise _invalid(name, "the operands must be finite")
            # AWS: MathAdd rounds like Java's Math.round (unlike the truncating array functions).
            value = _java_round(value)
        if not INT32_MIN <= value <= INT32_MAX:
            raise _invalid(name, f"the operand {value} is outside the 32-bit integer range")
        total += value
    if not INT32_MIN <= total <= INT32_MAX:
        raise _invalid(name, f"the sum {total} is outside the 32-bit integer range")
    return total


def states_string_split(*args: Any) -> list:
    """States.StringSplit(text, delimiters): split on any of the delimiter characters.

    AWS: behaves like Java's StringTokenizer: every character of the second argument is a
    delimiter and empty tokens are dropped (',a,,b,' -> ['a', 'b'], '' -> []).
    """
    name = "States.StringSplit"
    _arity(name, args, 2)
    text, delimiters = args
    if type(text) is not str or type(delimiters) is not str:
        bad = text if type(text) is not str else delimiters
        raise _invalid(name, f"both arguments must be strings, got {_type_name(bad)}")
    if not delimiters:
        return [text] if text else []
    if len(delimiters) == 1:
        return [token for token in text.split(delimiters) if token]
    return [token for token in re.split("[" + re.escape(delimiters) + "]", text) if token]


def states_uuid(*args: Any) -> str:
    """States.UUID(): a random version 4 UUID."""
    _arity("States.UUID", args, 0)
    return str(uuid.uuid4())


INTRINSICS: dict[str, Callable[..., Any]] = {
    "States.Format": states_format,
    "States.StringToJson": states_string_to_json,
    "States.JsonToString": states_json_to_string,
    "States.Array": states_array,
    "States.ArrayPartition": states_array_partition,
    "States.ArrayContains": states_array_contains,
    "States.ArrayRange": states_array_range,
    "States.ArrayGetItem": states_array_get_item,
    "States.ArrayLength": states_array_length,
    "States.ArrayUnique": states_array_unique,
    "States.Base64Encode": states_base64_encode,
    "States.Base64Decode": states_base64_decode,
    "States.Hash": states_hash,
    "States.JsonMerge": states_json_merge,
    "States.MathRandom": states_math_random,
    "States.MathAdd": states_math_add,
    "States.StringSplit": states_string_split,
    "States.UUID": states_uuid,
}

# Argument counts (min, max; None = unbounded), for lint_intrinsic.
ARITY: dict[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}


def lint_intrinsic(expression: str) -> list[str]:
    """Problems that will certainly fail at run time but that AWS accepts at create time.

    Returns messages for wrong argument counts, for literal States.Format templates whose
    placeholders do not match the values, and for calls nested deeper than the documented limit
    of 10, so validation can report them.  Raises IntrinsicSyntaxError for malformed text, like
    `parse_intrinsic`.
    """
    problems: list[str] = []

    def visit(node: Any, depth: int = 1) -> None:
        if type(node) is not Call:
            return
        if depth == MAX_NESTING + 1:
            problems.append(
                f"{node.name} is nested {depth} calls deep; intrinsic functions nest at most {MAX_NESTING} deep "
                f"(position {node.position})"
            )
        low, high = ARITY[node.name]
        n = len(node.args)
        if n < low or (high is not None and n > high):
            expected = str(low) if low == high else f"at least {low}" if high is None else f"{low} to {high}"
            problems.append(f"{node.name} takes {expected} argument(s) but is given {n} (position {node.position})")
        if node.name == "States.Format" and node.args:
            first = node.args[0]
            if type(first) is Literal and type(first.value) is str:
                if first.template is None:
                    problems.append(f"States.Format template has an unpaired '{{' or '}}' (position {first.position})")
                elif len(first.template) - 1 != n - 1:
                    problems.append(
                        f"States.Format template has {len(first.template) - 1} placeholder(s) but is given "
                        f"{n - 1} value(s) (position {node.position})"
                    )
        for arg in node.args:
            visit(arg, depth + 1)

    visit(parse_intrinsic(expression))
    return problems
