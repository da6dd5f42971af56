"""Payload templates: Parameters, ResultSelector, ItemSelector (JSONPath mode).

Implements the ASL specification's "Payload Template" section: a key ending in `.$` takes its
value from a path into the effective input (`$.x`), the context object (`$$.x`), a workflow
variable (`$name.x`) or an intrinsic function call (`States.Format(...)`).  A template is
compiled once into a closure; parts without any `.$` key are kept as constants and shared.

Errors: a path that selects nothing fails with States.Runtime and AWS's message
"The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '...'".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.errors import PathNotFound, Runtime
from engine.intrinsics import evaluate_intrinsic, is_intrinsic  # noqa: F401  (re-exported)
from engine.paths import _cache as _path_cache
from engine.paths import compile_path, to_json


class Scope:
    """What a template or path can see: the effective input, the context object, variables.

    `context` is a zero-argument callable building the context object on demand (most states
    never read `$$`, so it is not built per state).
    """

    __slots__ = ("input", "context", "variables")

    def __init__(self, input: Any, context: Callable[[], dict], variables: dict | None = None):
        self.input = input
        self.context = context
        self.variables = variables

    def resolve(self, path: str) -> Any:
        """Resolve `$…`, `$$…` or `$var…`; raise PathNotFound when nothing matches."""
        compiled = _path_cache.get(path)
        if compiled is not None:
            return compiled.get(self.context() if compiled.context else self.input)
        if path.startswith("$$"):
            return compile_path(path).get(self.context())
        if path == "$" or path[1] in ".[":
            return compile_path(path).get(self.input)
        return resolve_variable(path, self.variables)


def resolve_variable(path: str, variables: dict | None) -> Any:
    """`$name` or `$name.a.b` against the workflow variables (issue #4 fills them)."""
    end = len(path)
    for i in range(1, len(path)):
        if path[i] in ".[":
            end = i
            break
    name = path[1:end]
    if not variables or name not in variables:
        raise PathNotFound(path)
    rest = path[end:]
    return compile_path("$" + rest).get(variables[name]) if rest else variables[name]


Template = Callable[[Scope], Any]


def compile_template(template: Any) -> Template:
    """Compile a payload template into `f(scope) -> value`."""
    if isinstance(template, dict):
        if not _is_dynamic(template):
            return lambda scope, _v=template: _v
        parts: list[tuple[str, int, Any]] = []
        for key, value in template.items():
            if key.endswith(".$") and isinstance(value, str):
                parts.append((key[:-2], 1, _compile_expression(key, value)))
            elif _is_dynamic(value):
                parts.append((key, 2, compile_template(value)))
            else:
                parts.append((key, 0, value))

        def evaluate(scope: Scope) -> Any:
            out = {}
            for key, kind, arg in parts:
                out[key] = arg if kind == 0 else arg(scope)
            return out

        return evaluate
    if isinstance(template, list) and _is_dynamic(template):
        items = [compile_template(v) for v in template]
        return lambda scope: [f(scope) for f in items]
    return lambda scope, _v=template: _v


def _is_dynamic(value: Any) -> bool:
    if isinstance(value, dict):
        return any((k.endswith(".$") and isinstance(v, str)) or _is_dynamic(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_is_dynamic(v) for v in value)
    return False


def _compile_expression(key: str, expression: str) -> Template:
    """One `"key.$": "..."` value: a path or an intrinsic call."""
    if expression.startswith("$"):
        if expression.startswith("$$"):
            compiled = compile_path(expression)

            def from_context(scope: Scope) -> Any:
                try:
                    return compiled.get(scope.context())
                except PathNotFound:
                    raise _not_found(expression, key, scope.context()) from None

            return from_context
        if expression == "$" or expression[1] in ".[":
            compiled = compile_path(expression)
            keys = compiled.keys
            if keys is not None and len(keys) == 1 and type(keys[0]) is str:
                name = keys[0]

                def from_input_key(scope: Scope) -> Any:
                    value = scope.input
                    if type(value) is dict and name in value:
                        return value[name]
                    raise _not_found(expression, key, scope.input)

                return from_input_key

            def from_input(scope: Scope) -> Any:
                try:
                    return compiled.get(scope.input)
                except PathNotFound:
                    raise _not_found(expression, key, scope.input) from None

            return from_input

        def from_variable(scope: Scope) -> Any:
            try:
                return resolve_variable(expression, scope.variables)
            except PathNotFound:
                raise _not_found(expression, key, scope.input) from None

        return from_variable

    def from_intrinsic(scope: Scope) -> Any:
        return evaluate_intrinsic(expression, scope.resolve)

    return from_intrinsic


def _not_found(path: str, key: str, data: Any) -> Runtime:
    return Runtime(
        f"The JSONPath '{path}' specified for the field '{key}' could not be found in the input '{to_json(data)}'"
    )
