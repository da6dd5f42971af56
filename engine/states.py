"""One handler per state `Type`, in the `STATE_HANDLERS` table.

A handler receives the interpreter, the compiled state, the state's raw input and its frame,
and *returns* `(next_state_or_None, output)`; failures are raised as `StatesError`.  The
interpreter emits the Entered/Exited events around it.  Pass, Choice, Succeed and Fail are
plain functions; Task, Wait, Parallel and Map are coroutines (they can suspend).

Sections of the ASL specification: "Pass State", "Task State", "Choice State", "Wait State",
"Succeed State", "Fail State", "Parallel State", "Map State"; the Map and Parallel history
events follow what AWS records (see the conformance cases).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from engine import jsonata_states
from engine.definition import _UNSET, MapState, ParallelState, State, TaskState
from engine.errors import (
    ExceedToleratedFailureThreshold,
    NoChoiceMatched,
    PathNotFound,
    Runtime,
    StatesError,
)
from engine.history import Frame, History, failure_details
from engine.lifecycle import (
    apply_input_path,
    apply_output_path,
    apply_result_path,
    effective_input,
    error_output,
    find_catcher,
    find_retrier,
    prefix_cause,
    process_result,
    retry_delay,
    select,
)
from engine.paths import compile_path, to_json
from engine.payload import Scope, evaluate_intrinsic, is_intrinsic
from engine.ports import TaskRequest

try:  # engine/choice_rules.py is written in parallel
    from engine.choice_rules import evaluate_choice, parse_timestamp
except ImportError:  # pragma: no cover
    evaluate_choice = parse_timestamp = None


def _scope(ex: Any, state: State, frame: Frame, raw: Any) -> Scope:
    def context() -> dict:
        return ex.context(state, frame)

    context.variables = frame.variables  # lifecycle.select resolves `$name` paths with it
    return Scope(raw, context, frame.variables)


def _next(state: State) -> str | None:
    return None if state.end else state.next


# -- Pass, Choice, Succeed, Fail --------------------------------------------------------------

def handle_pass(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    if state.result is not _UNSET:
        apply_input_path(state, raw, scope.context)
        result = state.result
    else:
        result = effective_input(state, raw, scope)
    jsonata_states.assign_jsonpath(state.raw.get("Assign"), result, scope)
    return _next(state), apply_output_path(state, apply_result_path(state, raw, result), scope.context)


def handle_choice(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    value = apply_input_path(state, raw, scope.context)
    scope.input = value
    target = evaluate_choice(state.raw, scope.resolve)
    if target is None:
        # AWS: the recorded cause of States.NoChoiceMatched.
        raise NoChoiceMatched("No Matches!")
    jsonata_states.choice_assign_jsonpath(state, value, scope)
    return target, apply_output_path(state, value, scope.context)


def handle_succeed(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    value = apply_input_path(state, raw, scope.context)
    return None, apply_output_path(state, value, scope.context)


class FailError(StatesError):
    """A Fail state's failure: Error and Cause may each be absent (AWS then omits them)."""

    def __init__(self, error: str | None, cause: str | None):
        super().__init__(cause or "")
        self.error, self.cause = error, cause


def handle_fail(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    error = _string_field(state.error_path, "ErrorPath", scope) if state.error_path else state.error
    cause = _string_field(state.cause_path, "CausePath", scope) if state.cause_path else state.cause
    raise FailError(error, cause)


def _string_field(expression: str, field: str, scope: Scope) -> Any:
    """ErrorPath / CausePath: a path or an intrinsic function."""
    if is_intrinsic(expression):
        return evaluate_intrinsic(expression, scope.resolve)
    try:
        return scope.resolve(expression)
    except PathNotFound:
        raise Runtime(
            f"The JSONPath '{expression}' specified for the field '{field}' could not be found "
            f"in the input '{to_json(scope.input)}'"
        ) from None


# -- Wait -----------------------------------------------------------------------------------

async def handle_wait(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    value = apply_input_path(state, raw, scope.context)
    scope.input = value
    if state.seconds is not None:
        seconds = state.seconds
    elif state.seconds_path is not None:
        seconds = _seconds_from_path(state.seconds_path, value, scope)
    else:
        if state.timestamp is not None:
            moment = _parse_time(state.timestamp)
        else:
            path = state.timestamp_path
            text = select(path, value, scope.context)
            moment = _parse_time(text)
            if moment is None:
                raise Runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                    f"offset date-time format string: {path} == {text if isinstance(text, str) else to_json(text)}"
                )
        seconds = max(0.0, (moment - ex.clock.now()).total_seconds()) if moment else 0
    await ex.sleep(seconds)
    jsonata_states.assign_jsonpath(state.raw.get("Assign"), value, scope)
    return _next(state), apply_output_path(state, value, scope.context)


def _seconds_from_path(path: str, value: Any, scope: Scope) -> int:
    seconds = select(path, value, scope.context)
    shown = seconds if isinstance(seconds, str) else to_json(seconds)
    if type(seconds) is not int:
        raise Runtime(f"The SecondsPath parameter cannot be parsed as a long value: {path} == {shown}")
    if seconds < 0:
        raise Runtime(f"The SecondsPath parameter references a negative value: {path} == {shown}")
    return seconds


def _parse_time(text: Any) -> datetime | None:
    parsed = parse_timestamp(text) if parse_timestamp is not None else None
    if parsed is None:
        return None
    seconds, nanos = parsed
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=nanos // 1000)


# -- Retry and Catch around Task, Parallel and Map ---------------------------------------------

async def _with_retry(ex: Any, state: Any, raw: Any, frame: Frame, attempt: Any) -> tuple[str | None, Any]:
    """Run `attempt` under the state's Retry and Catch; return (next, output)."""
    counts = [0] * len(state.retriers)
    while True:
        try:
            scope = _scope(ex, state, frame, raw)
            result = await attempt(ex, state, raw, frame, scope)
            return _next(state), process_result(state, raw, result, scope)
        except StatesError as exc:
            error = exc.error or ""
            index = find_retrier(state.retriers, error)
            if index is not None and counts[index] < state.retriers[index].max_attempts:
                delay = retry_delay(state.retriers[index], counts[index])
                counts[index] += 1
                frame.retry_count += 1
                await ex.sleep(delay)
                continue
            if getattr(exc, "from_children", False):
                frame.history.link(frame, state.type + "StateFailed")
            catcher = find_catcher(state.catchers, error)
            if catcher is None:
                raise
            prefix_cause(exc, state.name, frame.entered)
            return catcher.next, jsonata_states.catch_output(state, catcher, raw, error_output(exc), scope)


# -- Task -----------------------------------------------------------------------------------

_SERVICE_PREFIX = "arn:aws:states:::"


def _task_kind(state: TaskState, region: str) -> tuple[str, str, str, str]:
    """(kind, resourceType, resource, region) of a Task's Resource, for its history events."""
    resource = state.resource
    if resource.startswith("arn:aws:states:") and ":activity:" in resource:
        return "activity", "", resource, region
    if resource.startswith("arn:aws:states:"):
        rest = resource.split(":", 5)
        arn_region = rest[3] or region
        service = rest[5] if len(rest) > 5 else rest[-1]
        service_type, _, action = service.rpartition(":")
        return "service", service_type, action, arn_region
    return "lambda", "", resource, region


_EVENTS = {
    # kind: (Scheduled, Started, Succeeded, Failed, TimedOut, details prefix)
    "service": ("TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskFailed", "TaskTimedOut", "task"),
    "lambda": ("LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
               "LambdaFunctionFailed", "LambdaFunctionTimedOut", "lambdaFunction"),
    "activity": ("ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "ActivityFailed",
                 "ActivityTimedOut", "activity"),
}


async def handle_task(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    return await _with_retry(ex, state, raw, frame, _task_attempt)


def _positive_int_field(value: Any, path: str | None, literal: Any, field: str, scope: Scope) -> Any:
    if path is None:
        return literal
    number = select(path, value, scope.context)
    if type(number) is not int or number <= 0:
        raise Runtime(f"The {field}Path parameter does not reference a positive integer: {path} == {to_json(number)}")
    return number


async def _task_attempt(ex: Any, state: Any, raw: Any, frame: Frame, scope: Scope) -> Any:
    kind, resource_type, resource, region = _task_kind(state, ex.region)
    if state.resource.endswith(".waitForTaskToken") or kind == "activity":
        frame.task_token = frame.task_token or str(uuid.uuid4())
    payload = effective_input(state, raw, scope)
    timeout = _positive_int_field(raw, state.timeout_seconds_path, state.timeout_seconds, "TimeoutSeconds", scope)
    heartbeat = _positive_int_field(raw, state.heartbeat_seconds_path, state.heartbeat_seconds,
                                    "HeartbeatSeconds", scope)
    if state.jsonata is not None:
        timeout = jsonata_states.integer_field(state, timeout, "TimeoutSeconds", raw, scope)
        heartbeat = jsonata_states.integer_field(state, heartbeat, "HeartbeatSeconds", raw, scope)
    scheduled, started, succeeded, failed, timed_out, prefix = _EVENTS[kind]
    history = frame.history
    payload_text = to_json(payload)
    if kind == "service":
        base = {"resourceType": resource_type, "resource": resource}
        details = dict(base, region=region, parameters=payload_text)
    else:
        base = {}
        details = {"resource": resource, "input": payload_text, "inputDetails": {"truncated": False}}
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    if heartbeat is not None:
        details["heartbeatInSeconds"] = heartbeat
    history.link(frame, scheduled, prefix + "ScheduledEventDetails", details)

    started_flag = []

    def mark_started(worker_name: str | None = None) -> None:
        if started_flag:
            return
        started_flag.append(True)
        if kind == "activity":
            history.link(frame, started, "activityStartedEventDetails", {"workerName": worker_name or ""})
        elif kind == "service":
            history.link(frame, started, "taskStartedEventDetails", dict(base))
        else:
            history.link(frame, started)

    def mark_submitted(output: Any) -> None:
        # A .waitForTaskToken or .sync integration has made its call and now waits: AWS records
        # the call's response in a TaskSubmitted event.
        history.link(frame, "TaskSubmitted", "taskSubmittedEventDetails",
                     dict(base, output=to_json(output), outputDetails={"truncated": False}))

    request_resource = state.resource
    extra: dict[str, Any] = {"mark_started": mark_started, "mark_submitted": mark_submitted, "kind": kind}
    invoke_payload = payload
    if kind == "service" and resource_type == "lambda" and resource.startswith("invoke"):
        params = payload if isinstance(payload, dict) else {}
        request_resource = params.get("FunctionName", "")
        invoke_payload = params.get("Payload", {})
        extra["integration"] = "lambda:invoke"
        extra["parameters"] = params
    if kind != "activity":
        mark_started()
    request = TaskRequest(
        resource=request_resource, payload=invoke_payload, state_name=state.name,
        context=ex.context(state, frame), task_token=frame.task_token,
        timeout_seconds=timeout, heartbeat_seconds=heartbeat, credentials=state.credentials, extra=extra,
    )
    try:
        if ex.invoker is None:
            raise StatesError(f"No handler for resource '{state.resource}'", error="States.TaskFailed")
        if timeout is not None:
            result = await ex.with_timeout(ex.invoker.invoke(request), timeout)
        else:
            result = await ex.invoker.invoke(request)
    except StatesError as exc:
        mark_started()
        timed = exc.error in ("States.Timeout", "States.HeartbeatTimeout")
        body = failure_details(exc.error, exc.cause)
        body = dict(base, **body)
        history.link(frame, timed_out if timed else failed,
                     prefix + ("TimedOutEventDetails" if timed else "FailedEventDetails"), body)
        raise
    mark_started()
    if extra.get("integration") == "lambda:invoke":
        result = lambda_invoke_result(result)
    history.link(frame, succeeded, prefix + "SucceededEventDetails",
                 dict(base, output=to_json(result), outputDetails={"truncated": False}))
    return result


def lambda_invoke_result(payload: Any) -> dict:
    """AWS: what the optimised Lambda integration (`lambda:invoke`) returns around a payload."""
    request_id = str(uuid.uuid4())
    length = str(len(to_json(payload).encode()))
    date = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    trace = f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};Sampled=0"
    headers = {
        "Connection": "keep-alive", "Content-Length": length, "Content-Type": "application/json",
        "Date": date, "X-Amz-Executed-Version": "$LATEST", "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id, "X-Amzn-Trace-Id": trace,
    }
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


# -- Parallel -------------------------------------------------------------------------------

async def handle_parallel(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    return await _with_retry(ex, state, raw, frame, _parallel_attempt)


async def _parallel_attempt(ex: Any, state: ParallelState, raw: Any, frame: Frame, scope: Scope) -> Any:
    value = effective_input(state, raw, scope)
    history = frame.history
    history.link(frame, "ParallelStateStarted")
    frames = [Frame(frame.prev, history, frame.variables.child()) for _ in state.branches]
    for f in frames:
        f.value, f.text = value, None
    failed: list[int] = []

    async def branch(i: int) -> Any:
        try:
            return await ex.run_states(state.branches[i], state.branches[i].start_at, value, frames[i])
        except StatesError:
            failed.append(i)
            raise

    try:
        if len(frames) == 1:
            results = [await branch(0)]
        else:
            results = await gather_or_cancel([branch(i) for i in range(len(frames))])
    except StatesError as exc:
        frame.prev = frames[failed[0]].prev
        exc.from_children = True
        raise
    frame.prev = max(f.prev for f in frames) if frames else frame.prev
    # AWS: ParallelStateSucceeded links to the last branch event without becoming the link
    # target of the Exited event that follows.
    history.add("ParallelStateSucceeded", frame.prev)
    return results


async def gather_or_cancel(coros: list) -> list:
    """Run coroutines concurrently; on the first failure cancel the rest and re-raise it."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


# -- Map ------------------------------------------------------------------------------------

# AWS: an inline Map runs at most 40 iterations at once, whatever MaxConcurrency says.
INLINE_MAP_CONCURRENCY = 40


async def handle_map(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    return await _with_retry(ex, state, raw, frame, _map_attempt)


def _integer_field(value: Any, path: str, field: str, scope: Scope, *, number: bool = False) -> Any:
    found = select(path, value, scope.context)
    ok = (type(found) is int or (number and type(found) is float))
    if not ok:
        shown = found if isinstance(found, str) else to_json(found)
        kind = "number" if number else "integer"
        raise Runtime(f'The {field} field refers to value "{shown}" which is not a valid {kind}: {path}')
    return found


async def _map_attempt(ex: Any, state: MapState, raw: Any, frame: Frame, scope: Scope) -> Any:
    value = apply_input_path(state, raw, scope.context)
    scope.input = value
    items = value if state.items_path == "$" else select(state.items_path, value, scope.context)
    if type(items) is not list:
        raise Runtime(f"Map state input must be an array but was: {to_json(items)}")
    max_concurrency = state.max_concurrency
    if state.max_concurrency_path is not None:
        max_concurrency = _integer_field(value, state.max_concurrency_path, "MaxConcurrencyPath", scope)
    history = frame.history
    history.link(frame, "MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    tolerated_count = state.tolerated_failure_count
    if state.tolerated_failure_count_path is not None:
        tolerated_count = _integer_field(value, state.tolerated_failure_count_path,
                                         "ToleratedFailureCountPath", scope)
    tolerated_percentage = state.tolerated_failure_percentage
    if state.tolerated_failure_percentage_path is not None:
        tolerated_percentage = _integer_field(value, state.tolerated_failure_percentage_path,
                                              "ToleratedFailurePercentagePath", scope, number=True)
    run = MapRun(ex, state, frame, items, value, tolerated_count, tolerated_percentage)
    if state.distributed:
        return await run.distributed(max_concurrency)
    return await run.inline(max_concurrency)


class MapRun:
    """The iterations of one Map state attempt."""

    def __init__(self, ex: Any, state: MapState, frame: Frame, items: list, value: Any,
                 tolerated_count: Any, tolerated_percentage: Any):
        self.ex, self.state, self.frame, self.items, self.value = ex, state, frame, items, value
        self.tolerated_count = tolerated_count or 0
        self.tolerated_percentage = tolerated_percentage
        self.results: list[Any] = [None] * len(items)
        self.failures = 0
        self.first_error: StatesError | None = None
        self.next_index = 0
        self.stopped = False

    def item_input(self, index: int) -> Any:
        state = self.state
        if state.item_selector is None:
            return self.items[index]
        ex, frame = self.ex, self.frame
        extra = {"Map": {"Item": {"Index": index, "Value": self.items[index]}}}
        scope = Scope(self.value, lambda: ex.context(state, frame, extra), frame.variables)
        return state.item_selector(scope)

    def exceeded(self) -> bool:
        if self.failures == 0:
            return False
        if self.failures > self.tolerated_count:
            if self.tolerated_percentage is None:
                return True
            return self.failures * 100.0 / len(self.items) > self.tolerated_percentage
        return False

    async def worker(self, child_history: History | None) -> None:
        ex, state, frame = self.ex, self.state, self.frame
        processor = state.processor
        name = state.name
        while not self.stopped and self.next_index < len(self.items):
            index = self.next_index
            self.next_index += 1
            item = self.item_input(index)
            if child_history is None:
                history = frame.history
                iteration = Frame(frame.prev, history, frame.variables.child())
                history.link(iteration, "MapIterationStarted", "mapIterationStartedEventDetails",
                             {"index": index, "name": name})
            else:
                iteration = Frame(0, child_history)
            try:
                self.results[index] = await ex.run_states(processor, processor.start_at, item, iteration)
            except StatesError as exc:
                self.failures += 1
                if child_history is None:
                    history.add("MapIterationFailed", iteration.prev, "mapIterationFailedEventDetails",
                                {"index": index, "name": name})
                    frame.prev = iteration.prev
                if self.first_error is None:
                    self.first_error = exc
                if self.exceeded():
                    self.stopped = True
                    raise
                continue
            except asyncio.CancelledError:
                if child_history is None:
                    history.add("MapIterationAborted", iteration.prev, "mapIterationAbortedEventDetails",
                                {"index": index, "name": name})
                raise
            if child_history is None:
                # AWS: MapIterationSucceeded links to the iteration's last event but the next
                # iteration links past it; only MapStateSucceeded links to the last of them.
                frame.last_closing = history.add("MapIterationSucceeded", iteration.prev,
                                                 "mapIterationSucceededEventDetails", {"index": index, "name": name})
                frame.prev = iteration.prev

    async def _run_workers(self, max_concurrency: int, child_history: History | None) -> None:
        limit = max_concurrency if max_concurrency and max_concurrency > 0 else INLINE_MAP_CONCURRENCY
        if child_history is not None:
            limit = max_concurrency if max_concurrency and max_concurrency > 0 else 1000
        workers = min(limit, len(self.items))
        if workers <= 1:
            if self.items:
                await self.worker(child_history)
            return
        await gather_or_cancel([self.worker(child_history) for _ in range(workers)])

    async def inline(self, max_concurrency: int) -> list:
        frame = self.frame
        frame.last_closing = 0
        try:
            await self._run_workers(max_concurrency, None)
        except StatesError as exc:
            exc.from_children = True
            raise
        if self.items:
            frame.prev = frame.last_closing
        frame.history.add("MapStateSucceeded", frame.prev)
        return self.results

    async def distributed(self, max_concurrency: int) -> list:
        ex, state, frame = self.ex, self.state, self.frame
        history = frame.history
        label = state.label or uuid.uuid4().hex[:8]
        arn = (f"arn:aws:states:{ex.region}:{ex.account}:mapRun:{ex.state_machine_name}/"
               f"{label}:{uuid.uuid4()}")
        history.link(frame, "MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})
        child_history = History(None, ex.clock.now, 1 << 62, keep=False)
        try:
            await self._run_workers(max_concurrency, child_history)
        except StatesError:
            history.link(frame, "MapRunFailed", "mapRunFailedEventDetails", {
                "error": "States.ExceedToleratedFailureThreshold",
                "cause": "The specified tolerance threshold was exceeded",
            })
            error = ExceedToleratedFailureThreshold("The specified tolerance threshold was exceeded")
            error.from_children = True
            raise error from None
        # AWS: MapStateExited usually links to MapRunSucceeded (6 of the 8 recorded runs; the
        # other two link to MapRunStarted, apparently a race inside the service).
        history.link(frame, "MapRunSucceeded")
        history.add("MapStateSucceeded", frame.prev)
        return self.results


STATE_HANDLERS = {
    "Pass": handle_pass,
    "Choice": handle_choice,
    "Succeed": handle_succeed,
    "Fail": handle_fail,
    "Wait": handle_wait,
    "Task": handle_task,
    "Parallel": handle_parallel,
    "Map": handle_map,
}

__all__ = ["STATE_HANDLERS", "FailError", "lambda_invoke_result", "compile_path"]
