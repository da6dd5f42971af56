"""The shipped example workflows: valid ASL, every path of the order workflow, and `load_examples`."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string

import engine
from designer.examples import example, examples
from designer.examples.functions import CARD_LIMIT
from designer.services import machines
from engine.ports import VirtualClock

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def _functions() -> dict:
    return {name: import_string(path) for name, path in settings.STATECRAFT_FUNCTIONS.items()}


def _handlers(**overrides) -> dict:
    """The local functions by name (the engine finds them for Lambda ARNs and lambda:invoke alike)."""
    return {**_functions(), **overrides}


def _run(name: str, input: dict, **handler_overrides):
    return engine.run(
        example(name).definition_text, input, handlers=_handlers(**handler_overrides), clock=VirtualClock()
    )


def _states_entered(result) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in result.history if "stateEnteredEventDetails" in e]


def test_there_are_examples_and_order_processing_comes_first():
    names = [e.name for e in examples()]
    assert names[0] == "order-processing"
    assert {"hello-world", "map-items", "wait-for-approval"} <= set(names)


@pytest.mark.parametrize("name", [e.name for e in examples()])
def test_every_example_is_valid_asl_with_a_description_and_a_sample_input(name):
    ex = example(name)
    assert engine.validate(ex.definition_text) == []
    assert ex.description
    assert ex.sample_input


def test_order_processing_uses_choice_parallel_map_retry_catch_and_wait():
    text = example("order-processing").definition_text
    for needle in ('"Type": "Choice"', '"Type": "Parallel"', '"Type": "Map"', '"Type": "Wait"', '"Retry"', '"Catch"'):
        assert needle in text


def test_every_lambda_named_by_an_example_is_a_registered_local_function():
    for ex in examples():
        for function in _lambda_names(ex.definition):
            assert function in settings.STATECRAFT_FUNCTIONS, (ex.name, function)


def _lambda_names(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        resource = node.get("Resource", "")
        if isinstance(resource, str) and ":function:" in resource:
            found.add(resource.split(":function:")[1])
        elif isinstance(resource, str) and resource.startswith(LAMBDA_INVOKE):
            found.add(node["Parameters"]["FunctionName"])
        for value in node.values():
            found |= _lambda_names(value)
    elif isinstance(node, list):
        for value in node:
            found |= _lambda_names(value)
    return found


def test_order_processing_sample_succeeds_after_retrying_the_busy_bulk_reservation():
    result = _run("order-processing", example("order-processing").sample_input)

    assert result.status == "SUCCEEDED", (result.error, result.cause)
    output = json.loads(result.output)
    assert output["status"] == "CONFIRMED"
    assert output["chargeId"] == "ch_A-1001"
    assert [r["sku"] for r in output["reservations"]] == ["BOOK-42", "PEN-7"]
    failures = [e for e in result.history if e["type"] == "LambdaFunctionFailed"]
    assert [e["lambdaFunctionFailedEventDetails"]["error"] for e in failures] == ["InventoryBusy"]
    assert "WaitForBatchWindow" in _states_entered(result)


def test_order_processing_express_order_skips_the_wait():
    result = _run("order-processing", {**example("order-processing").sample_input, "express": True})

    assert result.status == "SUCCEEDED"
    assert "WaitForBatchWindow" not in _states_entered(result)


def test_order_processing_declined_card_is_caught_and_the_customer_told_before_failing():
    order = {**example("order-processing").sample_input, "items": [{"sku": "TV-1", "qty": 1, "price": CARD_LIMIT + 1}]}
    result = _run("order-processing", order)

    assert result.status == "FAILED"
    assert result.error == "PaymentDeclined"
    entered = _states_entered(result)
    assert entered[-2:] == ["NotifyDeclined", "PaymentFailed"]


def test_order_processing_invalid_order_is_rejected():
    result = _run("order-processing", {"orderId": "A-1", "customer": {"email": "a@example.com"}, "items": []})

    assert result.status == "FAILED"
    assert result.error == "InvalidOrder"
    assert _states_entered(result)[-1] == "RejectOrder"


@pytest.mark.parametrize(
    ("language", "status", "output"),
    [("en", "SUCCEEDED", '"Hello, World!"'), ("fr", "SUCCEEDED", '"Bonjour, World !"'), ("de", "FAILED", None)],
)
def test_hello_world_greets_in_the_chosen_language(language, status, output):
    result = _run("hello-world", {"name": "World", "language": language})

    assert result.status == status
    assert result.output == output


def test_map_items_writes_one_message_per_recipient():
    result = _run("map-items", example("map-items").sample_input)

    assert result.status == "SUCCEEDED"
    output = json.loads(result.output)
    assert output["count"] == 4
    assert output["messages"][1] == {
        "to": "Grace",
        "text": "Dear Grace, you are invited to the launch party (guest #1).",
    }


# ─── manage.py load_examples ─────────────────────────────────────────────────────────────────


# `admin_user` is pytest-django's: the user "admin", whom load_examples loads for by default.


def _machines(owner) -> dict:
    from designer.models import StateMachine

    return {m.name: m for m in StateMachine.objects.filter(owner=owner)}


@pytest.mark.django_db
def test_load_examples_creates_one_machine_per_example_and_is_idempotent(admin_user):
    call_command("load_examples")
    call_command("load_examples")

    machines = _machines(admin_user)
    assert set(machines) == {e.name for e in examples()}
    assert machines["order-processing"].definition == example("order-processing").definition_text
    assert machines["order-processing"].revisions.count() == 1


@pytest.mark.django_db
def test_load_examples_never_overwrites_a_machine_the_user_edited(admin_user):

    call_command("load_examples")
    edited = json.dumps({"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}})
    machines.state_machine_update(machine=_machines(admin_user)["hello-world"], definition=edited, message="mine")

    call_command("load_examples")

    assert _machines(admin_user)["hello-world"].definition == edited
