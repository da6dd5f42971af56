"""Strict JSON everywhere: NaN, Infinity, duplicate keys, deep nesting and huge bodies are 4xx.

Each surface that takes JSON from outside (the AWS API's body and its JSON-text members, the
REST API, definitions, TestState, WebSocket messages) refuses non-standard JSON with AWS's error
for invalid input, and nothing answers 5xx or shows a traceback.
"""

from __future__ import annotations

import json

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from channels.testing import WebsocketCommunicator
from django.test import Client, RequestFactory

from designer.aws_api import views
from designer.services import machines
from tests.designer.conftest import ACCESS_KEY_ID, SECRET, definition_text

pytestmark = pytest.mark.django_db(transaction=True)

DEEP = "[" * 10_000 + "]" * 10_000
NAN_INPUT = '{"a": NaN}'


def aws(operation: str, body: bytes | str):
    """Call the AWS API in-process with a correctly signed request; (status, body)."""
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AWSStepFunctions.{operation}",
               "Host": "testserver"}
    request = AWSRequest(method="POST", url="http://testserver/", data=body, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET), "states", "us-east-1").add_auth(request)
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in request.headers.items() if k != "Content-Type"}
    django_request = RequestFactory().post("/", data=body, content_type="application/x-amz-json-1.0", **meta)
    response = views.api(django_request)
    return response.status_code, json.loads(response.content)


def code_of(body: dict) -> str:
    return body["__type"].split("#")[-1]


@pytest.fixture
def machine(access_key):
    machine, _ = machines.state_machine_create(owner=access_key.user, region="us-east-1", name="m",
                                               definition=definition_text())
    return machine


@pytest.mark.parametrize("text", [NAN_INPUT, '{"a": Infinity}', '[-Infinity]', '{"a": 1, "a": 2}',
                                  "[" * 200 + "]" * 200, DEEP, '{"a": "\\ud800"}'])
def test_start_execution_refuses_non_standard_input(machine, text):
    status, body = aws("StartExecution", json.dumps({"stateMachineArn": machine.arn, "input": text}))
    assert status == 400, body
    assert code_of(body) == "InvalidExecutionInput"
    assert machine.executions.count() == 0


@pytest.mark.parametrize("body", ['{"maxResults": NaN}', '{"maxResults": 1, "maxResults": 2}', DEEP,
                                  '{"a":' * 5000 + "1" + "}" * 5000])
def test_a_non_standard_request_body_is_a_serialization_exception(access_key, body):
    status, answer = aws("ListStateMachines", body)
    assert status == 400, answer
    assert code_of(answer) == "SerializationException"


@pytest.mark.parametrize("result", ["NaN", "Infinity", "[" * 5000 + "]" * 5000])
def test_definitions_with_non_standard_json_are_invalid_definitions(access_key, result):
    definition = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": ' + result + ', "End": true}}}'
    status, body = aws("CreateStateMachine", json.dumps({"name": "m", "definition": definition,
                                                          "roleArn": "arn:aws:iam::000000000000:role/r"}))
    assert status == 400, body
    assert code_of(body) == "InvalidDefinition"


@pytest.mark.parametrize("text", [NAN_INPUT, DEEP, '{"a": 1, "a": 2}'])
def test_test_state_refuses_non_standard_input_without_a_500(access_key, text):
    definition = json.dumps({"Type": "Pass", "End": True})
    status, body = aws("TestState", json.dumps({"definition": definition, "input": text,
                                                "roleArn": "arn:aws:iam::000000000000:role/r"}))
    assert status == 400, body
    assert code_of(body) == "InvalidExecutionInput"


# ─── REST ────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def rest_post(client, url: str, text: str | bytes):
    return client.post(url, data=text, content_type="application/json")


def assert_clean_4xx(response, status: int | None = None):
    assert 400 <= response.status_code < 500, response.content[:300]
    if status is not None:
        assert response.status_code == status, response.content[:300]
    assert b"Traceback" not in response.content
    assert b"File \"" not in response.content


@pytest.mark.parametrize("text", [DEEP, '{"name": "m", "definition": ' + "[" * 5000 + "]" * 5000 + "}",
                                  '{"name": "m", "name": "n", "definition": {}}', '{"name": NaN}'])
def test_rest_refuses_non_standard_bodies_with_a_clean_400(client, text):
    assert_clean_4xx(rest_post(client, "/api/machines", text), 400)


def test_rest_refuses_a_5_mb_body_with_413_and_no_traceback(client):
    body = json.dumps({"name": "m", "definition": {"Comment": "x" * (5 * 1024 * 1024)}})
    assert_clean_4xx(rest_post(client, "/api/machines", body), 413)


@pytest.fixture
def rest_machine(client):
    hello = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}
    assert rest_post(client, "/api/machines", json.dumps({"name": "m", "definition": hello})).status_code == 201


@pytest.mark.parametrize("text", [NAN_INPUT, '{"a": 1, "a": 2}', "[" * 500 + "]" * 500])
def test_rest_start_refuses_non_standard_input_text(client, rest_machine, text):
    response = rest_post(client, "/api/machines/m/executions", json.dumps({"input": text}))
    assert_clean_4xx(response, 400)
    assert "Invalid State Machine Execution Input" in response.json()["detail"]


def test_rest_start_keeps_the_256_kib_input_limit(client, rest_machine):
    response = rest_post(client, "/api/machines/m/executions", json.dumps({"input": {"x": "y" * 262_144}}))
    assert_clean_4xx(response, 400)
    assert "262144" in response.json()["detail"]


def test_rest_definition_text_with_nan_is_refused(client):
    text = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": NaN, "End": true}}}'
    response = rest_post(client, "/api/machines", json.dumps({"name": "m", "definition": text}))
    assert_clean_4xx(response, 400)


# ─── WebSocket ───────────────────────────────────────────────────────────────────────────────


async def test_websocket_messages_are_strict_json_and_the_connection_survives(user):
    from designer.consumers import StudioConsumer

    communicator = WebsocketCommunicator(StudioConsumer.as_asgi(), "/ws/studio/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    for text in ['{"type": "ping", "type": "ping"}', '{"type": NaN}', DEEP]:
        await communicator.send_to(text_data=text)
        reply = await communicator.receive_json_from(timeout=5)
        assert reply["type"] == "error", reply
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()
