"""TestState requests: the state to test, its mock and context checked as AWS checks them.

`prepare(definition, state_name=..., mock=...)` finds the state (a lone state's JSON, or a state
of a full machine named by `state_name`), validates it and checks the request's mock against it;
`check_context` refuses a mocked context object AWS would refuse.  Errors are `TestStateError`
with AWS's code and wording.  Running the state is engine.test_state's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine import definition as definitions
from engine import strict_json
from engine.validation import format_invalid_definition, validate, validate_state

# AWS: a lone state is tested under this name (validation paths and $$.State.Name say so).
LONE_STATE_NAME = "StateName"
NOT_MOCKABLE = ("Pass", "Fail", "Succeed", "Choice", "Wait")
UNSET: Any = object()


class TestStateError(Exception):
    """A request TestState refuses: AWS's error code (InvalidDefinition, ValidationException)."""

    __test__ = False  # not a pytest class

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Prepared:
    """A state ready to be tested: compiled, with the mock checked against it."""

    state: Any
    mock: dict | None
    mock_result: Any = UNSET


@dataclass
class TestStateResult:
    __test__ = False

    status: str
    output: Any = UNSET
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None
    inspection: dict = field(default_factory=dict)




def _invalid(diagnostics: list) -> TestStateError:
    return TestStateError("InvalidDefinition", format_invalid_definition(diagnostics))


def _find_state(machine: Any, name: str) -> Any:
    """The compiled state called `name`, also inside Parallel branches and Map processors."""
    if name in machine.states:
        return machine.states[name]
    for state in machine.states.values():
        for inner in (*(getattr(state, "branches", None) or ()), getattr(state, "processor", None)):
            if inner is not None:
                found = _find_state(inner, name)
                if found is not None:
                    return found
    return None


def _parse(text: Any, what: str) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return strict_json.loads(text)
    except ValueError:
        raise TestStateError("InvalidDefinition", f"Invalid State Machine Definition: "
                             f"'INVALID_JSON_DESCRIPTION: {what} is not valid JSON'") from None


def prepare(definition: Any, *, state_name: str | None = None, mock: dict | None = None,
            reveal_secrets: bool = False) -> Prepared:
    """Validate the definition and the mock; raise TestStateError as AWS words it."""
    raw = _parse(definition, "the definition")
    if not isinstance(raw, dict):
        raise TestStateError("InvalidDefinition", "Invalid State Machine Definition: "
                             "'SCHEMA_VALIDATION_FAILED: The definition must be a JSON object'")
    if state_name is not None:
        problems = [d for d in validate(raw) if d.severity == "ERROR"]
        if problems:
            raise _invalid(problems)
        state = _find_state(definitions.load(raw), state_name)
        if state is None:
            raise TestStateError("ValidationException", "State not found in definition")
    else:
        problems = [d for d in validate_state(raw, LONE_STATE_NAME) if d.severity == "ERROR"]
        if problems:
            raise _invalid(problems)
        machine = definitions.load({"StartAt": LONE_STATE_NAME, "States": {LONE_STATE_NAME: raw}})
        state = machine.states[LONE_STATE_NAME]
    prepared = Prepared(state=state, mock=mock or None)
    _check_mock(prepared, reveal_secrets)
    return prepared


def _check_mock(prepared: Prepared, reveal_secrets: bool) -> None:
    state, mock = prepared.state, prepared.mock
    if mock is None:
        if state.type in ("Map", "Parallel"):
            raise TestStateError(
                "InvalidDefinition",
                "TestState API does not support Map or Parallel states. Supported state types include: "
                "[Task, Wait, Pass, Succeed, Fail, Choice]")
        return
    if state.type in NOT_MOCKABLE:
        raise TestStateError("ValidationException",
                             f"State type '{state.type}' is not supported when a mock is specified")
    if "result" in mock and "errorOutput" in mock:
        raise TestStateError("ValidationException",
                             "A test mock should have only one of the following fields: [result, errorOutput].")
    if reveal_secrets:
        raise TestStateError("ValidationException",
                             "TestState does not support RevealSecrets when a mock is specified.")
    if "result" not in mock:
        return
    try:
        result = json.loads(mock["result"])
    except (TypeError, ValueError):
        raise TestStateError("ValidationException", "Mocked result must be valid JSON") from None
    if state.type == "Map" and "ResultWriter" in state.raw:
        if not isinstance(result, dict):
            raise TestStateError("ValidationException", "Mocked result must be a JSON object.")
    elif state.type in ("Map", "Parallel") and not isinstance(result, list):
        raise TestStateError("ValidationException", "Mocked result must be an array.")
    prepared.mock_result = result


# AWS: the members a mocked context object may have, and their JSON types (None: any value).
_CONTEXT_FIELDS: dict[str, dict[str, Any]] = {
    "Execution": {"Id": str, "Input": None, "Name": str, "RoleArn": str, "StartTime": str,
                  "RedriveCount": int, "RedriveTime": str},
    "State": {"EnteredTime": str, "Name": str, "RetryCount": int},
    "StateMachine": {"Id": str, "Name": str},
    "Task": {"Token": str},
}


def check_context(prepared: Prepared, context: Any) -> None:
    """Refuse a request's context object as AWS does ("Invalid Context object provided: …")."""
    def refuse(reason: str) -> TestStateError:
        return TestStateError("ValidationException", f"Invalid Context object provided: {reason}")

    if not isinstance(context, dict):
        raise refuse("Context must be an object")
    for section, members in context.items():
        if section == "Map":
            raise refuse("'Map' field is not supported when mocking a Context object")
        fields = _CONTEXT_FIELDS.get(section)
        if fields is None:
            raise refuse(f"Field '{section}' is not allowed")
        if not isinstance(members, dict):
            raise refuse(f"{section} must be an object")
        for name, value in members.items():
            if name not in fields:
                raise refuse(f"Field '{name}' is not allowed")
            kind = fields[name]
            if kind is str and not isinstance(value, str):
                raise refuse(f"{section}.{name} must be a string")
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise refuse(f"{section}.{name} must be an integer")
    state = prepared.state
    resource = getattr(state, "resource", "")
    if "Task" in context and not (".sync" in resource or resource.endswith(".waitForTaskToken")):
        raise refuse("Context object contains 'Task' when state is not a Task state with a '.sync' or "
                     "'.waitForTaskToken' service integration pattern")



