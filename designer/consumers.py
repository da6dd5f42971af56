"""WebSocket consumers: the studio shell's connection and the live execution streams.

`ws/executions/<id>/` streams one execution (`execution.snapshot`, then `execution.events` in
event-id order and `execution.status`); `ws/machines/<name>/executions/` streams a machine's
executions list (`executions.changed`). The message shapes are in `designer.presenters.live` and
docs/architecture.md. Consumers only read, through `designer.selectors`, each read in a
`database_sync_to_async` helper at the bottom of this module.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from designer import live, selectors
from designer.presenters import live as messages
from designer.presenters.history import event_json
from engine import strict_json

GAP_FILL_CHUNK = 2000  # events per message when a gap is filled from the database

# Close codes (4000-4999 are the application's): the browser shows them in the close event.
UNAUTHENTICATED = 4401
NOT_FOUND = 4404


class StrictJsonMixin:
    """Incoming messages are strict JSON (no NaN/Infinity, duplicate keys or deep nesting)."""

    @classmethod
    async def decode_json(cls, text_data):
        return strict_json.loads(text_data)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Malformed JSON must not kill the connection: answer with an error instead.
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError as exc:
            await self.send_json({"type": "error", "message": f"message is not valid JSON: {exc}"})


def _authenticated(scope) -> bool:
    user = scope.get("user")
    return user is not None and user.is_authenticated


class StudioConsumer(StrictJsonMixin, AsyncJsonWebsocketConsumer):
    """The shell's connection: refuses anonymous users, answers pings."""

    async def connect(self):
        if not _authenticated(self.scope):
            await self.close(code=UNAUTHENTICATED)
            return
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "message": 'unknown message type; expected {"type": "ping"}'})


class ExecutionConsumer(StrictJsonMixin, AsyncJsonWebsocketConsumer):
    """One execution, live: a snapshot, then every new event exactly once and in id order.

    Joining the group comes before reading the snapshot, so an event committed after the read
    still arrives through the group; events the snapshot already holds are dropped by id, and
    a jump in ids is filled from the database before anything later is sent.
    """

    async def connect(self):
        if not _authenticated(self.scope):
            await self.close(code=UNAUTHENTICATED)
            return
        user = self.scope["user"]
        execution_id = int(self.scope["url_route"]["kwargs"]["execution_id"])
        if not await _owns_execution(user.pk, execution_id):
            await self.close(code=NOT_FOUND)
            return
        self.execution_id = execution_id
        self.last_event_id = 0
        live.publisher.bind()
        group = live.execution_group(execution_id)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups = [group]  # an instance list: websocket_disconnect leaves these groups
        await self.accept()
        message = await _snapshot(execution_id, _after(self.scope))
        self.last_event_id = message["last_event_id"]
        await self.send_json(message)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "error", "message": "this stream only sends"})

    async def execution_events(self, message):
        if message.get("source", live.source()) != live.source():
            return  # another installation's execution with the same id (a shared Redis)
        events = [event for event in message["events"] if event["id"] > self.last_event_id]
        if not events:
            return  # duplicates of what the watcher already has
        expected = range(self.last_event_id + 1, self.last_event_id + 1 + len(events))
        if [event["id"] for event in events] != list(expected):
            # A gap (a dropped message, or events published out of order): the database has them.
            events = await _history_range(self.execution_id, self.last_event_id, events[-1]["id"])
        await self._send_events(events)

    async def execution_status(self, message):
        if message.get("source", live.source()) != live.source():
            return
        # Catch up first, so the final status never arrives before the events that led to it.
        await self._send_events(await _history_range(self.execution_id, self.last_event_id, None))
        status = {"type": "execution.status", "status": message["status"], "execution": message["execution"]}
        await self.send_json(status)

    async def _send_events(self, events):
        for start in range(0, len(events), GAP_FILL_CHUNK):
            chunk = events[start : start + GAP_FILL_CHUNK]
            await self.send_json({"type": "execution.events", "events": chunk})
            self.last_event_id = chunk[-1]["id"]


class MachineExecutionsConsumer(StrictJsonMixin, AsyncJsonWebsocketConsumer):
    """A machine's executions list, live: each new execution and each status change."""

    async def connect(self):
        if not _authenticated(self.scope):
            await self.close(code=UNAUTHENTICATED)
            return
        self.user_id = self.scope["user"].pk
        machine_id = await _machine_id(self.user_id, self.scope["url_route"]["kwargs"]["name"])
        if machine_id is None:
            await self.close(code=NOT_FOUND)
            return
        live.publisher.bind()
        group = live.machine_group(machine_id)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups = [group]
        await self.accept()

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "error", "message": "this stream only sends"})

    async def executions_changed(self, message):
        if message.get("owner_id") == self.user_id and message.get("source", live.source()) == live.source():
            await self.send_json({"type": "executions.changed", "execution": message["execution"]})


def _after(scope) -> int:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after")
    try:
        return max(0, int(values[0])) if values else 0
    except ValueError:
        return 0


# ─── reads ───────────────────────────────────────────────────────────────────────────────────


@database_sync_to_async
def _owns_execution(user_id: int, execution_id: int) -> bool:
    return selectors.execution_owned(owner_id=user_id, execution_id=execution_id)


@database_sync_to_async
def _snapshot(execution_id: int, after: int) -> dict:
    execution = selectors.execution_by_id(execution_id=execution_id)
    rows = selectors.history_range(execution_id=execution_id, after=0)
    return messages.snapshot(execution=execution, rows=rows, after=after)


@database_sync_to_async
def _history_range(execution_id: int, after: int, until: int | None) -> list[dict]:
    return [event_json(row) for row in selectors.history_range(execution_id=execution_id, after=after, until=until)]


@database_sync_to_async
def _machine_id(user_id: int, name: str) -> int | None:
    # The same lookup as the REST API's (selectors.state_machine_by_name): any region, oldest first.
    return selectors.state_machine_id_by_name(owner_id=user_id, name=name)
