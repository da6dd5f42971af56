"""Syntax predicates for field values: JSON types, JSONPath and reference paths (with `$$` and
`$var` roots), intrinsic calls and JSONata `{% %}` expressions."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from engine.intrinsics import parse_intrinsic

_VARIABLE_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_REFERENCE_STEP = re.compile(r"\.([^.\[\]'\"*?@()\s,:]+)|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]|\[(\d+)\]")


@lru_cache(maxsize=4096)
def _split_root(path: str) -> tuple[str, str] | None:
    """('context' | 'variable' | 'input', the path with its root normalised to `$`), or None."""
    if not isinstance(path, str) or not path.startswith("$"):
        return None
    if path.startswith("$$"):
        return "context", path[1:]
    m = _VARIABLE_RE.match(path)
    if m and m.group(1) and path[1:2] not in (".", "["):
        return "variable", "$" + path[m.end():]
    return "input", path


@lru_cache(maxsize=4096)
def _is_reference_body(body: str) -> bool:
    pos, n = 1, len(body)
    while pos < n:
        m = _REFERENCE_STEP.match(body, pos)
        if m is None:
            return False
        pos = m.end()
    return True


@lru_cache(maxsize=4096)
def _is_jsonpath_body(body: str) -> bool:
    if _is_reference_body(body):
        return True
    try:
        from jsonpath_ng.ext import parse
        parse(body)
    except Exception:
        return False
    return True


def is_valid_path(path: Any, *, reference: bool = False, context: bool = True,
                  variables: bool = True) -> bool:
    """A JSONPath (or, with `reference`, a reference path: names and indices only).

    `$$…` addresses the context object and `$name…` a workflow variable; either can be refused.
    """
    if not isinstance(path, str):
        return False
    root = _split_root(path)
    if root is None:
        return False
    kind, body = root
    if (kind == "context" and not context) or (kind == "variable" and not variables):
        return False
    return _is_reference_body(body) if reference else _is_jsonpath_body(body)


def intrinsic_error(expression: str) -> str | None:
    """None when `expression` is a well-formed intrinsic call, else the parser's complaint."""
    try:
        parse_intrinsic(expression)
    except Exception as exc:  # IntrinsicSyntaxError, or a parser bug, which must not crash validation
        return str(exc) or "invalid intrinsic function call"
    return None


def is_expression(value: Any) -> bool:
    """A JSONata `{% … %}` string."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def has_type(value: Any, kind: type) -> bool:
    """JSON typing: bool is not a number, an int is a valid float, dict/list subclasses count."""
    if kind is bool or kind is int:
        return type(value) is kind
    if kind is float:
        return type(value) in (int, float)
    return isinstance(value, kind)


def is_int(value: Any) -> bool:
    """A JSON integer: an int, or a float with no fraction (1.0)."""
    return type(value) is int or (type(value) is float and value.is_integer())


def is_number(value: Any) -> bool:
    """A JSON number (a bool is not one)."""
    return type(value) in (int, float)
