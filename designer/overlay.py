"""The status overlay: an execution's history events → the status of every state of its diagram.

A pure projection of the AWS-shaped history (GetExecutionHistory's events, in `id` order), used
by the live view's snapshot (`designer.consumers`) and mirrored line for line in TypeScript
(`designer/frontend/src/live/overlay.ts`); a shared fixture keeps the two equal.

The history is flat, so each event is attributed to a *state instance* (one run of a state:
a state inside a Map runs once per iteration) through `previousEventId`: an event links to the
latest event of its own sequence (the top level, a Parallel branch, a Map iteration), see
`engine/history.py`. Events that close a Map or Parallel link to an event of a child sequence,
so they are attributed to the nearest still-open Map/Parallel above it.

Statuses: NOT_STARTED, IN_PROGRESS, SUCCEEDED, FAILED, CAUGHT_ERROR (failed, then a Catch moved
on), CANCELLED (stopped from outside: a stop, a failing sibling branch, a time-out). The overlay:

    {"status": "RUNNING" | "SUCCEEDED" | …,                           # the execution
     "states": {name: {"status": …, "counts": {status: n}}},          # over the state's runs
     "iterations": {map or parallel name: {status: n}}}               # Map iterations / branches
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

NOT_STARTED = "NOT_STARTED"
IN_PROGRESS = "IN_PROGRESS"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
CAUGHT_ERROR = "CAUGHT_ERROR"
CANCELLED = "CANCELLED"
STATUSES = (NOT_STARTED, IN_PROGRESS, SUCCEEDED, FAILED, CAUGHT_ERROR, CANCELLED)
# Which status a state with several runs shows: the most telling one.
_PRIORITY = (IN_PROGRESS, FAILED, CAUGHT_ERROR, CANCELLED, SUCCEEDED)

# Failure outcomes of a task attempt (Task, Lambda and Activity flavours).
_TASK_FAILURES = frozenset(
    f"{kind}{outcome}"
    for kind in ("Task", "LambdaFunction", "Activity")
    for outcome in ("Failed", "TimedOut", "StartFailed", "ScheduleFailed", "SubmitFailed")
)
_TASK_STARTS = frozenset(("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"))


def details_of(event: dict) -> dict:
    """The event's `*EventDetails` body ({} when it has none)."""
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


class _Run:
    """One run of one state."""

    __slots__ = (
        "id",
        "name",
        "type",
        "parent",
        "scope",
        "status",
        "open",
        "failed",
        "removed",
        "children",
        "iterations",
        "branches",
        "attempts",
    )

    def __init__(self, run_id: int, name: str, type_: str, parent: _Run | None, scope: tuple | None):
        self.id = run_id
        self.name = name
        self.type = type_
        self.parent = parent
        self.scope = scope  # (parent run id, "i" | "b", index) or None at the top level
        self.status = IN_PROGRESS
        self.open = True
        self.failed = False  # the latest attempt failed (Exited then means CAUGHT_ERROR)
        self.removed = False
        self.children: list[_Run] = []
        self.iterations: dict[int, str] = {}  # Map: index → status
        self.branches: list[str] = []  # Parallel: branch index → status
        self.attempts = 0


class Overlay:
    """Applies history events one at a time (in id order) and reports the overlay."""

    def __init__(self, definition: dict | None = None):
        self.status = "RUNNING"
        self.last_event_id = 0
        self._runs: list[_Run] = []
        self._owner: dict[int, _Run | None] = {}
        self._types: dict[int, str] = {}
        self._index: dict[int, int] = {}  # MapIterationStarted id → iteration index
        self._open: dict[int, _Run] = {}
        self._counts: dict[str, dict[str, int]] = {}
        self._iteration_counts: dict[str, dict[str, int]] = {}
        self._names: list[str] = []
        self._terminal: set[str] = set()
        if isinstance(definition, dict):
            _collect(definition, self._names, self._terminal)

    # -- bookkeeping ------------------------------------------------------------------------

    def _count(self, table: dict, name: str, status: str, delta: int) -> None:
        counts = table.setdefault(name, {})
        value = counts.get(status, 0) + delta
        if value:
            counts[status] = value
        else:
            counts.pop(status, None)

    def _set(self, run: _Run, status: str) -> None:
        if run.status == status:
            return
        if not run.removed:
            self._count(self._counts, run.name, run.status, -1)
            self._count(self._counts, run.name, status, +1)
        run.status = status

    def _close(self, run: _Run) -> None:
        run.open = False
        self._open.pop(run.id, None)

    def _set_iteration(self, run: _Run, index: int, status: str) -> None:
        old = run.iterations.get(index)
        if old == status:
            return
        if not run.removed:
            if old is not None:
                self._count(self._iteration_counts, run.name, old, -1)
            self._count(self._iteration_counts, run.name, status, +1)
        run.iterations[index] = status

    def _set_branch(self, run: _Run, index: int, status: str) -> None:
        old = run.branches[index]
        if old == status:
            return
        if not run.removed:
            self._count(self._iteration_counts, run.name, old, -1)
            self._count(self._iteration_counts, run.name, status, +1)
        run.branches[index] = status

    def _remove(self, run: _Run) -> None:
        """Drop a run (and everything under it) from the counts: a retry or redrive replaced it."""
        stack = [run]
        while stack:
            item = stack.pop()
            if not item.removed:
                item.removed = True
                self._count(self._counts, item.name, item.status, -1)
                for status in item.iterations.values():
                    self._count(self._iteration_counts, item.name, status, -1)
                for status in item.branches:
                    self._count(self._iteration_counts, item.name, status, -1)
                self._close(item)
            stack.extend(item.children)

    def _reset_children(self, run: _Run) -> None:
        for child in run.children:
            self._remove(child)
        run.children = []
        for status in run.iterations.values():
            self._count(self._iteration_counts, run.name, status, -1)
        for status in run.branches:
            self._count(self._iteration_counts, run.name, status, -1)
        run.iterations = {}
        run.branches = []

    def _end_open(self, status: str, within: _Run | None = None, scope: tuple | None = None) -> None:
        """Every open run (under `within`, or in `scope`) ends with `status`."""
        for run in list(self._open.values()):
            if within is not None and not _under(run, within):
                continue
            if scope is not None and not _in_scope(run, scope):
                continue
            self._set(run, status)
            self._close(run)

    # -- events -----------------------------------------------------------------------------

    def apply(self, event: dict) -> None:
        """Apply one event; events must come in id order (see `apply_all`)."""
        event_id = event["id"]
        type_ = event["type"]
        prev = event.get("previousEventId") or 0
        owner = self._owner.get(prev)
        self.last_event_id = event_id
        self._types[event_id] = type_
        run = owner

        if type_.endswith("StateEntered"):
            run = self._enter(event, type_[: -len("StateEntered")], prev, owner)
        elif type_.endswith("StateExited"):
            run = _up(owner, lambda r: r.name == details_of(event).get("name"))
            if run is not None:
                self._set(run, CAUGHT_ERROR if run.failed else SUCCEEDED)
                self._close(run)
                self._branch_end(run)
        elif type_ == "MapIterationStarted":
            details = details_of(event)
            run = _up(owner, lambda r: r.type == "Map" and r.name == details.get("name"))
            if run is not None:
                self._index[event_id] = details.get("index", 0)
                self._set_iteration(run, details.get("index", 0), IN_PROGRESS)
        elif type_ in ("MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted"):
            details = details_of(event)
            run = _up(owner, lambda r: r.type == "Map" and r.name == details.get("name"))
            if run is not None:
                index = details.get("index", 0)
                status = {"MapIterationSucceeded": SUCCEEDED, "MapIterationFailed": FAILED}.get(type_, CANCELLED)
                self._set_iteration(run, index, status)
                if status != SUCCEEDED:
                    self._end_open(status, scope=(run.id, "i", index))
        elif type_ in ("MapStateStarted", "ParallelStateStarted"):
            if run is not None:
                if run.attempts:  # a retry of the whole Map / Parallel: its new children replace the old
                    self._reset_children(run)
                run.attempts += 1
                run.failed = False
                self._set(run, IN_PROGRESS)
                run.open = True
                self._open[run.id] = run
        elif type_ in ("MapStateSucceeded", "ParallelStateSucceeded"):
            kind = type_[: -len("StateSucceeded")]
            run = _up(owner, lambda r: r.type == kind and r.open)
            if run is not None and kind == "Parallel":
                for index in range(len(run.branches)):
                    self._set_branch(run, index, SUCCEEDED)
        elif type_ in ("MapStateFailed", "ParallelStateFailed"):
            kind = type_[: -len("StateFailed")]
            run = _up(owner, lambda r: r.type == kind and r.open)
            if run is not None:
                self._container_failed(run, owner)
        elif type_ in _TASK_STARTS:
            if run is not None:
                run.attempts += 1
                run.failed = False
                self._set(run, IN_PROGRESS)
        elif type_ in _TASK_FAILURES:
            # A failed attempt is not yet the state's outcome: a Retry may run it again, a Catch
            # makes it CAUGHT_ERROR on exit, and only the end of its execution, branch or
            # iteration makes it FAILED. Until then it stays IN_PROGRESS, as AWS's console shows.
            if run is not None:
                run.failed = True
        elif type_.startswith("Execution"):
            run = None
            self._execution(type_)
        self._owner[event_id] = run

    def _enter(self, event: dict, type_: str, prev: int, owner: _Run | None) -> _Run:
        prev_type = self._types.get(prev)
        if prev_type == "MapIterationStarted" and owner is not None:
            parent, scope = owner, (owner.id, "i", self._index.get(prev, 0))
        elif prev_type == "ParallelStateStarted" and owner is not None:
            parent, scope = owner, (owner.id, "b", len(owner.branches))
            owner.branches.append(IN_PROGRESS)
            self._count(self._iteration_counts, owner.name, IN_PROGRESS, +1)
        elif owner is not None:
            parent, scope = owner.parent, owner.scope
        else:
            parent, scope = None, None
        run = _Run(len(self._runs), details_of(event).get("name", ""), type_, parent, scope)
        self._runs.append(run)
        if parent is not None:
            parent.children.append(run)
        self._count(self._counts, run.name, IN_PROGRESS, +1)
        self._open[run.id] = run
        return run

    def _branch_end(self, run: _Run) -> None:
        """A branch of a Parallel ends when its terminal state exits (needs the definition)."""
        scope = run.scope
        if scope is None or scope[1] != "b" or run.name not in self._terminal or run.status != SUCCEEDED:
            return
        parent = run.parent
        if parent is not None and scope[2] < len(parent.branches):
            self._set_branch(parent, scope[2], SUCCEEDED)

    def _container_failed(self, run: _Run, owner: _Run | None) -> None:
        run.failed = True
        self._set(run, FAILED)
        self._close(run)
        if run.type == "Parallel":
            failing = _up(owner, lambda r: r.parent is run)
            failed_branch = failing.scope[2] if failing is not None and failing.scope else None
            for index, status in enumerate(run.branches):
                scope = (run.id, "b", index)
                if index == failed_branch:
                    self._end_open(FAILED, scope=scope)
                    self._set_branch(run, index, FAILED)
                elif status == IN_PROGRESS:
                    busy = any(_in_scope(r, scope) for r in self._open.values())
                    self._end_open(CANCELLED, scope=scope)
                    self._set_branch(run, index, CANCELLED if busy else SUCCEEDED)
        else:
            self._end_open(CANCELLED, within=run)

    def _execution(self, type_: str) -> None:
        if type_ in ("ExecutionStarted", "ExecutionRedriven"):
            self.status = "RUNNING"
            if type_ == "ExecutionRedriven":
                # AWS: a redrive re-runs what failed; the failed runs give way to the new ones.
                for run in self._runs:
                    if not run.removed and run.status in (FAILED, CANCELLED):
                        self._remove(run)
        elif type_ == "ExecutionSucceeded":
            self.status = "SUCCEEDED"
        elif type_ == "ExecutionFailed":
            self.status = "FAILED"
            self._end_everything(FAILED)
        elif type_ == "ExecutionTimedOut":
            self.status = "TIMED_OUT"
            self._end_everything(CANCELLED)
        elif type_ == "ExecutionAborted":
            self.status = "ABORTED"
            self._end_everything(CANCELLED)

    def _end_everything(self, status: str) -> None:
        """The execution ended: whatever still runs (states, iterations, branches) ends with it."""
        self._end_open(status)
        for run in self._runs:
            for index, value in list(run.iterations.items()):
                if value == IN_PROGRESS:
                    self._set_iteration(run, index, status)
            for index, value in enumerate(run.branches):
                if value == IN_PROGRESS:
                    self._set_branch(run, index, status)

    # -- results ----------------------------------------------------------------------------

    def result(self) -> dict[str, Any]:
        """The overlay as JSON-ready data (keys sorted, zero counts left out)."""
        states: dict[str, dict] = {name: {"status": NOT_STARTED, "counts": {}} for name in self._names}
        for name, counts in self._counts.items():
            if not counts:
                continue
            status = next(s for s in _PRIORITY if counts.get(s))
            states[name] = {"status": status, "counts": dict(sorted(counts.items()))}
        iterations = {name: dict(sorted(counts.items())) for name, counts in self._iteration_counts.items() if counts}
        return {
            "status": self.status,
            "states": dict(sorted(states.items())),
            "iterations": dict(sorted(iterations.items())),
        }


def _up(run: _Run | None, test) -> _Run | None:
    """`run` or its nearest ancestor that passes `test`."""
    while run is not None and not test(run):
        run = run.parent
    return run


def _under(run: _Run, ancestor: _Run) -> bool:
    parent = run.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


def _in_scope(run: _Run | None, scope: tuple) -> bool:
    while run is not None:
        if run.scope == scope:
            return True
        run = run.parent
    return False


def _collect(machine: dict, names: list[str], terminal: set[str]) -> None:
    """Every state name of a definition (nested ones too) and those that end their sequence."""
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        names.append(name)
        if not isinstance(state, dict):
            continue
        if state.get("End") is True or state.get("Type") == "Succeed":
            terminal.add(name)
        for branch in state.get("Branches") or []:
            if isinstance(branch, dict):
                _collect(branch, names, terminal)
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            _collect(processor, names, terminal)


def build(events: Iterable[dict], definition: dict | None = None) -> dict[str, Any]:
    """The overlay of a whole history (events in any order; they are applied by id)."""
    overlay = Overlay(definition)
    for event in sorted(events, key=lambda e: e["id"]):
        overlay.apply(event)
    return overlay.result()
