"""The entry points: `validate` a whole definition (dict or JSON text) and `validate_state` for
one state on its own; the validator is the check classes of this package put together."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from engine import strict_json
from engine.validation.diagnostics import Diagnostic
from engine.validation.express import EXPRESS, express_diagnostics
from engine.validation.jsonata import add_jsonata_checks
from engine.validation.machines import MachineChecks
from engine.validation.render import is_label_problem
from engine.validation.retry_catch import RetryCatchChecks
from engine.validation.rules import ChoiceRuleChecks
from engine.validation.state_checks import StateChecks


class _Validator(MachineChecks, StateChecks, ChoiceRuleChecks, RetryCatchChecks):
    """Every check; one instance per definition, collecting its diagnostics."""


class _Duplicates(dict):
    """A JSON object from text that remembers keys it saw more than once."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj = _Duplicates()
    dups = []
    for key, value in pairs:
        if key in obj:
            dups.append(key)
        obj[key] = value
    if dups:
        obj.duplicates = tuple(dups)
    return obj


def parse_definition(text: str) -> Any:
    """JSON text to a definition, remembering duplicate keys (raises ValueError on bad JSON).

    NaN/Infinity and nesting beyond the configured depth are refused as `strict_json` does;
    duplicate keys are kept for the validator to report where they are.
    """
    try:
        definition = json.loads(text, object_pairs_hook=_object_pairs, parse_constant=strict_json.refuse_constant)
    except RecursionError:
        limit = strict_json.max_depth()
        raise strict_json.StrictJsonError(f"JSON nesting depth exceeds the maximum allowed ({limit})") from None
    strict_json.check_value(definition, depth=strict_json.max_depth())
    return definition


def validate(definition: dict | str, machine_type: str | None = None) -> list[Diagnostic]:
    """Every problem in `definition` (a dict or JSON text); an empty list means valid.

    `machine_type` "EXPRESS" adds what Express workflows do not support (engine.validation.express).
    """
    text = definition if isinstance(definition, str) else None
    try:
        if definition is None or (isinstance(definition, str) and not definition.strip()):
            return [Diagnostic("", "MISSING_DESCRIPTION", "Received a null or empty workflow input")]
        if isinstance(definition, (str, bytes, bytearray)):
            try:
                definition = parse_definition(definition)
            except ValueError as exc:
                return [Diagnostic("", "INVALID_JSON_DESCRIPTION", str(exc))]
        validator = _Validator()
        validator.machine(definition, "", "top")
        add_jsonata_checks(definition, validator)
        if machine_type == EXPRESS:
            validator.diags.extend(express_diagnostics(definition))
        if any(is_label_problem(d) for d in validator.diags):
            if text is None:
                text = json.dumps(definition)
            return [dataclasses.replace(d, definition_text=text) if is_label_problem(d) else d
                    for d in validator.diags]
        return validator.diags
    except Exception as exc:  # validation must never take the caller down
        return [Diagnostic("", "SCHEMA_VALIDATION_FAILED", f"Could not validate the definition: {exc!r}")]


def validate_state(state: dict, name: str = "StateName") -> list[Diagnostic]:
    """Diagnostics for one state on its own (TestState): its transitions are not checked.

    Paths read `/States/<name>/…`, as AWS reports them for TestState.
    """
    diagnostics = validate({"StartAt": name, "States": {name: state}})
    return [d for d in diagnostics if d.code not in ("MISSING_TRANSITION_TARGET", "MISSING_END_STATE")]
