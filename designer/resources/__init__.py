"""Task resources that really run: the server's TaskInvoker for the interpreter.

`ServerInvoker.invoke(request)` routes a Task state's Resource:
- Lambda ARNs / function names and `arn:aws:states:::lambda:invoke` → local Python handlers
  (`designer.resources.functions`; the engine shapes lambda:invoke's response and errors);
- `arn:aws:states:::http:invoke` → a real HTTP request (`designer.resources.http`);
- activity ARNs → a TaskToken row served to workers by GetActivityTask, awaited until
  SendTaskSuccess/Failure, with HeartbeatSeconds enforced (TimeoutSeconds is the engine's);
- `.waitForTaskToken` on any integration → the call is made, a TaskSubmitted event records its
  response, then the execution waits for SendTaskSuccess/Failure on `$$.Task.Token`;
- `arn:aws:states:::states:startExecution` (`.sync`, `.sync:2`, `.waitForTaskToken`) and
  `arn:aws:states:::aws-sdk:sfn:*` → nested executions and calls here (`designer.resources.sfn`);
- `arn:aws:states:::aws-sdk:<service>:<action>` and the optimized AWS integrations (SQS, SNS,
  DynamoDB, EventBridge, Batch, ECS, Glue) → boto3 with the SDK's standard settings
  (`designer.resources.aws_tasks`); a Lambda function not registered locally → AWS Lambda when
  `STATECRAFT_LAMBDA=aws` or `AWS_ENDPOINT_URL_LAMBDA` is set (`designer.resources.aws_lambda`);
- any other integration → the mock configuration (`designer.resources.mocks`), when the
  execution has a test case with a mocked response for the state; otherwise a States.Runtime
  error saying the integration is not available locally.
A mocked response for the state takes precedence over every real resource, as in AWS's local runner.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from designer import errors
from designer.resources import aws_lambda, aws_tasks, functions, mocks
from designer.resources.functions import statecraft_function
from engine.errors import StatesError
from engine.ports import TaskRequest
from engine.runner import HandlerInvoker, _function_name
from engine.testcases.mocks import mocked_answer

SERVICE_PREFIX = "arn:aws:states:::"


@dataclass
class ExecutionScope:
    """Whose execution a Task runs in."""

    execution_id: int | None         # None for StartSyncExecution (nothing persisted)
    owner_id: int
    region: str
    machine_name: str
    test_case: str | None = None
    interpreter_ref: list = field(default_factory=list)
    invocations: dict = field(default_factory=dict)

    @property
    def interpreter(self):
        return self.interpreter_ref[0] if self.interpreter_ref else None


def _split_service(resource: str) -> tuple[str, str, str]:
    """('states', 'startExecution', '.sync:2') from 'arn:aws:states:::states:startExecution.sync:2'."""
    rest = resource.split(":", 5)[5] if resource.count(":") >= 6 else resource
    for suffix in (".waitForTaskToken", ".sync:2", ".sync"):
        if rest.endswith(suffix):
            rest, pattern = rest[: -len(suffix)], suffix
            break
    else:
        pattern = ""
    service, _, action = rest.rpartition(":")
    return service, action, pattern


class ServerInvoker:
    """The TaskInvoker the runtime gives each interpreter."""

    def __init__(self, runtime: Any, scope: ExecutionScope):
        self.runtime = runtime
        self.scope = scope

    # -- before the Scheduled event ------------------------------------------------------------

    async def prepare(self, resource: str, kind: str) -> None:
        """AWS: a Task on a missing activity fails with States.Runtime before it is scheduled."""
        if kind != "activity" or self.scope.test_case:
            return
        activity_id = await self.runtime.db(_tokens().find_activity, self.scope.owner_id, resource)
        if activity_id is None:
            raise StatesError(f"The activity {resource} does not exist.", error="States.Runtime")

    # -- routing ------------------------------------------------------------------------------

    async def invoke(self, request: TaskRequest) -> Any:
        scope = self.scope
        mocked = mocks.response_name(scope.machine_name, scope.test_case, request.state_name)
        if mocked is not None:
            return await self._mocked(request, mocked)
        kind = request.extra.get("kind")
        interpreter = scope.interpreter
        if request.task_token and getattr(interpreter, "replaying_token", None) == request.task_token:
            # A parked Task resumed: its call was made (and recorded) before it parked; it only
            # waits for its token again.
            interpreter.replaying_token = None
            request.extra.pop("integration", None)
            if kind == "activity":
                return await self._activity(request)
            return await self._wait_token(request, activity_id=None)
        if kind == "activity":
            return await self._activity(request)
        if kind == "lambda":
            return await self._lambda(request.resource, request.payload, request)
        if request.extra.get("integration") == "lambda:invoke":
            if request.task_token is not None:  # lambda:invoke.waitForTaskToken
                request.extra.pop("integration", None)  # the callback's output is not wrapped
                from engine.states.task import lambda_invoke_result

                sent = await self._lambda(request.resource, request.payload, request)
                return await self._callback(request, lambda_invoke_result(sent))
            return await self._lambda(request.resource, request.payload, request)
        service, action, pattern = _split_service(request.resource)
        if service == "http" and action == "invoke":
            result = await self.runtime.io(functions_http_invoke, request.payload)
            return await self._callback(request, result) if pattern == ".waitForTaskToken" else result
        if service == "states" and action == "startExecution":
            return await self._start_execution(request, pattern)
        if service == "aws-sdk:sfn":
            result = await _sfn().sdk_call_async(self.runtime, scope.owner_id, action, request.payload)
            return await self._callback(request, result) if pattern == ".waitForTaskToken" else result
        if aws_tasks.handles(service, action):
            return await aws_tasks.invoke(self, request, service, action, pattern)
        raise StatesError(
            f"The service integration '{request.resource}' is not available locally: define a mocked response "
            f"for state '{request.state_name}' in the mock configuration (STATECRAFT_MOCK_CONFIG) and start the "
            "execution with '#<TestCaseName>' after the state machine ARN.",
            error="States.Runtime",
        )

    # -- Distributed Map ----------------------------------------------------------------

    def object_store(self, role_arn: str | None) -> Any:
        """The S3 store a Distributed Map reads items from and writes results to."""
        from designer.resources.s3_store import S3Store

        return S3Store(role_arn=role_arn, region=self.scope.region)

    def map_children(self, map_run_arn: str, processor: dict, execution_type: str) -> Any:
        """The ChildRunner that runs a Map Run's children as stored executions (None in Express)."""
        if self.scope.execution_id is None:
            return None
        from designer.resources.map_children import MapChildren

        return MapChildren(self.runtime, self.scope.execution_id, map_run_arn, processor, execution_type)

    # -- Lambda ---------------------------------------------------------------------------

    async def _lambda(self, resource: str, payload: Any, request: TaskRequest) -> Any:
        name = _function_name(resource)
        handler = functions.find(name)
        if handler is None and aws_lambda.remote():
            # No local function of that name, and a Lambda endpoint is configured: call it.
            full = request.extra.pop("integration", None) == "lambda:invoke"  # AWS's own response, unwrapped
            parameters = request.extra.get("parameters") if full else None
            return await self.runtime.io(lambda: aws_lambda.call(
                resource, payload, parameters, role_arn=aws_tasks.role_arn(request), region=self.scope.region))
        handlers = {}
        if handler is not None:
            handlers[name] = functions.as_async(name, handler, self._blocking)
        sub_request = TaskRequest(
            resource=name, payload=payload, state_name=request.state_name, context=request.context,
            extra={"mark_started": request.extra.get("mark_started")} if request.extra.get("kind") == "lambda" else {},
        )
        return await HandlerInvoker(handlers).invoke(sub_request)

    def _blocking(self, call):
        return self.runtime.io(call)

    # -- mocks ----------------------------------------------------------------------------

    async def _mocked(self, request: TaskRequest, name: str) -> Any:
        counts = self.scope.invocations
        number = counts.get(request.state_name, 0)
        counts[request.state_name] = number + 1
        return mocked_answer(request, mocks.response(name, number))

    # -- task tokens ----------------------------------------------------------------------

    async def _activity(self, request: TaskRequest) -> Any:
        scope = self.scope
        if scope.execution_id is None:
            raise StatesError("Activities are not supported by Express workflows.", error="States.Runtime")
        activity_id = await self.runtime.db(_tokens().find_activity, scope.owner_id, request.resource)
        if activity_id is None:
            raise StatesError(f"The activity {request.resource} does not exist.", error="States.Runtime")
        return await self._wait_token(request, activity_id=activity_id)

    async def _callback(self, request: TaskRequest, submitted: Any) -> Any:
        """`.waitForTaskToken`: record the call's response, then wait for SendTask*."""
        if self.scope.execution_id is None:
            raise StatesError("The .waitForTaskToken pattern is not supported by Express workflows.",
                              error="States.Runtime")
        mark_submitted = request.extra.get("mark_submitted")
        if mark_submitted is not None:
            mark_submitted(submitted)
        return await self._wait_token(request, activity_id=None)

    async def _wait_token(self, request: TaskRequest, *, activity_id: int | None) -> Any:
        runtime, scope, tokens = self.runtime, self.scope, _tokens()
        token = request.task_token
        if not token:
            raise StatesError("The task has no task token.", error="States.Runtime")
        await runtime.db(
            tokens.schedule, token=token, execution_id=scope.execution_id, state_name=request.state_name,
            activity_id=activity_id, input=json.dumps(request.payload, separators=(",", ":"), ensure_ascii=False),
            heartbeat_seconds=request.heartbeat_seconds,
        )
        mark_started = request.extra.get("mark_started")
        beat = request.extra.get("heartbeat")  # the engine's HeartbeatSeconds clock
        started = False
        last_deadline = None
        loop = asyncio.get_running_loop()
        park_from = loop.time() + getattr(runtime, "park_seconds", 0.0)
        interpreter = scope.interpreter
        try:
            while True:
                row = await runtime.db(tokens.state, token)
                if row is None:
                    raise StatesError("The task token no longer exists.", error="States.Runtime")
                if row.heartbeat_deadline is not None and row.heartbeat_deadline != last_deadline:
                    if last_deadline is not None or row.status == "STARTED":
                        if beat is not None:
                            beat()  # SendTaskHeartbeat (or a worker taking the task) moved the deadline
                    last_deadline = row.heartbeat_deadline
                if activity_id is not None and not started and row.status != "SCHEDULED":
                    started = True
                    if mark_started is not None:
                        mark_started(row.worker_name)
                if row.status == "SUCCEEDED":
                    return json.loads(row.output) if row.output is not None else None
                if row.status == "FAILED":
                    raise StatesError(row.cause, error=row.error)
                if row.status == "TIMED_OUT":
                    raise StatesError(None, error="States.HeartbeatTimeout")
                if row.status == "CANCELLED":
                    raise asyncio.CancelledError()
                wait = runtime.poll_seconds
                if row.heartbeat_deadline is not None:
                    from django.utils import timezone

                    left = (row.heartbeat_deadline - timezone.now()).total_seconds()
                    if left <= 0:
                        if await runtime.db(tokens.close, token, "TIMED_OUT"):
                            raise StatesError(None, error="States.HeartbeatTimeout")
                        continue  # settled at the last moment: read it again
                    wait = min(wait, left + 0.01)
                if getattr(interpreter, "can_park_task", None) is not None and interpreter.can_park_task(
                        request.state_name):
                    if loop.time() >= park_from:
                        # Nothing to do but wait: store the execution with what wakes it (the token
                        # row points at it; its heartbeat deadline, TimeoutSeconds) and leave memory.
                        from datetime import timedelta

                        from django.utils import timezone

                        due = row.heartbeat_deadline or timezone.now() + timedelta(days=1)
                        await interpreter.park_task(due, request.timeout_seconds)
                        park_from = loop.time() + runtime.park_seconds  # refused: try again later
                    wait = max(0.0, min(wait, park_from - loop.time()))
                await runtime.wait_signal(runtime.token_waiters, token, wait)
        except asyncio.CancelledError:
            if getattr(interpreter, "parked", False):
                raise  # parked: the token stays open and the wait goes on in the database
            # TimeoutSeconds (the engine cancels this wait) or StopExecution: the token is void.
            asyncio.get_running_loop().create_task(runtime.db(tokens.close, token, "TIMED_OUT"))
            raise

    # -- nested executions ----------------------------------------------------------------

    async def _start_execution(self, request: TaskRequest, pattern: str) -> Any:
        runtime, scope, sfn = self.runtime, self.scope, _sfn()
        if scope.execution_id is None and pattern:
            raise StatesError(f"The {pattern} pattern is not supported by Express workflows.", error="States.Runtime")
        parameters = request.payload if isinstance(request.payload, dict) else {}
        try:
            started = await runtime.db(sfn.start_execution, scope.owner_id, parameters)
        except Exception as exc:

            if isinstance(exc, errors.ServiceError):
                raise sfn.sdk_error(exc) from None
            raise
        child_id = started.pop("id")
        response = dict(started, **sfn.sdk_metadata(started))
        if not pattern:
            return response
        if pattern == ".waitForTaskToken":
            return await self._callback(request, response)
        mark_submitted = request.extra.get("mark_submitted")
        if mark_submitted is not None:
            mark_submitted(response)
        while (await runtime.db(sfn.status, child_id)) in ("RUNNING", "PENDING_REDRIVE"):
            await runtime.wait_signal(runtime.finish_waiters, child_id, max(runtime.poll_seconds, 1.0))
        body = await runtime.db(sfn.describe, child_id, parse_json=pattern == ".sync:2")
        if body["Status"] == "SUCCEEDED":
            return body
        error = "States.Timeout" if body["Status"] == "TIMED_OUT" else "States.TaskFailed"
        raise StatesError(json.dumps(body, separators=(",", ":")), error=error)


def functions_http_invoke(parameters: Any) -> Any:
    from designer.resources import http

    return http.invoke(parameters)


def _tokens():
    from designer.resources import tokens

    return tokens


def _sfn():
    from designer.resources import sfn

    return sfn


__all__ = ["ExecutionScope", "ServerInvoker", "statecraft_function"]
