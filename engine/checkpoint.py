"""Checkpoints: what they hold and how a resume finds its place, at any nesting depth.

A checkpoint (`Interpreter.checkpoint()`) is plain JSON: the execution's identity, its status,
the top-level state it is at (`state`, `input`), the last event id and the previousEventId
pointer, the variables, and `nested` when a top-level Parallel or Map is in flight.

`nested` is a `Progress` record: the Parallel/Map state's Entered event, its finished branches
or iterations (`done`, by index) and those in flight (`running`, by index), each as a
*position*: the state that sequence is in or about to enter, its input, its own variables, its
last event (`prev`) and, when it is inside a Parallel or Map of its own, that one's `nested`
record, and so on down.  A resumed execution re-enters each level without recording its
Entered/Started events again, skips what had finished and continues what was running from the
state it was in (a Task in flight runs again: at-least-once).  The record is exact at every
point where the interpreter awaits.

A position `{"state": name}` without `entered` (a pause, a branch about to enter a state)
resumes by entering that state.  Older records whose `running` entries are event ids re-run
that branch or iteration from its start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.history import Frame

CHECKPOINT_VERSION = 2


def position(frame: Frame) -> dict:
    """Where one sequence (the top level, a branch, an iteration) stands."""
    pos = {"prev": frame.prev, "state": frame.state, "input": frame.input,
           "variables": frame.variables.own()}
    if frame.resume is not None:
        # Not re-entered yet since the resume: still where the checkpoint put it.
        return {**frame.resume, "prev": frame.prev}
    if frame.entered:
        pos.update(entered=frame.entered, entered_time=frame.entered_time.isoformat(),
                   retry_count=frame.retry_count, token=frame.task_token)
        if frame.progress is not None:
            pos["nested"] = frame.progress.snapshot()
    return pos


def top_position(checkpoint: dict) -> dict | None:
    """The position the top level resumes from (None: enter `state` afresh)."""
    nested = checkpoint.get("nested")
    if nested:
        return {"state": nested["state"], "entered": nested["entered"], "entered_time": nested["entered_time"],
                "retry_count": nested.get("retry_count", 0), "token": nested.get("token"),
                # A server's record of a Task/Wait in flight (designer.runtime.durable) has no progress.
                "nested": None if nested.get("flight") else nested}
    if checkpoint.get("paused"):
        return {"state": checkpoint["state"]}
    return None


def restore(frame: Frame, pos: dict) -> None:
    """Put a frame back where `pos` says, before its sequence runs again."""
    frame.prev = pos.get("prev", frame.prev)
    if pos.get("variables"):
        frame.variables.update(pos["variables"])
    frame.state, frame.input = pos.get("state"), pos.get("input")
    frame.resume = pos


def re_enter(frame: Frame, pos: dict) -> dict | None:
    """Restore the state the frame was in (its Entered event is recorded); return its progress."""
    frame.entered_time = datetime.fromisoformat(pos["entered_time"])
    frame.retry_count = pos.get("retry_count", 0)
    frame.entered = pos["entered"]
    frame.task_token = pos.get("token")
    nested = pos.get("nested")
    if nested:
        frame.prev = nested.get("prev", frame.prev)
        frame.last_closing = nested.get("last_closing", 0)
    return nested


class Progress:
    """A Parallel or Map state in flight: what finished and which frames are running.

    Only kept when someone can take a checkpoint (`runner.tracking`).  At the top level each
    finished branch or iteration is also checkpointed (`on_checkpoint`); a big Map saves when
    the number done has grown by 5%, so a Map of n items is not O(n²) to checkpoint.
    """

    __slots__ = ("runner", "frame", "record", "running", "resumed_running", "saved", "top", "total")

    def __init__(self, runner: Any, state: Any, frame: Frame, resumed: dict | None, **extra: Any):
        self.runner, self.frame = runner, frame
        self.top = frame is runner.top
        if resumed is not None:
            self.record = {k: v for k, v in resumed.items() if k != "running"}
            self.record["done"] = dict(resumed.get("done") or {})
            self.record["branch_prev"] = dict(resumed.get("branch_prev") or {})
            frame.prev = resumed["prev"]
            frame.last_closing = resumed.get("last_closing", 0)
            self.resumed_running = {int(k): v for k, v in (resumed.get("running") or {}).items()}
        else:
            self.record = {"state": state.name, "entered": frame.entered,
                           "entered_time": frame.entered_time.isoformat(), "retry_count": frame.retry_count,
                           "prev": frame.prev, "last_closing": 0, "done": {}, "branch_prev": {}, "failures": 0}
            self.resumed_running = {}
        self.record.update(extra)
        self.running: dict[int, Frame] = {}
        self.saved = len(self.record["done"])
        self.total = None       # a Map's item count: its last iteration is always saved
        frame.progress = self
        self.save(force=True)

    @property
    def done(self) -> dict:
        return self.record["done"]

    def snapshot(self) -> dict:
        """The exact record now (see the module docstring)."""
        frame = self.frame
        running = {str(i): pos for i, pos in self.resumed_running.items()}
        running.update((str(i), position(f)) for i, f in self.running.items())
        return {**self.record, "done": dict(self.record["done"]), "branch_prev": dict(self.record["branch_prev"]),
                "prev": frame.prev, "last_closing": frame.last_closing, "running": running}

    def finished(self, index: int, output: Any, failures: int = 0, branch_prev: int | None = None) -> None:
        """Record a finished branch or iteration (a failed, tolerated one has output None)."""
        record = self.record
        record["done"][str(index)] = output
        record["failures"] = failures
        if branch_prev is not None:
            record["branch_prev"][str(index)] = branch_prev
        self.running.pop(index, None)
        self.resumed_running.pop(index, None)
        self.save()

    def save(self, force: bool = False) -> None:
        if not self.top or self.runner.on_checkpoint is None:
            return
        done = len(self.record["done"])
        if force or done - self.saved >= max(1, self.saved // 20) or done == self.total:
            self.saved = done
            self.runner.on_checkpoint(self.runner.checkpoint())

    def close(self) -> None:
        self.frame.progress = None
