"""Validation of JSONata states: the shape of `{% %}` fields here, expression and variable
checks from engine.validation.jsonata_checks merged into the result."""

from __future__ import annotations

from typing import Any

from engine.validation.checks import Checks
from engine.validation.diagnostics import Diagnostic, ptr
from engine.validation.jsonata_checks import jsonata_diagnostics
from engine.validation.syntax import is_expression


def _validate_jsonata_state(state: dict, path: str, validator: Checks) -> None:
    """Hook for JSONata states (engine.jsonata_mode extends it).

    Accepts the JSONata fields Arguments, Output, Assign, Condition (in Choice rules) and Items.
    What is checked here is shape only: a `{%` string must close with `%}`, and Items must be
    an array, an object or an expression.  Parsing the expressions (AWS's INVALID_JSONATA_EXPRESSION) is
    left to the JSONata module.
    """
    for field in ("Arguments", "Output", "Assign", "Items"):
        if field in state:
            _check_expressions(state[field], ptr(path, field), validator)
    items = state.get("Items")
    if "Items" in state and not isinstance(items, (list, dict)) and not is_expression(items):
        validator.error(ptr(path, "Items"), "Expected value of type [ARRAY] or a JSONata expression")


def _check_expressions(value: Any, path: str, validator: Checks) -> None:
    if isinstance(value, str):
        if value.startswith("{%") and not value.rstrip().endswith("%}"):
            validator.error(path, "The JSONata expression must end with '%}'", "INVALID_JSONATA_EXPRESSION")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_expressions(item, ptr(path, key), validator)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_expressions(item, ptr(path, i), validator)


def add_jsonata_checks(definition: Any, validator: Checks) -> None:
    """Expression and variable checks from engine.validation.jsonata_checks (issue #4)."""
    try:
        extra = jsonata_diagnostics(definition)
    except Exception:  # a bug there must not hide the structural diagnostics found here
        return
    seen = {(d.path, d.code) for d in validator.diags}
    for d in extra:
        if isinstance(d, Diagnostic) and (d.path, d.code) not in seen:
            validator.diags.append(d)
            seen.add((d.path, d.code))
