"""TestState: run one state through `engine.test_state` and answer as AWS does (the AWS API's
TestState and the studio's "Test state" both call `test_state`). It sits with the resources
because unmocked Tasks run through them (Lambda functions, `http:invoke`).

The request's JSON texts (definition, input, variables, context, the mock's result) are parsed
here; a mocked result of a service integration is checked against the integration's response
shape from botocore's model (`mock.fieldValidationMode`: STRICT, the default, also wants the
required members; PRESENT checks the members given; NONE checks nothing).  Task states
without a mock run for real: Lambda functions registered in `STATECRAFT_FUNCTIONS` (or with
`@statecraft_function`) and `http:invoke`; other integrations fail as they would in an
execution without a mock configuration.
Reference: https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

import botocore.session

from designer.accounts import account_id_for
from designer.errors import ServiceError
from designer.resources import functions, http
from engine import strict_json
from engine.errors import StatesError
from engine.paths import to_json
from engine.ports import TaskRequest
from engine.runner import HandlerInvoker, _function_name
from engine.test_state import UNSET, TestStateError, check_context, prepare, run_test_state

# The inspection data members that AWS sends as JSON text.
_TEXT_MEMBERS = ("input", "afterInputPath", "afterParameters", "afterArguments", "result", "afterResultSelector",
                 "afterResultPath", "variables", "afterItemsPath", "afterItemSelector", "afterItemBatcher",
                 "afterItemsPointer")
# Step Functions' integration names that botocore spells differently.
_BOTO_SERVICES = {"states": "stepfunctions", "sfn": "stepfunctions", "bedrock": "bedrock-runtime",
                  "elasticmapreduce": "emr"}


def _refused(code: str, message: str) -> ServiceError:
    """A refused request under AWS's error code (TestState's codes vary with the problem)."""
    error = ServiceError(message)
    error.code = code
    return error


def _json_option(params: dict, key: str, code: str, message: str) -> Any:
    text = params.get(key)
    if text is None:
        return None
    try:
        return strict_json.loads(text)
    except ValueError:
        raise _refused(code, message) from None


def test_state(*, owner: Any, region: str, params: dict) -> dict:
    """TestState with AWS's request members (`definition`, `input`, `mock`, …): prepare, check the
    mock, run, and answer AWS's response members; refusals raise ServiceError with AWS's codes."""
    value = _json_option(params, "input", "InvalidExecutionInput", "Invalid State Machine Execution Input: "
                         "'Unable to parse the input as JSON'")
    variables = _json_option(params, "variables", "ValidationException", "Variables must be a valid JSON object")
    context = _json_option(params, "context", "ValidationException", "Context must be a valid JSON object")
    if variables is not None and not isinstance(variables, dict):
        raise _refused("ValidationException", "Variables must be a valid JSON object")
    mock = params.get("mock")
    try:
        prepared = prepare(params["definition"], state_name=params.get("stateName"), mock=mock,
                           reveal_secrets=bool(params.get("revealSecrets")))
        if context is not None:
            check_context(prepared, context)
        if mock and prepared.mock_result is not UNSET and prepared.state.type == "Task":
            mode = mock.get("fieldValidationMode") or "STRICT"
            check_mock_result(prepared.state.resource, prepared.mock_result, mode)
        invoker = _Invoker()
        result = asyncio.run(run_test_state(
            prepared, value, variables=variables, context=context, role_arn=params.get("roleArn"),
            region=region, account=account_id_for(owner),
            state_configuration=params.get("stateConfiguration"), invoker=invoker))
    except TestStateError as exc:
        raise _refused(exc.code, exc.message) from None
    body: dict[str, Any] = {"status": result.status}
    if result.output is not UNSET:
        body["output"] = to_json(result.output)
    if result.error is not None:
        body["error"] = result.error
    if result.cause is not None:
        body["cause"] = result.cause
    if result.next_state is not None:
        body["nextState"] = result.next_state
    level = params.get("inspectionLevel") or "INFO"
    if level != "INFO":
        body["inspectionData"] = _inspection(result.inspection)
        if level == "TRACE":
            body["inspectionData"].update(invoker.http)
    return body


def _headers_text(headers: dict) -> str:
    return "[" + ", ".join(f"{name}: {', '.join(v) if isinstance(v, list) else v}" for name, v in headers.items()) + "]"


def _http_request(parameters: Any) -> dict:
    parameters = parameters if isinstance(parameters, dict) else {}
    url = str(parameters.get("ApiEndpoint", ""))
    query = parameters.get("QueryParameters")
    if query:
        from urllib.parse import urlencode

        url += ("&" if "?" in url else "?") + urlencode(query, doseq=True)
    body = parameters.get("RequestBody")
    return {
        "protocol": url.split(":", 1)[0] if ":" in url else "https",
        "method": str(parameters.get("Method", "")).upper(),
        "url": url,
        "headers": _headers_text(parameters.get("Headers") or {}),
        "body": "" if body is None else body if isinstance(body, str) else to_json(body),
    }


def _http_response(parameters: Any, result: dict) -> dict:
    url = str((parameters or {}).get("ApiEndpoint", "")) if isinstance(parameters, dict) else ""
    body = result.get("ResponseBody", "")
    return {
        "protocol": url.split(":", 1)[0] if ":" in url else "https",
        "statusCode": str(result.get("StatusCode", "")),
        "statusMessage": result.get("StatusText", ""),
        "headers": _headers_text(result.get("Headers") or {}),
        "body": body if isinstance(body, str) else to_json(body),
    }


def _inspection(data: dict) -> dict:
    return {key: to_json(value) if key in _TEXT_MEMBERS else value for key, value in data.items()}


# ─── running tasks without a mock ────────────────────────────────────────────────────────────


class _Invoker:
    """Lambda functions and HTTP Tasks run for real; other integrations are not available.

    `http` keeps an HTTP Task's request and response for the TRACE inspection level.
    """

    def __init__(self):
        self.http: dict = {}

    async def invoke(self, request: TaskRequest) -> Any:
        kind = request.extra.get("kind")
        if kind == "lambda" or request.extra.get("integration") == "lambda:invoke":
            name = _function_name(request.resource)
            handler = functions.find(name)
            handlers = {name: handler} if handler is not None else {}
            return await HandlerInvoker(handlers).invoke(TaskRequest(
                resource=name, payload=request.payload, state_name=request.state_name, context=request.context))
        if request.resource == "arn:aws:states:::http:invoke":
            self.http = {"request": _http_request(request.payload)}
            try:
                result = await asyncio.to_thread(http.invoke, request.payload)
            except StatesError as exc:
                if exc.error.startswith("States.Http.StatusCode."):
                    self.http["response"] = _http_response(request.payload, json.loads(exc.cause))
                raise
            self.http["response"] = _http_response(request.payload, result)
            return result
        if kind == "activity":
            raise StatesError("TestState does not run activities: specify a mock.", error="States.Runtime")
        raise StatesError(
            f"The service integration '{request.resource}' is not available locally: specify a mock.",
            error="States.Runtime")


# ─── mocked results against the integration's response shape ─────────────────────────────────


def _invalid(message: str) -> ServiceError:
    return _refused("ValidationException", f"Mock result schema validation error: {message}")


@functools.cache
def _output_shape(service: str, operation: str) -> Any:
    session = botocore.session.get_session()
    try:
        model = session.get_service_model(service)
        return model.operation_model(operation).output_shape
    except Exception:  # an integration botocore does not describe: nothing to check against
        return None


def integration_operation(resource: str) -> tuple[str, str] | None:
    """(botocore service, operation) of a service integration Resource, None for others."""
    prefix = "arn:aws:states:::"
    if not resource.startswith(prefix):
        return None
    rest = resource[len(prefix):]
    if ".sync" in rest:
        return None  # a .sync call answers with the finished job, not the call's response
    rest = rest.removesuffix(".waitForTaskToken")
    if rest.startswith("aws-sdk:"):
        rest = rest[len("aws-sdk:"):]
    service, _, action = rest.rpartition(":")
    if not service or not action:
        return None
    return _BOTO_SERVICES.get(service, service), action[:1].upper() + action[1:]


def check_mock_result(resource: str, result: Any, mode: str) -> None:
    """Raise AWS's ValidationException when a mocked result does not fit the response shape."""
    if mode == "NONE" or result is None:
        return
    found = integration_operation(resource)
    if found is None:
        return
    shape = _output_shape(*found)
    if shape is None:
        return
    if not isinstance(result, dict):
        raise _refused("ValidationException", "Mocked result must be a JSON object.")
    _check(shape, result, None, strict=mode == "STRICT")


def _sfn_cased(name: str) -> str:
    return name[:1].upper() + name[1:]


def _check(shape: Any, value: Any, name: str | None, *, strict: bool) -> None:
    kind = shape.type_name
    if kind == "document":
        return
    if kind == "structure":
        if not isinstance(value, dict):
            raise _invalid(f"Field '{name}' must be an object")
        members = {_sfn_cased(key): member for key, member in shape.members.items()}
        if strict:
            for required in shape.required_members:
                if _sfn_cased(required) not in value:
                    raise _invalid(f"Required field '{_sfn_cased(required)}' is missing")
        for key, item in value.items():
            member = members.get(key)
            if member is not None:  # AWS: members the model does not know are let through
                _check(member, item, key, strict=strict)
        return
    if kind == "list":
        if not isinstance(value, list):
            raise _invalid(f"Field '{name}' must be an array")
        for item in value:
            _check(shape.member, item, name, strict=strict)
        return
    if kind == "map":
        if not isinstance(value, dict):
            raise _invalid(f"Field '{name}' must be an object")
        for item in value.values():
            _check(shape.value, item, name, strict=strict)
        return
    number = isinstance(value, int | float) and not isinstance(value, bool)
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if kind in ("string", "timestamp"):
        if not isinstance(value, str):
            raise _invalid(f"Field '{name}' must be a string")
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            raise _invalid(f"Field '{name}' is not an expected value")
        _check_length(value, low, high, name)
    elif kind in ("integer", "long", "float", "double"):
        if not number:
            raise _invalid(f"Field '{name}' must be a number")
        if low is not None and value < low:
            raise _invalid(f"Field '{name}' is less than the minimum value")
        if high is not None and value > high:
            raise _invalid(f"Field '{name}' exceeds the maximum value")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise _invalid(f"Field '{name}' must be a boolean")
    elif kind == "blob":
        if number or isinstance(value, bool):
            # Step Functions carries blobs as text (a Lambda Payload as JSON).
            raise _invalid(f"Field '{name}' must be a string")
        if isinstance(value, str):
            _check_length(value, low, high, name)


def _check_length(value: str, low: Any, high: Any, name: str | None) -> None:
    if low is not None and len(value) < low:
        raise _invalid(f"Field '{name}' is smaller than the minimum length")
    if high is not None and len(value) > high:
        raise _invalid(f"Field '{name}' is larger than the maximum length")
