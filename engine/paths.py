"""JSONPath and reference paths: compiled once, resolved in the interpreter's tight loop.

Implements the ASL specification's "Paths" and "Reference Paths" sections.  Most paths in real
definitions are plain reference paths (`$.order.items[0]`); those are parsed by hand into a
tuple of keys and walked directly.  Only paths with wildcards, slices, filters or recursive
descent go to jsonpath-ng, whose matches are returned as a list (AWS: an indefinite path
always yields an array, empty when nothing matches, never an error).

`compile_path(path)` returns a `CompiledPath`, cached by text.  `CompiledPath.get(root)` raises
`PathNotFound` when a definite path selects nothing.  `set_path` applies a ResultPath to a
value without mutating it (copy on write along the path): the interpreter never mutates a JSON
value in place, so values can be shared between states, history events and checkpoints.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.errors import PathNotFound, ResultPathMatchFailure

_NAME_END = re.compile(r"[.\[]")
_cache: dict[str, CompiledPath] = {}


class CompiledPath:
    """A parsed JSONPath: `keys` for a definite path, else a jsonpath-ng expression."""

    __slots__ = ("text", "keys", "expr", "context")

    def __init__(self, text: str, keys: tuple | None, expr: Any, context: bool):
        self.text = text
        self.keys = keys          # tuple of str / int for definite paths
        self.expr = expr          # jsonpath-ng expression for the others
        self.context = context    # the path starts with `$$` (context object)

    @property
    def definite(self) -> bool:
        return self.keys is not None

    def get(self, root: Any) -> Any:
        """The value the path selects in `root`; raise PathNotFound if a definite path misses."""
        keys = self.keys
        if keys is None:
            return [m.value for m in self.expr.find(root)]
        value = root
        for key in keys:
            if type(key) is str:
                if type(value) is dict and key in value:
                    value = value[key]
                    continue
            elif type(value) is list and -len(value) <= key < len(value):
                value = value[key]
                continue
            raise PathNotFound(self.text, f"Invalid path '{self.text}' : No results for path: {self.bracketed()}")
        return value

    def bracketed(self) -> str:
        """The path in the normalised bracket form AWS prints in its errors: `$['a'][0]`."""
        if self.keys is None:
            return self.text
        parts = ["$"]
        for key in self.keys:
            parts.append(f"[{key}]" if type(key) is int else f"['{key}']")
        return "".join(parts)


def _parse_definite(path: str) -> tuple | None:
    """Keys of a plain reference path (`$.a.b[0]['c d']`), or None when it needs jsonpath-ng."""
    i, n, keys = 1, len(path), []
    while i < n:
        c = path[i]
        if c == ".":
            if i + 1 < n and path[i + 1] in ".*[":
                return None
            m = _NAME_END.search(path, i + 1)
            end = m.start() if m else n
            name = path[i + 1:end]
            if not name or any(ch in name for ch in "*?()@,:'\" "):
                return None
            keys.append(name)
            i = end
        elif c == "[":
            if i + 1 < n and path[i + 1] in "'\"":
                quote = path[i + 1]
                j, buf = i + 2, []
                while j < n and path[j] != quote:
                    # AWS: a backslash escapes only the closing quote; otherwise it is literal.
                    if path[j] == "\\" and j + 1 < n and path[j + 1] == quote:
                        j += 1
                    buf.append(path[j])
                    j += 1
                if path[j + 1:j + 2] != "]":
                    return None
                keys.append("".join(buf))
                i = j + 2
            else:
                end = path.find("]", i)
                token = path[i + 1:end] if end > 0 else ""
                if not re.fullmatch(r"-?\d+", token):
                    return None
                keys.append(int(token))
                i = end + 1
        else:
            return None
    return tuple(keys)


def compile_path(path: str) -> CompiledPath:
    """Parse `path` (`$…` or `$$…`) once; later calls with the same text hit a cache."""
    compiled = _cache.get(path)
    if compiled is not None:
        return compiled
    context = path.startswith("$$")
    body = path[1:] if context else path
    if not body.startswith("$"):
        raise PathNotFound(path, f"Invalid path '{path}'")
    keys = _parse_definite(body)
    expr = None
    if keys is None:
        from jsonpath_ng.ext import parse  # imported lazily: most machines never need it

        try:
            expr = parse(body)
        except Exception as exc:
            raise PathNotFound(path, f"Invalid path '{path}': {exc}") from None
    compiled = CompiledPath(path, keys, expr, context)
    _cache[path] = compiled
    return compiled


def to_json(value: Any) -> str:
    """Compact JSON text, as AWS prints payloads in history and outputs."""
    return _dumps(value)


def _make_dumps() -> Any:
    """The C encoder called directly: JSONEncoder.encode rebuilds it on every call, which is
    a measurable part of a Pass state's cost."""
    from json import encoder

    if encoder.c_make_encoder is None:  # pragma: no cover - pure-Python json
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    make = encoder.c_make_encoder
    escape = encoder.encode_basestring

    def default(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def dumps(value: Any) -> str:
        if type(value) is str:
            return escape(value)
        # A fresh markers dict: circular structures raise ValueError instead of recursing.
        return "".join(make({}, default, escape, None, ":", ",", False, False, False)(value, 0))

    return dumps


_dumps = _make_dumps()

# JSON text of big subtrees, by identity.  Values are never mutated in place (see the module
# docstring), so a subtree that a ResultPath merge carried over unchanged has the same text.
_memo: dict[int, tuple[Any, str]] = {}
_MEMO_MIN_CHARS = 4096
_MEMO_SIZE = 32


def to_json_sharing(value: Any) -> str:
    """Like `to_json`, reusing the text of big subtrees seen before (for big payloads).

    Only the top level is taken apart: a state's output is usually its input with one field
    set, so the other fields are the very same objects as before.
    """
    if type(value) is not dict:
        return _dumps(value)
    parts = []
    for key, child in value.items():
        if type(child) is dict or type(child) is list:
            entry = _memo.get(id(child))
            if entry is not None and entry[0] is child:
                text = entry[1]
            else:
                text = _dumps(child)
                if len(text) >= _MEMO_MIN_CHARS:
                    if len(_memo) >= _MEMO_SIZE:
                        try:  # another thread may be evicting too (run() off a running loop)
                            del _memo[next(iter(_memo))]
                        except (KeyError, RuntimeError, StopIteration):
                            pass
                    _memo[id(child)] = (child, text)
        else:
            text = _dumps(child)
        parts.append(_dumps(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


def set_path(root: Any, path: str, value: Any) -> Any:
    """A copy of `root` with `value` placed at reference path `path` (a ResultPath).

    Missing objects along the path are created.  AWS: a path step through a value that is not
    an object (or an array index that does not exist) fails with States.ResultPathMatchFailure.
    """
    if path == "$":
        return value
    compiled = compile_path(path)
    keys = compiled.keys
    if keys is None or compiled.context:
        raise ResultPathMatchFailure(f"Invalid ResultPath '{path}'")
    return _set(root, keys, 0, value, path)


def _set(node: Any, keys: tuple, i: int, value: Any, path: str) -> Any:
    key = keys[i]
    last = i == len(keys) - 1
    if type(key) is str:
        if type(node) is not dict:
            raise ResultPathMatchFailure(f"Unable to apply ReferencePath {path} to input {_dumps(node)}")
        copy = dict(node)
        copy[key] = value if last else _set(node.get(key, {}) if key in node else {}, keys, i + 1, value, path)
        return copy
    if type(node) is not list or not -len(node) <= key < len(node):
        raise ResultPathMatchFailure(f"Unable to apply ReferencePath {path} to input {_dumps(node)}")
    copy = list(node)
    copy[key] = value if last else _set(node[key], keys, i + 1, value, path)
    return copy
