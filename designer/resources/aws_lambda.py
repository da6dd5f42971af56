"""Lambda functions on AWS (or LocalStack/moto): for function names not registered locally.

Used when `STATECRAFT_LAMBDA` (setting or environment) is `aws`, or `AWS_ENDPOINT_URL_LAMBDA`
is set.  A Lambda ARN Task gets the function's payload; `lambda:invoke` gets Lambda's whole
response (`StatusCode`, `ExecutedVersion`, `Payload`, `SdkHttpMetadata`, …) as AWS returns it.
A function error (`FunctionError` in the response) fails the task with the payload's
`errorType` as Error and the payload's text as Cause, as Step Functions does.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.conf import settings

from designer.resources import aws_config, aws_sdk, optimized
from engine.errors import StatesError


def remote() -> bool:
    value = getattr(settings, "STATECRAFT_LAMBDA", None) or os.environ.get("STATECRAFT_LAMBDA", "")
    if value:
        return value.lower() == "aws"
    return bool(os.environ.get("AWS_ENDPOINT_URL_LAMBDA"))


def call(function: str, payload: Any, parameters: dict | None, *, role_arn: str | None, region: str) -> Any:
    """Invoke the function synchronously (blocking); `parameters` are lambda:invoke's, None for a Lambda ARN."""
    from botocore.exceptions import BotoCoreError, ClientError

    params = {k: v for k, v in (parameters or {}).items() if k not in ("Payload", "FunctionName")}
    params["FunctionName"] = function
    params["Payload"] = json.dumps(payload, separators=(",", ":")).encode()
    try:
        sdk = aws_config.client("lambda", role_arn=role_arn, region=region)
    except aws_config.NotConfigured:
        raise aws_config.not_configured(function, "LAMBDA") from None
    try:
        response = sdk.invoke(**params)
    except ClientError as exc:
        raise aws_sdk.client_failure(exc, "Lambda", "Lambda") from None
    except BotoCoreError as exc:
        raise StatesError(str(exc), error="Lambda.SdkClientException") from None
    text = response["Payload"].read().decode()
    body = json.loads(text) if text else None
    if response.get("FunctionError"):
        error = body.get("errorType") if isinstance(body, dict) else None
        raise StatesError(text, error=error or "Lambda.Unknown")
    if parameters is None:
        return body
    result = {"ExecutedVersion": response.get("ExecutedVersion", "$LATEST"), "Payload": body,
              "StatusCode": response.get("StatusCode", 200)}
    result.update(optimized.http_metadata(response))
    return result
