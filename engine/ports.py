"""The engine's outside world, behind small interfaces.

The interpreter never touches a database, a socket or the wall clock directly.  The server
(`designer`) and the in-memory `engine.run` each supply these:

- `EventSink`: receives every history event as it is produced (already in GetExecutionHistory's
  shape, with a timezone-aware `timestamp`).  The server stores them with the checkpoint.
- `TaskInvoker`: runs a Task state's resource (Lambda handler, activity, HTTP call, nested
  execution, mocked service) and returns its result or raises a `StatesError`.
- `Clock`: the current time and an awaitable sleep, so Wait states, retry back-off and timeouts
  can be driven by a fake clock in tests and by durable timers in the server.
- `Cancellation`: lets StopExecution (or a lost lease) abort a running execution.
- `VirtualClock` (tests) and `ListSink` are small ready-made implementations.
"""

from __future__ import annotations

import asyncio
import heapq
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class EventSink(Protocol):
    def emit(self, event: dict[str, Any]) -> None:
        """Receive one history event (`id`, `previousEventId`, `timestamp`, `type`, details)."""


@dataclass
class TaskRequest:
    """What a Task state asks its resource to do.

    `resource` is the Resource as written, except for the `lambda:invoke` integration where it
    is Parameters.FunctionName and `payload` is Parameters.Payload (the interpreter wraps the
    result the way AWS does).  `extra` carries hooks set by the interpreter:

    - `kind`: "lambda" (function ARN or name), "activity" or "service" (`arn:aws:states:::…`);
    - `mark_started(worker_name=None)`: an activity worker picked the task up (ActivityStarted);
      other kinds are marked started before `invoke` is called;
    - `mark_submitted(response)`: a `.sync`/`.waitForTaskToken` call was made (TaskSubmitted);
    - `heartbeat()`: SendTaskHeartbeat, when HeartbeatSeconds applies;
    - `integration`, `parameters`: "lambda:invoke" and the full Parameters, for that integration.
    """

    resource: str                       # the Resource field as written (ARN or function name)
    payload: Any                        # the effective input (Parameters / Arguments applied)
    state_name: str
    context: dict[str, Any]             # the context object ($$) at this point
    task_token: str | None = None       # set for .waitForTaskToken and activities
    timeout_seconds: float | None = None
    heartbeat_seconds: float | None = None
    credentials: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class TaskInvoker(Protocol):
    async def invoke(self, request: TaskRequest) -> Any:
        """Run the task and return its raw result; raise `engine.errors.StatesError` on failure."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` (Wait states, retry intervals)."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)


class Cancellation:
    """A flag the interpreter checks between steps and awaits alongside long waits."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.error: str | None = None
        self.cause: str | None = None

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self, error: str | None = None, cause: str | None = None) -> None:
        self.error, self.cause = error, cause
        self._event.set()

    async def wait(self) -> None:
        await self._event.wait()


class VirtualClock:
    """A clock for tests: sleeping takes no real time.

    Time stands still while any task can run; when every task is waiting, the clock jumps to
    the earliest wake-up and resumes its sleeper.  Timeouts that race a sleep against other
    work therefore resolve in virtual-time order.
    """

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime.now(UTC)
        self._sleepers: list = []
        self._seq = 0
        self._scheduled = False
        self._hops = 0

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward without waking anyone (for tests that set the scene)."""
        self._now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = loop.create_future()
        self._seq += 1
        heapq.heappush(self._sleepers, (self._now + timedelta(seconds=seconds), self._seq, future))
        self._schedule(loop)
        await future

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._tick, loop)

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        sleepers = self._sleepers
        while sleepers and sleepers[0][2].done():
            heapq.heappop(sleepers)
        if not sleepers:
            return
        ready = getattr(loop, "_ready", None)
        # Without a ready queue to look at (another loop implementation), or after many busy
        # turns (e.g. a second VirtualClock ticking too), advance anyway.
        busy = len(ready) > 0 if ready is not None else True
        if busy and self._hops < 1000:
            self._hops += 1
            self._schedule(loop)
            return
        self._hops = 0
        wake, _, future = heapq.heappop(sleepers)
        if wake > self._now:
            self._now = wake
        future.set_result(None)
        while sleepers and sleepers[0][0] <= self._now:
            _, _, other = heapq.heappop(sleepers)
            if not other.done():
                other.set_result(None)
        if sleepers:
            self._schedule(loop)


class ListSink:
    """An EventSink that keeps the events in a list."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
