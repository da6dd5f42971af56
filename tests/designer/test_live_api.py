"""The live view's REST lookups (designer/api/live.py, mounted at /api/live/)."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from designer.models import Execution
from designer.services import machines

pytestmark = pytest.mark.django_db


@pytest.fixture
def machine(user):
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    machine, _ = machines.state_machine_create(
        owner=user, region="us-east-1", name="orders", definition=json.dumps(definition)
    )
    return machine


def _execution(machine, name, input_text="{}", status="RUNNING"):
    return Execution.objects.create(
        owner=machine.owner,
        state_machine=machine,
        name=name,
        arn=f"{machine.arn}:{name}",
        input=input_text,
        status=status,
        start_date=timezone.now(),
        definition=machine.definition,
    )


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_execution_is_found_by_its_name(client, machine):
    wanted = _execution(machine, "run-42")
    _execution(machine, "run-43")

    answer = client.get("/api/live/machines/orders/executions/run-42")

    assert answer.status_code == 200
    assert answer.json()["id"] == wanted.pk
    assert answer.json()["name"] == "run-42"
    assert answer.json()["definition"]["StartAt"] == "A"


def test_an_unknown_name_or_someone_elses_execution_is_not_found(client, machine, other_user):
    _execution(machine, "run-1")
    assert client.get("/api/live/machines/orders/executions/nope").status_code == 404
    other = Client()
    other.force_login(other_user)
    assert other.get("/api/live/machines/orders/executions/run-1").status_code == 404
    assert Client().get("/api/live/machines/orders/executions/run-1").status_code == 401


def test_the_list_filters_by_status_and_searches_names_and_inputs(client, machine):
    _execution(machine, "alpha", '{"customer": "Ada"}', status="SUCCEEDED")
    _execution(machine, "beta", '{"customer": "Grace"}', status="FAILED")
    _execution(machine, "ada-special", '{"customer": "Linus"}', status="FAILED")

    def names(query):
        return sorted(e["name"] for e in client.get(f"/api/live/machines/orders/executions?{query}").json())

    assert names("") == ["ada-special", "alpha", "beta"]
    assert names("status=FAILED") == ["ada-special", "beta"]
    assert names("search=ada") == ["ada-special", "alpha"]  # the name, or the input's text
    assert names("search=Grace") == ["beta"]
    assert names("status=FAILED&search=ada") == ["ada-special"]
    assert "definition" not in client.get("/api/live/machines/orders/executions").json()[0]
