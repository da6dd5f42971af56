"""The JSON intrinsics: States.StringToJson, JsonToString and JsonMerge ("Intrinsics for JSON
data manipulation" in the developer guide).

Each takes the evaluated arguments positionally.
"""

from __future__ import annotations

import json
from typing import Any

from engine.intrinsics.arguments import IntrinsicArgumentError, check_arity, expect_string, type_name
from engine.intrinsics.java_text import to_json_text


def states_string_to_json(*args: Any) -> Any:
    """States.StringToJson(text): the parsed JSON value."""
    name = "States.StringToJson"
    check_arity(name, args, 1)
    text = expect_string(name, args[0])
    if not text.strip():
        # AWS: an empty or blank string parses to null rather than failing.
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise IntrinsicArgumentError(name, f"the argument is not valid JSON: {exc}") from None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def states_json_to_string(*args: Any) -> str:
    """States.JsonToString(value): compact JSON text."""
    check_arity("States.JsonToString", args, 1)
    return to_json_text(args[0])


def states_json_merge(*args: Any) -> dict:
    """States.JsonMerge(left, right, false): keys of `right` override those of `left` (shallow)."""
    name = "States.JsonMerge"
    check_arity(name, args, 3)
    left, right, deep = args
    if type(left) is not dict or type(right) is not dict:
        bad = left if type(left) is not dict else right
        raise IntrinsicArgumentError(name, f"both objects to merge must be JSON objects, got {type_name(bad)}")
    if deep is True:
        raise IntrinsicArgumentError(name, "deep merging is not supported; the third argument must be false")
    # AWS: any third argument other than true (even the string 'false') means a shallow merge.
    merged = dict(left)
    merged.update(right)
    return merged
