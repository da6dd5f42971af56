"""Webhooks: a POST starts the machine; signatures, bad bodies, limits and Express ?wait=true."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import time

import pytest
from django.core.management import call_command

from designer.models import Execution, TriggerFire
from designer.services import machines
from designer.triggers import webhooks
from tests.designer.conftest import definition_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def machine(user, role_arn):
    machine, _ = machines.state_machine_create(owner=user, region="us-east-1", name="intake",
                                               definition=definition_text(), role_arn=role_arn)
    return machine


def post(client, url, body, content_type="application/json", **headers):
    return client.post(url, data=body, content_type=content_type, headers=headers)


def test_create_webhook_prints_the_url_last_and_a_json_post_starts_the_machine(client, machine):
    out = io.StringIO()
    call_command("create_webhook", "intake", "--owner", "alice", "--base-url", "http://example.test", stdout=out)
    url = out.getvalue().strip().splitlines()[-1].split()[-1]
    assert url.startswith("http://example.test/webhooks/")
    path = url.removeprefix("http://example.test")
    response = post(client, path, json.dumps({"order": 7}))
    assert response.status_code == 202
    execution = Execution.objects.get()
    assert response.json()["executionArn"] == execution.arn
    assert json.loads(execution.input) == {"order": 7}
    fire = TriggerFire.objects.get()
    assert (fire.kind, fire.status, fire.execution_arn) == ("webhook", "STARTED", execution.arn)


def test_other_content_types_arrive_as_a_string_with_their_type(client, machine):
    hook = webhooks.webhook_create(machine=machine)
    response = post(client, webhooks.path_for(hook), "a=1&b=2", "application/x-www-form-urlencoded")
    assert response.status_code == 202
    assert json.loads(Execution.objects.get().input) == {"body": "a=1&b=2",
                                                         "contentType": "application/x-www-form-urlencoded"}


def test_clear_refusals(client, machine):
    hook = webhooks.webhook_create(machine=machine, rate_limit_per_minute=3)
    path = webhooks.path_for(hook)
    assert post(client, "/webhooks/not-a-token", "{}").status_code == 404
    bad = post(client, path, "{oops")
    assert bad.status_code == 400 and bad.json()["error"] == "InvalidJson"
    big = post(client, path, json.dumps({"x": "y" * (webhooks.MAX_BODY_BYTES + 10)}))
    assert big.status_code == 413
    assert client.get(path).status_code == 405
    # The two refused bodies count towards the three calls a minute.
    assert post(client, path, "{}").status_code == 202
    limited = post(client, path, "{}")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    reasons = [f.reason for f in TriggerFire.objects.filter(status="REJECTED")]
    assert any("not valid JSON" in r for r in reasons) and any("bytes is over" in r for r in reasons)
    hook.enabled = False
    hook.save()
    assert post(client, path, "{}").status_code == 403


def test_github_and_stripe_style_signatures(client, machine):
    hook = webhooks.webhook_create(machine=machine, signature_header="X-Hub-Signature-256", signature_secret="s3cr3t")
    path = webhooks.path_for(hook)
    body = b'{"action": "opened"}'
    good = "sha256=" + hmac.new(b"s3cr3t", body, hashlib.sha256).hexdigest()
    assert post(client, path, body, HTTP_X_HUB_SIGNATURE_256=good).status_code == 401  # wrong header spelling
    assert post(client, path, body, **{"X-Hub-Signature-256": good}).status_code == 202
    assert post(client, path, body, **{"X-Hub-Signature-256": "sha256=" + "0" * 64}).status_code == 401
    assert post(client, path, body).status_code == 401

    stripe = webhooks.webhook_create(machine=machine, name="stripe", signature_header="Stripe-Signature",
                                     signature_secret="whsec_x")
    stamp = str(int(time.time()))
    signed = hmac.new(b"whsec_x", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    ok = post(client, webhooks.path_for(stripe), body, **{"Stripe-Signature": f"t={stamp},v1={signed}"})
    assert ok.status_code == 202
    old = str(int(time.time()) - 3600)
    stale = hmac.new(b"whsec_x", old.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert post(client, webhooks.path_for(stripe), body, **{"Stripe-Signature": f"t={old},v1={stale}"}
                ).status_code == 401


def test_express_with_wait_answers_the_result(client, user, role_arn):
    express, _ = machines.state_machine_create(owner=user, region="us-east-1", name="quick", type="EXPRESS",
                                               definition=definition_text(), role_arn=role_arn)
    hook = webhooks.webhook_create(machine=express)
    response = post(client, webhooks.path_for(hook) + "?wait=true", '{"n": 1}')
    assert response.status_code == 200
    assert response.json()["status"] == "SUCCEEDED" and json.loads(response.json()["output"]) == {"ok": 1}


def test_a_webhook_on_an_alias_runs_the_alias_version(client, machine):
    version = machines.state_machine_version_publish(machine=machine)
    alias = machines.alias_create(machine=machine, name="live",
                                  routing_configuration=[{"stateMachineVersionArn": version.arn, "weight": 100}])
    out = io.StringIO()
    call_command("create_webhook", "intake", "--alias", "live", "--owner", "alice", stdout=out)
    path = "/webhooks/" + out.getvalue().strip().rsplit("/webhooks/", 1)[1]
    assert post(client, path, "{}").status_code == 202
    execution = Execution.objects.get()
    assert (execution.state_machine_alias_arn, execution.version_id) == (alias.arn, version.pk)
