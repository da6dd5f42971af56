"""The optimized service integrations (`arn:aws:states:::sqs:sendMessage` …) made through boto3.

Each takes AWS's documented parameters and returns what Step Functions returns for it: the
service's response plus, for the request-response integrations that AWS wraps that way, the
`SdkHttpMetadata`/`SdkResponseMetadata` of the HTTP call.  Bodies given as JSON objects
(SQS MessageBody, SNS Message, EventBridge Detail) are sent as their JSON text, as AWS does.
`.sync` is a first call plus `poll(...)`, which the caller repeats until the job is done.
See https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from designer.resources import aws_config, aws_sdk
from engine.aws_services import service_model
from engine.errors import StatesError


@dataclass(frozen=True)
class Integration:
    botocore: str            # botocore's service name
    operation: str           # botocore's operation name
    patterns: frozenset      # "", ".sync", ".waitForTaskToken"
    prefix: str              # the service part of its error names
    http_metadata: bool = True


_RR, _CB, _SYNC = "", ".waitForTaskToken", ".sync"

# What the optimized integrations are (service:action → how to call it) and which patterns
# each supports; `engine.validation.resources` holds the full list AWS accepts.
INTEGRATIONS: dict[str, Integration] = {
    "sqs:sendMessage": Integration("sqs", "SendMessage", frozenset({_RR, _CB}), "SQS"),
    "sns:publish": Integration("sns", "Publish", frozenset({_RR, _CB}), "SNS"),
    "dynamodb:getItem": Integration("dynamodb", "GetItem", frozenset({_RR}), "DynamoDB"),
    "dynamodb:putItem": Integration("dynamodb", "PutItem", frozenset({_RR}), "DynamoDB"),
    "dynamodb:updateItem": Integration("dynamodb", "UpdateItem", frozenset({_RR}), "DynamoDB"),
    "dynamodb:deleteItem": Integration("dynamodb", "DeleteItem", frozenset({_RR}), "DynamoDB"),
    "events:putEvents": Integration("events", "PutEvents", frozenset({_RR, _CB}), "EventBridge", False),
    "batch:submitJob": Integration("batch", "SubmitJob", frozenset({_RR, _CB, _SYNC}), "Batch"),
    "ecs:runTask": Integration("ecs", "RunTask", frozenset({_RR, _CB, _SYNC}), "ECS"),
    "glue:startJobRun": Integration("glue", "StartJobRun", frozenset({_RR, _CB, _SYNC}), "Glue", False),
}

_JSON_TEXT_FIELDS = {"sqs:sendMessage": "MessageBody", "sns:publish": "Message"}


def find(service: str, action: str) -> Integration | None:
    return INTEGRATIONS.get(f"{service}:{action}")


def _as_text(value: Any) -> Any:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def prepare(key: str, parameters: Any) -> dict:
    """AWS's parameters for the call: JSON bodies become their text."""
    params = dict(parameters) if isinstance(parameters, dict) else {}
    field = _JSON_TEXT_FIELDS.get(key)
    if field and field in params:
        params[field] = _as_text(params[field])
    if key == "events:putEvents":
        params["Entries"] = [dict(e, Detail=_as_text(e["Detail"])) if isinstance(e, dict) and "Detail" in e else e
                             for e in params.get("Entries") or []]
    return params


def http_metadata(response: dict) -> dict:
    """AWS: the SdkHttpMetadata/SdkResponseMetadata that request-response integrations add."""
    meta = response.get("ResponseMetadata") or {}
    headers = {k: str(v) for k, v in (meta.get("HTTPHeaders") or {}).items()}
    return {
        "SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()}, "HttpHeaders": headers,
                            "HttpStatusCode": meta.get("HTTPStatusCode", 200)},
        "SdkResponseMetadata": {"RequestId": meta.get("RequestId", "")},
    }


def _call(integration: Integration, operation: str, params: dict, *, resource: str, role_arn: str | None,
          region: str) -> tuple[dict, Any]:
    from botocore import xform_name
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    model = service_model(integration.botocore)
    op_model = model.operation_model(operation)
    try:
        sdk = aws_config.client(integration.botocore, role_arn=role_arn, region=region)
    except aws_config.NotConfigured:
        raise aws_config.not_configured(resource, aws_sdk.env_service(model.service_id)) from None
    try:
        response = getattr(sdk, xform_name(operation))(**aws_sdk.shape_in(op_model.input_shape, params))
    except ParamValidationError as exc:
        raise StatesError(str(exc), error=f"{integration.prefix}.{integration.prefix}Exception") from None
    except ClientError as exc:
        raise aws_sdk.client_failure(exc, integration.prefix, model.service_id) from None
    except BotoCoreError as exc:
        raise StatesError(str(exc), error=f"{integration.prefix}.SdkClientException") from None
    return response, op_model


def call(key: str, parameters: Any, *, resource: str, role_arn: str | None, region: str) -> Any:
    """Make the integration's call (blocking) and return its result as Step Functions does."""
    integration = INTEGRATIONS[key]
    response, op_model = _call(integration, integration.operation, prepare(key, parameters),
                               resource=resource, role_arn=role_arn, region=region)
    result = aws_sdk.shape_out(op_model.output_shape, response)
    if integration.http_metadata:
        result.update(http_metadata(response))
    return result


# -- .sync ---------------------------------------------------------------------------------

def poll(key: str, submitted: dict, parameters: dict, *, resource: str, role_arn: str | None,
         region: str) -> tuple[bool, Any]:
    """One look at a `.sync` job: (finished, its description); raises when it failed."""
    integration = INTEGRATIONS[key]
    kwargs = dict(resource=resource, role_arn=role_arn, region=region)
    if key == "batch:submitJob":
        response, op = _call(integration, "DescribeJobs", {"jobs": [submitted["JobId"]]}, **kwargs)
        job = aws_sdk.shape_out(op.output_shape, response)["Jobs"][0]
        return _settle(job.get("Status") in ("SUCCEEDED", "FAILED"), job.get("Status") == "FAILED", job)
    if key == "ecs:runTask":
        tasks = submitted.get("Tasks") or []
        if not tasks:
            raise StatesError(json.dumps(submitted.get("Failures") or []), error="States.TaskFailed")
        params = {"cluster": tasks[0].get("ClusterArn"), "tasks": [t["TaskArn"] for t in tasks]}
        response, op = _call(integration, "DescribeTasks", params, **kwargs)
        described = aws_sdk.shape_out(op.output_shape, response)
        stopped = all(t.get("LastStatus") == "STOPPED" for t in described.get("Tasks") or [])
        failed = stopped and any(c.get("ExitCode") not in (0, None) for t in described.get("Tasks") or []
                                 for c in t.get("Containers") or [])
        return _settle(stopped, failed, described)
    if key == "glue:startJobRun":
        params = {"JobName": parameters.get("JobName"), "RunId": submitted["JobRunId"]}
        response, op = _call(integration, "GetJobRun", params, **kwargs)
        run = aws_sdk.shape_out(op.output_shape, response)["JobRun"]
        state = run.get("JobRunState")
        return _settle(state in ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"), state != "SUCCEEDED", run)
    raise StatesError(f"The .sync pattern is not supported for {resource}.", error="States.Runtime")


def _settle(done: bool, failed: bool, description: Any) -> tuple[bool, Any]:
    if done and failed:
        raise StatesError(json.dumps(description, separators=(",", ":"), default=str), error="States.TaskFailed")
    return done, description
