"""The interpreter as the server runs it: checkpoints that also describe a state in flight.

`engine.interpreter.Interpreter` checkpoints between top-level states. A server must also
persist while a state waits (a Wait of an hour, an activity nobody has picked up yet), so that
the events already shown stay the truth and a restart continues instead of starting over.
`DurableInterpreter` adds, without changing the engine:

- `in_flight` in the checkpoint: the top-level state that has been entered and not yet exited
  (its name, Type, Entered event id and time, and the task token it handed out);
- resuming such a checkpoint does not write the state's Entered event again: the state's
  handler runs again from the top (a Task in flight runs again: at-least-once), and a Wait with
  Seconds/SecondsPath only waits for what is left of its deadline (Entered time + seconds);
- each Entered event clears its frame's task token, so every Task entry gets a fresh token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.history import History
from engine.interpreter import Interpreter


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


class _TrackingHistory(History):
    __slots__ = ("ex",)

    def link(self, frame: Any, type_: str, details_key: str | None = None, details: Any = None) -> int:
        ex = self.ex
        if type_.endswith("StateEntered"):
            frame.task_token = None
            if frame is ex.top:
                resume = ex.resume_in_flight
                if resume is not None and details and details.get("name") == resume["state"]:
                    # The state was entered before the restart: its Entered event is history already.
                    ex.resume_in_flight = None
                    frame.entered_time = datetime.fromisoformat(resume["entered_time"])
                    frame.task_token = resume.get("token")
                    ex.in_flight = dict(resume)
                    return resume["entered"]
                event_id = super().link(frame, type_, details_key, details)
                ex.in_flight = {
                    "state": details["name"], "type": type_[: -len("StateEntered")], "entered": event_id,
                    "entered_time": frame.entered_time.isoformat(),
                }
                return event_id
        elif type_.endswith("StateExited") and frame is ex.top:
            event_id = super().link(frame, type_, details_key, details)
            ex.in_flight = None
            return event_id
        return super().link(frame, type_, details_key, details)


class DurableInterpreter(Interpreter):
    """An Interpreter whose checkpoints can be taken at any point where it awaits."""

    def __init__(self, definition: Any, input: Any = None, *, checkpoint: dict | None = None,
                 extra_checkpoint: dict | None = None, **kwargs: Any):
        super().__init__(definition, input, checkpoint=checkpoint, **kwargs)
        old = self.history
        tracking = _TrackingHistory(old.sink, old.now, old.limit, old.keep, old.last_id)
        tracking.ex = self
        self.history = tracking
        self.top.history = tracking
        self.in_flight: dict | None = None
        self.resume_in_flight: dict | None = (checkpoint or {}).get("in_flight")
        self.extra_checkpoint = dict(extra_checkpoint or {})

    def checkpoint(self) -> dict:
        cp = super().checkpoint()
        cp["in_flight"] = dict(self.in_flight) if self.in_flight is not None and self.status == "RUNNING" else None
        cp.update(self.extra_checkpoint)
        return cp

    def record_token(self, state_name: str, token: str) -> None:
        """Remember the token a top-level Task handed out, so a restart waits on the same one."""
        if self.in_flight is not None and self.in_flight["state"] == state_name:
            self.in_flight["token"] = token

    async def sleep(self, seconds: float) -> None:
        flight = self.in_flight
        if flight is not None and flight["type"] == "Wait":
            state = self.machine.states.get(flight["state"])
            # A Wait with Seconds/SecondsPath ends at Entered + seconds, also after a restart
            # (Timestamp waits are absolute already; a Wait state has no Retry to confuse this with).
            if state is not None and state.timestamp is None and state.timestamp_path is None:
                entered = datetime.fromisoformat(flight["entered_time"])
                seconds = max(0.0, seconds - (self.clock.now() - entered).total_seconds())
        await super().sleep(seconds)
