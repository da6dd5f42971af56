"""The array intrinsics: States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
ArrayLength and ArrayUnique ("Intrinsics for arrays" in the developer guide).

Each takes the evaluated arguments positionally.
"""

from __future__ import annotations

from typing import Any

from engine.intrinsics.arguments import (
    MAX_RANGE_ITEMS,
    IntrinsicArgumentError,
    check_arity,
    expect_array,
    truncate,
)
from engine.intrinsics.java_text import java_hash, java_key, java_str


def states_array(*args: Any) -> list:
    """States.Array(value...): the arguments as an array."""
    return list(args)


def states_array_partition(*args: Any) -> list:
    """States.ArrayPartition(array, size): consecutive chunks of `size`, the last one shorter."""
    name = "States.ArrayPartition"
    check_arity(name, args, 2)
    array, size = args
    expect_array(name, array, "the first argument")
    chunk = truncate(name, size, "the chunk size")
    if chunk <= 0:
        raise IntrinsicArgumentError(name, f"the chunk size must be positive, got {size}")
    return [array[i:i + chunk] for i in range(0, len(array), chunk)]


def states_array_contains(*args: Any) -> bool:
    """States.ArrayContains(array, value): whether `value` is an element of `array`."""
    name = "States.ArrayContains"
    check_arity(name, args, 2)
    array, target = args
    expect_array(name, array, "the first argument")
    # AWS: elements are compared by their Java string form, so 42 matches "42", true matches
    # "true", and objects match only with the same key order.
    wanted = java_str(target)
    return any(java_str(item) == wanted for item in array)


def states_array_range(*args: Any) -> list:
    """States.ArrayRange(first, last, step): first, first+step, … up to and including last."""
    name = "States.ArrayRange"
    check_arity(name, args, 3)
    first = truncate(name, args[0], "the start")
    last = truncate(name, args[1], "the end")
    step = truncate(name, args[2], "the step")
    if step == 0:
        raise IntrinsicArgumentError(name, "the step must not be 0")
    count = 0 if (last - first) * step < 0 else (last - first) // step + 1
    if count > MAX_RANGE_ITEMS:
        raise IntrinsicArgumentError(name, f"the range has {count} items, more than {MAX_RANGE_ITEMS}")
    # AWS: a negative step counts down; a step pointing away from `last` yields [].
    return list(range(first, last + (1 if step > 0 else -1), step))


def states_array_get_item(*args: Any) -> Any:
    """States.ArrayGetItem(array, index): the element at the 0-based `index`."""
    name = "States.ArrayGetItem"
    check_arity(name, args, 2)
    array, index = args
    expect_array(name, array, "the first argument")
    i = truncate(name, index, "the index")
    if not array and i >= 0:
        # AWS: any index into an empty array yields null instead of failing.
        return None
    if not 0 <= i < len(array):
        raise IntrinsicArgumentError(
            name, f"the index {index} is out of bounds for an array of length {len(array)}"
        )
    return array[i]


def states_array_length(*args: Any) -> int:
    """States.ArrayLength(array): the number of elements."""
    name = "States.ArrayLength"
    check_arity(name, args, 1)
    return len(expect_array(name, args[0]))


def states_array_unique(*args: Any) -> list:
    """States.ArrayUnique(array): the distinct elements.

    AWS: the result comes out of a java.util.HashSet, so it is ordered by hash bucket rather
    than first occurrence ([true, false] -> [false, true]; [[1, 2], [2, 1]] -> [[2, 1], [1, 2]]).
    We rebuild that order from Java's hash codes, sizing the table as `new HashSet<>(list)` does.
    Equality is Java's: maps ignore key order, 1 and 1.0 differ.
    """
    name = "States.ArrayUnique"
    check_arity(name, args, 1)
    array = expect_array(name, args[0])
    seen: set = set()
    unique: list[Any] = []
    for item in array:
        key = java_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    capacity = 16
    wanted = max(int(len(array) / 0.75) + 1, 16)
    while capacity < wanted:
        capacity <<= 1
    mask = capacity - 1

    def bucket(item: Any) -> int:
        h = java_hash(item) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & mask

    return sorted(unique, key=bucket)
