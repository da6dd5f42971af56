"""The AWS JSON 1.0 protocol at POST /: signatures, malformed and oversized requests, routing.

Bad input always answers with an AWS-shaped 4xx (`__type` + `message`), never a 500.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.test import Client

from designer.services import access_keys
from tests.designer.conftest import ACCESS_KEY_ID, SECRET, definition_text, make_client

pytestmark = pytest.mark.django_db(transaction=True)


def raw(
    url: str,
    body: bytes,
    *,
    target: str | None = "AWSStepFunctions.ListStateMachines",
    key=ACCESS_KEY_ID,
    secret=SECRET,
    sign=True,
    when: datetime | None = None,
    tamper=None,
):
    """POST `body` to `url`, signed like botocore (unless sign=False); returns (status, json)."""
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target:
        headers["X-Amz-Target"] = target
    request = AWSRequest(method="POST", url=url + "/", data=body, headers=headers)
    if sign:
        signer = SigV4Auth(Credentials(key, secret), "states", "us-east-1")
        if when is not None:
            with mock.patch("botocore.auth.get_current_datetime", lambda: when.replace(tzinfo=None)):
                signer.add_auth(request)
        else:
            signer.add_auth(request)
    prepared = request.prepare()
    headers = dict(prepared.headers)
    if tamper:
        tamper(headers)
    http_request = urllib.request.Request(url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(http_request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def code_of(body: dict) -> str:
    return body["__type"].split("#")[-1]


def test_a_signed_request_succeeds(live_server, access_key):
    status, body = raw(live_server.url, b"{}")
    assert status == 200 and body == {"stateMachines": []}
    client = make_client(live_server.url, ACCESS_KEY_ID, SECRET)
    assert client.list_state_machines()["ResponseMetadata"]["RequestId"]


def test_unsigned_request_is_missing_authentication_token(live_server, access_key):
    status, body = raw(live_server.url, b"{}", sign=False)
    assert status == 400
    assert code_of(body) == "MissingAuthenticationTokenException"
    assert body["message"] == "Missing Authentication Token"


def test_unknown_access_key_is_unrecognized_client(live_server, access_key):
    status, body = raw(live_server.url, b"{}", key="NOPE")
    assert status == 400
    assert code_of(body) == "UnrecognizedClientException"
    assert body["message"] == "The security token included in the request is invalid."


def test_disabled_access_key_is_unrecognized_client(live_server, access_key):
    access_key.enabled = False
    access_key.save()
    assert code_of(raw(live_server.url, b"{}")[1]) == "UnrecognizedClientException"


def test_wrong_secret_is_invalid_signature(live_server, access_key):
    status, body = raw(live_server.url, b"{}", secret="wrong")
    assert status == 400
    assert code_of(body) == "InvalidSignatureException"
    assert body["message"].startswith("The request signature we calculated does not match")


def test_a_body_changed_after_signing_is_invalid_signature(live_server, access_key):
    def tamper(headers):
        headers["X-Amz-Target"] = "AWSStepFunctions.ListActivities"

    assert code_of(raw(live_server.url, b"{}", tamper=tamper)[1]) == "InvalidSignatureException"


def test_an_old_signature_has_expired(live_server, access_key):
    status, body = raw(live_server.url, b"{}", when=datetime.now(UTC) - timedelta(hours=1))
    assert status == 400 and code_of(body) == "InvalidSignatureException"
    assert body["message"].startswith("Signature expired:")


def test_botocore_raises_the_modelled_exceptions_for_auth_failures(live_server, access_key):
    client = make_client(live_server.url, ACCESS_KEY_ID, "wrong")
    with pytest.raises(client.exceptions.ClientError) as excinfo:
        client.list_state_machines()
    assert excinfo.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_unknown_operation(live_server, access_key):
    status, body = raw(live_server.url, b"{}", target="AWSStepFunctions.LaunchRockets")
    assert status == 400 and code_of(body) == "UnknownOperationException"
    status, body = raw(live_server.url, b"{}", target="SomethingElse.ListStateMachines")
    assert status == 400 and code_of(body) == "UnknownOperationException"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_malformed_bodies_are_serialization_exceptions(live_server, access_key, body):
    status, answer = raw(live_server.url, body)
    assert status == 400 and code_of(answer) == "SerializationException"


def test_wrongly_typed_members_are_serialization_exceptions(live_server, access_key):
    status, body = raw(live_server.url, b'{"maxResults": "ten"}')
    assert status == 400 and code_of(body) == "SerializationException"


def test_missing_required_members_are_validation_exceptions(live_server, access_key):
    status, body = raw(live_server.url, b"{}", target="AWSStepFunctions.DescribeStateMachine")
    assert status == 400 and code_of(body) == "ValidationException"
    assert body["message"] == (
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_several_violations_are_counted(live_server, access_key):
    payload = json.dumps({"name": "x" * 81, "definition": definition_text(), "roleArn": "r", "type": "SLOW"})
    status, body = raw(live_server.url, payload.encode(), target="AWSStepFunctions.CreateStateMachine")
    assert status == 400 and code_of(body) == "ValidationException"
    assert body["message"].startswith("2 validation errors detected: ")
    assert "Member must satisfy enum value set: [EXPRESS, STANDARD]" in body["message"]


def test_oversized_requests_are_refused_with_413(live_server, access_key):
    payload = json.dumps({"definition": "x" * (3 * 1024 * 1024)}).encode()
    status, body = raw(live_server.url, payload, target="AWSStepFunctions.ValidateStateMachineDefinition")
    assert status == 413 and code_of(body) == "RequestEntityTooLargeException"


def test_an_oversized_execution_input_is_a_validation_exception(live_server, access_key):
    client = make_client(live_server.url, ACCESS_KEY_ID, SECRET, validate=False)
    machine = client.create_state_machine(name="m", definition=definition_text(), roleArn="arn:aws:iam::0:role/r")
    with pytest.raises(client.exceptions.ClientError) as excinfo:
        client.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps("x" * 262_144))
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_invalid_arns_everywhere_are_invalid_arn(live_server, access_key):
    client = make_client(live_server.url, ACCESS_KEY_ID, SECRET)
    calls = [
        (client.describe_state_machine, {"stateMachineArn": "arn:aws:states:us-east-1:0:stateMachine"}),
        (client.describe_execution, {"executionArn": "arn:aws:lambda:us-east-1:0:function:f"}),
        (client.describe_activity, {"activityArn": "activity"}),
        (client.list_executions, {"stateMachineArn": "arn:aws:states:us-east-1:0:activity:a"}),
        (client.stop_execution, {"executionArn": "nope"}),
        (client.list_tags_for_resource, {"resourceArn": "nope"}),
    ]
    for call, params in calls:
        with pytest.raises(client.exceptions.InvalidArn):
            call(**params)


def test_a_service_failure_is_still_aws_shaped(live_server, access_key, monkeypatch):
    from designer.aws_api import operations

    def explode(ctx, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(operations.OPERATIONS, "ListStateMachines", explode)
    status, body = raw(live_server.url, b"{}")
    assert status == 500 and code_of(body) == "InternalFailure"


def test_browsers_still_get_the_studio_at_the_root(user):
    anonymous = Client()
    assert anonymous.get("/").status_code == 302  # to the login page
    assert anonymous.post("/", data="{}", content_type="application/json").status_code == 302
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/").status_code == 200


def test_ensure_access_key_makes_a_known_key(django_user_model, live_server):
    admin = django_user_model.objects.create_user(username="admin")
    access_keys.ensure_access_key(admin, "test", "test")
    access_keys.ensure_access_key(admin, "test", "test")
    client = make_client(live_server.url, "test", "test")
    assert client.list_state_machines()["stateMachines"] == []


FUZZ_VALUES = ["", "x", "arn:aws:states:us-east-1:000000000000:stateMachine:nope", "arn:aws:states:::", 0, -1, True]


def test_every_operation_answers_odd_input_without_a_500(live_server, access_key):
    from designer.aws_api import shapes

    model = shapes.service_model()
    for operation in sorted(model.operation_names):
        if operation == "GetActivityTask":
            continue  # long-polls for 60 s by design
        shape = model.operation_model(operation).input_shape
        members = list(shape.members) if shape is not None else []
        bodies = [{}] + [{name: value for name in members} for value in FUZZ_VALUES]
        bodies += [{name: [{}] for name in members}, {name: {} for name in members}]
        for body in bodies:
            status, answer = raw(live_server.url, json.dumps(body).encode(), target=f"AWSStepFunctions.{operation}")
            assert status < 500, (operation, body, answer)
            if status >= 400:
                assert "__type" in answer and "message" in answer, (operation, body, answer)


def test_a_tag_without_a_key_is_a_validation_exception(live_server, access_key):
    client = make_client(live_server.url, ACCESS_KEY_ID, SECRET)
    arn = client.create_activity(name="a")["activityArn"]
    status, body = raw(
        live_server.url, json.dumps({"resourceArn": arn, "tags": [{}]}).encode(), target="AWSStepFunctions.TagResource"
    )
    assert status == 400 and code_of(body) == "ValidationException"


@pytest.mark.parametrize("model_order,aws_order", [
    # Orders recorded in AWS validation messages (Step Functions, Cognito, DynamoDB, Lambda).
    (["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"],
     ["SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING"]),
    (["OFF", "ON", "OPTIONAL"], ["OPTIONAL", "OFF", "ON"]),
    (["NONE", "INDEXES", "TOTAL"], ["INDEXES", "TOTAL", "NONE"]),
    (["None", "Tail"], ["Tail", "None"]),
])
def test_enum_values_are_listed_in_the_order_aws_lists_them(model_order, aws_order):
    from designer.aws_api.shapes import aws_enum_order

    assert aws_enum_order(model_order) == aws_order


def test_invalid_status_filter_lists_the_statuses_in_aws_order(live_server, access_key):
    payload = json.dumps({"stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:m",
                          "statusFilter": "DONE"})
    status, body = raw(live_server.url, payload.encode(), target="AWSStepFunctions.ListExecutions")
    assert status == 400 and body["message"] == (
        "1 validation error detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must "
        "satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]")
