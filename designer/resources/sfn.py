"""Step Functions calling itself: `states:startExecution` (+ `.sync`, `.sync:2`,
`.waitForTaskToken`) and the `aws-sdk:sfn:*` actions, run here through `designer.services`.

The functions here are sync ORM code for the runtime's database threads, except
`sdk_call_async`, which runs on the runtime's loop. Service errors become the errors AWS's
integrations raise: `Sfn.<Code>Exception` for aws-sdk, with the SDK's cause text.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model

from designer import errors, selectors
from designer.models import Execution
from designer.services import executions
from engine.errors import StatesError


def _millis(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def _wire_length(body: dict) -> int:
    """The byte length of the JSON 1.0 response AWS would have sent (the Content-Length header):
    camelCase members, no spaces, dates as the Java SDK's doubles (1.795275888192E9)."""
    parts = []
    for key, value in body.items():
        if key == "StartDate" and isinstance(value, int):
            seconds = value / 1000
            value = f"{seconds / 1e9!r}E9" if 1e9 <= seconds < 1e10 else repr(seconds)
            parts.append(f'"{key[:1].lower() + key[1:]}":{value}')
        else:
            parts.append(f'"{key[:1].lower() + key[1:]}":{json.dumps(value)}')
    return len("{" + ",".join(parts) + "}")


def sdk_metadata(body: dict) -> dict:
    """The SdkHttpMetadata / SdkResponseMetadata members AWS adds to optimised integration results."""
    request_id = str(uuid.uuid4())
    length = str(_wire_length(body))
    date = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    headers = {"connection": "keep-alive", "Content-Length": length, "Content-Type": "application/x-amz-json-1.0",
               "Date": date, "x-amzn-RequestId": request_id}
    return {
        "SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()}, "HttpHeaders": headers,
                            "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def sdk_error(exc: errors.ServiceError) -> StatesError:
    code = exc.code if exc.code.endswith("Exception") else exc.code + "Exception"
    # AWS: the Step Functions API answers every refused request with HTTP 400 (JSON 1.0 protocol),
    # so the SDK's cause always reads "Status Code: 400".
    cause = (f"{exc.message} (Service: Sfn, Status Code: 400, "
             f"Request ID: {uuid.uuid4()}) (SDK Attempt Count: 1)")
    return StatesError(cause, error=f"Sfn.{code}")


def _owner(owner_id: int):
    return get_user_model().objects.get(pk=owner_id)


def _input_text(value: Any) -> str:
    if value is None:
        return "{}"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def start_execution(owner_id: int, parameters: dict) -> dict:
    """StartExecution for a nested execution; returns ExecutionArn, StartDate and the row id."""
    owner = _owner(owner_id)
    target = selectors.target_get(owner=owner, arn=parameters.get("StateMachineArn", ""))
    execution, _ = executions.execution_start(
        state_machine=target, input=_input_text(parameters.get("Input")), name=parameters.get("Name"),
        trace_header=parameters.get("TraceHeader") or "", owner=owner,
    )
    return {"ExecutionArn": execution.arn, "StartDate": _millis(execution.start_date), "id": execution.pk}


def describe(execution_id: int, *, parse_json: bool) -> dict:
    """DescribeExecution's members in the integrations' PascalCase (`.sync` results)."""
    row = Execution.objects.select_related("state_machine").get(pk=execution_id)
    body: dict[str, Any] = {
        "ExecutionArn": row.arn,
        "Input": json.loads(row.input) if parse_json else row.input,
        "InputDetails": {"Included": True},
        "Name": row.name,
        "StartDate": _millis(row.start_date),
        "StateMachineArn": row.state_machine.arn,
        "Status": row.status,
    }
    if row.output is not None:
        body["Output"] = json.loads(row.output) if parse_json else row.output
        body["OutputDetails"] = {"Included": True}
    if row.error is not None:
        body["Error"] = row.error
    if row.cause is not None:
        body["Cause"] = row.cause
    if row.stop_date is not None:
        body["StopDate"] = _millis(row.stop_date)
    return body


def status(execution_id: int) -> str:
    return Execution.objects.filter(pk=execution_id).values_list("status", flat=True).first() or "ABORTED"


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def iso_timestamp(moment: datetime) -> str:
    """A timestamp as AWS SDK integrations write it into task results: ISO-8601 in UTC with
    milliseconds, e.g. `2026-08-28T20:34:59.712Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _upper_first(value: Any) -> Any:
    """An API response as an aws-sdk task result: the SDK's PascalCase member names, and
    timestamps as ISO-8601 strings where the wire carries epoch seconds."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: _upper_first(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_upper_first(v) for v in value]
    if isinstance(value, datetime):
        return iso_timestamp(value)
    return value


# GetActivityTask from inside a workflow: AWS long-polls for up to 60 seconds.
ACTIVITY_POLL_SECONDS = 60.0
ACTIVITY_POLL_INTERVAL = 0.25


async def sdk_call_async(runtime, owner_id: int, action: str, parameters: dict) -> Any:
    """`sdk_call` on the runtime's database threads. GetActivityTask's long poll waits on the loop
    between single tries, so a worker workflow holds no database thread while it waits and
    other executions (the one that schedules its task among them) keep running."""
    if action != "getActivityTask":
        return await runtime.db(sdk_call, owner_id, action, parameters)
    deadline = time.monotonic() + ACTIVITY_POLL_SECONDS
    while True:
        result = await runtime.db(sdk_call, owner_id, action, parameters, poll=True)
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            return {}  # AWS: a poll that times out answers with no taskToken
        await asyncio.sleep(ACTIVITY_POLL_INTERVAL)


def sdk_call(owner_id: int, action: str, parameters: dict, poll: bool = False) -> Any:
    """`arn:aws:states:::aws-sdk:sfn:<action>` through the same handlers as the AWS API.

    `poll`: GetActivityTask tries once and answers None when no task is waiting.
    """
    from designer.aws_api.operations import NOTHING_YET, OPERATIONS, Context

    name = action[:1].upper() + action[1:]
    handler = OPERATIONS.get(name)
    if handler is None:
        raise StatesError(f"The aws-sdk:sfn action '{action}' is not supported.", error="States.Runtime")
    params = {_lower_first(k): v for k, v in (parameters or {}).items()}
    if name in ("StartExecution", "StartSyncExecution") and "input" in params:
        params["input"] = _input_text(params["input"])
    if name == "SendTaskSuccess" and "output" in params:
        params["output"] = _input_text(params["output"]) if not isinstance(params["output"], str) else (
            params["output"] if _is_json(params["output"]) else json.dumps(params["output"]))
    owner = _owner(owner_id)
    region = parameters.get("Region") if isinstance(parameters, dict) else None
    try:
        result = handler(Context(user=owner, region=region or "us-east-1", poll=poll), params)
    except errors.ServiceError as exc:
        raise sdk_error(exc) from None
    except Exception as exc:
        code = getattr(exc, "code", None)
        if code:
            raise StatesError(f"{getattr(exc, 'message', exc)} (Service: Sfn, Status Code: 400)",
                              error=f"Sfn.{code if code.endswith('Exception') else code + 'Exception'}") from None
        raise
    if result is NOTHING_YET:
        return None
    return _upper_first(result)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
