"""The intrinsic-call parser: text to a tree of `Call`, `Literal` and `Path` nodes.

Grammar (whitespace is allowed around arguments):

    call      := 'States.' NAME '(' [ argument (',' argument)* ] ')'
    argument  := call | string | number | 'true' | 'false' | 'null' | path
    string    := "'" ( char | '\\' ( "'" | '{' | '}' | '\\' ) )* "'"
    number    := '-'? ( '0' | [1-9][0-9]* ) ( '.' [0-9]+ )? ( [eE] [+-]? [0-9]+ )?
    path      := '$' ...   (`$.x`, `$`, `$$.Execution.Id`, `$var.field`), up to a top-level ',' or ')'

Malformed text (and an unknown function name) is an `IntrinsicSyntaxError`: AWS rejects it when
the state machine is created.  Parsing is cached, so a field's text is parsed once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from engine.intrinsics.table import INTRINSICS


class IntrinsicSyntaxError(ValueError):
    """Malformed intrinsic text; `position` is the 0-based offset where parsing stopped."""

    def __init__(self, message: str, position: int = 0):
        super().__init__(message)
        self.message = message
        self.position = position


# ---------------------------------------------------------------------------------------------
# Parse tree


class _Node:
    """Equality and hashing by `_key()`, so trees compare by content and ignore positions."""

    __slots__ = ()

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash((type(self), *self._key()))


class Literal(_Node):
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

    def _key(self) -> tuple:
        return (type(self.value), self.value)    # true is not 1, 1 is not 1.0


class Path(_Node):
    """A `$…`, `$$…` or `$var…` argument, resolved through the caller's `resolve`."""

    __slots__ = ("path", "position")

    def __init__(self, path: str, position: int):
        self.path = path
        self.position = position

    def __repr__(self) -> str:
        return f"Path({self.path!r})"

    def _key(self) -> tuple:
        return (self.path,)


class Call(_Node):
    """`States.Name(arg, ...)`; `name` is the full name, e.g. "States.Format"."""

    __slots__ = ("name", "args", "position")

    def __init__(self, name: str, args: tuple, position: int):
        self.name = name
        self.args = args
        self.position = position

    def __repr__(self) -> str:
        return f"Call({self.name!r}, {list(self.args)!r})"

    def _key(self) -> tuple:
        return (self.name, self.args)


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
