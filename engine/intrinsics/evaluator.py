"""Evaluation of intrinsic calls: a parsed tree compiled once into nested closures.

An expression is compiled on first use (cached by its text), so the interpreter's hot loops pay
one dict lookup plus the function bodies per evaluation.  A path argument that selects nothing
raises the `PathNotFound` from `resolve` unchanged; the caller knows the field and the input to
phrase it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from engine.errors import Runtime
from engine.evaluation_budget import limits, too_big
from engine.intrinsics.functions_text import fill_template, states_format
from engine.intrinsics.parser import Call, IntrinsicSyntaxError, Literal, Path, parse_intrinsic
from engine.intrinsics.table import INTRINSICS

Resolve = Callable[[str], Any]
Evaluator = Callable[[Resolve], Any]


def evaluate_intrinsic(expression: str, resolve: Resolve) -> Any:
    """Evaluate an intrinsic call; `resolve(path)` supplies the values of path arguments."""
    try:
        evaluator = _compiled(expression)
    except IntrinsicSyntaxError as exc:
        raise Runtime(exc.message) from None
    result = evaluator(resolve)
    if too_big(result):
        # The memory budget of engine.evaluation_budget, as for JSONata.
        raise Runtime(f"The result of {expression[:60]} exceeds the evaluation budget of "
                      f"{limits().items} items or characters")
    return result


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
            return fill_template(pieces, [f(resolve) for f in values])

        return format_literal
    compiled = [_compile(arg) for arg in args]
    return lambda resolve: states_format(*[f(resolve) for f in compiled])
