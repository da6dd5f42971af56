"""Workflow variables: scopes, `Assign` evaluation, size limits and history details.

Developer guide, "Passing data between states with variables":

- `Assign` is allowed in Pass, Task, Map, Parallel, Choice (state and rules) and Wait, and in
  Catch; every expression of one Assign sees the variables as they were *before* the state
  (they are all evaluated first, then stored together);
- the state machine's top-level states share one scope; each Parallel branch and each Map
  iteration runs in a child scope that reads outer variables, and whatever it assigns stays
  in the child (`VariableScope.child()`);
- `$states` is reserved; names are identifiers; values are bounded in size.

`assigned_variables_details` builds the `assignedVariables` / `assignedVariablesDetails` pair
AWS records in `*StateExited` events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engine.errors import DataLimitExceeded, PathNotFound, StatesError

_MISSING: Any = object()

RESERVED_NAMES = frozenset({"states"})
# AWS: variable names follow Unicode identifier rules (first character ID_Start, then
# ID_Continue, like JavaScript); Python's str.isidentifier() implements the same rule.
VARIABLE_NAME_MAX_LENGTH = 80

# Limits from the developer guide's "Variable size limits".
MAX_VARIABLE_SIZE = 256 * 1024          # one variable's value, as JSON text
MAX_ASSIGN_SIZE = 256 * 1024            # all values of one Assign field together
MAX_TOTAL_SIZE = 10 * 1024 * 1024       # everything stored in one execution


def _json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def variable_name_problem(name: str) -> str | None:
    """Why `name` cannot be a variable name, or None when it can."""
    if name in RESERVED_NAMES:
        return f"The variable name '{name}' is reserved."
    if not name.isidentifier():
        return f"The variable name '{name}' is not a valid identifier."
    if len(name) > VARIABLE_NAME_MAX_LENGTH:
        return (f"The variable name '{name}' exceeds the maximum length of "
                f"{VARIABLE_NAME_MAX_LENGTH} characters.")
    return None


class VariableScope:
    """One scope of workflow variables, reading through to its parent.

    `get`, `in` and `snapshot` see the whole chain; `set` and `update` write this scope
    only, so a Parallel branch or Map iteration (a `child()`) never changes its parent.
    """

    __slots__ = ("parent", "_values", "_sizes", "pending", "_staged")

    def __init__(self, parent: VariableScope | None = None,
                 values: Mapping[str, Any] | None = None):
        self.parent = parent
        self._values: dict[str, Any] = dict(values) if values else {}
        self._sizes: dict[str, int] = {}
        # The assignedVariables details of the state being run, until its Exited event.
        self.pending: dict[str, Any] | None = None
        self._staged: tuple[dict[str, Any], dict[str, int]] | None = None

    def stage(self, assigned: Mapping[str, Any]) -> None:
        """Hold the Assign result of the state being run until it exits (`take_pending`).

        The limits are checked now, so a too-large value fails the state itself.  Values only
        reach the scope when the state completes: a failed attempt that is retried or caught
        leaves no assignment behind (a Catcher's own Assign replaces it).
        """
        if not assigned:
            return
        sizes = check_assigned(assigned, self)
        self._staged = (dict(assigned), sizes)
        self.pending = assigned_variables_details(assigned)

    def discard_staged(self) -> None:
        """Forget the staged Assign of an attempt that failed."""
        self._staged = None
        self.pending = None

    def take_pending(self) -> dict[str, Any] | None:
        """Store the staged values; return their history details once (None if none)."""
        staged, self._staged = self._staged, None
        if staged is not None:
            self.update(*staged)
        pending, self.pending = self.pending, None
        return pending

    def __bool__(self) -> bool:
        scope: VariableScope | None = self
        while scope is not None:
            if scope._values:
                return True
            scope = scope.parent
        return False

    def get(self, name: str, default: Any = None) -> Any:
        """The value of `name` in this scope or an outer one, else `default`."""
        scope: VariableScope | None = self
        while scope is not None:
            value = scope._values.get(name, _MISSING)
            if value is not _MISSING:
                return value
            scope = scope.parent
        return default

    def __getitem__(self, name: str) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return self.get(name, _MISSING) is not _MISSING  # type: ignore[arg-type]

    def set(self, name: str, value: Any) -> None:
        """Bind `name` in this scope."""
        self._values[name] = value
        self._sizes.pop(name, None)

    def update(self, values: Mapping[str, Any], sizes: Mapping[str, int] | None = None) -> None:
        """Bind several names at once (the result of one Assign)."""
        self._values.update(values)
        for name in values:
            self._sizes.pop(name, None)
        if sizes:
            self._sizes.update(sizes)

    def child(self) -> VariableScope:
        """A scope for a Parallel branch or Map iteration."""
        return VariableScope(parent=self)

    def own(self) -> dict[str, Any]:
        """The bindings made in this scope only."""
        return dict(self._values)

    def snapshot(self) -> dict[str, Any]:
        """Every visible variable, inner scopes overriding outer ones."""
        chain = []
        scope: VariableScope | None = self
        while scope is not None:
            chain.append(scope._values)
            scope = scope.parent
        merged: dict[str, Any] = {}
        for values in reversed(chain):
            merged.update(values)
        return merged

    def __iter__(self) -> Iterator[str]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        return len(self.snapshot())

    def _size_of(self, name: str) -> int:
        size = self._sizes.get(name)
        if size is None:
            size = self._sizes[name] = _json_size(self._values[name])
        return size

    def sizes(self) -> dict[str, int]:
        """Bytes of JSON text of every visible variable (sizes are cached per binding)."""
        chain = []
        scope: VariableScope | None = self
        while scope is not None:
            chain.append(scope)
            scope = scope.parent
        merged: dict[str, int] = {}
        for scope in reversed(chain):
            for name in scope._values:
                merged[name] = scope._size_of(name)
        return merged

    def total_size(self) -> int:
        """Bytes of JSON text held by this scope and its parents."""
        return sum(self.sizes().values())

    # Checkpoints: a list of scopes, outermost first, each a plain JSON object.
    def to_checkpoint(self) -> list[dict[str, Any]]:
        chain = []
        scope: VariableScope | None = self
        while scope is not None:
            chain.append(dict(scope._values))
            scope = scope.parent
        return list(reversed(chain))

    @classmethod
    def from_checkpoint(cls, data: list[dict[str, Any]] | None) -> VariableScope:
        scope: VariableScope | None = None
        for values in data or [{}]:
            scope = cls(parent=scope, values=values)
        assert scope is not None
        return scope

    def __repr__(self) -> str:
        return f"VariableScope({self.snapshot()!r})"


def check_assigned(assigned: Mapping[str, Any],
                   scope: VariableScope | None = None) -> dict[str, int]:
    """Raise States.DataLimitExceeded when an Assign result breaks AWS's size limits.

    Returns the size of each assigned value, for `VariableScope.update` to cache.
    """
    # The texts are ours: AWS documents the limits but its recorded cases never hit them.
    sizes: dict[str, int] = {}
    total = 0
    for name, value in assigned.items():
        size = sizes[name] = _json_size(value)
        if size > MAX_VARIABLE_SIZE:
            raise DataLimitExceeded(
                f"The variable '{name}' has a size of {size} bytes, which exceeds the maximum "
                f"size of {MAX_VARIABLE_SIZE} bytes for a single variable.")
        total += size
    if total > MAX_ASSIGN_SIZE:
        raise DataLimitExceeded(
            f"The variables assigned in a single Assign field have a combined size of {total} "
            f"bytes, which exceeds the maximum of {MAX_ASSIGN_SIZE} bytes.")
    if scope is not None and total:
        visible = scope.sizes()
        visible.update(sizes)
        stored = sum(visible.values())
        if stored > MAX_TOTAL_SIZE:
            raise DataLimitExceeded(
                f"The variables stored in this execution have a combined size of {stored} "
                f"bytes, which exceeds the maximum of {MAX_TOTAL_SIZE} bytes.")
    return sizes


def evaluate_assign(assign: Mapping[str, Any], evaluate: Callable[[Any, str], Any]) -> dict[str, Any]:
    """Evaluate a JSONata-state Assign: {name: evaluate(value, field)} for every entry.

    `evaluate(value, field)` must read the variables from before the state (the caller applies
    the result afterwards with `scope.update`), which is AWS's order: no entry sees another.
    `field` is `Assign/<name>`, the location AWS names in errors.
    """
    return {name: evaluate(value, f"Assign/{name}") for name, value in assign.items()}


def evaluate_jsonpath_assign(assign: Mapping[str, Any], resolve: Callable[[str], Any],
                             intrinsic: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """Evaluate a JSONPath-state Assign.

    Keys ending in `.$` take a path (`$.x`, `$$.Execution.Id`, `$name.field`) resolved with
    `resolve`, or an intrinsic call (`States.Format(…)`) evaluated with `intrinsic`; other
    values are literal, and nested objects follow the same rules (like Parameters).
    A string without `.$` is never resolved, even when it looks like `$name`.
    """
    return {name: value for name, value in _jsonpath_object(assign, resolve, intrinsic).items()}


def _jsonpath_object(obj: Mapping[str, Any], resolve, intrinsic) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key.endswith(".$") and isinstance(value, str):
            target = key[:-2]
            if value.startswith("States.") and intrinsic is not None:
                out[target] = intrinsic(value)
            else:
                try:
                    out[target] = resolve(value)
                except PathNotFound as exc:
                    exc.field = key     # the caller words the error with the field's name
                    raise
        else:
            out[key] = _jsonpath_value(value, resolve, intrinsic)
    return out


def _jsonpath_value(value: Any, resolve, intrinsic) -> Any:
    if isinstance(value, dict):
        return _jsonpath_object(value, resolve, intrinsic)
    if isinstance(value, list):
        return [_jsonpath_value(v, resolve, intrinsic) for v in value]
    return value


def assigned_variables_details(assigned: Mapping[str, Any]) -> dict[str, Any]:
    """The `assignedVariables` and `assignedVariablesDetails` of a *StateExited event.

    AWS records each value as its serialized JSON text (API reference, StateExitedEventDetails:
    "Map of variable name and value as a serialized JSON representation") and always reports
    `truncated: false` alongside.  Returns {} when nothing was assigned, so the event carries
    neither key (recorded history of an empty Assign).
    """
    if not assigned:
        return {}
    return {
        "assignedVariables": {
            name: json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            for name, value in assigned.items()
        },
        "assignedVariablesDetails": {"truncated": False},
    }


def apply_assign(scope: VariableScope, assigned: Mapping[str, Any]) -> dict[str, Any]:
    """Check the limits, store the values in `scope`, and return the history details."""
    if not assigned:
        return {}
    sizes = check_assigned(assigned, scope)
    scope.update(assigned, sizes)
    return assigned_variables_details(assigned)


__all__ = [
    "MAX_ASSIGN_SIZE", "MAX_TOTAL_SIZE", "MAX_VARIABLE_SIZE", "RESERVED_NAMES", "StatesError",
    "VariableScope", "apply_assign", "assigned_variables_details", "check_assigned",
    "evaluate_assign", "evaluate_jsonpath_assign", "variable_name_problem",
]
