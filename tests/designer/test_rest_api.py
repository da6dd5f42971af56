"""The studio REST API (/api/) through Django's test client, as docs/architecture.md specifies."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from designer.models import Execution, ExecutionStatus
from designer.services import activities, executions, machines

pytestmark = pytest.mark.django_db

HELLO = {"Comment": "Say hello", "StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_anonymous_requests_are_refused():
    assert Client().get("/api/machines").status_code == 401


def test_unsafe_requests_need_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = post(client, "/api/machines", {"name": "m", "definition": HELLO})
    assert refused.status_code == 403
    client.get("/api/machines")  # any page sets the cookie once it is asked for
    token = client.cookies.get("csrftoken")
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        client.cookies["csrftoken"] = token = _get_new_csrf_string()
    accepted = client.post(
        "/api/machines",
        data=json.dumps({"name": "m", "definition": HELLO}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token.value if hasattr(token, "value") else token,
    )
    assert accepted.status_code == 201


def test_create_get_list_and_definition_text_kept_exactly(client):
    text = '{"StartAt": "A",\n  "States": {"A": {"Type": "Succeed"}}}'
    created = post(client, "/api/machines", {"name": "orders", "definition": text, "layout": {"A": {"x": 1, "y": 2}}})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "orders"
    assert body["arn"] == "arn:aws:states:us-east-1:000000000000:stateMachine:orders"
    assert body["type"] == "STANDARD"
    assert body["revision"] == 1
    assert body["definition"] == {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    assert body["layout"] == {"A": {"x": 1, "y": 2}}
    assert body["diagnostics"] == []
    from designer.models import StateMachine

    assert StateMachine.objects.get(name="orders").definition == text
    listed = client.get("/api/machines").json()
    assert [m["name"] for m in listed] == ["orders"]
    assert set(listed[0]) == {"name", "arn", "type", "description", "revision", "created", "updated"}
    assert client.get("/api/machines?search=ord").json()[0]["name"] == "orders"
    assert client.get("/api/machines?search=zzz").json() == []


def test_invalid_definition_is_a_400_with_diagnostics(client):
    bad = {"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}}
    response = post(client, "/api/machines", {"name": "bad", "definition": bad})
    assert response.status_code == 400
    body = response.json()
    assert "detail" in body and body["diagnostics"]
    assert {"path", "code", "message", "severity"} <= set(body["diagnostics"][0])


def test_duplicate_name_is_a_409(client):
    assert post(client, "/api/machines", {"name": "dup", "definition": HELLO}).status_code == 201
    other = dict(HELLO, Comment="different")
    assert post(client, "/api/machines", {"name": "dup", "definition": other}).status_code == 409


def test_update_makes_revisions_and_keeps_each_layout(client):
    post(client, "/api/machines", {"name": "m", "definition": HELLO, "layout": {"Hello": {"x": 0, "y": 0}}})
    changed = dict(HELLO, Comment="v2")
    response = put(
        client, "/api/machines/m", {"definition": changed, "layout": {"Hello": {"x": 5, "y": 5}}, "message": "v2"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 2
    assert response.json()["layout"] == {"Hello": {"x": 5, "y": 5}}
    revisions = client.get("/api/machines/m/revisions").json()
    assert [r["revision"] for r in revisions] == [2, 1]
    assert revisions[0]["message"] == "v2"
    first = client.get("/api/machines/m/revisions/1").json()
    assert first["definition"] == HELLO and first["layout"] == {"Hello": {"x": 0, "y": 0}}
    assert client.get("/api/machines/m/revisions/9").status_code == 404


def test_layout_only_save_updates_the_sidecar_without_a_revision(client):
    post(client, "/api/machines", {"name": "m", "definition": HELLO})
    response = put(
        client, "/api/machines/m", {"definition": json.dumps(HELLO, indent=2), "layout": {"Hello": {"x": 9}}}
    )
    assert response.json()["revision"] == 1
    assert response.json()["layout"] == {"Hello": {"x": 9}}


def test_rename_and_delete(client):
    post(client, "/api/machines", {"name": "old", "definition": HELLO})
    renamed = patch(client, "/api/machines/old", {"name": "new"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "new"
    assert client.get("/api/machines/old").status_code == 404
    assert patch(client, "/api/machines/new", {"name": "bad name"}).status_code == 400
    assert client.delete("/api/machines/new").status_code == 204
    assert client.get("/api/machines/new").status_code == 404


def test_versions(client):
    post(client, "/api/machines", {"name": "m", "definition": HELLO})
    published = post(client, "/api/machines/m/versions", {"description": "first"})
    assert published.status_code == 201
    assert published.json()["version"] == 1
    assert published.json()["arn"].endswith(":stateMachine:m:1")
    assert published.json()["revision"] == 1
    assert post(client, "/api/machines/m/versions", {}).json()["version"] == 1  # same revision, same version
    put(client, "/api/machines/m", {"definition": dict(HELLO, Comment="2")})
    assert post(client, "/api/machines/m/versions", {}).json()["version"] == 2
    assert [v["version"] for v in client.get("/api/machines/m/versions").json()] == [2, 1]


def test_validate_accepts_objects_and_text(client):
    assert post(client, "/api/validate", {"definition": HELLO}).json() == {"diagnostics": []}
    diagnostics = post(client, "/api/validate", {"definition": "{not json"}).json()["diagnostics"]
    assert diagnostics and diagnostics[0]["severity"] == "ERROR"
    bad = post(client, "/api/validate", {"definition": {"StartAt": "X", "States": {}}}).json()["diagnostics"]
    assert bad


def test_templates_come_from_the_examples_folder(client):
    templates = client.get("/api/templates").json()
    assert templates, "designer/examples/*.asl.json should be listed"
    assert {"name", "title", "description", "definition"} <= set(templates[0])
    assert all(isinstance(t["definition"], dict) for t in templates)


def test_functions_list_the_configured_handlers(client, settings):
    settings.STATECRAFT_FUNCTIONS = {"greet": "x.y"}
    assert {"name": "greet", "resource": "arn:aws:lambda:us-east-1:000000000000:function:greet"} in (
        client.get("/api/functions").json()
    )


def test_functions_list_the_decorated_handlers_too(client):
    from designer.resources import functions

    functions.statecraft_function("decorated-for-api")(lambda event: event)
    try:
        listed = client.get("/api/functions").json()
    finally:
        functions._registry.pop("decorated-for-api", None)
    assert {"name": "decorated-for-api",
            "resource": "arn:aws:lambda:us-east-1:000000000000:function:decorated-for-api"} in listed


def test_start_list_get_stop_execution(client):
    post(client, "/api/machines", {"name": "m", "definition": HELLO})
    started = post(client, "/api/machines/m/executions", {"input": {"a": 1}, "name": "run-1"})
    assert started.status_code == 201, started.content
    execution = started.json()
    assert execution["name"] == "run-1"
    assert execution["status"] == "RUNNING"
    assert execution["input"] == {"a": 1}
    assert execution["machine"] == "m"
    assert execution["definition"] == HELLO
    assert execution["arn"].endswith(":execution:m:run-1")
    assert post(client, "/api/machines/m/executions", {"input": {"a": 2}, "name": "run-1"}).status_code == 409
    listed = client.get("/api/machines/m/executions").json()
    assert [e["name"] for e in listed] == ["run-1"]
    assert client.get("/api/machines/m/executions?status=SUCCEEDED").json() == []
    misspelt = client.get("/api/machines/m/executions?status=SUCEEDED")
    assert misspelt.status_code == 400 and "SUCCEEDED" in misspelt.json()["detail"]
    got = client.get(f"/api/executions/{execution['id']}").json()
    assert got["id"] == execution["id"]
    stopped = post(client, f"/api/executions/{execution['id']}/stop", {"error": "E", "cause": "C"}).json()
    assert stopped["status"] == "ABORTED" and stopped["error"] == "E" and stopped["cause"] == "C"
    history = client.get(f"/api/executions/{execution['id']}/history").json()
    assert history[-1]["type"] == "ExecutionAborted"
    assert isinstance(history[-1]["timestamp"], str)
    assert client.get(f"/api/executions/{execution['id']}/history?after_id={history[-1]['id']}").json() == []


def test_redrive_only_failed_executions(client, user):
    post(client, "/api/machines", {"name": "m", "definition": HELLO})
    execution = post(client, "/api/machines/m/executions", {"input": "{}"}).json()
    assert post(client, f"/api/executions/{execution['id']}/redrive").status_code == 409
    Execution.objects.filter(pk=execution["id"]).update(status=ExecutionStatus.FAILED, error="E")
    from django.utils import timezone

    Execution.objects.filter(pk=execution["id"]).update(stop_date=timezone.now())
    redriven = post(client, f"/api/executions/{execution['id']}/redrive").json()
    assert redriven["status"] == "RUNNING" and redriven["redrive_count"] == 1


def test_users_never_see_each_others_machines(client, other_user):
    post(client, "/api/machines", {"name": "mine", "definition": HELLO})
    intruder = Client()
    intruder.force_login(other_user)
    assert intruder.get("/api/machines").json() == []
    assert intruder.get("/api/machines/mine").status_code == 404
    machine = machines.state_machine_create(
        owner=other_user, region="us-east-1", name="theirs", definition=json.dumps(HELLO)
    )[0]
    execution, _ = executions.execution_start(state_machine=machine, input="{}")
    assert client.get(f"/api/executions/{execution.pk}").status_code == 404


def test_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/machines" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_activities_are_listed(client, user):
    activities.activity_create(owner=user, region="us-east-1", name="approve")
    assert [(a["name"], a["arn"]) for a in client.get("/api/activities").json()] == [
        ("approve", "arn:aws:states:us-east-1:000000000000:activity:approve")
    ]
