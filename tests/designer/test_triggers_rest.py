"""The REST endpoints behind the studio's Triggers tab."""

import json

import pytest

from designer.services import machines
from designer.triggers import ticks
from tests.designer.conftest import definition_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, user, role_arn):
    machines.state_machine_create(owner=user, region="us-east-1", name="reports", definition=definition_text(),
                                  role_arn=role_arn)
    client.force_login(user)
    return client


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


def test_schedules_rules_and_webhooks_through_the_tab_api(api):
    base = "/api/machines/reports/triggers"
    created = send(api, "post", f"{base}/schedules", {"name": "weekday", "expression": "cron(0 7 ? * MON-FRI *)",
                                                      "timezone": "America/New_York", "input": {"kind": "daily"}})
    assert created.status_code == 201, created.content
    schedule = created.json()
    assert schedule["summary"] == "Every weekday, at 07:00 (America/New_York)"
    assert len(schedule["next"]) == 5 and all(t.endswith(("-05:00", "-04:00")) for t in schedule["next"])
    bad = send(api, "post", f"{base}/schedules", {"name": "x", "expression": "cron(0 7 * * * *)"})
    assert bad.status_code == 400 and "Invalid Schedule Expression" in bad.json()["detail"]
    off = send(api, "post", f"{base}/schedules/{schedule['id']}/state", {"enabled": False}).json()
    assert off["state"] == "DISABLED" and off["next"] == []
    edited = send(api, "put", f"{base}/schedules/{schedule['id']}", {"name": "weekday", "expression": "rate(1 hour)"})
    assert edited.json()["summary"] == "Every hour"

    rule = send(api, "post", f"{base}/rules", {"name": "on-upload", "event_pattern": {"source": ["uploads"]}})
    assert rule.status_code == 201 and rule.json()["targets"] == ["statecraft-reports"]
    hook = send(api, "post", f"{base}/webhooks", {"name": "ci", "signature_header": "X-Sig",
                                                  "signature_secret": "k"}).json()
    assert hook["url"].startswith("http://testserver/webhooks/") and hook["signed"] is True
    # A webhook call and a due schedule both show up as fires with their result.
    assert api.post(hook["url"].removeprefix("http://testserver"), data="{}", content_type="application/json"
                    ).status_code == 401
    ticks.run_due()
    listing = api.get(base).json()
    assert [s["name"] for s in listing["schedules"]] == ["weekday"]
    assert [r["name"] for r in listing["rules"]] == ["on-upload"]
    assert [w["name"] for w in listing["webhooks"]] == ["ci"]
    kinds = {(f["kind"], f["status"]) for f in listing["fires"]}
    assert ("webhook", "REJECTED") in kinds and ("schedule", "STARTED") in kinds

    for kind, item in (("schedules", schedule), ("rules", rule.json()), ("webhooks", hook)):
        assert send(api, "delete", f"{base}/{kind}/{item['id']}").status_code == 204
    listing = api.get(base).json()
    assert listing["schedules"] == listing["rules"] == listing["webhooks"] == []
    assert api.get("/api/machines/nope/triggers").status_code == 404


def test_preview_describes_an_expression_and_refuses_a_bad_one(api):
    ok = send(api, "post", "/api/triggers/preview", {"expression": "cron(0 9 ? * 2#1 *)", "timezone": "Europe/Paris"})
    assert ok.json()["summary"] == "On the first Monday of the month, at 09:00 (Europe/Paris)"
    assert len(ok.json()["next"]) == 5
    assert send(api, "post", "/api/triggers/preview", {"expression": "rate(0 days)"}).status_code == 400
