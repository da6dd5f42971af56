"""Fuzzing the server through real HTTP: no input gives a 5xx, nothing hangs, the server answers
afterwards. Sized to run in about two minutes; each suite's counts are printed at the end of the
run (through conftest.SUMMARY_LINES).

- The AWS API: hypothesis-generated bodies for every operation, correctly signed, mixing
  botocore-shaped members with arbitrary JSON, non-standard JSON (NaN, duplicate keys, deep
  nesting) and raw bytes.
- Definitions: the examples' definitions mutated (keys dropped, values replaced, states renamed,
  JSONata and intrinsic strings inserted) and sent to ValidateStateMachineDefinition,
  CreateStateMachine and TestState.
- The REST API: schemathesis cases generated from the studio's own OpenAPI document.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import requests
import schemathesis
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.aws_api import shapes
from tests.designer import conftest
from tests.designer.conftest import ACCESS_KEY_ID, SECRET

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 30  # seconds one request may take before it counts as a hang
FUZZ_COUNTS: dict[str, Counter] = {}
EXAMPLES = Path(__file__).resolve().parents[2] / "designer" / "examples"
FUZZ = settings(max_examples=100, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def _count(suite: str, status: int) -> None:
    FUZZ_COUNTS.setdefault(suite, Counter())[status] += 1


def _report(suite: str) -> None:
    counter = FUZZ_COUNTS.get(suite, Counter())
    by_status = ", ".join(f"{status}: {n}" for status, n in sorted(counter.items()))
    conftest.SUMMARY_LINES.append(f"fuzz {suite}: {sum(counter.values())} requests, none 5xx ({by_status})")


def _aws(url: str, operation: str, body: bytes) -> int:
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AWSStepFunctions.{operation}"}
    request = AWSRequest(method="POST", url=url + "/", data=body, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET), "states", "us-east-1").add_auth(request)
    response = requests.post(url + "/", data=body, headers=dict(request.headers), timeout=TIMEOUT)
    assert response.status_code < 500, (operation, body[:300], response.text[:300])
    assert b"Traceback" not in response.content
    return response.status_code


def _still_answers(url: str) -> None:
    status = _aws(url, "ListStateMachines", b"{}")
    assert status == 200


# ─── the AWS API ─────────────────────────────────────────────────────────────────────────────

OPERATIONS = sorted(shapes.operation_names())
JSON_SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=12)
MEMBER_NAMES = st.sampled_from(["name", "stateMachineArn", "executionArn", "input", "definition", "roleArn",
                                "maxResults", "nextToken", "activityArn", "taskToken", "output", "error",
                                "cause", "type", "tags", "statusFilter", "reverseOrder", "includedData"])
ARNS = st.sampled_from(["arn:aws:states:us-east-1:000000000000:stateMachine:m",
                        "arn:aws:states:us-east-1:000000000000:execution:m:e",
                        "arn:aws:states:us-east-1:111111111111:stateMachine:m",
                        "arn:aws:states:::", "arn:aws:states:us-east-1:000000000000:activity:a:b:c", ""])
NON_STANDARD = st.sampled_from([b'{"a": NaN}', b'{"maxResults": Infinity}', b'{"name": "a", "name": "b"}',
                                b"[" * 3000 + b"]" * 3000, b'{"input": "{\\"a\\": NaN}"}', b"\xff\xfe{}",
                                b'{"input": "' + b"[" * 2000 + b"]" * 2000 + b'"}', b'"\\ud800"', b"{" * 50])


@st.composite
def aws_bodies(draw) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(NON_STANDARD)
    if kind == 1:
        return draw(st.binary(max_size=200))
    members = draw(st.dictionaries(MEMBER_NAMES, JSON_VALUES | ARNS, max_size=5))
    if kind == 3 and "input" in members:
        members["input"] = draw(st.sampled_from(['{"a": NaN}', "[" * 500 + "]" * 500, '{"a":1,"a":2}', "{}"]))
    return json.dumps(members).encode()


def test_the_aws_api_never_answers_5xx(live_server, access_key):
    @FUZZ
    @given(operation=st.sampled_from(OPERATIONS), body=aws_bodies())
    def one(operation, body):
        if operation == "GetActivityTask":
            operation = "ListActivities"  # its long poll would make each case last 60 s
        _count("AWS API (hypothesis)", _aws(live_server.url, operation, body))

    one()
    _still_answers(live_server.url)
    _report("AWS API (hypothesis)")


# ─── definitions ─────────────────────────────────────────────────────────────────────────────

def _example_definitions() -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(EXAMPLES.glob("*.asl.json"))]


INSERTS = st.sampled_from([
    "{% $sum([1..10000000]) %}", "{% ($f := function($n){ $f($n + 1) }; $f(0)) %}", "{% $states.input %}",
    "States.ArrayRange(1, 100000, 1)", "States.Format('{}', $.a)", "$.a.b[0]", "$$.Execution.Id", None, 1e308,
    -1, "", "NaN", {"Type": "Pass"}, [], "arn:aws:states:::http:invoke", "arn:aws:states:::lambda:invoke"])


def _mutate(value, draw, depth=0):
    if isinstance(value, dict) and value and depth < 6:
        value = dict(value)
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.integers(0, 3))
        if action == 0:
            del value[key]
        elif action == 1:
            value[key] = draw(INSERTS | JSON_VALUES)
        elif action == 2:
            value[key + draw(st.sampled_from(["", ".$", "Path", "x"]))] = value.pop(key)
        else:
            value[key] = _mutate(value[key], draw, depth + 1)
        return value
    if isinstance(value, list) and value and depth < 6:
        value = list(value)
        index = draw(st.integers(0, len(value) - 1))
        value[index] = _mutate(value[index], draw, depth + 1)
        return value
    return draw(INSERTS | JSON_VALUES)


@st.composite
def definitions(draw) -> str:
    definition = draw(st.sampled_from(_example_definitions()))
    for _ in range(draw(st.integers(1, 4))):
        definition = _mutate(definition, draw)
    return json.dumps(definition)


def test_mutated_definitions_never_answer_5xx(live_server, access_key):
    role = "arn:aws:iam::000000000000:role/fuzz"

    @FUZZ
    @given(definition=definitions(), operation=st.sampled_from(["ValidateStateMachineDefinition",
                                                                 "CreateStateMachine", "TestState"]),
           name=st.text(alphabet="abcdefghij", min_size=1, max_size=8))
    def one(definition, operation, name):
        body = {"definition": definition}
        if operation == "CreateStateMachine":
            body.update(name=name, roleArn=role)
        elif operation == "TestState":
            state = json.loads(definition).get("States", {}) if definition.startswith("{") else {}
            first = next(iter(state.values()), {}) if isinstance(state, dict) else {}
            body = {"definition": json.dumps(first), "roleArn": role, "input": '{"a": 1}'}
        _count("definitions (hypothesis)", _aws(live_server.url, operation, json.dumps(body).encode()))

    one()
    _still_answers(live_server.url)
    _report("definitions (hypothesis)")


# ─── the REST API, from its OpenAPI document ────────────────────────────────────────────────


def test_the_rest_api_never_answers_5xx(live_server, user):
    client = Client()
    client.force_login(user)
    document = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    # The document describes the session cookie as a security scheme, so schemathesis fuzzes it
    # too; every case gets the real one instead (the anonymous paths are tested elsewhere).
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": "f" * 32}
    headers = {"X-CSRFToken": "f" * 32, "Referer": live_server.url + "/"}

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=schema.as_strategy())
    def one(case):
        case.cookies = dict(cookies)
        response = case.call(base_url=live_server.url, session=session, headers=headers, timeout=TIMEOUT)
        label = f"{case.method} {case.path}"
        assert response.status_code < 500, (label, case.body, response.text[:300])
        assert "Traceback" not in response.text
        _count("REST API (schemathesis)", response.status_code)

    one()
    assert session.get(live_server.url + "/api/machines", cookies=cookies, timeout=TIMEOUT).status_code == 200
    _report("REST API (schemathesis)")
