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

from engine.history import History
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


class ReplayHistory(History):
    """A History that can replay: the events a parked Task attempt had recorded come again when it
    resumes (the engine runs the Task from its top), and are then matched, not written twice.

    `attempt` lists [type, id, time] of the top-level Task attempt under way (from its *Scheduled
    event); a parked task stores it, and the resumed copy sets `replay` to it: an event of the
    next expected type returns the recorded id and is not emitted; any other event ends replay.
    """

    __slots__ = ("replay", "attempt")

    @classmethod
    def of(cls, history: History) -> ReplayHistory:
        replica = cls.__new__(cls)
        for name in History.__slots__:
            setattr(replica, name, getattr(history, name))
        replica.replay = []
        replica.attempt = []
        return replica

    def add(self, type_: str, prev: int, details_key: str | None = None, details: Any = None) -> int:
        if self.replay:
            expected, event_id, _ = self.replay[0]
            if expected == type_:
                self.attempt.append(self.replay.pop(0))
                return event_id
            self.replay = []
        event_id = super().add(type_, prev, details_key, details)
        if type_.endswith("Scheduled"):
            self.attempt = [[type_, event_id, self.now().isoformat()]]
        elif type_.endswith(("StateEntered", "StateExited")):
            self.attempt = []
        elif self.attempt:
            self.attempt.append([type_, event_id, None])
        return event_id


class DurableInterpreter(Interpreter):
    """An Interpreter whose checkpoints can be taken at any point where it awaits."""

    def __init__(self, definition: Any, input: Any = None, *, checkpoint: dict | None = None,
                 extra_checkpoint: dict | None = None, timeout_from: datetime | None = None, **kwargs: Any):
        super().__init__(definition, input, checkpoint=checkpoint, **kwargs)
        self.extra_checkpoint = dict(extra_checkpoint or {})
        # Set by the runtime: `await park(due, replay)` stores the execution and ends this copy.
        self.park = None
        self.park_after = 2.0
        self.parked = False
        self.history = ReplayHistory.of(self.history)
        if self.top.history is not None:
            self.top.history = self.history
        self.replaying_token = None  # the task token of a resumed, parked Task attempt
        self.replay_scheduled = None  # when that attempt was scheduled (its TimeoutSeconds)
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
            replay = self.resumed_flight.get("replay")
            if replay:
                self.history.replay = [list(event) for event in replay]
                self.replaying_token = self.top.task_token
                self.replay_scheduled = datetime.fromisoformat(replay[0][2])

    def checkpoint(self) -> dict:
        cp = super().checkpoint()
        cp.update(self.extra_checkpoint)
        return cp

    def in_flight(self) -> str | None:
        """The top-level state between its Entered and Exited events, if any."""
        if self.status != "RUNNING" or self.next_state is None or not self.top.entered:
            return None
        return self.next_state

    def flight_checkpoint(self, replay: bool = False) -> dict:
        """`checkpoint()` plus a record of the top-level Task/Wait in flight (see the module doc);
        with `replay`, also the Task attempt's events, to be matched when it resumes."""
        cp = self.checkpoint()
        name = self.in_flight()
        if cp.get("nested") is None and name is not None and self.top.entered_time is not None:
            cp["nested"] = {
                FLIGHT: True, "state": name, "entered": self.top.entered,
                "entered_time": self.top.entered_time.isoformat(), "retry_count": self.top.retry_count,
                "prev": self.top.prev, "token": self.top.task_token,
            }
            if replay:
                cp["nested"]["replay"] = [list(event) for event in self.history.attempt]
        return cp

    async def progress(self) -> None:
        await super().progress()
        if self.progress_wait is not None:
            await self.progress_wait()

    def can_park_task(self, state_name: str) -> bool:
        """True when the top-level Task `state_name` may park while it waits for its token.

        Not after a retry: the engine counts a Retrier's attempts in memory only, so a resumed
        retry would start counting afresh.
        """
        return (self.park is not None and self.nested is None and self.in_flight() == state_name
                and self.top.retry_count == 0 and bool(self.history.attempt))

    async def park_task(self, due: datetime, timeout_seconds: float | None) -> None:
        """Park a Task waiting for its token until `due` at the latest (its TimeoutSeconds and the
        machine's bound it too); returns only when parking is refused."""
        if timeout_seconds is not None:
            scheduled = datetime.fromisoformat(self.history.attempt[0][2])
            due = min(due, scheduled + timedelta(seconds=timeout_seconds))
        if self.deadline is not None:
            due = min(due, self.deadline)
        if (due - self.clock.now()).total_seconds() > self.park_after:
            await self.park(due, True)

    async def with_timeout(self, awaitable: Any, seconds: float) -> Any:
        if self.replay_scheduled is not None:
            # A resumed Task attempt: its TimeoutSeconds counts from when it was scheduled.
            seconds = max(0.0, seconds - (self.clock.now() - self.replay_scheduled).total_seconds())
            self.replay_scheduled = None
        return await super().with_timeout(awaitable, seconds)

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
                    await self.park(due, False)  # returns only when parking is refused (lease lost)
        await super().sleep(seconds)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)
