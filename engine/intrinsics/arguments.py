"""Run-time argument checks shared by the intrinsic functions, and the error they raise.

AWS checks argument counts, types and ranges only when a call runs; a bad argument fails with
States.Runtime and the cause "Invalid arguments in States.<Name>" (`IntrinsicArgumentError`).
"""

from __future__ import annotations

import math
from typing import Any

from engine.errors import Runtime
from engine.intrinsics.java_text import java_length

MAX_STRING_LENGTH = 10_000   # Base64Encode, Base64Decode, Hash (developer guide)
MAX_RANGE_ITEMS = 1_000      # ArrayRange (developer guide)


class IntrinsicArgumentError(Runtime):
    """A call whose arguments AWS rejects at run time (States.Runtime).

    AWS: the error is States.Runtime, not States.IntrinsicFailure, and the cause reads
    "Invalid arguments in States.<Name>"; `detail` says what exactly was wrong, for our own logs.
    """

    def __init__(self, name: str, detail: str = ""):
        super().__init__(f"Invalid arguments in {name}")
        self.function = name
        self.detail = detail


def check_arity(name: str, args: tuple, low: int, high: int | None = None) -> None:
    """Fail unless `args` has `low` (to `high`) items."""
    high = low if high is None else high
    if not low <= len(args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise IntrinsicArgumentError(name, f"expected {expected} arguments, got {len(args)}")


def is_number(value: Any) -> bool:
    """A JSON number (a bool is not one)."""
    return type(value) is int or type(value) is float


def truncate(name: str, value: Any, what: str) -> int:
    """A number argument as an integer, fraction dropped.

    AWS: ArrayPartition, ArrayRange, ArrayGetItem and MathRandom truncate fractional numbers
    toward zero (2.6 -> 2, -0.6 -> 0), although the guide speaks of rounding.
    """
    if not is_number(value):
        raise IntrinsicArgumentError(name, f"{what} must be a number, got {type_name(value)}")
    if type(value) is float:
        if not math.isfinite(value):
            raise IntrinsicArgumentError(name, f"{what} must be finite")
        return int(value)
    return value


def type_name(value: Any) -> str:
    """The JSON type name of a value, for argument messages."""
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )


def expect_string(name: str, value: Any, what: str = "the argument") -> str:
    """`value` when it is a string, else fail."""
    if type(value) is not str:
        raise IntrinsicArgumentError(name, f"{what} must be a string, got {type_name(value)}")
    return value


def expect_array(name: str, value: Any, what: str = "the argument") -> list:
    """`value` when it is an array, else fail."""
    if type(value) is not list:
        raise IntrinsicArgumentError(name, f"{what} must be an array, got {type_name(value)}")
    return value


def check_length(name: str, text: str) -> None:
    """Fail when `text` is longer than the documented limit, counted in UTF-16 code units."""
    if java_length(text) > MAX_STRING_LENGTH:
        raise IntrinsicArgumentError(name, f"the input is longer than {MAX_STRING_LENGTH} characters")

