"""Strict JSON text to Python values: RFC 8259 only, and not too deep.

Python's `json` accepts `NaN`, `Infinity` and `-Infinity`, keeps the last of duplicate keys, and
fails with a RecursionError (not a ValueError) on deeply nested text. Every JSON that comes
from outside (API bodies, execution inputs, definitions, WebSocket messages, TestState) goes
through `loads` here, which refuses all of these with a `StrictJsonError` (a ValueError) whose
message says what is wrong, in the words of the Jackson parser AWS uses where it has some.
"""

from __future__ import annotations

import json
import re
from typing import Any

# How deep objects and arrays may nest. AWS documents no figure; the engine's own recursion
# (copies, paths, JSONata) needs headroom below Python's recursion limit of 1000.
DEFAULT_MAX_DEPTH = 100
_max_depth = DEFAULT_MAX_DEPTH


def configure(*, max_depth: int) -> None:
    """Set the nesting limit `loads` applies by default (designer: STATECRAFT_MAX_JSON_DEPTH)."""
    global _max_depth
    _max_depth = max(1, int(max_depth))


def max_depth() -> int:
    return _max_depth


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class StrictJsonError(ValueError):
    """Text that is not strict JSON, or nests deeper than allowed."""


def refuse_constant(name: str) -> Any:
    """A `parse_constant` hook that refuses NaN, Infinity and -Infinity."""
    # AWS: Jackson's wording for the same tokens.
    raise StrictJsonError(f"Non-standard token '{name}': NaN and Infinity are not valid JSON numbers")


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj: dict = {}
    for key, value in pairs:
        if key in obj:
            raise StrictJsonError(f"Duplicate field '{key}'")
        obj[key] = value
    return obj


def loads(text: str | bytes | bytearray, *, depth: int | None = None) -> Any:
    """Parse strict JSON text; raise StrictJsonError for anything else (never RecursionError).

    `depth` is the nesting limit (default: the configured one).
    """
    limit = depth or _max_depth
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise StrictJsonError("Invalid UTF-8 in JSON text") from None
    try:
        value = json.loads(text, parse_constant=refuse_constant, object_pairs_hook=_pairs)
    except StrictJsonError:
        raise
    except RecursionError:
        raise StrictJsonError(_too_deep(limit)) from None
    except ValueError as exc:
        raise StrictJsonError(str(exc)) from None
    # Both checks walk the whole value, so run them only when the text could fail them: a lone
    # surrogate needs a \\uD800-\\uDFFF escape, too deep a nesting that many brackets.
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    deep = text.count("[") + text.count("{") > limit
    if surrogates or deep:
        check_value(value, depth=limit if deep else None)
    return value


def _too_deep(limit: int) -> str:
    return f"JSON nesting depth exceeds the maximum allowed ({limit})"


def check_value(value: Any, *, depth: int | None = None) -> None:
    """Refuse a parsed value that nests too deeply or holds a lone UTF-16 surrogate (`"\\ud800"`,
    which no database or UTF-8 encoder can store). Iterative, so any depth is measured safely;
    `depth=None` checks the strings only."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        t = type(item)
        if t is str:
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise StrictJsonError("Invalid UTF-16 surrogate in a JSON string") from None
        elif isinstance(item, (dict, list)):
            if depth is not None and level > depth:
                raise StrictJsonError(_too_deep(depth))
            if isinstance(item, dict):
                for key, child in item.items():
                    if not key.isascii():
                        stack.append((key, level))
                    stack.append((child, level + 1))
            else:
                stack.extend((child, level + 1) for child in item)
