"""Publishing live execution events: the one way events leave for the browser.

Whoever writes history or changes an execution's status publishes it once, explicitly:

- `publish_events(execution, events)`: history events just written (AWS-shaped dicts as the
  engine makes them, or `HistoryEvent` rows): the runtime's step writes, StopExecution;
- `publish_status(execution)`: the execution's status changed (the services' start, stop and
  redrive; the runtime's final write).

Both publish after the surrounding transaction commits (Zulip's `send_event_on_commit`), so a
watcher never sees an event the database might still roll back. Publishing never waits on the
channel layer: messages go into an in-process buffer that a flusher drains onto the channel layer,
at most every FLUSH_INTERVAL seconds (20 ms), one batch per execution, so a 10,000-item Map reaches
browsers as a few dozen messages instead of 40,000. The database stays the authority: the
consumer fills any gap (a dropped message, an event nobody published) from the history table.

Channel-layer groups: `execution-<id>` (one execution's watchers) and `machine-<id>-executions`
(a machine's executions list). The messages' schemas and builders are in
`designer.presenters.live`; `designer.consumers` sends them on.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import threading
import time

from django.db import transaction

from designer import selectors
from designer.models import Execution
from designer.presenters.history import event_json
from designer.presenters.live import EventsMessage, status_messages

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.02  # seconds between two flushes of the buffer (the coalescing window)
MAX_BATCH = 1000  # events per channel-layer message, so one message stays well under a megabyte


def source() -> str:
    """Which database the ids in a message belong to.

    Group names repeat across installations (`execution-7` exists in every database), so two
    Statecraft servers on one Redis database and prefix would hear each other; consumers drop
    channel-layer messages from another source.
    """
    global _source
    if _source is None:
        from django.conf import settings

        db = settings.DATABASES["default"]
        identity = "|".join(str(db.get(k, "")) for k in ("ENGINE", "HOST", "PORT", "NAME"))
        _source = hashlib.sha1(identity.encode()).hexdigest()[:12]
    return _source


_source: str | None = None


def execution_group(execution_id: int) -> str:
    return f"execution-{execution_id}"


def machine_group(machine_id: int) -> str:
    return f"machine-{machine_id}-executions"


# ─── publishing ──────────────────────────────────────────────────────────────────────────────


def publish_events(execution: Execution | int, events: list) -> None:
    """Send `events` (just written to the history) to the execution's watchers after commit."""
    if not events:
        return
    execution_id = execution if isinstance(execution, int) else execution.pk
    payload = [event_json(event) for event in events]
    _after_commit(lambda: publisher.add_events(execution_id, payload))


def publish_status(execution: Execution | int) -> None:
    """Tell the execution's watchers and its machine's list that its status changed, after commit.

    The message is built from the committed row when the buffer is flushed, so it always shows
    the latest status, and several changes within one flush window become one message.
    """
    execution_id = execution if isinstance(execution, int) else execution.pk
    _after_commit(lambda: publisher.add_status(execution_id))


def _after_commit(function) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        transaction.on_commit(function)
        return
    # Async code has no open transaction to wait for (and may not touch the connection).
    function()


class Publisher:
    """The per-process buffer between publishers (any thread) and the channel layer.

    Flushes run on the event loop that serves the consumers when this process has one (the
    in-memory layer's queues belong to that loop), else on a private background loop.
    """

    def __init__(self, interval: float = FLUSH_INTERVAL):
        self.interval = interval
        self._lock = threading.Lock()
        self._pending: dict[int, list] = {}
        self._scheduled = False
        self._last_flush = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._private: asyncio.AbstractEventLoop | None = None
        self._flush_lock: asyncio.Lock | None = None
        self._flush_lock_loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Flush on `loop` (the running one by default): consumers call this when they connect."""
        loop = loop or asyncio.get_running_loop()
        current = self._loop
        if current is None or current.is_closed() or not current.is_running():
            self._loop = loop

    def add_events(self, execution_id: int, events: list[dict]) -> None:
        self._add(execution_id, ("events", events))

    def add_status(self, execution_id: int) -> None:
        self._add(execution_id, ("status", None))

    def _add(self, execution_id: int, item: tuple) -> None:
        loop = self._target_loop()
        if loop is None:
            return  # an in-memory layer and no consumer in this process: nobody to tell
        with self._lock:
            self._pending.setdefault(execution_id, []).append(item)
            if self._scheduled:
                return
            self._scheduled = True
            delay = max(0.0, self._last_flush + self.interval - time.monotonic())
        # A fresh context: the caller's (say, inside sync_to_async) must not leak into the flush.
        loop.call_soon_threadsafe(loop.call_later, delay, self._start_flush, loop, context=contextvars.Context())

    def _target_loop(self) -> asyncio.AbstractEventLoop | None:
        loop = self._loop
        if loop is not None and not loop.is_closed() and loop.is_running():
            return loop
        if _in_memory_layer():
            # The in-memory layer's queues belong to the consumers' loop and reach no other process.
            return None
        if self._private is None:
            self._private = asyncio.new_event_loop()
            threading.Thread(target=self._private.run_forever, name="live-publisher", daemon=True).start()
        return self._private

    def _start_flush(self, loop: asyncio.AbstractEventLoop) -> None:
        target = self._target_loop()
        if target is not None and target is not loop:  # consumers arrived meanwhile: flush on their loop
            target.call_soon_threadsafe(self._start_flush, target, context=contextvars.Context())
            return
        loop.create_task(self.flush(), context=contextvars.Context())

    async def flush(self) -> None:
        """Send everything buffered: every execution's events first, then the status changes.

        Events never wait for a database read: the status messages (read from the committed
        row, on a worker thread) go out after all the events of this flush.
        """
        loop = asyncio.get_running_loop()
        if self._flush_lock is None or self._flush_lock_loop is not loop:
            self._flush_lock, self._flush_lock_loop = asyncio.Lock(), loop
        async with self._flush_lock:
            with self._lock:
                pending, self._pending = self._pending, {}
                self._scheduled = False
                self._last_flush = time.monotonic()
            if not pending:
                return
            from channels.layers import get_channel_layer

            layer = get_channel_layer()
            statuses = []
            for execution_id, items in pending.items():
                events = sorted((e for kind, batch in items if kind == "events" for e in batch), key=lambda e: e["id"])
                if any(kind == "status" for kind, _ in items):
                    statuses.append(execution_id)
                try:
                    await self._send_events(layer, execution_id, events)
                except Exception:  # a watcher's trouble must never reach the runtime
                    logger.exception("live: publishing to execution %s failed", execution_id)
            # Still under the lock: a later flush's status must not overtake this one's.
            if statuses:
                await asyncio.gather(*(self._send_status(layer, execution_id) for execution_id in statuses))

    async def _send_events(self, layer, execution_id: int, events: list[dict]) -> None:
        group = execution_group(execution_id)
        for start in range(0, len(events), MAX_BATCH):
            message: EventsMessage = {"type": "execution.events", "events": events[start : start + MAX_BATCH]}
            await layer.group_send(group, {**message, "source": source()})

    async def _send_status(self, layer, execution_id: int) -> None:
        from channels.db import database_sync_to_async

        try:
            # Not thread-sensitive: this read must not queue behind the requests Django serves.
            found = await database_sync_to_async(_status_payload, thread_sensitive=False)(execution_id)
            if found is None:
                return
            (status, changed), machine_id, owner_id = found
            await layer.group_send(execution_group(execution_id), {**status, "owner_id": owner_id, "source": source()})
            await layer.group_send(machine_group(machine_id), {**changed, "owner_id": owner_id, "source": source()})
        except Exception:
            logger.exception("live: publishing the status of execution %s failed", execution_id)


def _in_memory_layer() -> bool:
    from django.conf import settings

    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    return backend.endswith("InMemoryChannelLayer")


def _status_payload(execution_id: int) -> tuple[tuple, int, int] | None:
    execution = selectors.execution_by_id(execution_id=execution_id)
    if execution is None:
        return None
    return status_messages(execution), execution.state_machine_id, execution.owner_id


publisher = Publisher()
