"""The math intrinsics: States.MathRandom and States.MathAdd ("Intrinsics for Math operations"
in the developer guide).

Each takes the evaluated arguments positionally.
"""

from __future__ import annotations

import math
import random
from typing import Any

from engine.intrinsics.arguments import IntrinsicArgumentError, check_arity, is_number, truncate, type_name
from engine.intrinsics.java_text import INT32_MAX, INT32_MIN, JavaRandom, java_round


def states_math_random(*args: Any) -> int:
    """States.MathRandom(start, end[, seed]): an integer in [start, end).

    AWS: the end is exclusive and bounds are truncated (1.6 -> 1); start must be below end.
    With a seed we draw `start + new java.util.Random(seed).nextInt(end - start)`, which is
    deterministic per seed; that AWS uses exactly this draw is our assumption, not documented.
    """
    name = "States.MathRandom"
    check_arity(name, args, 2, 3)
    start = truncate(name, args[0], "the start")
    end = truncate(name, args[1], "the end")
    if not INT32_MIN <= start < end <= INT32_MAX:
        raise IntrinsicArgumentError(
            name, f"the start ({start}) must be lower than the end ({end}), both 32-bit integers"
        )
    span = end - start
    if len(args) == 3:
        seed = truncate(name, args[2], "the seed")
        if span <= INT32_MAX:
            return start + JavaRandom(seed).next_int(span)
        return start + random.Random(seed).randrange(span)
    return start + random.randrange(span)


def states_math_add(*args: Any) -> int:
    """States.MathAdd(a, b): the sum of two 32-bit integers, fractions rounded first."""
    name = "States.MathAdd"
    check_arity(name, args, 2)
    total = 0
    for value in args:
        if not is_number(value):
            raise IntrinsicArgumentError(name, f"the operands must be numbers, got {type_name(value)}")
        if type(value) is float:
            if not math.isfinite(value):
                raise IntrinsicArgumentError(name, "the operands must be finite")
            # AWS: MathAdd rounds like Java's Math.round (unlike the truncating array functions).
            value = java_round(value)
        if not INT32_MIN <= value <= INT32_MAX:
            raise IntrinsicArgumentError(name, f"the operand {value} is outside the 32-bit integer range")
        total += value
    if not INT32_MIN <= total <= INT32_MAX:
        raise IntrinsicArgumentError(name, f"the sum {total} is outside the 32-bit integer range")
    return total
