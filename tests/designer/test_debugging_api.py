"""The debugger's REST API through Django's test client: test cases (CRUD, validation, run with
coverage, MockConfigFile import/export, TestState calls), breakpoints, limit warnings on
validate, `manage.py test_workflows`, and the example workflows' own test cases."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.test import Client

from designer.models import ExecutionDebug, StateMachine
from designer.services import machines

MACHINE = {"StartAt": "Route", "States": {
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}],
              "Default": "Small"},
    "Big": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:order-notify",
            "Retry": [{"ErrorEquals": ["Busy"]}], "End": True},
    "Small": {"Type": "Pass", "Result": "small", "End": True},
}}


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def machine(user):
    return machines.state_machine_create(owner=user, region="us-east-1", name="routes", definition=json.dumps(MACHINE))


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def test_test_cases_are_saved_validated_run_and_measured(client, machine):
    big = {"input": {"n": 5}, "mocks": {"Big": {"0": {"Throw": {"Error": "Busy"}}, "1": {"Return": {"ok": True}}}},
           "expect": {"status": "SUCCEEDED", "output": {"ok": True}, "states": ["Route", "Big"]}}
    assert send(client, "put", "/api/machines/routes/tests/big", big).status_code == 200
    wrong = {"input": {"n": 0}, "expect": {"status": "SUCCEEDED", "output": "large"}}
    assert send(client, "put", "/api/machines/routes/tests/wrong", wrong).status_code == 200
    listed = client.get("/api/machines/routes/tests").json()
    assert [c["name"] for c in listed] == ["big", "wrong"]

    run = send(client, "post", "/api/machines/routes/tests/run", {}).json()
    by_name = {r["name"]: r for r in run["results"]}
    assert by_name["big"]["passed"] and by_name["big"]["states"] == ["Route", "Big"]
    assert not by_name["wrong"]["passed"]
    assert by_name["wrong"]["failures"] == ['output: expected "large", got "small"']
    coverage = run["coverage"]
    # Route, rule 1, Default, Big, its retrier, Small: all six exercised by the two cases together.
    assert (coverage["covered"], coverage["total"], coverage["percent"]) == (6, 6, 100.0)

    only_big = send(client, "post", "/api/machines/routes/tests/run", {"names": ["big"]}).json()
    assert only_big["coverage"]["percent"] == 66.7  # Default and Small untouched

    # An unsaved definition from the editor is what runs when given.
    edited = json.loads(json.dumps(MACHINE))
    edited["States"]["Small"]["Result"] = "large"
    rerun = send(client, "post", "/api/machines/routes/tests/run", {"definition": edited}).json()
    assert [r["passed"] for r in rerun["results"]] == [True, True]

    assert send(client, "delete", "/api/machines/routes/tests/wrong").status_code == 204
    assert send(client, "delete", "/api/machines/routes/tests/wrong").status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"mocks": {"Big": {"first": {"Return": 1}}}}, "mocks.Big: keys are call numbers"),
    ({"mocks": {"Big": {"0": {"Answer": 1}}}}, "mocks.Big.0: each answer is"),
    ({"expect": {"colour": "red"}}, "expect: unknown colour"),
    ({"expect": {"status": "DONE"}}, "expect.status must be one of"),
    ({"mocks": []}, "mocks must be an object"),
])
def test_a_bad_test_case_is_refused_with_what_is_wrong(client, machine, body, message):
    response = send(client, "put", "/api/machines/routes/tests/bad", body)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_mock_config_file_export_import_and_test_state_calls(client, machine):
    case = {"input": {"n": 3}, "mocks": {"Big": {"0": {"Return": {"ok": 1}}}}, "expect": {}}
    send(client, "put", "/api/machines/routes/tests/happy", case)
    config = client.get("/api/machines/routes/tests/export?format=mockconfig").json()
    assert config["StateMachines"]["routes"]["TestCases"] == {"happy": {"Big": "happy.Big"}}
    assert config["MockedResponses"]["happy.Big"] == {"0": {"Return": {"ok": 1}}}

    config["StateMachines"]["routes"]["TestCases"]["imported"] = {"Big": "happy.Big"}
    imported = send(client, "post", "/api/machines/routes/tests/import", {"config": config}).json()
    assert sorted(c["name"] for c in imported) == ["happy", "imported"]
    assert {c["name"] for c in client.get("/api/machines/routes/tests").json()} == {"happy", "imported"}
    refused = send(client, "post", "/api/machines/routes/tests/import", {"config": {"StateMachines": {}}})
    assert refused.status_code == 400 and "no TestCases for 'routes'" in refused.json()["detail"]

    calls = client.get("/api/machines/routes/tests/export?format=teststate").json()
    [call] = calls["happy"]
    assert json.loads(call["definition"]) == MACHINE["States"]["Big"]
    assert json.loads(call["input"]) == {"n": 3}
    assert call["mock"] == {"result": '{"ok": 1}'}


def test_breakpoints_name_states_of_the_machine(client, machine):
    assert client.get("/api/machines/routes/breakpoints").json() == {"states": []}
    saved = send(client, "put", "/api/machines/routes/breakpoints", {"states": ["Big", "Small", "Big"]})
    assert saved.json() == {"states": ["Big", "Small"]}
    refused = send(client, "put", "/api/machines/routes/breakpoints", {"states": ["Nope"]})
    assert refused.status_code == 400 and "'Nope'" in refused.json()["detail"]
    assert client.get("/api/machines/routes/breakpoints").json() == {"states": ["Big", "Small"]}


def test_a_debug_start_records_the_breakpoints_and_run_from_here_links_back(client, machine):
    send(client, "put", "/api/machines/routes/breakpoints", {"states": ["Big"]})
    started = send(client, "post", "/api/machines/routes/executions", {"input": {"n": 2}, "debug": True})
    assert started.status_code == 201
    execution_id = started.json()["id"]
    state = client.get(f"/api/executions/{execution_id}/debug").json()
    assert state == {"debug": True, "breakpoints": ["Big"], "paused": None, "origin": None}
    not_paused = send(client, "post", f"/api/executions/{execution_id}/debug/continue", {"input": {}})
    assert not_paused.status_code == 409

    nested = send(client, "post", f"/api/executions/{execution_id}/rerun", {"state": "Nope", "input": {}})
    assert nested.status_code == 400 and "does not exist" in nested.json()["detail"]
    rerun = send(client, "post", f"/api/executions/{execution_id}/rerun", {"state": "Small", "input": {"n": 0}})
    assert rerun.status_code == 200
    new_id = rerun.json()["id"]
    assert client.get(f"/api/executions/{new_id}/debug").json()["origin"]["state"] == "Small"
    assert ExecutionDebug.objects.get(execution_id=new_id).origin_id == execution_id


def test_validate_warns_where_a_valid_definition_risks_aws_limits(client):
    risky = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "x" * 200_000, "End": True}}}
    diagnostics = send(client, "post", "/api/validate", {"definition": risky}).json()["diagnostics"]
    assert [(d["code"], d["severity"]) for d in diagnostics] == [("PAYLOAD_SIZE_RISK", "WARNING")]


def test_the_examples_own_test_cases_pass_with_the_coverage_they_really_have(client, user, tmp_path, capsys):
    call_command("load_examples", owner=user.username)
    run = send(client, "post", "/api/machines/order-processing/tests/run", {}).json()
    assert [r["passed"] for r in run["results"]] == [True, True, True]
    uncovered = [(t["kind"], t["state"], t["index"]) for t in run["coverage"]["targets"] if not t["covered"]]
    # Three cases: a standard order, a declined card, an invalid order. Nothing tries the
    # retriers of ValidateOrder and ChargePayment, nor a fulfilment failing otherwise.
    assert uncovered == [("retry", "ValidateOrder", 0), ("catch", "FulfilOrder", 1),
                         ("retry", "ChargePayment", 0), ("state", "FulfilmentFailed", None)]
    assert run["coverage"]["percent"] == 81.0
    hello = send(client, "post", "/api/machines/hello-world/tests/run", {}).json()
    assert hello["coverage"]["percent"] == 100.0

    junit = tmp_path / "junit.xml"
    call_command("test_workflows", "order-processing", "hello-world", owner=user.username, junit=str(junit))
    printed = capsys.readouterr().out
    assert "PASS order-processing / declined-card: FAILED" in printed
    assert "coverage of order-processing: 81.0% (17 of 21)" in printed
    suites = ElementTree.parse(junit).getroot()
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("order-processing", "3", "0"), ("hello-world", "3", "0")]

    case = StateMachine.objects.get(owner=user, name="hello-world").test_cases.get(name="english")
    case.expect = {"status": "FAILED"}
    case.save()
    with pytest.raises(SystemExit):
        call_command("test_workflows", "hello-world", owner=user.username)


def test_test_state_runs_one_state_of_the_editors_definition_at_debug_level(client, machine):
    body = {"definition": MACHINE, "state": "Big", "input": {"n": 7},
            "mock": {"result": '{"ok": true}'}}
    answer = send(client, "post", "/api/test-state", body).json()
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == {"ok": True}
    assert json.loads(answer["inspectionData"]["input"]) == {"n": 7}
    assert json.loads(answer["inspectionData"]["result"]) == {"ok": True}
    busy = {"errorOutput": {"error": "Busy", "cause": "x"}}
    failing = send(client, "post", "/api/test-state", {**body, "mock": busy})
    assert failing.json()["status"] == "RETRIABLE" and failing.json()["error"] == "Busy"
    refused = send(client, "post", "/api/test-state", {**body, "state": "Nope"})
    assert refused.status_code == 400
