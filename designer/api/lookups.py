"""What every endpoint needs from a request: the user's machine or execution, and JSON bodies as text."""

from __future__ import annotations

import json
from typing import Any

from designer import errors, selectors
from designer.models import Execution, StateMachine


def get_machine(request, name: str) -> StateMachine:
    """The user's machine called `name` (StateMachineDoesNotExist otherwise)."""
    return selectors.state_machine_by_name(owner=request.user, name=name)


def get_execution(request, execution_id: int) -> Execution:
    """The user's execution `execution_id` with its machine and revision (ExecutionDoesNotExist otherwise)."""
    execution = selectors.execution_by_id(execution_id=execution_id, owner_id=request.user.pk)
    if execution is None:
        raise errors.ExecutionDoesNotExist(f"Execution {execution_id} does not exist")
    return execution


def definition_text(definition: Any) -> str:
    """A definition from a request body (an object, or JSON text kept exactly as given)."""
    if isinstance(definition, str):
        return definition
    if definition is None:
        raise errors.ValidationException("definition is required")
    return json.dumps(definition, indent=2)


def input_text(value: Any) -> str:
    """An execution input from a request body (any JSON value; a string is taken as JSON text)."""
    if value is None:
        return "{}"
    if isinstance(value, str):
        return value
    return json.dumps(value)
