"""Run ONE state in isolation, as AWS's TestState API does.

`prepare(definition, state_name=...)` finds the state (a lone state's JSON, or a state of a
full machine named by `state_name`), validates it and checks the request's mock against it;
`run_test_state(prepared, input, ...)` runs it once and returns a `TestStateResult`: status
(SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), output, error, cause, next state and the
inspection data of each input/output processing step.

Nothing is retried, nothing waits: a matching Retrier gives RETRIABLE with the backoff the
next attempt would wait (`stateConfiguration.retrierRetryCount` says how many retries have
happened), a matching Catcher gives CAUGHT_ERROR with its output.  Map and Parallel states
only run with a mock (their result is the mock; iterations and branches never run).
Developer guide: "Using TestState API to test a state in Step Functions".
"""

from __future__ import annotations

import json
from typing import Any

from engine import definition as definitions
from engine.errors import StatesError, error_matches
from engine.jsonata_states import assign_jsonpath
from engine.lifecycle import apply_result_path, error_output
from engine.test_state_steps import (
    LONE_STATE_NAME,
    NOT_MOCKABLE,
    STEPS,
    UNSET,
    Prepared,
    Run,
    TestStateError,
    TestStateResult,
)
from engine.validation import format_invalid_definition, validate, validate_state

__all__ = ["UNSET", "Prepared", "TestStateError", "TestStateResult", "check_context", "prepare", "run_test_state"]

# ─── preparing ───────────────────────────────────────────────────────────────────────────────


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
        return json.loads(text)
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



# ─── running ─────────────────────────────────────────────────────────────────────────────────


def _array_texts(result: TestStateResult) -> None:
    """AWS (recorded): a JSONPath Map state's array values are sent as JSON text inside a JSON
    string (`"[\\"a\\", \\"b\\"]"`), with a space after each comma."""
    for key, value in result.inspection.items():
        if isinstance(value, list):
            result.inspection[key] = json.dumps(value)
    if isinstance(result.output, list):
        result.output = json.dumps(result.output)


async def run_test_state(prepared: Prepared, input: Any = None, *, variables: dict | None = None,
                         context: Any = None, role_arn: str | None = None, region: str = "us-east-1",
                         account: str = "000000000000", state_configuration: dict | None = None,
                         invoker: Any = None) -> TestStateResult:
    """Run the prepared state once on `input` (a JSON value); never raises StatesError."""
    run = Run(prepared, {} if input is None else input, variables=variables, context=context,
               role_arn=role_arn, region=region, account=account, config=state_configuration or {},
               invoker=invoker)
    state = run.state
    try:
        next_state, output = await STEPS[state.type](run)
    except StatesError as exc:
        result = _failure(run, exc)
    else:
        result = TestStateResult("SUCCEEDED", output=output, next_state=next_state, inspection=run.inspection)
        _add_variables(run, result)
    if state.type == "Map" and state.jsonata is None:
        _array_texts(result)
    return result


def _add_variables(run: Run, result: TestStateResult) -> None:
    """The workflow variables after the state (its Assign applied), when there are any."""
    snapshot = run.variables.snapshot()
    if snapshot:
        result.inspection["variables"] = snapshot


def _failure(run: Run, exc: StatesError) -> TestStateResult:
    """Retry and Catch, reported instead of done (Task, Map, Parallel)."""
    state = run.state
    error = exc.error or ""
    retriers = state.retriers if state.type in ("Task", "Map", "Parallel") else ()
    retried = run.config.get("retrierRetryCount", 0)
    for index, retrier in enumerate(retriers):
        if error_matches(list(retrier.error_equals), error):
            if retried < retrier.max_attempts:
                delay = retrier.interval_seconds * retrier.backoff_rate ** retried
                if retrier.max_delay_seconds is not None:
                    delay = min(delay, retrier.max_delay_seconds)
                run.inspection["errorDetails"] = {"retryIndex": index, "retryBackoffIntervalSeconds": int(delay)}
                return TestStateResult("RETRIABLE", error=exc.error, cause=exc.cause, inspection=run.inspection)
            break
    catchers = state.catchers if state.type in ("Task", "Map", "Parallel") else ()
    for index, catcher in enumerate(catchers):
        if error_matches(list(catcher.error_equals), error):
            try:
                output = _catch_output(run, index, error_output(exc))
            except StatesError as inner:
                return TestStateResult("FAILED", error=inner.error, cause=inner.cause, inspection=run.inspection)
            run.inspection["errorDetails"] = {"catchIndex": index}
            result = TestStateResult("CAUGHT_ERROR", output=output, error=exc.error, cause=exc.cause,
                                     next_state=catcher.next, inspection=run.inspection)
            _add_variables(run, result)
            return result
    return TestStateResult("FAILED", error=exc.error, cause=exc.cause or None, inspection=run.inspection)


def _catch_output(run: Run, index: int, error: dict) -> Any:
    state = run.state
    run.variables.discard_staged()
    if state.jsonata is not None:
        output, assign = state.jsonata.catchers[index]
        return run.assign_and_output(assign, output, run.states(errorOutput=error), error)
    raw_catcher = state.raw["Catch"][index]
    if raw_catcher.get("Assign"):
        assign_jsonpath(raw_catcher["Assign"], error, run.scope(run.input))
        run.variables.take_pending()
    return apply_result_path(state.catchers[index].result_path, run.input, error)

