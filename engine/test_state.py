"""Run ONE state in isolation, as AWS's TestState API does.

`prepare(definition, state_name=...)` (engine.test_state_request) finds and checks the state
and the request's mock; `run_test_state(prepared, input, ...)` runs it once and returns a `TestStateResult`: status
(SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), output, error, cause, next state and the
inspection data of each input/output processing step.

The state runs through the same template as in an execution (engine.lifecycle: input
processing → handler → result processing) with an inspection hook that collects each step's
value.  Nothing is retried, nothing waits: a matching Retrier gives RETRIABLE with the backoff
the next attempt would wait (`stateConfiguration.retrierRetryCount` says how many retries have
happened), a matching Catcher gives CAUGHT_ERROR with its output.  A mock replaces the work of
a Task, Map or Parallel state; Map and Parallel states only run with one (iterations and
branches never run).  Developer guide: "Using TestState API to test a state in Step Functions".
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from engine import definition as definitions
from engine.context import StateContext
from engine.errors import ExceedToleratedFailureThreshold, Runtime, StatesError, Timeout
from engine.history import Frame, History
from engine.io.jsonpath import select
from engine.jsonata_mode import evaluate_typed, is_template
from engine.lifecycle import attempt, attempt_async, decide, error_output, retry_delay
from engine.ports import SystemClock
from engine.test_state_request import (
    LONE_STATE_NAME,
    UNSET,
    Prepared,
    TestStateError,
    TestStateResult,
    check_context,
    prepare,
)
from engine.variables import VariableScope

__all__ = ["UNSET", "Prepared", "TestStateError", "TestStateResult", "check_context", "prepare", "run_test_state"]

# AWS: a TestState call runs for at most five minutes.
MAX_SECONDS = 300

# ─── running ─────────────────────────────────────────────────────────────────────────────────

_JSONPATH_STEPS = ("afterInputPath", "afterParameters", "result", "afterResultSelector", "afterResultPath")
# AWS: the inspection steps each state type reports (a Pass state with Result reports no
# InputPath/Parameters steps, one without Result no result step, a Map state no result step).
_SHOWN = {
    "Pass": ("afterInputPath", "afterParameters", "afterResultSelector", "afterResultPath"),
    "Pass+Result": ("result", "afterResultSelector", "afterResultPath"),
    "Task": _JSONPATH_STEPS, "Parallel": _JSONPATH_STEPS,
    "Map": ("afterInputPath", "afterResultSelector", "afterResultPath"),
    "Choice": ("afterInputPath",), "Wait": ("afterInputPath",), "Succeed": ("afterInputPath",),
    "Fail": ("afterInputPath",),
}
_SHOWN_JSONATA = {"Task": ("afterArguments", "result"), "Parallel": ("afterArguments", "result")}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _Runner:
    """What the template needs from an execution, for one TestState call: the request's context
    object, no history, no waiting, the invoker capped at five minutes."""

    hooks = None
    cancellation = None
    stopping = False
    tracking = False
    progress_interval = None
    state_machine_name = "TestState"

    def __init__(self, prepared: Prepared, value: Any, *, context: Any, role_arn: str | None, region: str,
                 account: str, config: dict, invoker: Any):
        self.prepared, self.state, self.config = prepared, prepared.state, config
        self.region, self.account = region, account
        self.clock = SystemClock()
        self.invoker = _Capped(invoker) if invoker is not None else None
        self.map_runs: dict = {}
        self.inspection: dict[str, Any] = {"input": value}
        state = self.state
        kind = ("Pass+Result" if state.type == "Pass" and state.result is not definitions._UNSET else state.type)
        self.shown = _SHOWN_JSONATA.get(kind, ()) if state.jsonata is not None else _SHOWN[kind]
        self.ctx = context if context is not None else self._new_context(value, role_arn)

    def inspect(self, step: str, value: Any) -> None:
        if step in self.shown:
            self.inspection[step] = value

    def _new_context(self, value: Any, role_arn: str | None) -> dict:
        now = _iso(datetime.now(UTC))
        machine, execution = f"TestState-{uuid.uuid4().hex[:12]}", str(uuid.uuid4())
        region, account, state = self.region, self.account, self.state
        state_ctx = {"EnteredTime": now, "Name": LONE_STATE_NAME}
        if state.type in ("Task", "Parallel", "Map"):
            state_ctx["RetryCount"] = self.config.get("retrierRetryCount", 0)
        context = {
            "Execution": {"Id": f"arn:aws:states:{region}:{account}:express:{machine}:{execution}",
                          "Input": value, "Name": execution, "RoleArn": role_arn, "StartTime": now},
            "State": state_ctx,
            "StateMachine": {"Id": f"arn:aws:states:{region}:{account}:stateMachine:{machine}", "Name": machine},
        }
        if state.type == "Task" and state.resource.endswith(".waitForTaskToken"):
            context["Task"] = {"Token": str(uuid.uuid4())}
        return context

    def context(self, state: Any, frame: Any, extra: dict | None = None) -> dict:
        return {**self.ctx, **extra} if extra else self.ctx

    async def sleep(self, seconds: float) -> None:
        return None     # TestState never waits: the state's fields are evaluated, its output returned

    def interruptible(self, awaitable: Any) -> Any:
        return awaitable

    def new_token(self) -> str:
        return str(uuid.uuid4())


class _Capped:
    """AWS: a TestState call runs for at most five minutes."""

    def __init__(self, invoker: Any):
        self.invoker = invoker

    async def invoke(self, request: Any) -> Any:
        try:
            return await asyncio.wait_for(self.invoker.invoke(request), MAX_SECONDS)
        except TimeoutError:
            raise Timeout("") from None


def _mocked(runner: _Runner) -> Any:
    """The mock's answer: its result, or its errorOutput raised as the state's failure."""
    mock = runner.prepared.mock
    if "errorOutput" in mock:
        failure = mock["errorOutput"] or {}
        raise StatesError(failure.get("cause") or "", error=failure.get("error") or "")
    return copy.deepcopy(runner.prepared.mock_result)


def _next(state: Any) -> str | None:
    return None if state.end else state.next


def _mock_work(ctx: StateContext, value: Any) -> tuple[str | None, Any]:
    """A mocked Task or Parallel: the mock instead of the invocation or the branches."""
    return _next(ctx.state), _mocked(ctx.runner)


def _mock_map(ctx: StateContext, value: Any) -> tuple[str | None, Any]:
    """A mocked Map: its items and numbers are evaluated and reported, the mock is its result."""
    runner, state = ctx.runner, ctx.state
    items = _map_items(ctx, value)
    max_concurrency, count, percentage = _map_numbers(ctx)
    inspection = runner.inspection
    inspection["maxConcurrency"] = max_concurrency
    if count is not None:
        inspection["toleratedFailureCount"] = count
    if percentage is not None:
        inspection["toleratedFailurePercentage"] = float(percentage)
    failures = runner.config.get("mapIterationFailureCount")
    length = len(items) if isinstance(items, list) else 0
    if failures is not None and failures > length:
        raise TestStateError("ValidationException",
                             "Map iteration failure count must be less than or equal to the number of Map iterations")
    if "errorOutput" in runner.prepared.mock:
        _mocked(runner)
    # AWS (recorded): the failure count is held against the Map's own tolerated failures only when
    # it declares some (a Map without them answers with its mocked result), and the error reads
    # "tolerated failure threshold" here.
    declared = count is not None or percentage is not None
    if failures and declared and failures > (count or 0) and failures > (percentage or 0) * length / 100:
        raise ExceedToleratedFailureThreshold("The specified tolerated failure threshold was exceeded")
    return _next(state), _mocked(runner)


def _map_items(ctx: StateContext, value: Any) -> Any:
    """The Map's items, as the iterations would get them (ItemReader data comes from the request)."""
    state, config = ctx.state, ctx.runner.config
    if "mapItemReaderData" in config:
        try:
            return json.loads(config["mapItemReaderData"])
        except ValueError:
            raise TestStateError("ValidationException", "Map item reader data must be valid JSON") from None
    if state.jsonata is not None:
        items = state.raw.get("Items")
        if items is None:
            return value
        states = {"input": value, "context": ctx.context()}
        return evaluate_typed(items, states, ctx.variables, field="Items") if is_template(items) else items
    path = state.items_path
    items = select(path, value, ctx) if path != "$" else value
    if not isinstance(items, list):
        # AWS (recorded): a context path is quoted with one `$` less.
        shown = path[1:] if path.startswith("$$") else path
        raise Runtime(f'Reference path "{shown}" must point to array.')
    ctx.runner.inspection["afterItemsPath"] = items
    return items


def _map_numbers(ctx: StateContext) -> tuple[Any, Any, Any]:
    state, raw = ctx.state, ctx.frame.input
    if state.jsonata is not None:
        states = {"input": raw, "context": ctx.context()}

        def typed(key: str, default: Any) -> Any:
            value = state.raw.get(key, default)
            return evaluate_typed(value, states, ctx.variables, field=key) if is_template(value) else value
        return typed("MaxConcurrency", 0), typed("ToleratedFailureCount", None), \
            typed("ToleratedFailurePercentage", None)

    def number(key: str, default: Any) -> Any:
        path = state.raw.get(key + "Path")
        return select(path, raw, ctx) if path is not None else state.raw.get(key, default)
    return number("MaxConcurrency", 0), number("ToleratedFailureCount", None), \
        number("ToleratedFailurePercentage", None)


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
    value = {} if input is None else input
    config = state_configuration or {}
    runner = _Runner(prepared, value, context=context, role_arn=role_arn, region=region, account=account,
                     config=config, invoker=invoker)
    state = prepared.state
    frame = Frame(0, History(None, runner.clock.now, 1 << 62, keep=False), VariableScope(values=variables or {}))
    frame.state, frame.input, frame.entered_time = state.name, value, runner.clock.now()
    frame.task_token = (runner.ctx.get("Task") or {}).get("Token")
    ctx = StateContext(runner, state, frame, value)
    handler = None
    if prepared.mock is not None:
        handler = _mock_map if state.type == "Map" else _mock_work
    try:
        if state.is_async or handler is not None:
            next_state, output = await attempt_async(ctx, value, handler)
        else:
            next_state, output = attempt(ctx, value)
    except StatesError as exc:
        result = _failure(ctx, runner, exc, config.get("retrierRetryCount", 0))
    else:
        result = TestStateResult("SUCCEEDED", output=output, next_state=next_state, inspection=runner.inspection)
        _add_variables(ctx, result)
    if state.type == "Map" and state.jsonata is None:
        _array_texts(result)
    return result


def _add_variables(ctx: StateContext, result: TestStateResult) -> None:
    """The workflow variables after the state (its Assign applied), when there are any."""
    ctx.variables.take_pending()
    snapshot = ctx.variables.snapshot()
    if snapshot:
        result.inspection["variables"] = snapshot


def _failure(ctx: StateContext, runner: _Runner, exc: StatesError, retried: int) -> TestStateResult:
    """Retry and Catch, reported instead of done (Task, Map, Parallel)."""
    state, inspection = ctx.state, runner.inspection
    action, index = decide(state, exc.error or "", [retried] * len(state.retriers)) if state.has_result \
        else ("fail", -1)
    if action == "retry":
        delay = retry_delay(state.retriers[index], retried, jitter=False)
        inspection["errorDetails"] = {"retryIndex": index, "retryBackoffIntervalSeconds": int(delay)}
        return TestStateResult("RETRIABLE", error=exc.error, cause=exc.cause, inspection=inspection)
    if action == "catch":
        ctx.variables.discard_staged()
        try:
            output = state.io.catch_output(ctx, ctx.frame.input, index, error_output(exc))
        except StatesError as inner:
            return TestStateResult("FAILED", error=inner.error, cause=inner.cause, inspection=inspection)
        inspection["errorDetails"] = {"catchIndex": index}
        result = TestStateResult("CAUGHT_ERROR", output=output, error=exc.error, cause=exc.cause,
                                 next_state=state.catchers[index].next, inspection=inspection)
        _add_variables(ctx, result)
        return result
    return TestStateResult("FAILED", error=exc.error, cause=exc.cause or None, inspection=inspection)
