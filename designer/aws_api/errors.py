"""AWS-shaped error responses: `{"__type": "<namespace>#<Code>", "message": "…"}` with a 4xx status.

botocore reads the code after the `#` of `__type`, so `client.exceptions.<Code>` is raised.
"""

import json

from django.http import HttpResponse

# AWS: Step Functions' own errors carry this namespace; model validation comes from Coral.
SERVICE_NAMESPACE = "com.amazonaws.swf.service.v2.model"
VALIDATE_NAMESPACE = "com.amazon.coral.validate"
COMMON_NAMESPACE = "com.amazon.coral.service"
_COMMON = {
    "UnknownOperationException",
    "SerializationException",
    "MissingAuthenticationTokenException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "IncompleteSignatureException",
    "AccessDeniedException",
    "RequestEntityTooLargeException",
    "InternalFailure",
}


class AwsError(Exception):
    def __init__(self, code: str, message: str, http_status: int = 400, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.extra = extra


def error_type(code: str) -> str:
    if code == "ValidationException":
        return f"{VALIDATE_NAMESPACE}#{code}"
    if code in _COMMON:
        return f"{COMMON_NAMESPACE}#{code}"
    return f"{SERVICE_NAMESPACE}#{code}"


def error_response(code: str, message: str, http_status: int = 400, **extra) -> HttpResponse:
    body = {"__type": error_type(code), "message": message, **extra}
    response = HttpResponse(json.dumps(body), status=http_status, content_type="application/x-amz-json-1.0")
    response["x-amzn-ErrorType"] = f"{code}:"
    return response
