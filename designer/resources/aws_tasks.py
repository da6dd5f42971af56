"""AWS service Tasks inside the server's invoker: aws-sdk calls and the optimized integrations.

`ServerInvoker.invoke` hands these Resources here; the blocking boto3 calls run on the
runtime's I/O threads, `.waitForTaskToken` goes back to the invoker's callback wait, and
`.sync` polls the job every `STATECRAFT_SYNC_POLL_SECONDS` (default 5) as AWS does.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from django.conf import settings

from designer.resources import aws_sdk, events, optimized
from engine.errors import StatesError
from engine.ports import TaskRequest


def role_arn(request: TaskRequest) -> str | None:
    """The role a Task calls AWS as: its Credentials.RoleArn, else the state machine's roleArn."""
    credentials = request.credentials
    if isinstance(credentials, dict) and isinstance(credentials.get("RoleArn"), str):
        return credentials["RoleArn"]
    return ((request.context or {}).get("Execution") or {}).get("RoleArn")


def poll_seconds() -> float:
    value = getattr(settings, "STATECRAFT_SYNC_POLL_SECONDS", None) or os.environ.get("STATECRAFT_SYNC_POLL_SECONDS")
    return float(value) if value else 5.0


def handles(service: str, action: str) -> bool:
    """True when this module runs the Resource `arn:aws:states:::<service>:<action>`."""
    return service.startswith("aws-sdk:") or optimized.find(service, action) is not None


async def invoke(invoker: Any, request: TaskRequest, service: str, action: str, pattern: str) -> Any:
    """Run an aws-sdk or optimized-integration Task; `invoker` is the ServerInvoker."""
    runtime = invoker.runtime
    kwargs = {"resource": request.resource, "role_arn": role_arn(request), "region": invoker.scope.region}
    if service.startswith("aws-sdk:"):
        if pattern not in ("", ".waitForTaskToken"):
            raise StatesError(f"The resource provided {request.resource} is not recognized.", error="States.Runtime")
        sdk_service = service.split(":", 1)[1]
        result = await runtime.io(lambda: aws_sdk.call(sdk_service, action, request.payload, **kwargs))
        return await invoker._callback(request, result) if pattern == ".waitForTaskToken" else result
    key = f"{service}:{action}"
    integration = optimized.find(service, action)
    if pattern not in integration.patterns:
        raise StatesError(f"The resource provided {request.resource} is not recognized.", error="States.Runtime")
    if key == "events:putEvents" and events.target() != "aws":
        result = await runtime.db(lambda: events.to_own_bus(request.payload, owner_id=invoker.scope.owner_id,
                                                            region=invoker.scope.region))
    else:
        result = await runtime.io(lambda: optimized.call(key, request.payload, **kwargs))
    if pattern == ".waitForTaskToken":
        return await invoker._callback(request, result)
    if pattern != ".sync":
        return result
    if invoker.scope.execution_id is None:
        raise StatesError("The .sync pattern is not supported by Express workflows.", error="States.Runtime")
    mark_submitted = request.extra.get("mark_submitted")
    if mark_submitted is not None:
        mark_submitted(result)
    parameters = request.payload if isinstance(request.payload, dict) else {}
    while True:
        done, description = await runtime.io(lambda: optimized.poll(key, result, parameters, **kwargs))
        if done:
            return description
        await asyncio.sleep(poll_seconds())
