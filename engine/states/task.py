"""Task states: resource kinds, their history events, the Lambda integration, timeouts.

Implements the ASL specification's "Task State" and the developer guide's service integration
pages: a Lambda function ARN (or a bare function name) records LambdaFunction* events, an
activity ARN Activity* events, and `arn:aws:states:::service:action` Task* events with
`resourceType`/`resource`.  The `lambda:invoke` integration wraps the function's payload the way
AWS does.  The resource itself runs behind `engine.ports.TaskInvoker`.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from engine.errors import HeartbeatTimeout, StatesError, Timeout
from engine.history import failure_details
from engine.paths import to_json
from engine.ports import TaskRequest


def task_kind(resource: str, region: str) -> tuple[str, str, str, str]:
    """(kind, resourceType, resource, region) of a Task's Resource, for its history events."""
    if resource.startswith("arn:aws:states:") and ":activity:" in resource:
        return "activity", "", resource, region
    if resource.startswith("arn:aws:states:"):
        rest = resource.split(":", 5)
        arn_region = rest[3] or region
        service = rest[5] if len(rest) > 5 else rest[-1]
        # AWS: "states:startExecution.sync:2" is resourceType "states", resource "startExecution.sync:2".
        suffix = ".sync:2" if service.endswith(".sync:2") else ""
        service_type, _, action = service[: len(service) - len(suffix)].rpartition(":")
        return "service", service_type, action + suffix, arn_region
    return "lambda", "", resource, region


_EVENTS = {
    # kind: (Scheduled, Started, Succeeded, Failed, TimedOut, details prefix)
    "service": ("TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskFailed", "TaskTimedOut", "task"),
    "lambda": ("LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
               "LambdaFunctionFailed", "LambdaFunctionTimedOut", "lambdaFunction"),
    "activity": ("ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "ActivityFailed",
                 "ActivityTimedOut", "activity"),
}


async def task(ctx: Any, payload: Any) -> tuple[str | None, Any]:
    state = ctx.state
    kind, resource_type, resource, region = task_kind(state.resource, ctx.region)
    timeout, heartbeat = state.io.task_limits(ctx, ctx.frame.input)
    scheduled, started, succeeded, failed, timed_out, prefix = _EVENTS[kind]
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
    prepare = getattr(ctx.invoker, "prepare", None)
    if prepare is not None:
        # A server checks what must exist before anything is scheduled (AWS: a missing activity
        # fails the state with States.Runtime and no ActivityScheduled event).
        await prepare(state.resource, kind)
    ctx.event(scheduled, prefix + "ScheduledEventDetails", details)
    started_flag = []

    def mark_started(worker_name: str | None = None) -> None:
        if started_flag:
            return
        started_flag.append(True)
        if kind == "activity":
            ctx.event(started, "activityStartedEventDetails", {"workerName": worker_name or ""})
        elif kind == "service":
            ctx.event(started, "taskStartedEventDetails", dict(base))
        else:
            ctx.event(started)

    def mark_submitted(output: Any) -> None:
        # A .waitForTaskToken or .sync integration has made its call and now waits: AWS records
        # the call's response in a TaskSubmitted event.
        ctx.event("TaskSubmitted", "taskSubmittedEventDetails",
                  dict(base, output=to_json(output), outputDetails={"truncated": False}))

    request_resource, invoke_payload = state.resource, payload
    extra: dict[str, Any] = {"mark_started": mark_started, "mark_submitted": mark_submitted, "kind": kind}
    if kind == "service" and resource_type == "lambda" and resource.startswith("invoke"):
        request_resource, invoke_payload = lambda_invoke_request(payload, extra)
    beats = None
    if heartbeat is not None and (kind == "activity" or state.resource.endswith(".waitForTaskToken")):
        # Activity workers and callback tasks report liveness through `extra["heartbeat"]()`
        # (SendTaskHeartbeat); silence for HeartbeatSeconds fails with States.HeartbeatTimeout.
        beats = asyncio.Event()
        extra["heartbeat"] = beats.set
    if kind != "activity":
        mark_started()
    request = TaskRequest(
        resource=request_resource, payload=invoke_payload, state_name=state.name, context=ctx.context(),
        task_token=ctx.frame.task_token, timeout_seconds=timeout, heartbeat_seconds=heartbeat,
        credentials=state.credentials, extra=extra,
    )
    try:
        result = await _invoke(ctx, request, timeout, heartbeat, beats)
    except StatesError as exc:
        mark_started()
        timed = exc.error in ("States.Timeout", "States.HeartbeatTimeout")
        body = dict(base, **failure_details(exc.error, exc.cause))
        ctx.event(timed_out if timed else failed, prefix + ("TimedOutEventDetails" if timed else "FailedEventDetails"),
                  body)
        raise
    mark_started()
    if extra.get("integration") == "lambda:invoke":
        result = lambda_invoke_result(result)
    ctx.event(succeeded, prefix + "SucceededEventDetails",
              dict(base, output=to_json(result), outputDetails={"truncated": False}))
    return (None if state.end else state.next), result


async def _invoke(ctx: Any, request: TaskRequest, timeout: Any, heartbeat: Any, beats: Any) -> Any:
    """Call the invoker under the state's timeout, heartbeat and the execution's cancellation."""
    invoker = ctx.invoker
    if invoker is None:
        raise StatesError(f"No handler for resource '{ctx.state.resource}'", error="States.TaskFailed")
    try:
        call = invoker.invoke(request)
        if beats is not None:
            call = _with_heartbeat(ctx.clock, call, heartbeat, beats)
        call = ctx.interruptible(call)
        if timeout is not None:
            return await _with_timeout(ctx.clock, call, timeout)
        return await call
    except StatesError:
        raise
    except Exception as failure:
        raise task_failure(failure) from failure


async def _with_timeout(clock: Any, awaitable: Any, seconds: float) -> Any:
    """Await `awaitable`, failing with States.Timeout after `seconds` on the clock."""
    work = asyncio.ensure_future(awaitable)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    if work.done():
        return work.result()
    work.cancel()
    raise Timeout(None)


async def _with_heartbeat(clock: Any, call: Any, seconds: float, beats: asyncio.Event) -> Any:
    """Await `call`; fail with States.HeartbeatTimeout when no heartbeat comes for `seconds`."""
    work = asyncio.ensure_future(call)
    try:
        while True:
            timer = asyncio.ensure_future(clock.sleep(seconds))
            beat = asyncio.ensure_future(beats.wait())
            try:
                await asyncio.wait({work, timer, beat}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                timer.cancel()
                beat.cancel()
            if work.done():
                return work.result()
            if beats.is_set():
                beats.clear()
                continue
            raise HeartbeatTimeout(None)
    finally:
        if not work.done():
            work.cancel()


def lambda_invoke_request(payload: Any, extra: dict) -> tuple[str, Any]:
    """`lambda:invoke`: (function name, its payload) from the Task's parameters; marks `extra` for the invoker."""
    params = payload if isinstance(payload, dict) else {}
    extra["integration"] = "lambda:invoke"
    extra["parameters"] = params
    return params.get("FunctionName", ""), params.get("Payload", {})


def task_failure(failure: Exception) -> StatesError:
    """An invoker's own exception as the task's failure: its `error` attribute, else its class name."""
    error = getattr(failure, "error", None)
    return StatesError(str(failure), error=error if isinstance(error, str) else type(failure).__name__)


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
