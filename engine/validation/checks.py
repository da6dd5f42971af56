"""`Checks`, the base of the validator: it collects diagnostics and holds the generic checks
(types, ranges, enums, paths, required and exclusive fields, `key.$` templates)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.validation.diagnostics import Diagnostic, ptr
from engine.validation.fields import JSONATA, JSONPATH, TYPE_NAMES
from engine.validation.syntax import has_type, intrinsic_error, is_expression, is_int, is_number, is_valid_path


class Checks:
    """Collects diagnostics; the subclasses in this package add the checks of each part of ASL.

    The subclasses call one another through `self` (a Parallel state's branches are machines,
    a Task's Retry is checked by RetryCatchChecks); validator._Validator puts them together.
    """

    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []
        self.top_language = JSONPATH
        self.state_names: dict[str, str] = {}      # name -> pointer of its first definition

    def error(self, path: str, message: str, code: str = "SCHEMA_VALIDATION_FAILED") -> None:
        self.diags.append(Diagnostic(path, code, message))

    def expect_type(self, value: Any, path: str, *types: type) -> bool:
        if any(has_type(value, t) for t in types):
            return True
        names = ", ".join(TYPE_NAMES[t] for t in types)
        self.error(path, f"Expected value of type [{names}]")
        return False

    def expect_int(self, value: Any, path: str, minimum: int | None = None,
                   maximum: int | None = None, *, expression_ok: bool = False) -> None:
        self._expect_numeric(value, path, is_int, "INTEGER", minimum, maximum, expression_ok)

    def expect_number(self, value: Any, path: str, minimum: float | None = None,
                      maximum: float | None = None, *, expression_ok: bool = False) -> None:
        self._expect_numeric(value, path, is_number, "NUMBER", minimum, maximum, expression_ok)

    def _expect_numeric(self, value: Any, path: str, test: Callable[[Any], bool], kind: str,
                        minimum: Any, maximum: Any, expression_ok: bool) -> None:
        if expression_ok and is_expression(value):
            return
        if not test(value):
            self.error(path, f"Expected value of type [{kind}]")
            return
        self.expect_range(value, path, minimum, maximum)

    def expect_range(self, value: Any, path: str, minimum: Any, maximum: Any) -> None:
        if minimum is not None and value < minimum:
            self.error(path, f"Minimum value is {minimum}")
        elif maximum is not None and value > maximum:
            self.error(path, f"Maximum value is {maximum}")

    def expect_enum(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(value, str):
            self.error(path, "Expected value of type [STRING]")
        elif value not in allowed:
            self.error(path, f"Value should be one of the following: [{', '.join(allowed)}]")

    def expect_path(self, obj: dict, field: str, path: str, *, reference: bool = True,
                    context: bool = True, variables: bool = True, intrinsic: bool = False,
                    nullable: bool = False) -> None:
        if field not in obj:
            return
        value = obj[field]
        if value is None and nullable:
            return
        if intrinsic and isinstance(value, str) and value.startswith("States."):
            problem = intrinsic_error(value)
            if problem is not None:
                self.error(ptr(path, field),
                           f"The value for the field '{field}' must be a valid JSONPath or a valid "
                           f"intrinsic function call ({problem})")
            return
        if is_valid_path(value, reference=reference, context=context, variables=variables):
            return
        kind = "ReferencePath" if reference else "JSONPath"
        self.error(ptr(path, field), f"The value for the field '{field}' must be a valid {kind}")

    def exclusive(self, obj: dict, path: str, *fields: str) -> None:
        present = [f for f in fields if f in obj]
        if len(present) > 1:
            self.error(ptr(path, present[0]),
                       f"Only one of the following fields can be set: [{', '.join(fields)}]")

    def unsupported(self, obj: dict, path: str, allowed: tuple[str, ...]) -> None:
        """Report each key of `obj` not in `allowed` (AWS locates these at the object)."""
        for key in obj:
            if key not in allowed:
                self.error(path, f"Field '{key}' is not supported")

    def wrong_language(self, path: str, language: str, key: str) -> None:
        """Report a field that only the other QueryLanguage accepts."""
        other = JSONATA if language == JSONPATH else JSONPATH
        self.error(path, f"The QueryLanguage is set to '{language}', but field '{key}' is only "
                         f"supported for the '{other}' QueryLanguage")

    def require(self, obj: dict, path: str, *fields: str) -> bool:
        ok = True
        for field in fields:
            if field not in obj:
                self.error(path, f"The field '{field}' is required but was missing")
                ok = False
        return ok

    def required_list(self, obj: dict, field: str, path: str) -> tuple[list, str] | None:
        """`obj[field]` and its pointer when it is an array (an empty one is reported), else None."""
        if not self.require(obj, path, field):
            return None
        items = obj[field]
        where = ptr(path, field)
        if not self.expect_type(items, where, list):
            return None
        if not items:
            self.error(where, "Value cannot be empty")
        return items, where

    def assign(self, obj: dict, path: str, language: str) -> None:
        """An Assign object; in JSONPath its `key.$` templates are checked as well."""
        if "Assign" in obj and self.expect_type(obj["Assign"], ptr(path, "Assign"), dict):
            if language == JSONPATH:
                self.templates(obj["Assign"], ptr(path, "Assign"))

    def templates(self, value: Any, path: str) -> None:
        """Parameters / ResultSelector / ItemSelector / Assign: every `key.$` holds a path or an
        intrinsic call."""
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and key.endswith(".$"):
                    self.dollar_value(key, item, ptr(path, key))
                else:
                    self.templates(item, ptr(path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.templates(item, ptr(path, i))

    def dollar_value(self, key: str, value: Any, path: str) -> None:
        message = f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"
        if not isinstance(value, str):
            self.error(path, message)
        elif value.startswith("States."):
            problem = intrinsic_error(value)
            if problem is not None:
                self.error(path, f"{message} ({problem})")
        elif not is_valid_path(value):
            self.error(path, message)
