"""The root URL: AWS JSON 1.0 requests (`POST /` with X-Amz-Target) go to the API, everything
else (a browser's GET /) to the studio."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from datetime import datetime

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from designer import arns, auth, errors, views
from designer.aws_api import events_api, shapes
from designer.aws_api.errors import AwsError, error_response
from designer.aws_api.operations import NOTHING_YET, OPERATIONS, Context
from engine import strict_json

logger = logging.getLogger(__name__)

TARGET_PREFIX = "AWSStepFunctions."
# AWS: definitions may be 1 MiB; anything far beyond a maximal request is refused before parsing.
MAX_REQUEST_BYTES = 2 * 1024 * 1024
# AWS: GetActivityTask waits up to 60 seconds for a task (clients should read with a 65 s timeout).
ACTIVITY_POLL_SECONDS = 60.0
ACTIVITY_POLL_INTERVAL = 0.25


def _encode(value):
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _ok(body: dict) -> HttpResponse:
    return HttpResponse(json.dumps(body, default=_encode), content_type="application/x-amz-json-1.0")


@csrf_exempt
async def root(request, **kwargs):
    """Serve the AWS API for signed JSON POSTs carrying X-Amz-Target, the studio otherwise.

    Async so that GetActivityTask's long poll waits on the event loop instead of holding the
    one thread ASGI gives sync views; every database step still runs as a sync call.
    """
    if request.method == "POST" and request.META.get("HTTP_X_AMZ_TARGET", "").startswith(events_api.TARGET_PREFIX):
        response = await sync_to_async(events_api.handle)(request)
        response["x-amzn-RequestId"] = str(uuid.uuid4())
        return response
    if request.method == "POST" and "HTTP_X_AMZ_TARGET" in request.META:
        if request.META["HTTP_X_AMZ_TARGET"] == TARGET_PREFIX + "GetActivityTask":
            response = await _long_poll(request)
        else:
            response = await sync_to_async(api)(request)
        # botocore reports this as ResponseMetadata.RequestId.
        response["x-amzn-RequestId"] = str(uuid.uuid4())
        return response
    return await sync_to_async(views.studio)(request, **kwargs)


async def _long_poll(request) -> HttpResponse:
    """GetActivityTask: try, then wait a little, until a task arrives or the poll times out."""
    deadline = time.monotonic() + ACTIVITY_POLL_SECONDS
    while True:
        response = await sync_to_async(api)(request, poll=True)
        if response is not NOTHING_YET:
            return response
        if time.monotonic() >= deadline:
            return _ok({})
        await asyncio.sleep(ACTIVITY_POLL_INTERVAL)


def api(request, poll: bool = False) -> HttpResponse:
    try:
        return _api(request, poll)
    except AwsError as exc:
        return error_response(exc.code, exc.message, exc.http_status, **exc.extra)
    except Exception:  # never a 500 without AWS's shape
        logger.exception("AWS API request failed")
        return error_response("InternalFailure", "The request processing has failed because of an unknown error.", 500)


def _api(request, poll: bool = False) -> HttpResponse:
    target = request.META.get("HTTP_X_AMZ_TARGET", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST_BYTES:
        raise AwsError("RequestEntityTooLargeException", "Request payload size exceeds the limit", 413)
    try:
        body = request.body
    except RequestDataTooBig:
        raise AwsError("RequestEntityTooLargeException", "Request payload size exceeds the limit", 413) from None
    try:
        identity = auth.authenticate(request)
    except auth.AuthError as exc:
        raise AwsError(exc.code, exc.message, exc.http_status) from None

    operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
    if operation not in shapes.operation_names():
        raise AwsError("UnknownOperationException", "", 400)
    try:
        params = strict_json.loads(body or b"{}")
    except ValueError:
        raise AwsError("SerializationException", "Start of structure or map found where not expected.") from None
    if not isinstance(params, dict):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.")
    problem, type_problem = shapes.check_request(operation, params)
    if type_problem:
        raise AwsError("SerializationException", type_problem)
    if problem:
        raise AwsError("ValidationException", problem)

    handler = OPERATIONS.get(operation)
    if handler is None:
        raise AwsError("ValidationException", f"The operation {operation} is not supported by this server yet.")
    context = Context(user=identity.user, region=identity.region, poll=poll)
    try:
        body = handler(context, params)
        if body is NOTHING_YET:
            return NOTHING_YET
        return _ok(body)
    except errors.ServiceError as exc:
        raise AwsError(exc.code, exc.message) from None
    except arns.InvalidArn as exc:
        raise AwsError("InvalidArn", str(exc)) from None
    except DatabaseError:
        logger.exception("database error in %s", operation)
        raise AwsError("ServiceUnavailable", "The service is temporarily unavailable; try again.", 503) from None
