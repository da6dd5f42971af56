"""The `INTRINSICS` table (full name -> function) and the `ARITY` table used by the linter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.intrinsics.functions_array import (
    states_array,
    states_array_contains,
    states_array_get_item,
    states_array_length,
    states_array_partition,
    states_array_range,
    states_array_unique,
)
from engine.intrinsics.functions_json import states_json_merge, states_json_to_string, states_string_to_json
from engine.intrinsics.functions_math import states_math_add, states_math_random
from engine.intrinsics.functions_text import (
    states_base64_decode,
    states_base64_encode,
    states_format,
    states_hash,
    states_string_split,
    states_uuid,
)

INTRINSICS: dict[str, Callable[..., Any]] = {
    "States.Format": states_format,
    "States.StringToJson": states_string_to_json,
    "States.JsonToString": states_json_to_string,
    "States.Array": states_array,
    "States.ArrayPartition": states_array_partition,
    "States.ArrayContains": states_array_contains,
    "States.ArrayRange": states_array_range,
    "States.ArrayGetItem": states_array_get_item,
    "States.ArrayLength": states_array_length,
    "States.ArrayUnique": states_array_unique,
    "States.Base64Encode": states_base64_encode,
    "States.Base64Decode": states_base64_decode,
    "States.Hash": states_hash,
    "States.JsonMerge": states_json_merge,
    "States.MathRandom": states_math_random,
    "States.MathAdd": states_math_add,
    "States.StringSplit": states_string_split,
    "States.UUID": states_uuid,
}

# Argument counts (min, max; None = unbounded), for lint_intrinsic.
ARITY: dict[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
