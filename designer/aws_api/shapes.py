"""Request checks against botocore's model of Step Functions, worded as AWS's Coral validator.

"1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: Member must
have length less than or equal to 80" — one clause per violation, joined with "; ".
"""

from __future__ import annotations

import functools
import re

import botocore.session


@functools.cache
def service_model(service: str = "stepfunctions"):
    return botocore.session.get_session().get_service_model(service)


def operation_names() -> set[str]:
    return set(service_model().operation_names)


def _java_hash(text: str) -> int:
    """Java's String.hashCode (over UTF-16 code units), as an unsigned 32-bit number."""
    h = 0
    units = text.encode("utf-16-be")
    for i in range(0, len(units), 2):
        h = (31 * h + int.from_bytes(units[i:i + 2], "big")) & 0xFFFFFFFF
    return h


def aws_enum_order(values: list[str]) -> list[str]:
    """The valid values in the order AWS's validator lists them.

    AWS: the list is not the model's order but the iteration order of the validator's hash set
    of the values: buckets by the low five bits of Java's String.hashCode, ascending, and within
    a bucket the value added last first (observed in recorded messages such as
    "[OPTIONAL, OFF, ON]" and "[SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]").
    """
    buckets: dict[int, list[str]] = {}
    for value in values:
        buckets.setdefault(_java_hash(value) & 31, []).insert(0, value)
    return [value for bucket in sorted(buckets) for value in buckets[bucket]]


def _value_text(shape, value) -> str:
    if shape.metadata.get("sensitive"):
        return "Value at"
    if value is None:
        return "Value null at"
    if isinstance(value, bool):
        value = str(value).lower()
    return f"Value '{value}' at"


def _java_pattern(pattern: str) -> str:
    # \p{ASCII} is Java's; Python's re spells it as a range.
    return pattern.replace(r"\p{ASCII}", r"[\x00-\x7f]")


def _check(shape, value, where: str, problems: list[str], type_errors: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            type_errors.append(where)
            return
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(
                    f"Value null at '{_join(where, name)}' failed to satisfy constraint: Member must not be null"
                )
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is not None and member_value is not None:
                _check(member, member_value, _join(where, name), problems, type_errors)
        return
    if kind == "list":
        if not isinstance(value, list):
            type_errors.append(where)
            return
        _length(shape, value, len(value), where, problems)
        for index, item in enumerate(value, start=1):
            if item is not None:
                _check(shape.member, item, f"{where}.{index}.member", problems, type_errors)
        return
    if kind == "map":
        if not isinstance(value, dict):
            type_errors.append(where)
        return
    if kind == "string":
        if not isinstance(value, str):
            type_errors.append(where)
            return
        _length(shape, value, len(value), where, problems)
        enum = getattr(shape, "enum", None) or meta.get("enum")
        if enum and value not in enum:
            problems.append(
                f"{_value_text(shape, value)} '{where}' failed to satisfy constraint: Member must satisfy enum value "
                f"set: [{', '.join(aws_enum_order(list(enum)))}]"
            )
        pattern = meta.get("pattern")
        if pattern:
            try:
                ok = re.fullmatch(_java_pattern(pattern), value) is not None
            except re.error:
                ok = True
            if not ok:
                problems.append(
                    f"{_value_text(shape, value)} '{where}' failed to satisfy constraint: Member must satisfy regular "
                    f"expression pattern: {pattern}"
                )
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                type_errors.append(where)
                return
        if "min" in meta and value < meta["min"]:
            problems.append(
                f"{_value_text(shape, value)} '{where}' failed to satisfy constraint: Member must have value greater "
                f"than or equal to {meta['min']}"
            )
        if "max" in meta and value > meta["max"]:
            problems.append(
                f"{_value_text(shape, value)} '{where}' failed to satisfy constraint: Member must have value less "
                f"than or equal to {meta['max']}"
            )
        return
    if kind == "boolean" and not isinstance(value, bool):
        type_errors.append(where)
    if kind in ("float", "double") and (isinstance(value, bool) or not isinstance(value, int | float)):
        type_errors.append(where)


def _length(shape, value, length: int, where: str, problems: list[str]) -> None:
    meta = shape.metadata
    shown = value if isinstance(value, str) else "[" + ", ".join(_item_text(shape.member, v) for v in value) + "]"
    if "min" in meta and length < meta["min"]:
        problems.append(
            f"{_value_text(shape, shown)} '{where}' failed to satisfy constraint: Member must have length greater "
            f"than or equal to {meta['min']}"
        )
    if "max" in meta and length > meta["max"]:
        problems.append(
            f"{_value_text(shape, shown)} '{where}' failed to satisfy constraint: Member must have length less "
            f"than or equal to {meta['max']}"
        )


def _item_text(shape, item) -> str:
    """A list item as AWS's (Java) validator prints it: a structure as `Name(member=value, ...)`."""
    if shape.type_name == "structure" and isinstance(item, dict):
        members = ", ".join(f"{name}={item[name]}" for name in shape.members if name in item)
        return f"{shape.name}({members})"
    return str(item)


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def check_request(operation: str, params: dict, service: str = "stepfunctions") -> tuple[str | None, str | None]:
    """(validation message, serialization problem) for a request body; (None, None) when fine."""
    shape = service_model(service).operation_model(operation).input_shape
    if shape is None:
        return None, None
    problems: list[str] = []
    type_errors: list[str] = []
    _check(shape, params, "", problems, type_errors)
    if type_errors:
        return None, f"Unexpected value type at '{type_errors[0] or 'body'}'"
    if not problems:
        return None, None
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(problems), None
