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

import asyncio
import copy
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine import definition as definitions
from engine.choice_rules import evaluate_choice
from engine.errors import (
    ExceedToleratedFailureThreshold,
    NoChoiceMatched,
    Runtime,
    StatesError,
    Timeout,
    error_matches,
)
from engine.jsonata_mode import evaluate_typed, is_template
from engine.jsonata_states import assign_jsonpath
from engine.lifecycle import apply_input_path, apply_output_path, apply_result_path, error_output, select
from engine.payload import Scope
from engine.ports import TaskRequest
from engine.validation import format_invalid_definition, validate, validate_state
from engine.variables import VariableScope

# AWS: a lone state is tested under this name (validation paths and $$.State.Name say so).
LONE_STATE_NAME = "StateName"
NOT_MOCKABLE = ("Pass", "Fail", "Succeed", "Choice", "Wait")
MAX_SECONDS = 300
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


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _Run:
    """One test run: the context object, the variables and the inspection data it collects."""

    def __init__(self, prepared: Prepared, value: Any, *, variables: dict | None, context: Any,
                 role_arn: str | None, region: str, account: str, config: dict, invoker: Any):
        self.state = prepared.state
        self.prepared = prepared
        self.input = value
        self.variables = VariableScope(values=variables or {})
        self.config = config
        self.invoker = invoker
        self.inspection: dict[str, Any] = {"input": value}
        self.context = context if context is not None else self._new_context(role_arn, region, account)

    def _new_context(self, role_arn: str | None, region: str, account: str) -> dict:
        now = _iso(datetime.now(UTC))
        machine, execution = f"TestState-{uuid.uuid4().hex[:12]}", str(uuid.uuid4())
        state = {"EnteredTime": now, "Name": LONE_STATE_NAME}
        if self.state.type in ("Task", "Parallel", "Map"):
            state["RetryCount"] = self.config.get("retrierRetryCount", 0)
        context = {
            "Execution": {"Id": f"arn:aws:states:{region}:{account}:express:{machine}:{execution}",
                          "Input": self.input, "Name": execution, "RoleArn": role_arn, "StartTime": now},
            "State": state,
            "StateMachine": {"Id": f"arn:aws:states:{region}:{account}:stateMachine:{machine}", "Name": machine},
        }
        if self.state.type == "Task" and self.state.resource.endswith(".waitForTaskToken"):
            context["Task"] = {"Token": str(uuid.uuid4())}
        return context

    def scope(self, value: Any) -> Scope:
        def context() -> dict:
            return self.context

        context.variables = self.variables
        return Scope(value, context, self.variables)

    def states(self, **more: Any) -> dict:
        return {"input": self.input, "context": self.context, **more}

    # -- JSONata helpers --

    def assign_and_output(self, assign: Any, output: Any, states: dict, default: Any) -> Any:
        assigned = {name: f.evaluate(states, self.variables) for name, f in assign} if assign else None
        value = output.evaluate(states, self.variables) if output is not None else default
        if assigned:
            self.variables.stage(assigned)
            self.variables.take_pending()
        return value

    def typed(self, key: str, default: Any, states: dict) -> Any:
        value = self.state.raw.get(key, default)
        return evaluate_typed(value, states, self.variables, field=key) if is_template(value) else value


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
    run = _Run(prepared, {} if input is None else input, variables=variables, context=context,
               role_arn=role_arn, region=region, account=account, config=state_configuration or {},
               invoker=invoker)
    state = run.state
    try:
        next_state, output = await _STEPS[state.type](run)
    except StatesError as exc:
        result = _failure(run, exc)
    else:
        result = TestStateResult("SUCCEEDED", output=output, next_state=next_state, inspection=run.inspection)
        _add_variables(run, result)
    if state.type == "Map" and state.jsonata is None:
        _array_texts(result)
    return result


def _add_variables(run: _Run, result: TestStateResult) -> None:
    snapshot = {}
    scope = run.variables
    while scope is not None:
        for key, value in scope._values.items():
            snapshot.setdefault(key, value)
        scope = scope.parent
    if snapshot:
        run.inspection["variables"] = snapshot


def _next(state: Any) -> str | None:
    return None if state.end else state.next


def _failure(run: _Run, exc: StatesError) -> TestStateResult:
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


def _catch_output(run: _Run, index: int, error: dict) -> Any:
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


# ─── one step function per state type ────────────────────────────────────────────────────────


def _jsonpath_finish(run: _Run, result: Any) -> Any:
    """ResultSelector, Assign, ResultPath, OutputPath of a JSONPath Task, Map or Parallel."""
    state = run.state
    run.inspection["result"] = result
    if state.result_selector is not None:
        result = state.result_selector(run.scope(result))
    run.inspection["afterResultSelector"] = result
    if "Assign" in state.raw:
        assign_jsonpath(state.raw["Assign"], result, run.scope(result))
        run.variables.take_pending()
    after = apply_result_path(state, run.input, result)
    run.inspection["afterResultPath"] = after
    return apply_output_path(state, after, run.scope(after).context)


def _jsonpath_effective_input(run: _Run) -> Any:
    state = run.state
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    if state.parameters is not None:
        value = state.parameters(run.scope(value))
    run.inspection["afterParameters"] = value
    return value


def _jsonata_arguments(run: _Run) -> Any:
    info = run.state.jsonata
    if info.arguments is None:
        return run.input
    value = info.arguments.evaluate(run.states(), run.variables)
    run.inspection["afterArguments"] = value
    return value


def _jsonata_finish(run: _Run, result: Any) -> Any:
    info = run.state.jsonata
    run.inspection["result"] = result
    return run.assign_and_output(info.assign, info.output, run.states(result=result), result)


async def _pass(run: _Run) -> tuple[str | None, Any]:
    state = run.state
    if state.jsonata is not None:
        info = state.jsonata
        return _next(state), run.assign_and_output(info.assign, info.output, run.states(), run.input)
    if state.result is not definitions._UNSET:
        # AWS: a Pass state with Result reports no InputPath/Parameters steps.
        result = copy.deepcopy(state.result)
        return _next(state), _jsonpath_finish(run, result)
    output = _jsonpath_finish(run, _jsonpath_effective_input(run))
    del run.inspection["result"]  # AWS: a Pass state without Result has no result step
    return _next(state), output


async def _succeed(run: _Run) -> tuple[str | None, Any]:
    state = run.state
    if state.jsonata is not None:
        return None, run.assign_and_output(None, state.jsonata.output, run.states(), run.input)
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    return None, apply_output_path(state, value, run.scope(value).context)


async def _fail(run: _Run) -> tuple[str | None, Any]:
    from engine.states import FailError, _string_field

    state = run.state
    if state.jsonata is not None:
        states = run.states()
        error = evaluate_typed(state.error, states, run.variables, field="Error") if is_template(state.error) \
            else state.error
        cause = evaluate_typed(state.cause, states, run.variables, field="Cause") if is_template(state.cause) \
            else state.cause
        raise FailError(error, cause)
    run.inspection["afterInputPath"] = run.input
    scope = run.scope(run.input)
    error = _string_field(state.error_path, "ErrorPath", scope) if state.error_path else state.error
    cause = _string_field(state.cause_path, "CausePath", scope) if state.cause_path else state.cause
    raise FailError(error, cause)


async def _choice(run: _Run) -> tuple[str | None, Any]:
    state = run.state
    if state.jsonata is not None:
        states = run.states()
        for index, (condition, target, output, assign) in enumerate(state.jsonata.choices):
            matched = evaluate_typed(condition, states, run.variables, field=f"Choices[{index}]/Condition",
                                     kind="Condition") if is_template(condition) else condition is True
            if matched:
                return target, run.assign_and_output(assign, output, states, run.input)
        if state.default is None:
            raise NoChoiceMatched("No Matches!")
        info = state.jsonata
        return state.default, run.assign_and_output(info.assign, info.output, states, run.input)
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    scope = run.scope(value)
    target = evaluate_choice(state.raw, scope.resolve)
    if target is None:
        raise NoChoiceMatched("No Matches!")
    from engine.jsonata_states import choice_assign_jsonpath

    choice_assign_jsonpath(state, value, scope)
    run.variables.take_pending()
    return target, apply_output_path(state, value, scope.context)


async def _wait(run: _Run) -> tuple[str | None, Any]:
    # TestState does not wait: the state's fields are evaluated, its output returned.
    state = run.state
    if state.jsonata is not None:
        states = run.states()
        if state.seconds is not None:
            evaluate_typed(state.seconds, states, run.variables, field="Seconds")
        info = state.jsonata
        return _next(state), run.assign_and_output(info.assign, info.output, states, run.input)
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    if state.seconds_path is not None:
        select(state.seconds_path, value, run.scope(value).context)
    if "Assign" in state.raw:
        assign_jsonpath(state.raw["Assign"], value, run.scope(value))
        run.variables.take_pending()
    return _next(state), apply_output_path(state, value, run.scope(value).context)


def _mocked(run: _Run) -> Any:
    """The mock's answer: its result, or its errorOutput raised as the state's failure."""
    mock = run.prepared.mock
    if "errorOutput" in mock:
        failure = mock["errorOutput"] or {}
        raise StatesError(failure.get("cause") or "", error=failure.get("error") or "")
    return copy.deepcopy(run.prepared.mock_result)


async def _task(run: _Run) -> tuple[str | None, Any]:
    state = run.state
    payload = _jsonata_arguments(run) if state.jsonata is not None else _jsonpath_effective_input(run)
    if run.prepared.mock is not None:
        result = _mocked(run)
    else:
        result = await _invoke(run, payload)
    if state.jsonata is not None:
        return _next(state), _jsonata_finish(run, result)
    return _next(state), _jsonpath_finish(run, result)


async def _invoke(run: _Run, payload: Any) -> Any:
    from engine.tasks import _task_kind, lambda_invoke_result

    state = run.state
    kind, resource_type, action, _ = _task_kind(state, "")
    if run.invoker is None:
        raise StatesError(f"No handler for resource '{state.resource}'", error="States.TaskFailed")
    resource, body, extra = state.resource, payload, {"kind": kind, "mark_started": lambda *a: None,
                                                       "mark_submitted": lambda *a: None}
    lambda_invoke = kind == "service" and resource_type == "lambda" and action == "invoke"
    if lambda_invoke:
        params = payload if isinstance(payload, dict) else {}
        resource, body = params.get("FunctionName", ""), params.get("Payload", {})
        extra.update(integration="lambda:invoke", parameters=params)
    request = TaskRequest(resource=resource, payload=body, state_name=state.name, context=run.context,
                          task_token=(run.context.get("Task") or {}).get("Token"), credentials=state.credentials,
                          extra=extra)
    # AWS: a TestState call runs for at most five minutes, a Task no longer than its TimeoutSeconds.
    limit = min(state.timeout_seconds, MAX_SECONDS) if isinstance(state.timeout_seconds, int) else MAX_SECONDS
    try:
        result = await asyncio.wait_for(run.invoker.invoke(request), limit)
    except TimeoutError:
        raise Timeout("") from None
    except StatesError:
        raise
    except Exception as failure:  # an invoker's own failure is the task's failure
        error = getattr(failure, "error", None)
        raise StatesError(str(failure), error=error if isinstance(error, str) else type(failure).__name__) \
            from failure
    if extra.get("integration") == "lambda:invoke":
        result = lambda_invoke_result(result)
    return result


async def _parallel(run: _Run) -> tuple[str | None, Any]:
    state = run.state
    if state.jsonata is not None:
        _jsonata_arguments(run)
        result = _mocked(run)
        return _next(state), _jsonata_finish(run, result)
    _jsonpath_effective_input(run)
    result = _mocked(run)
    return _next(state), _jsonpath_finish(run, result)


def _map_items(run: _Run) -> Any:
    """The Map's items, as the iterations would get them (ItemReader data comes from the request)."""
    state, config = run.state, run.config
    if "mapItemReaderData" in config:
        try:
            return json.loads(config["mapItemReaderData"])
        except ValueError:
            raise TestStateError("ValidationException", "Map item reader data must be valid JSON") from None
    if state.jsonata is not None:
        items = state.raw.get("Items")
        if items is None:
            return run.input
        return evaluate_typed(items, run.states(), run.variables, field="Items") if is_template(items) else items
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    path = state.items_path
    items = select(path, value, run.scope(value).context) if path != "$" else value
    if not isinstance(items, list):
        # AWS (recorded): a context path is quoted with one `$` less.
        shown = path[1:] if path.startswith("$$") else path
        raise Runtime(f'Reference path "{shown}" must point to array.')
    run.inspection["afterItemsPath"] = items
    return items


def _map_numbers(run: _Run) -> tuple[int, Any, Any]:
    state = run.state
    if state.jsonata is not None:
        states = run.states()
        return (run.typed("MaxConcurrency", 0, states), run.typed("ToleratedFailureCount", None, states),
                run.typed("ToleratedFailurePercentage", None, states))
    scope = run.scope(run.input)

    def number(key: str, default: Any) -> Any:
        path = state.raw.get(key + "Path")
        if path is not None:
            return select(path, run.input, scope.context)
        return state.raw.get(key, default)

    return number("MaxConcurrency", 0), number("ToleratedFailureCount", None), \
        number("ToleratedFailurePercentage", None)


async def _map(run: _Run) -> tuple[str | None, Any]:
    state = run.state
    items = _map_items(run)
    max_concurrency, tolerated_count, tolerated_percentage = _map_numbers(run)
    run.inspection["maxConcurrency"] = max_concurrency
    if tolerated_count is not None:
        run.inspection["toleratedFailureCount"] = tolerated_count
    if tolerated_percentage is not None:
        run.inspection["toleratedFailurePercentage"] = float(tolerated_percentage)
    failures = run.config.get("mapIterationFailureCount")
    length = len(items) if isinstance(items, list) else 0
    if failures is not None and failures > length:
        raise TestStateError("ValidationException",
                             "Map iteration failure count must be less than or equal to the number of Map iterations")
    if "errorOutput" in run.prepared.mock:
        _mocked(run)
    if failures:
        allowed_by_count = tolerated_count if tolerated_count is not None else 0
        allowed_by_share = (tolerated_percentage or 0) * length / 100
        if failures > allowed_by_count and failures > allowed_by_share:
            raise ExceedToleratedFailureThreshold("The specified tolerance threshold was exceeded")
    result = _mocked(run)
    output = _jsonata_finish(run, result) if state.jsonata is not None else _jsonpath_finish(run, result)
    del run.inspection["result"]  # AWS: a Map state's inspection data has no result step
    return _next(state), output


_STEPS = {
    "Pass": _pass, "Succeed": _succeed, "Fail": _fail, "Choice": _choice, "Wait": _wait,
    "Task": _task, "Parallel": _parallel, "Map": _map,
}
