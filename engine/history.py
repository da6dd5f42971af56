"""Execution history: AWS's event types, their detail bodies, ids and previousEventId links.

Events have exactly GetExecutionHistory's shape: `timestamp` (timezone-aware datetime), `type`,
`id` (1..n), `previousEventId` and one `<type>EventDetails` body whose JSON payloads (`input`,
`output`, `parameters`) are JSON *text*, as AWS returns them.  See the API reference's
`HistoryEvent` and the `*EventDetails` shapes.

previousEventId follows what AWS records rather than a documented rule (see `Frame`): each
sequence of states (the top level, a Parallel branch, a Map iteration) keeps a pointer to its
latest event; most events link to it and move it, a few link without moving it.
"""

from __future__ import annotations

from typing import Any

from engine.errors import StatesError
from engine.variables import VariableScope

DEFAULT_HISTORY_LIMIT = 25_000

# The "<type>EventDetails" key of each event type that carries a body.
STATE_ENTERED = "stateEnteredEventDetails"
STATE_EXITED = "stateExitedEventDetails"


class HistoryLimitExceeded(StatesError):
    """The execution produced more history events than the configured limit."""

    name = "States.Runtime"


class Frame:
    """The previousEventId pointer and bookkeeping of one sequence of states.

    `prev` is the id the next event links to.  `entered` is the id of the current state's
    Entered event (AWS quotes it in runtime error causes), `entered_time` its timestamp.
    `history` is None for frames writing to the execution's own history; a Distributed Map's
    child executions write elsewhere.  `value`/`text` cache the last output and its JSON text.
    """

    __slots__ = ("prev", "entered", "entered_time", "retry_count", "task_token", "last_closing",
                 "history", "value", "text", "variables", "interleave", "state", "input", "path",
                 "progress", "resume")

    def __init__(self, prev: int = 0, history: History | None = None, variables: Any = None,
                 path: tuple = ()):
        self.prev = prev
        self.entered = 0
        self.entered_time = None
        self.retry_count = 0
        self.task_token = None
        self.last_closing = 0   # Map: id of the latest MapIterationSucceeded (see states.py)
        self.history = history
        self.interleave = False  # a Parallel branch beside others: let them take turns
        self.value = None
        self.text = None
        # Workflow variables of this sequence (issue #4): a child scope for a Parallel branch
        # or Map iteration, so its assignments stay inside it.
        self.variables = variables if variables is not None else VariableScope()
        # Where the sequence stands, for checkpoints at any depth (engine.checkpoint): the state
        # it is in or about to enter and that state's input; `entered` is 0 between states.
        self.state: str | None = None
        self.input: Any = None
        self.path = path            # (Parallel or Map state name, branch or iteration index, …)
        self.progress: Any = None   # the Parallel/Map in flight here (engine.checkpoint.Progress)
        self.resume: dict | None = None  # the position to resume from (consumed on entering)


class History:
    """Numbers events, links them, keeps them (optionally) and forwards them to a sink."""

    __slots__ = ("events", "sink", "now", "last_id", "limit", "keep", "closed")

    def __init__(self, sink: Any = None, now: Any = None, limit: int = DEFAULT_HISTORY_LIMIT,
                 keep: bool = True, last_id: int = 0):
        self.events: list[dict] = []
        self.sink = sink
        self.now = now
        self.last_id = last_id
        self.limit = limit
        self.keep = keep
        self.closed = False     # a paused execution records nothing more

    def add(self, type_: str, prev: int, details_key: str | None = None, details: Any = None) -> int:
        """Append one event linked to `prev`; return its id."""
        if self.closed:
            return self.last_id
        event_id = self.last_id + 1
        if event_id >= self.limit and not type_.startswith("Execution"):
            # AWS: the last event an execution may record is number 25,000; unless that is
            # ExecutionSucceeded, it is ExecutionFailed ("Avoid reaching the history quota").
            raise HistoryLimitExceeded(
                f"The execution reached the maximum number of history events ({self.limit})."
            )
        self.last_id = event_id
        event = {"timestamp": self.now(), "type": type_, "id": event_id, "previousEventId": prev}
        if details_key is not None:
            event[details_key] = details
        if self.keep:
            self.events.append(event)
        if self.sink is not None:
            self.sink.emit(event)
        return event_id

    def link(self, frame: Frame, type_: str, details_key: str | None = None, details: Any = None) -> int:
        """Append an event linked to `frame`'s pointer and move the pointer to it."""
        event_id = self.add(type_, frame.prev, details_key, details)
        frame.prev = event_id
        return event_id


def failure_details(error: str | None, cause: str | None, **extra: Any) -> dict:
    """A `*FailedEventDetails` body: AWS omits `error`/`cause` when they are absent."""
    details = dict(extra)
    if error is not None:
        details["error"] = error
    if cause is not None:
        details["cause"] = cause
    return details
