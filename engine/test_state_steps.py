"""The per-state steps of a TestState run (engine.test_state): each runs one state type once,
records the inspection data of every input/output processing step in `run.inspection` and
returns `(next state, output)`; failures are raised as StatesError (Retry/Catch are reported by
engine.test_state, not done).

Shared by both: `TestStateError` (a refused request), `Prepared`, `TestStateResult`, `UNSET`.
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
from engine.errors import ExceedToleratedFailureThreshold, NoChoiceMatched, Runtime, StatesError, Timeout
from engine.jsonata_mode import evaluate_typed, is_template
from engine.jsonata_states import assign_jsonpath
from engine.lifecycle import apply_input_path, apply_output_path, apply_result_path, select
from engine.payload import Scope
from engine.ports import TaskRequest
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



def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Run:
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



def _next(state: Any) -> str | None:
    return None if state.end else state.next


# ─── one step function per state type ────────────────────────────────────────────────────────


def _jsonpath_finish(run: Run, result: Any) -> Any:
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


def _jsonpath_effective_input(run: Run) -> Any:
    state = run.state
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    if state.parameters is not None:
        value = state.parameters(run.scope(value))
    run.inspection["afterParameters"] = value
    return value


def _jsonata_arguments(run: Run) -> Any:
    info = run.state.jsonata
    if info.arguments is None:
        return run.input
    value = info.arguments.evaluate(run.states(), run.variables)
    run.inspection["afterArguments"] = value
    return value


def _jsonata_finish(run: Run, result: Any) -> Any:
    info = run.state.jsonata
    run.inspection["result"] = result
    return run.assign_and_output(info.assign, info.output, run.states(result=result), result)


async def _pass(run: Run) -> tuple[str | None, Any]:
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


async def _succeed(run: Run) -> tuple[str | None, Any]:
    state = run.state
    if state.jsonata is not None:
        return None, run.assign_and_output(None, state.jsonata.output, run.states(), run.input)
    value = apply_input_path(state, run.input, run.scope(run.input).context)
    run.inspection["afterInputPath"] = value
    return None, apply_output_path(state, value, run.scope(value).context)


async def _fail(run: Run) -> tuple[str | None, Any]:
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


async def _choice(run: Run) -> tuple[str | None, Any]:
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


async def _wait(run: Run) -> tuple[str | None, Any]:
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
        from engine.states import _seconds_from_path

        _seconds_from_path(state.seconds_path, value, run.scope(value))
    if "Assign" in state.raw:
        assign_jsonpath(state.raw["Assign"], value, run.scope(value))
        run.variables.take_pending()
    return _next(state), apply_output_path(state, value, run.scope(value).context)


def _mocked(run: Run) -> Any:
    """The mock's answer: its result, or its errorOutput raised as the state's failure."""
    mock = run.prepared.mock
    if "errorOutput" in mock:
        failure = mock["errorOutput"] or {}
        raise StatesError(failure.get("cause") or "", error=failure.get("error") or "")
    return copy.deepcopy(run.prepared.mock_result)


async def _task(run: Run) -> tuple[str | None, Any]:
    state = run.state
    payload = _jsonata_arguments(run) if state.jsonata is not None else _jsonpath_effective_input(run)
    if run.prepared.mock is not None:
        result = _mocked(run)
    else:
        result = await _invoke(run, payload)
    if state.jsonata is not None:
        return _next(state), _jsonata_finish(run, result)
    return _next(state), _jsonpath_finish(run, result)


async def _invoke(run: Run, payload: Any) -> Any:
    from engine.tasks import _task_kind, lambda_invoke_request, lambda_invoke_result, task_failure

    state = run.state
    kind, resource_type, action, _ = _task_kind(state, "")
    if run.invoker is None:
        raise StatesError(f"No handler for resource '{state.resource}'", error="States.TaskFailed")
    resource, body, extra = state.resource, payload, {"kind": kind, "mark_started": lambda *a: None,
                                                       "mark_submitted": lambda *a: None}
    lambda_invoke = kind == "service" and resource_type == "lambda" and action == "invoke"
    if lambda_invoke:
        resource, body = lambda_invoke_request(payload, extra)
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
    except Exception as failure:
        raise task_failure(failure) from failure
    if extra.get("integration") == "lambda:invoke":
        result = lambda_invoke_result(result)
    return result


async def _parallel(run: Run) -> tuple[str | None, Any]:
    state = run.state
    if state.jsonata is not None:
        _jsonata_arguments(run)
        result = _mocked(run)
        return _next(state), _jsonata_finish(run, result)
    _jsonpath_effective_input(run)
    result = _mocked(run)
    return _next(state), _jsonpath_finish(run, result)


def _map_items(run: Run) -> Any:
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


def _map_numbers(run: Run) -> tuple[int, Any, Any]:
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


async def _map(run: Run) -> tuple[str | None, Any]:
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


STEPS = {
    "Pass": _pass, "Succeed": _succeed, "Fail": _fail, "Choice": _choice, "Wait": _wait,
    "Task": _task, "Parallel": _parallel, "Map": _map,
}

