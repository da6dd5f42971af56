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
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol


class EventSink(Protocol):
    def emit(self, event: dict[str, Any]) -> None:
        """Receive one history event (`id`, `previousEventId`, `timestamp`, `type`, details)."""


@dataclass
class TaskRequest:
    """What a Task state asks its resource to do."""

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
        return datetime.now(timezone.utc)

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
