"""The live execution streams (`ws/executions/<id>/`, `ws/machines/<name>/executions/`) and the
publisher behind them, through the real ASGI application with WebsocketCommunicator.

Histories are real: the engine runs an example workflow in memory, and the test appends its
events to the database in chunks (`services.history.history_append`) and publishes each chunk with
`designer.live.publish_events`, as the runtime does. Every test runs with the in-memory channel
layer and again with channels_redis against the real Redis (REDIS_URL, default
redis://127.0.0.1:6379/0), skipped with the reason only when no Redis answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.utils import timezone

import engine
from designer import live, overlay, selectors
from designer.asgi import application
from designer.examples import functions
from designer.models import Execution, ExecutionStatus
from designer.presenters import live as live_messages
from designer.presenters.history import event_json
from designer.services import executions, machines
from designer.services.history import history_append
from engine.ports import VirtualClock

EXAMPLES = Path(__file__).resolve().parents[2] / "designer" / "examples"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
HANDLERS = {
    "order-validate": functions.validate_order,
    "order-charge": functions.charge_payment,
    "order-reserve": functions.reserve_item,
    "order-notify": functions.notify_customer,
}
TIMEOUT = 5


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings, monkeypatch):
    """A fresh channel layer (and a fresh publisher) for the test: in-memory, then real Redis."""
    if request.param == "memory":
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    else:
        if not _redis_answers(REDIS_URL):
            pytest.skip(f"no Redis answers at {REDIS_URL}; start redis-server or set REDIS_URL")
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": f"test-live-{uuid.uuid4().hex[:8]}"},
            }
        }
    channel_layers.backends.clear()
    monkeypatch.setattr(live, "publisher", live.Publisher())
    yield request.param
    channel_layers.backends.clear()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="pw-alice-123")


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _headers(cookie: str | None, origin: bytes = b"http://127.0.0.1:8000") -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return headers


async def _example(name: str, input_value=None) -> tuple[dict, list[dict]]:
    """(definition, history) of an example workflow run to the end in memory."""
    definition = json.loads((EXAMPLES / f"{name}.asl.json").read_text())
    if input_value is None:
        input_value = json.loads((EXAMPLES / f"{name}.input.json").read_text())
    result = await engine.run_async(definition, input_value, handlers=HANDLERS, clock=VirtualClock())
    return definition, result.history


def _make_execution(owner, definition: dict, name: str = "run-1") -> Execution:
    machine, _ = machines.state_machine_create(
        owner=owner, region="us-east-1", name=f"m-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition)
    )
    return Execution.objects.create(
        owner=owner,
        state_machine=machine,
        name=name,
        arn=f"{machine.arn.replace(':stateMachine:', ':execution:')}:{name}",
        input="{}",
        start_date=timezone.now(),
        definition=machine.definition,
        revision=machine.revisions.order_by("-number").first(),
    )


@database_sync_to_async
def _append(execution: Execution, events: list[dict]) -> None:
    """What the runtime does with each step: write the events, publish them after commit."""
    with transaction.atomic():
        rows = history_append(execution=execution, events=events)
        live.publish_events(execution, rows)


@database_sync_to_async
def _finish(execution: Execution, status: str) -> None:
    with transaction.atomic():
        execution.status = status
        execution.stop_date = timezone.now()
        execution.save()
        live.publish_status(execution)


async def _connect(path: str, cookie: str | None, **kwargs) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=_headers(cookie, **kwargs))
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert connected, f"refused with {code}"
    return communicator


async def _receive_until(communicator, last_id: int, *, status: bool = False) -> tuple[list[dict], list[dict]]:
    """Messages until event `last_id` (and, with status=True, an execution.status) arrived."""
    events: list[dict] = []
    messages: list[dict] = []
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        assert json.loads(json.dumps(message)) == message
        messages.append(message)
        if message["type"] == "execution.events":
            events.extend(message["events"])
        have_events = bool(events) and events[-1]["id"] >= last_id
        if have_events and (not status or message["type"] == "execution.status"):
            return events, messages


pytestmark = pytest.mark.django_db(transaction=True)


# ─── the execution stream ────────────────────────────────────────────────────────────────────


async def test_snapshot_has_the_execution_every_state_status_and_the_events_so_far(layer, alice):
    definition, history = await _example("order-processing")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    await _append(execution, history[:12])

    communicator = await _connect(f"/ws/executions/{execution.pk}/", await database_sync_to_async(_cookie)(alice))
    snapshot = await communicator.receive_json_from(timeout=TIMEOUT)

    assert snapshot["type"] == "execution.snapshot"
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["execution"]["id"] == execution.pk
    assert snapshot["execution"]["name"] == "run-1"
    assert [e["id"] for e in snapshot["events"]] == list(range(1, 13))
    assert snapshot["last_event_id"] == 12
    assert snapshot["truncated"] is False
    states = snapshot["overlay"]["states"]
    assert states["ValidateOrder"]["status"] == "SUCCEEDED"
    assert states["FulfilOrder"]["status"] == "IN_PROGRESS"
    assert states["NotifyCustomer"]["status"] == "NOT_STARTED"  # every state, run or not
    assert snapshot["overlay"] == overlay.build(history[:12], definition)
    await communicator.disconnect()


async def test_events_after_the_snapshot_arrive_once_in_id_order_then_the_status(layer, alice):
    definition, history = await _example("order-processing")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    await _append(execution, history[:5])
    communicator = await _connect(f"/ws/executions/{execution.pk}/", await database_sync_to_async(_cookie)(alice))
    await communicator.receive_json_from(timeout=TIMEOUT)

    for start in range(5, len(history), 4):
        await _append(execution, history[start : start + 4])
    await _finish(execution, ExecutionStatus.FAILED)
    events, messages = await _receive_until(communicator, len(history), status=True)

    assert [e["id"] for e in events] == list(range(6, len(history) + 1))
    assert messages[-1]["type"] == "execution.status"
    assert messages[-1]["status"] == "FAILED"
    assert messages[-1]["execution"]["status"] == "FAILED"
    await communicator.disconnect()


async def test_reconnecting_with_after_resumes_with_no_gap_and_no_duplicate(layer, alice):
    definition, history = await _example("map-items")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    cookie = await database_sync_to_async(_cookie)(alice)
    await _append(execution, history[:6])
    first = await _connect(f"/ws/executions/{execution.pk}/", cookie)
    seen = (await first.receive_json_from(timeout=TIMEOUT))["events"]
    await _append(execution, history[6:9])
    more, _ = await _receive_until(first, 9)
    seen += more
    await first.disconnect()

    await _append(execution, history[9:15])  # while nobody watches
    second = await _connect(f"/ws/executions/{execution.pk}/?after={seen[-1]['id']}", cookie)
    snapshot = await second.receive_json_from(timeout=TIMEOUT)
    seen += snapshot["events"]
    await _append(execution, history[15:])
    rest, _ = await _receive_until(second, len(history))
    seen += rest

    assert snapshot["after"] == 9
    assert [e["id"] for e in seen] == list(range(1, len(history) + 1))
    assert seen == [event_json(e) | {"timestamp": s["timestamp"]} for e, s in zip(history, seen, strict=True)]
    await second.disconnect()


async def test_a_watcher_far_behind_is_told_to_read_the_rest_history(layer, alice, monkeypatch):
    monkeypatch.setattr(live_messages, "SNAPSHOT_LIMIT", 5)
    definition, history = await _example("map-items")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    await _append(execution, history)

    communicator = await _connect(
        f"/ws/executions/{execution.pk}/?after=2", await database_sync_to_async(_cookie)(alice)
    )
    snapshot = await communicator.receive_json_from(timeout=TIMEOUT)

    assert snapshot["truncated"] is True
    assert snapshot["events"] == []
    assert snapshot["last_event_id"] == len(history)
    assert snapshot["history_url"] == f"/api/executions/{execution.pk}/history?after_id=2"
    assert snapshot["overlay"] == overlay.build(history, definition)
    await communicator.disconnect()


async def test_duplicates_are_dropped_and_a_gap_is_filled_from_the_database(layer, alice):
    definition, history = await _example("map-items")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    await _append(execution, history[:4])
    communicator = await _connect(f"/ws/executions/{execution.pk}/", await database_sync_to_async(_cookie)(alice))
    await communicator.receive_json_from(timeout=TIMEOUT)

    # Events 5..10 reach the database, but only 2..3 (duplicates) and 9..10 reach the group:
    # as if the layer had dropped a message.
    await database_sync_to_async(history_append)(execution=execution, events=history[4:10])
    group = live.execution_group(execution.pk)
    as_sent = [event_json(e) for e in history]
    await get_channel_layer().group_send(group, {"type": "execution.events", "events": as_sent[1:3]})
    await get_channel_layer().group_send(group, {"type": "execution.events", "events": as_sent[8:10]})
    events, messages = await _receive_until(communicator, 10)

    assert [e["id"] for e in events] == list(range(5, 11))
    assert all(m["type"] == "execution.events" for m in messages)
    await communicator.disconnect()


async def test_anonymous_users_are_refused(layer, alice):
    definition, _ = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    communicator = WebsocketCommunicator(application, f"/ws/executions/{execution.pk}/", headers=_headers(None))
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    await communicator.disconnect()


async def test_other_origins_are_refused(layer, alice):
    definition, _ = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    cookie = await database_sync_to_async(_cookie)(alice)
    headers = _headers(cookie, origin=b"http://evil.example.com")
    communicator = WebsocketCommunicator(application, f"/ws/executions/{execution.pk}/", headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    await communicator.disconnect()


async def test_a_user_cannot_watch_someone_elses_execution(layer, alice, django_user_model):
    definition, _ = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    bob = await database_sync_to_async(django_user_model.objects.create_user)(username="bob", password="pw-bob-12345")
    cookie = await database_sync_to_async(_cookie)(bob)
    communicator = WebsocketCommunicator(application, f"/ws/executions/{execution.pk}/", headers=_headers(cookie))
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    assert code == 4404
    await communicator.disconnect()


# ─── the invariant ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("example", "input_value", "joined_at"),
    [
        ("order-processing", None, 0),
        ("order-processing", None, 17),
        ("map-items", {"event": "launch", "recipients": [f"guest-{i}" for i in range(150)]}, 40),
        ("wait-for-approval", None, 3),
    ],
)
async def test_the_overlay_from_snapshot_plus_stream_equals_the_overlay_of_the_final_history(
    layer, alice, example, input_value, joined_at
):
    definition, history = await _example(example, input_value)
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    await _append(execution, history[:joined_at])
    communicator = await _connect(f"/ws/executions/{execution.pk}/", await database_sync_to_async(_cookie)(alice))
    snapshot = await communicator.receive_json_from(timeout=TIMEOUT)

    async def runtime():
        for start in range(joined_at, len(history), 7):
            await _append(execution, history[start : start + 7])
            await asyncio.sleep(0.001)

    writer = asyncio.ensure_future(runtime())
    streamed, _ = await _receive_until(communicator, len(history))
    await writer

    watched = overlay.Overlay(definition)
    for event in snapshot["events"] + streamed:
        watched.apply(event)
    final = await database_sync_to_async(
        lambda: overlay.build(
            [event_json(row) for row in selectors.history_range(execution_id=execution.pk, after=0)], definition
        )
    )()
    assert snapshot["overlay"] == overlay.build(history[:joined_at], definition)
    assert watched.result() == final == overlay.build(history, definition)
    await communicator.disconnect()


# ─── the executions list stream ──────────────────────────────────────────────────────────────


async def test_the_machine_stream_announces_new_executions_and_status_changes_to_their_owner(
    layer, alice, django_user_model
):
    definition, _ = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    machine = execution.state_machine
    cookie = await database_sync_to_async(_cookie)(alice)
    communicator = await _connect(f"/ws/machines/{machine.name}/executions/", cookie)

    second, _ = await database_sync_to_async(executions.execution_start)(
        state_machine=machine, input='{"n": 2}', name="run-2", owner=alice
    )

    async def next_about(execution_id):
        while True:  # the first execution's own announcement may still be on its way
            message = await communicator.receive_json_from(timeout=TIMEOUT)
            if message["execution"]["id"] == execution_id:
                return message

    created = await next_about(second.pk)
    await _finish(second, ExecutionStatus.SUCCEEDED)
    finished = await next_about(second.pk)

    assert created == {"type": "executions.changed", "execution": created["execution"]}
    assert (created["execution"]["id"], created["execution"]["name"]) == (second.pk, "run-2")
    assert created["execution"]["status"] == "RUNNING"
    assert finished["execution"]["status"] == "SUCCEEDED"
    await communicator.disconnect()

    bob = await database_sync_to_async(django_user_model.objects.create_user)(username="bob", password="pw-bob-12345")
    refused = WebsocketCommunicator(
        application,
        f"/ws/machines/{machine.name}/executions/",
        headers=_headers(await database_sync_to_async(_cookie)(bob)),
    )
    connected, code = await refused.connect(timeout=TIMEOUT)
    assert (connected, code) == (False, 4404)
    await refused.disconnect()


# ─── the publisher ───────────────────────────────────────────────────────────────────────────


async def test_ten_thousand_events_are_coalesced_into_few_messages_and_stay_exact(layer):
    channel = await get_channel_layer().new_channel()
    await get_channel_layer().group_add(live.execution_group(999), channel)
    live.publisher.bind()
    events = [{"id": i, "previousEventId": i - 1, "type": "PassStateEntered"} for i in range(1, 10_001)]

    for start in range(0, len(events), 10):  # a runtime writing a step of ten events at a time
        live.publish_events(999, events[start : start + 10])
    received: list[dict] = []
    messages = 0
    while len(received) < len(events):
        message = await asyncio.wait_for(get_channel_layer().receive(channel), TIMEOUT)
        messages += 1
        received.extend(message["events"])

    assert [e["id"] for e in received] == list(range(1, 10_001))
    assert messages <= 20


async def test_nothing_is_published_for_a_transaction_that_rolls_back(layer, alice):
    definition, history = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    channel = await get_channel_layer().new_channel()
    await get_channel_layer().group_add(live.execution_group(execution.pk), channel)
    live.publisher.bind()

    @database_sync_to_async
    def append_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            live.publish_events(execution, history_append(execution=execution, events=history[:3]))
            raise RuntimeError("the step failed")

    await append_then_fail()
    await _append(execution, history[:2])
    message = await asyncio.wait_for(get_channel_layer().receive(channel), TIMEOUT)
    while message["type"] != "execution.events":  # the status of the new execution may come first
        message = await asyncio.wait_for(get_channel_layer().receive(channel), TIMEOUT)

    assert [e["id"] for e in message["events"]] == [1, 2]  # only the committed step


async def test_a_later_status_never_overtakes_an_earlier_one(layer, alice, monkeypatch):
    definition, _ = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    channel_layer = get_channel_layer()
    channel = await channel_layer.new_channel()
    await channel_layer.group_add(live.execution_group(execution.pk), channel)
    live.publisher.bind()
    real = live._status_payload
    calls = []

    def slow_first_read(execution_id):
        calls.append(execution_id)
        found = real(execution_id)
        if len(calls) == 1:
            import time

            time.sleep(0.3)  # the first read is slow: the second status must still come after it
        return found

    monkeypatch.setattr(live, "_status_payload", slow_first_read)
    live.publish_status(execution.pk)
    await asyncio.sleep(0.05)
    await _finish(execution, ExecutionStatus.SUCCEEDED)
    statuses = []
    while not statuses or statuses[-1] != "SUCCEEDED":
        message = await asyncio.wait_for(channel_layer.receive(channel), TIMEOUT)
        statuses.append(message["status"])

    with pytest.raises(TimeoutError):  # and no older status comes after it
        extra = await asyncio.wait_for(channel_layer.receive(channel), 0.5)
        statuses.append(extra["status"])
    assert statuses[0] == "RUNNING"
    assert statuses[-1] == "SUCCEEDED"
    assert len(calls) >= 2


async def test_messages_from_another_installation_sharing_the_layer_are_ignored(layer, alice):
    definition, history = await _example("hello-world")
    execution = await database_sync_to_async(_make_execution)(alice, definition)
    await _append(execution, history[:2])
    communicator = await _connect(f"/ws/executions/{execution.pk}/", await database_sync_to_async(_cookie)(alice))
    await communicator.receive_json_from(timeout=TIMEOUT)

    # Another Statecraft on the same Redis has an execution with the same id: same group name.
    group = live.execution_group(execution.pk)
    foreign = {"id": 3, "previousEventId": 2, "type": "ExecutionFailed", "timestamp": "2026-01-01T00:00:00+00:00"}
    await get_channel_layer().group_send(group, {"type": "execution.events", "events": [foreign], "source": "other"})
    await get_channel_layer().group_send(
        group, {"type": "execution.status", "status": "FAILED", "execution": {}, "owner_id": alice.pk, "source": "x"}
    )
    await _append(execution, history[2:4])
    events, messages = await _receive_until(communicator, 4)

    assert [e["type"] for e in events] == [e["type"] for e in history[2:4]]
    assert all(m["type"] == "execution.events" for m in messages)
    await communicator.disconnect()
