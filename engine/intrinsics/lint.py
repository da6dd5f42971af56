"""Create-time lint of intrinsic calls: problems AWS accepts at create time but that will fail."""

from __future__ import annotations

from typing import Any

from engine.intrinsics.parser import Call, Literal, parse_intrinsic
from engine.intrinsics.table import ARITY

MAX_NESTING = 10             # "You can nest up to 10 intrinsic functions within a field"


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
