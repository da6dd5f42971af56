"""The REST endpoints behind the studio's pages: drafts and save conflicts, versions and aliases,
settings, all executions, activities, metrics and access keys."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.test import Client
from django.utils import timezone

from designer import selectors
from designer.models import AccessKey, Activity, Execution, ExecutionStatus, StateMachine, TaskToken
from designer.services import access_keys, executions, machines, task_tokens
from tests.designer.conftest import make_client

pytestmark = pytest.mark.django_db

VALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
VALID_2 = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
LOG_GROUP = {"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:1:log-group:x"}}
UNCONNECTED = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}, "Loose": {"Type": "Pass", "End": True}}}


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def call(client, method, url, body=None):
    if method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")
    return response.status_code, (response.json() if response.content else None)


@pytest.fixture
def machine(client):
    status, body = call(client, "post", "/api/machines", {"name": "m", "definition": VALID})
    assert status == 201, body
    return body


def test_an_invalid_save_is_a_draft_that_reopens_with_diagnostics_while_the_deployed_one_runs(client, machine):
    status, saved = call(client, "put", "/api/machines/m", {"definition": UNCONNECTED, "base_revision": 1})
    assert status == 200, saved
    assert saved["draft"] is True and saved["revision"] == 2 and saved["deployed_revision"] == 1

    status, opened = call(client, "get", "/api/machines/m")
    assert opened["definition"] == UNCONNECTED and opened["draft"] is True
    assert any(d["path"] == "/States/Loose" for d in opened["diagnostics"])
    assert json.loads(StateMachine.objects.get(name="m").definition) == VALID

    # Executions run the deployed definition; deploying the invalid draft is refused.
    status, execution = call(client, "post", "/api/machines/m/executions", {"input": {}})
    assert json.loads(Execution.objects.get(pk=execution["id"]).definition) == VALID
    status, body = call(client, "post", "/api/machines/m/deploy", {"base_revision": 2})
    assert status == 400 and body["code"] == "InvalidDefinition"

    # A valid save on top of the draft deploys it.
    status, saved = call(client, "put", "/api/machines/m", {"definition": VALID_2, "base_revision": 2})
    assert saved["draft"] is False and saved["revision"] == saved["deployed_revision"] == 3


def test_a_save_on_top_of_an_older_revision_is_refused_as_a_conflict(client, machine):
    assert call(client, "put", "/api/machines/m", {"definition": VALID_2, "base_revision": 1})[0] == 200
    status, body = call(client, "put", "/api/machines/m", {"definition": UNCONNECTED, "base_revision": 1})
    assert status == 409 and body["code"] == "RevisionConflict"
    assert "revision 1" in body["detail"]
    # Overwriting after a compare names the newest revision as its base.
    assert call(client, "put", "/api/machines/m", {"definition": UNCONNECTED, "base_revision": 2})[0] == 200


def test_the_aws_api_keeps_describing_the_deployed_definition_while_a_draft_exists(client, machine, live_server, user):
    key = access_keys.access_key_create(user=user)
    sfn = make_client(live_server.url, key.access_key_id, key.secret)
    call(client, "put", "/api/machines/m", {"definition": UNCONNECTED})
    described = sfn.describe_state_machine(stateMachineArn=machine["arn"])
    assert json.loads(described["definition"]) == VALID


def test_versions_restore_as_draft_aliases_and_executions_per_version(client, machine):
    status, v1 = call(client, "post", "/api/machines/m/versions", {"description": "first"})
    call(client, "put", "/api/machines/m", {"definition": VALID_2})
    status, v2 = call(client, "post", "/api/machines/m/versions", {"description": "second"})
    status, versions = call(client, "get", "/api/machines/m/versions")
    assert [(v["version"], v["description"], v["executions"]) for v in versions] == [(2, "second", 0), (1, "first", 0)]
    assert call(client, "get", "/api/machines/m/versions/1")[1]["definition"] == VALID

    status, alias = call(client, "post", "/api/machines/m/aliases",
                         {"name": "live", "routing": [{"version": 1, "weight": 80}, {"version": 2, "weight": 20}]})
    assert status == 201, alias
    status, alias = call(client, "put", "/api/machines/m/aliases/live",
                         {"routing": [{"version": 1, "weight": 50}, {"version": 2, "weight": 50}]})
    assert alias["routing"] == [{"version": 1, "weight": 50}, {"version": 2, "weight": 50}]
    status, body = call(client, "put", "/api/machines/m/aliases/live", {"routing": [{"version": 1, "weight": 70}]})
    assert status == 400 and "100" in body["detail"]

    machine_row = StateMachine.objects.get(name="m")
    version = machine_row.versions.get(number=1)
    executions.execution_start(state_machine=selectors.Target(machine=machine_row, version=version), input="{}")
    status, page = call(client, "get", "/api/executions?machine=m&version=1")
    assert page["total"] == 1

    status, restored = call(client, "post", "/api/machines/m/versions/1/restore", {"base_revision": 2})
    assert restored["draft"] is True and restored["definition"] == VALID
    assert json.loads(StateMachine.objects.get(name="m").definition) == VALID_2  # not deployed yet
    status, deployed = call(client, "post", "/api/machines/m/deploy", {"base_revision": restored["revision"]})
    assert deployed["draft"] is False and json.loads(StateMachine.objects.get(name="m").definition) == VALID


def test_settings_round_trip_and_list_running_executions(client, machine):
    call(client, "post", "/api/machines/m/executions", {"input": {}})
    status, body = call(client, "put", "/api/machines/m/settings", {
        "logging": {"level": "ERROR", "includeExecutionData": True, "destinations": [LOG_GROUP]},
        "tracing": {"enabled": True},
        "encryption": {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "alias/mine",
                       "kmsDataKeyReusePeriodSeconds": 120},
        "tags": {"team": "payments"},
    })
    assert status == 200, body
    assert body["logging"]["level"] == "ERROR" and body["tracing"] == {"enabled": True}
    assert body["encryption"]["kmsKeyId"] == "alias/mine" and body["tags"] == {"team": "payments"}
    status, body = call(client, "put", "/api/machines/m/settings", {"encryption": {"type": "CUSTOMER_MANAGED_KMS_KEY"}})
    assert status == 400 and "kmsKeyId" in body["detail"]
    running = call(client, "get", "/api/machines/m/settings")[1]["running"]
    assert len(running) == Execution.objects.filter(status=ExecutionStatus.RUNNING).count()


def test_all_executions_filter_search_page_and_bulk_stop(client, machine, user):
    row = StateMachine.objects.get(name="m")
    for i in range(7):
        executions.execution_start(
            state_machine=row, input=json.dumps({"order": f"o-{i}"}), name=f"run-{i}", owner=user
        )
    status, page = call(client, "get", "/api/executions?page_size=25&search=o-3")
    assert [e["name"] for e in page["items"]] == ["run-3"]
    status, page = call(client, "get", "/api/executions?page_size=25&page=1")
    assert page["total"] == 7
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert call(client, "get", f"/api/executions?since={tomorrow}")[1]["total"] == 0
    assert call(client, "get", "/api/executions?since=yesterday")[0] == 400
    ids = [e["id"] for e in page["items"]][:3]
    status, result = call(client, "post", "/api/bulk/executions/stop", {"ids": ids})
    assert status == 200, result
    stopped = set(Execution.objects.filter(status=ExecutionStatus.ABORTED).values_list("id", flat=True))
    assert set(result["done"]) == stopped
    status, result = call(client, "post", "/api/bulk/executions/redrive", {"ids": ids + [999999]})
    assert {f["id"] for f in result["failed"]} >= {999999}


def test_all_executions_leave_map_run_children_to_their_map_run_page(client, machine, user):
    row = StateMachine.objects.get(name="m")
    for name in ("parent", "child"):
        executions.execution_start(state_machine=row, input="{}", name=name, owner=user)
    Execution.objects.filter(name="child").update(map_run_arn="arn:aws:states:us-east-1:000000000000:mapRun:m/x:1")
    status, page = call(client, "get", "/api/executions?page_size=25")
    assert status == 200, page
    assert [e["name"] for e in page["items"]] == ["parent"]


def test_activities_show_waiting_tasks_and_workers_polling(client, user):
    status, created = call(client, "post", "/api/activities", {"name": "approve"})
    assert status == 201 and created["waiting"] == 0
    activity = Activity.objects.get(name="approve")
    assert task_tokens.activity_task_get(activity=activity, worker_name="w1", wait_seconds=0) is None
    machine, _ = machines.state_machine_create(
        owner=user, region="us-east-1", name="uses-activity",
        definition=json.dumps({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity.arn,
                                                                 "End": True}}}),
    )
    execution, _ = executions.execution_start(state_machine=machine, input="{}", owner=user)
    TaskToken.objects.create(token="t-1", execution=execution, state_name="T", activity=activity)
    listed = call(client, "get", "/api/activities")[1][0]
    assert listed["waiting"] == 1 and listed["tasks"][0]["state"] == "T"
    assert [w["name"] for w in listed["workers"]] == ["w1"]
    assert call(client, "delete", "/api/activities/approve")[0] == 204
    assert call(client, "delete", "/api/activities/approve")[0] == 404


def test_metrics_count_statuses_durations_slowest_states_and_failures(client, machine, user):
    row = StateMachine.objects.get(name="m")
    now = timezone.now()
    for i, (status, seconds) in enumerate([("SUCCEEDED", 1), ("SUCCEEDED", 3), ("FAILED", 10)]):
        Execution.objects.create(
            owner=user, state_machine=row, name=f"e{i}", arn=f"arn:e{i}", status=status, definition="{}",
            start_date=now - timedelta(minutes=30), stop_date=now - timedelta(minutes=30) + timedelta(seconds=seconds),
            error="Boom" if status == "FAILED" else None, cause="it broke" if status == "FAILED" else None,
        )
    status, body = call(client, "get", "/api/machines/m/metrics?hours=6")
    assert status == 200
    assert sum(b["counts"].get("SUCCEEDED", 0) for b in body["buckets"]) == 2
    assert body["duration"] == {"p50": 3.0, "p95": 10.0, "count": 3}
    assert body["failure_causes"] == [{"error": "Boom", "cause": "it broke", "count": 1}]
    assert call(client, "get", "/api/machines/m/metrics?hours=0")[0] == 400


def test_access_keys_show_the_secret_once_and_revoke(client, live_server, user):
    status, key = call(client, "post", "/api/access-keys")
    assert status == 201 and len(key["secret"]) >= 20
    listed = call(client, "get", "/api/access-keys")[1]
    assert [k["access_key_id"] for k in listed] == [key["access_key_id"]] and "secret" not in listed[0]
    sfn = make_client(live_server.url, key["access_key_id"], key["secret"])
    assert sfn.list_state_machines()["stateMachines"] == []
    assert call(client, "delete", f"/api/access-keys/{key['access_key_id']}")[0] == 204
    with pytest.raises(ClientError) as refused:
        sfn.list_state_machines()
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)


def test_a_new_machine_saved_before_it_validates_is_a_draft_over_a_clear_placeholder(client):
    body = {"name": "fresh", "definition": UNCONNECTED, "allow_draft": True}
    status, body = call(client, "post", "/api/machines", body)
    assert status == 201, body
    assert body["draft"] is True and body["definition"] == UNCONNECTED and body["diagnostics"]
    status, execution = call(client, "post", "/api/machines/fresh/executions", {"input": {}})
    assert "Statecraft.NotDeployed" in Execution.objects.get(pk=execution["id"]).definition
    assert call(client, "post", "/api/machines", {"name": "strict", "definition": UNCONNECTED})[0] == 400


def test_the_admin_makes_a_usable_access_key_and_shows_its_secret_once(admin_client, live_server, user):
    response = admin_client.post("/admin/designer/accesskey/add/", {"user": user.pk, "enabled": "on"}, follow=True)
    key = AccessKey.objects.get(user=user)
    shown = [str(m) for m in response.context["messages"]]
    secret = shown[0].rsplit(": ", 1)[1]
    assert key.access_key_id in shown[0]
    sfn = make_client(live_server.url, key.access_key_id, secret)
    assert sfn.list_state_machines()["stateMachines"] == []
