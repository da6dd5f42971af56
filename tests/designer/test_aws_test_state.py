"""Replay the `test_state` cases recorded against real AWS (/work/shared/conformance/cases.jsonl)
through boto3 against a live server, and compare responses modulo the recording's placeholders.

Each case is one TestState call: the recorded `definition`, `input` (not sent when the
recording has none) and `options` (inspectionLevel, mock, variables, stateName, context,
stateConfiguration) as sent, with the recording's account id replaced by ours. The recordings
do not say whether a roleArn was sent; the replay sends one unless the recorded context object
shows `"RoleArn": null`. JSON text members (output, the inspection data's texts) are parsed
before comparing. The pass rate is printed at the end of the run.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from django.conf import settings

from designer.services import access_keys
from tests.designer import conftest
from tests.designer.conftest import make_client
from tests.designer.test_aws_conformance import compare
from tests.engine import conformance

CASES_FILE = conformance.CASES_FILE
RECORDED_ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::000000000000:role/test-state-role"
# Placeholders the recorder wrote for dates inside JSON values; they stand for any text.
DATE_PLACEHOLDERS = {"date", "start-date"}
OPTION_KEYS = ("inspectionLevel", "mock", "variables", "stateName", "context", "stateConfiguration", "revealSecrets")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CASES_FILE.exists(), reason=f"{CASES_FILE} is not present"),
]


def _load() -> list[dict]:
    if not CASES_FILE.exists():
        return []
    cases = [json.loads(line) for line in CASES_FILE.read_text().splitlines()]
    return [case for case in cases if case.get("kind") == "test_state"]


CASES = _load()
TALLY = {"passed": 0, "failed": 0}
FAILURES: list[str] = []


def _substitute(value):
    if isinstance(value, str):
        return value.replace(RECORDED_ACCOUNT, settings.STATECRAFT_ACCOUNT_ID)
    if isinstance(value, list):
        return [_substitute(v) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v) for k, v in value.items()}
    return value


def _placeholders(value):
    """Recorded date placeholders → the comparator's own wildcard."""
    if isinstance(value, str):
        return "datetime" if value in DATE_PLACEHOLDERS else value
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    return value


def _parsed(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def request_of(case: dict) -> dict:
    """The TestState request the recording made."""
    request = {"definition": json.dumps(_substitute(case["definition"]))}
    if case.get("input") is not None:
        request["input"] = json.dumps(_substitute(case["input"]))
    if '"RoleArn": null' not in json.dumps(case["expected"]):
        request["roleArn"] = ROLE
    for key in OPTION_KEYS:
        if key in case["options"]:
            request[key] = _substitute(case["options"][key])
    return request


def response_view(response: dict) -> dict:
    """The response with its JSON texts parsed, as the recordings store them."""
    view = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if "output" in view:
        view["output"] = _parsed(view["output"])
    if "inspectionData" in view:
        view["inspectionData"] = {
            k: _parsed(v) if isinstance(v, str) else v for k, v in view["inspectionData"].items()
        }
    return view


def replay(client, case: dict) -> list[str]:
    expected = _placeholders(case["expected"])
    try:
        response = client.test_state(**request_of(case))
    except ClientError as exc:
        error = exc.response["Error"]
        if "api_error" not in expected:
            return [f"unexpected error {error['Code']}: {error['Message']}"]
        return compare(expected["api_error"], {"Error": {"Code": error["Code"], "Message": error["Message"]},
                                                "message": error["Message"]})
    if "api_error" in expected:
        return [f"expected error {expected['api_error']['Error']['Code']}, got {response_view(response)!r}"]
    return compare(expected, response_view(response))


@pytest.fixture(scope="module", autouse=True)
def report_pass_rate():
    yield
    total = sum(TALLY.values())
    if total:
        conftest.SUMMARY_LINES.extend([
            "",
            f"AWS conformance (test_state cases): {TALLY['passed']}/{total} match the recordings "
            f"({100 * TALLY['passed'] / total:.1f}%)",
            *(f"  differs: {failure}" for failure in FAILURES[:40]),
        ])


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}" for i in range(len(CASES))])
def test_recorded_test_state_case(case, live_server, django_user_model):
    user = django_user_model.objects.create_user(username=f"ts-{abs(hash(case['id']))}")
    key = access_keys.access_key_create(user=user)
    client = make_client(live_server.url, key.access_key_id, key.secret, validate=False)
    problems = replay(client, case)
    if problems:
        TALLY["failed"] += 1
        FAILURES.append(f"{case['id'].split('::', 1)[-1]}: {problems[0][:300]}")
    else:
        TALLY["passed"] += 1
    assert not problems, "\n".join(problems)


# ─── our own behaviour beyond the recordings ─────────────────────────────────────────────────


def double(event, context=None):
    """A local Lambda handler for the unmocked Task test."""
    return {"n": event["n"] * 2}


def test_unmocked_lambda_task_runs_the_local_handler(sfn, settings):
    settings.STATECRAFT_FUNCTIONS = {"ts-double": "tests.designer.test_aws_test_state.double"}
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "ts-double",
            "Payload.$": "$"}, "ResultSelector": {"n.$": "$.Payload.n"}, "ResultPath": "$.doubled", "Next": "After"}
    response = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input='{"n": 21}', inspectionLevel="DEBUG")
    assert response["status"] == "SUCCEEDED" and response["nextState"] == "After"
    assert json.loads(response["output"]) == {"n": 21, "doubled": {"n": 42}}
    assert json.loads(response["inspectionData"]["result"])["StatusCode"] == 200


def test_unmocked_task_of_a_missing_function_fails_like_lambda(sfn):
    task = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:nowhere", "End": True}
    response = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input="{}")
    assert response["status"] == "FAILED" and response["error"] == "Lambda.ResourceNotFoundException"
    assert "inspectionData" not in response


def test_state_name_not_in_the_definition_is_refused(sfn):
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    with pytest.raises(sfn.exceptions.ValidationException, match="State not found in definition"):
        sfn.test_state(definition=json.dumps(machine), stateName="B")


@pytest.fixture
def echo_server():
    """A local HTTP server answering every POST with its JSON body and a header."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Echo(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's spelling
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Echo", "yes")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_http_task_at_trace_level_shows_the_request_and_response(sfn, settings, echo_server):
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = "127.0.0.1:*"
    task = {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": True,
            "Parameters": {"ApiEndpoint": f"{echo_server}/orders", "Method": "POST", "RequestBody": {"id": 7}}}
    response = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input="{}", inspectionLevel="TRACE")
    assert response["status"] == "SUCCEEDED", response
    assert json.loads(response["output"])["ResponseBody"] == {"id": 7}
    request, answer = response["inspectionData"]["request"], response["inspectionData"]["response"]
    assert (request["method"], request["url"], json.loads(request["body"])) == ("POST", f"{echo_server}/orders",
                                                                              {"id": 7})
    assert (answer["statusCode"], answer["statusMessage"]) == ("201", "Created")
    assert "X-Echo: yes" in answer["headers"] and json.loads(answer["body"]) == {"id": 7}
    debug = sfn.test_state(definition=json.dumps(task), roleArn=ROLE, input="{}", inspectionLevel="DEBUG")
    assert "request" not in debug["inspectionData"]


# AWS (recorded): with more failed iterations than a Map tolerates, TestState answers with the
# threshold error (caught or retriable where the Map says so); a Map that declares no tolerated
# failures answers with its mocked result.
EXCEEDED = {"BASE_MAP_STATE": ("SUCCEEDED", None), "BASE_MAP_STATE_CATCH": ("CAUGHT_ERROR", "HandleThreshold"),
            "BASE_MAP_STATE_RETRY": ("RETRIABLE", None), "MAP_TASK_STATE": ("RETRIABLE", None)}


@pytest.mark.parametrize("case", [c for c in CASES if "test_map_state_failure_count" in c["id"]],
                         ids=lambda c: c["id"].split("[", 1)[1].rstrip("]"))
def test_map_failure_count_beyond_the_tolerated_failures(case, sfn):
    request = request_of(case)
    request.update(stateConfiguration={"mapIterationFailureCount": 2}, mock={"result": json.dumps([0, 0, 1])})
    response = sfn.test_state(**request)
    status, next_state = EXCEEDED[case["id"].split("-", 1)[1].rstrip("]")]
    assert (response["status"], response.get("nextState")) == (status, next_state)
    if status != "SUCCEEDED":
        assert (response["error"], response["cause"]) == (
            "States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded")
