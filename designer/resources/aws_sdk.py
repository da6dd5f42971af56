"""`arn:aws:states:::aws-sdk:<service>:<action>`: any AWS API call, made through boto3.

Service names are Step Functions' (`engine.aws_services` maps them onto botocore's).
Parameters are PascalCase even where a service's model is camelCase, and results come back
PascalCase with timestamps as ISO-8601 text and blobs as text, so `shape_in`/`shape_out` walk
botocore's shapes to convert both ways.  Errors are named `<Service>.<Code>Exception` as
https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html describes.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

from engine.aws_services import botocore_name, operation_name, service_model
from engine.errors import StatesError


def pascal_service(service_id: str) -> str:
    """`DynamoDb` from serviceId `DynamoDB`, `AcmPca` from `ACM PCA`: the SDK for Java 2.x's client prefix."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", service_id)
    return "".join(w[:1].upper() + w[1:].lower() for w in words)


def env_service(service_id: str) -> str:
    """The `<SERVICE>` of AWS_ENDPOINT_URL_<SERVICE>: the serviceId upper-cased, spaces as underscores."""
    return service_id.replace(" ", "_").replace("-", "_").upper()


# -- shapes --------------------------------------------------------------------------------

def _member_for(shape: Any, key: str) -> str | None:
    members = shape.members
    if key in members:
        return key
    for name in members:
        if name[:1].upper() + name[1:] == key or name.lower() == key.lower():
            return name
    return None


def shape_in(shape: Any, value: Any) -> Any:
    """Step Functions' PascalCase parameters → botocore's parameters for `shape`."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            member = _member_for(shape, key)
            # An unknown key is kept as written so botocore names it in its validation error.
            out[member or key] = shape_in(shape.members[member], item) if member else item
        return out
    if kind == "list" and isinstance(value, list):
        return [shape_in(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: shape_in(shape.value, v) for k, v in value.items()}
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    return value


def _text(data: bytes) -> str:
    try:
        return data.decode()
    except UnicodeDecodeError:
        return base64.b64encode(data).decode()


def shape_out(shape: Any, value: Any) -> Any:
    """botocore's parsed response → Step Functions' JSON: PascalCase keys, timestamps and blobs as text."""
    if hasattr(value, "read"):  # a streaming body (s3:getObject's Body)
        value = value.read()
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC)
        millis = f".{stamp.microsecond // 1000:03d}" if stamp.microsecond else ""
        return stamp.strftime("%Y-%m-%dT%H:%M:%S") + millis + "Z"
    if isinstance(value, bytes | bytearray):
        return _text(bytes(value))
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "ResponseMetadata":
                continue
            member = shape.members.get(key)
            out[key[:1].upper() + key[1:]] = shape_out(member, item)
        return out
    if kind == "list" and isinstance(value, list):
        return [shape_out(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: shape_out(shape.value, v) for k, v in value.items()}
    return value


# -- errors --------------------------------------------------------------------------------

def error_name(prefix: str, code: str) -> str:
    """`S3.NoSuchKeyException` from prefix `S3` and code `NoSuchKey`."""
    code = code.rsplit(".", 1)[-1] or "Unknown"
    if code.isdigit():  # a bare HTTP status (S3's HEAD requests have no error body)
        code = prefix
    return f"{prefix}.{code if code.endswith('Exception') else code + 'Exception'}"


def client_failure(exc: Any, prefix: str, service_label: str) -> StatesError:
    """A botocore ClientError as the task's failure, with AWS's error name and cause text."""
    body = exc.response.get("Error", {}) if hasattr(exc, "response") else {}
    meta = exc.response.get("ResponseMetadata", {}) if hasattr(exc, "response") else {}
    code = str(body.get("Code") or "Unknown")
    if type(exc).__name__ != "ClientError":
        code = type(exc).__name__  # the modeled error's shape name (SQS: QueueDoesNotExist)
    message = body.get("Message") or str(exc)
    cause = (f"{message} (Service: {service_label}, Status Code: {meta.get('HTTPStatusCode', 400)}, "
             f"Request ID: {meta.get('RequestId', '')})")
    return StatesError(cause, error=error_name(prefix, code))


# -- the call ------------------------------------------------------------------------------

def call(service: str, action: str, parameters: Any, *, resource: str, role_arn: str | None,
         region: str) -> Any:
    """Make the aws-sdk call (blocking; run it off the event loop) and return its result as AWS does."""
    from botocore import xform_name
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    from designer.resources import aws_config

    name = botocore_name(service)
    operation = operation_name(service, action)
    if name is None or operation is None:
        raise StatesError(f"The resource provided {resource} is not recognized.", error="States.Runtime")
    model = service_model(name)
    op_model = model.operation_model(operation)
    prefix = pascal_service(model.service_id)
    params = shape_in(op_model.input_shape, parameters if isinstance(parameters, dict) else {})
    try:
        sdk = aws_config.client(name, role_arn=role_arn, region=region)
    except aws_config.NotConfigured:
        raise aws_config.not_configured(resource, env_service(model.service_id)) from None
    method = getattr(sdk, xform_name(operation))
    try:
        response = method(**params)
    except ParamValidationError as exc:
        raise StatesError(str(exc), error=f"{prefix}.{prefix}Exception") from None
    except ClientError as exc:
        raise client_failure(exc, prefix, prefix) from None
    except BotoCoreError as exc:  # no connection, timeouts, ...
        raise StatesError(str(exc), error=f"{prefix}.SdkClientException") from None
    return shape_out(op_model.output_shape, response)
