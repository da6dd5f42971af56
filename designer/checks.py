"""Checks shared by every resource: names, definitions, role ARNs, logging settings, inputs.

Pure functions over request values (no database): they raise `designer.errors` subclasses with
AWS's texts. Services run them before writing; the REST API's validation endpoint and the editor's
diagnostics read `definition_diagnostics` directly.
"""

from __future__ import annotations

import re

from designer.errors import (
    InvalidArn,
    InvalidDefinition,
    InvalidExecutionInput,
    InvalidLoggingConfiguration,
    InvalidName,
    ValidationException,
)
from engine import strict_json
from engine import validation as engine_validation

# AWS: names may not contain whitespace, brackets, wildcards, these punctuation marks, or
# control characters (U+0000-001F, U+007F-009F).
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")


def check_name(name: str) -> None:
    """Raise InvalidName unless `name` is a valid state machine / activity / execution name."""
    if not name or len(name) > 80 or _BAD_NAME.search(name):
        raise InvalidName(f"Invalid Name: '{name}'")


def definition_diagnostics(definition: str | dict, machine_type: str | None = None) -> list:
    """The engine's static diagnostics for a definition (dict or JSON text); an EXPRESS
    `machine_type` adds what Express workflows do not support."""
    return list(engine_validation.validate(definition, machine_type=machine_type))


def check_definition(definition: str, machine_type: str | None = None) -> None:
    """Raise InvalidDefinition (message as AWS renders it) when the definition has errors."""
    errors = [d for d in definition_diagnostics(definition, machine_type) if getattr(d, "severity", "ERROR") == "ERROR"]
    if errors:
        raise InvalidDefinition(engine_validation.format_invalid_definition(errors), diagnostics=errors)


def check_role_arn(role_arn: str) -> None:
    """Raise InvalidArn for a role ARN that is not an ARN at all."""
    if role_arn and not role_arn.startswith("arn:"):
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {role_arn}'")


def check_logging(configuration: dict | None) -> dict:
    """A LoggingConfiguration with AWS's defaults filled in; refused when it logs nowhere."""
    configuration = dict(configuration or {})
    level = configuration.get("level", "OFF")
    configuration["level"] = level
    configuration.setdefault("includeExecutionData", False)
    if level != "OFF" and not configuration.get("destinations"):
        raise InvalidLoggingConfiguration("Invalid Logging Configuration: Must specify exactly one Log Destination.")
    return configuration


# AWS: StartExecution's input is at most 256 KiB (262,144 characters of JSON text).
MAX_INPUT_LENGTH = 262_144


def check_input(input: str | None) -> str:
    """An execution input as strict JSON text (`{}` when none is given), at most 256 KiB;
    ValidationException or InvalidExecutionInput otherwise (also for the REST API)."""
    text = "{}" if input is None else input
    if len(text) > MAX_INPUT_LENGTH:
        raise ValidationException(
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length "
            f"less than or equal to {MAX_INPUT_LENGTH}"
        )
    try:
        strict_json.loads(text)
    except ValueError as exc:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{exc}'") from None
    return text
