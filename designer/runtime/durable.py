"""The interpreter as the server runs it: checkpoints that also describe a Task or Wait in flight.

`engine.interpreter.Interpreter` checkpoints between top-level states and, inside a top-level
Parallel or Map, after each finished branch or iteration (`nested`, engine.branches); resuming a
`nested` record re-enters that state without writing its Entered event again. A server must
also persist while a Task or Wait state waits (a Wait of an hour, an activity nobody has picked
up yet), so that the events already shown stay the truth and a restart continues them.
`DurableInterpreter.flight_checkpoint()` adds, without changing the engine, a `nested` record of
the same shape for the top-level state in flight when it is not a Parallel or Map:

- resuming it does not write the state's Entered event again; the state's handler runs again
  from the top (a Task in flight runs again: at-least-once) with the same task token, and a Wait
  with Seconds/SecondsPath only waits for what is left of Entered time + seconds.
It is valid at any point where the interpreter awaits: at such a point the top-level state
`next_state` has been entered (`top.entered`) and has not exited.

A top-level Wait longer than `park_after` seconds parks: `park(due)` (set by the runtime) stores
the flight checkpoint with its wake-up time and ends this copy of the execution; the runtime
resumes it from that checkpoint when it is due, and the Wait then only waits for what is left.
The machine's TimeoutSeconds bounds the wake-up time, so a timeout is not missed while parked.

Inside a top-level Parallel or Map the engine's own record is exact at every await (finished and
in-flight branches/iterations, engine.branches), and its progress points await `progress()`:
here that also waits for the runtime's writes (`progress_wait`) when too many events are pending.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from engine.interpreter import Interpreter

FLIGHT = "flight"  # marks our records apart from the engine's Parallel/Map progress records


class BufferSink:
    """Keeps emitted events until the runtime writes them; `notify` wakes its flusher."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.notify = None

    def emit(self, event: dict) -> None:
        self.events.append(event)
        if self.notify is not None:
            self.notify()

    def drain(self) -> list[dict]:
        events, self.events = self.events, []
        return events


class DurableInterpreter(Interpreter):
    """An Interpreter whose checkpoints can be taken at any point where it awaits."""

    def __init__(self, definition: Any, input: Any = None, *, checkpoint: dict | None = None,
                 extra_checkpoint: dict | None = None, timeout_from: datetime | None = None, **kwargs: Any):
        super().__init__(definition, input, checkpoint=checkpoint, **kwargs)
        self.extra_checkpoint = dict(extra_checkpoint or {})
        # Set by the runtime: `await park(due)` stores the execution and ends this copy of it.
        self.park = None
        self.park_after = 2.0
        if timeout_from is not None and self.machine.timeout_seconds is not None:
            # The machine's TimeoutSeconds counts from `timeout_from` (the start), also after a
            # restart: resume with what is left. A copy, because compiled machines are shared.
            elapsed = (self.clock.now() - timeout_from).total_seconds()
            machine = copy.copy(self.machine)
            machine.timeout_seconds = max(0.0, self.machine.timeout_seconds - elapsed)
            self.machine = machine
        timeout = self.machine.timeout_seconds
        self.deadline = None if timeout is None else self.clock.now() + timedelta(seconds=timeout)
        # Awaited at each progress point inside a Parallel/Map (set by the runtime: it waits
        # while too many events wait to be written, so the database and the live view keep up).
        self.progress_wait = None
        flight = (checkpoint or {}).get("nested")
        self.resumed_flight = flight if flight and flight.get(FLIGHT) else None
        if self.resumed_flight is not None:
            # The Task re-runs with the token it handed out, so a SendTaskSuccess that arrived
            # while the server was down (or arrives later) still reaches it.
            self.top.task_token = self.resumed_flight.get("token")

    def checkpoint(self) -> dict:
        cp = super().checkpoint()
        cp.update(self.extra_checkpoint)
        return cp

    def in_flight(self) -> str | None:
        """The top-level state between its Entered and Exited events, if any."""
        if self.status != "RUNNING" or self.next_state is None or not self.top.entered:
            return None
        return self.next_state

    def flight_checkpoint(self) -> dict:
        """`checkpoint()` plus a record of the top-level Task/Wait in flight (see the module doc)."""
        cp = self.checkpoint()
        name = self.in_flight()
        if cp.get("nested") is None and name is not None and self.top.entered_time is not None:
            cp["nested"] = {
                FLIGHT: True, "state": name, "entered": self.top.entered,
                "entered_time": self.top.entered_time.isoformat(), "retry_count": self.top.retry_count,
                "prev": self.top.prev, "token": self.top.task_token,
            }
        return cp

    async def progress(self) -> None:
        await super().progress()
        if self.progress_wait is not None:
            await self.progress_wait()

    async def sleep(self, seconds: float) -> None:
        name = self.in_flight()
        if name is not None and self.nested is None:
            state = self.machine.states.get(name)
            # A Wait with Seconds/SecondsPath ends at Entered + seconds, also after a restart
            # (Timestamp waits are absolute already; a Wait state has no Retry to confuse this with).
            if (state is not None and state.type == "Wait" and getattr(state, "timestamp", None) is None
                    and getattr(state, "timestamp_path", None) is None and self.top.entered_time is not None):
                elapsed = (self.clock.now() - self.top.entered_time).total_seconds()
                seconds = max(0.0, seconds - elapsed)
            if state is not None and state.type == "Wait" and self.park is not None:
                now = self.clock.now()
                due = now + timedelta(seconds=seconds)
                if self.deadline is not None:
                    due = min(due, self.deadline)
                if (due - now).total_seconds() > self.park_after:
                    await self.park(due)  # returns only when parking is refused (the lease is lost)
        await super().sleep(seconds)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)
