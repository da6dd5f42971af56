"""Reads of Distributed Map runs.

A map run is read from its execution's history (MapStateEntered, MapStateStarted with the item
count, MapRunStarted with the ARN, MapRunSucceeded/MapRunFailed) and the Map state's definition;
UpdateMapRun's changes live in designer.models.MapRun.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from designer.errors import ResourceNotFound
from designer.models import Execution, HistoryEvent, MapRun
from designer.selectors import parse_arn


@dataclass
class MapRunView:
    arn: str
    execution: Execution
    state_name: str
    status: str
    start_date: Any
    stop_date: Any
    total: int
    max_concurrency: int
    tolerated_failure_count: int
    tolerated_failure_percentage: float
    batched: bool = False

    @property
    def state_machine_arn(self) -> str:
        """AWS: the map run's own state machine, `stateMachine:<machine>/<label>`."""
        return self.arn.replace(":mapRun:", ":stateMachine:", 1).rsplit(":", 1)[0]

    def item_counts(self) -> dict:
        """Items per outcome; see the approximation note in `_counts`."""
        return _counts(self)

    def execution_counts(self) -> dict:
        """Child executions per status: the stored children when there are, else one per item."""
        return _child_counts(self) or _counts(self)


def _child_counts(run: MapRunView) -> dict | None:
    """Counts of the run's child executions by status, live (None when it has no stored children)."""
    children = dict(Execution.objects.filter(map_run_arn=run.arn).values_list("status").annotate(n=Count("id")))
    if not children:
        return None
    counts = dict.fromkeys(("pending", "running", "succeeded", "failed", "timedOut", "aborted", "resultsWritten",
                            "failuresNotRedrivable", "pendingRedrive"), 0)
    for status, key in (("RUNNING", "running"), ("SUCCEEDED", "succeeded"), ("FAILED", "failed"),
                        ("TIMED_OUT", "timedOut"), ("ABORTED", "aborted"), ("PENDING_REDRIVE", "pendingRedrive")):
        counts[key] = children.get(status, 0)
    started = sum(children.values())
    # With batching the item count is not the child count: only started children are known.
    counts["total"] = started if run.batched else max(run.total, started)
    counts["pending"] = counts["total"] - started
    if run.status in ("SUCCEEDED", "FAILED"):
        counts["resultsWritten"] = started - counts["running"]
    return counts


def _counts(run: MapRunView) -> dict:
    counts = dict.fromkeys(("pending", "running", "succeeded", "failed", "timedOut", "aborted", "resultsWritten",
                            "failuresNotRedrivable", "pendingRedrive"), 0)
    counts["total"] = run.total
    children = None if run.batched else _child_counts(run)
    if children is not None:
        return children
    # A finished run's counts are in the engine's checkpoint (`map_runs`). Without them (a run
    # recorded before the engine kept them) they are inferred: a succeeded run counts every item
    # as succeeded, a failed run the least number of failures that exceeds the tolerance.
    recorded = ((run.execution.checkpoint or {}).get("map_runs") or {}).get(run.arn)
    if recorded and run.status in ("SUCCEEDED", "FAILED"):
        counts["succeeded"], counts["failed"] = recorded["succeeded"], recorded["failed"]
        counts["aborted"] = max(0, run.total - recorded["succeeded"] - recorded["failed"])
    elif run.status == "SUCCEEDED":
        counts["succeeded"] = run.total
    elif run.status == "FAILED":
        counts["failed"] = min(run.total, run.tolerated_failure_count + 1)
        counts["aborted"] = run.total - counts["failed"]
    elif run.status == "RUNNING":
        # The engine's checkpoint of a running top-level Map holds the finished iterations
        # ("done", tolerated failures among them, saved every ~5% once 20 are done).
        nested = (run.execution.checkpoint or {}).get("nested") or {}
        finished = failed = 0
        if nested.get("state") == run.state_name and isinstance(nested.get("done"), dict):
            finished, failed = len(nested["done"]), int(nested.get("failures") or 0)
        counts["failed"] = failed
        counts["succeeded"] = max(0, finished - failed)
        remaining = max(0, run.total - finished)
        counts["running"] = min(remaining, run.max_concurrency) if run.max_concurrency else remaining
        counts["pending"] = remaining - counts["running"]
    else:
        counts["aborted"] = run.total
    return counts


def map_state(definition: Any, name: str) -> dict:
    """The raw Map state called `name`, searched through branches and item processors."""
    if not isinstance(definition, dict):
        return {}
    states = definition.get("States") or {}
    if isinstance(states.get(name), dict):
        return states[name]
    for state in states.values():
        if not isinstance(state, dict):
            continue
        for inner in (*(state.get("Branches") or ()), state.get("ItemProcessor") or state.get("Iterator")):
            found = map_state(inner, name)
            if found:
                return found
    return {}


def _number(value: Any, default: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else default


def map_run_list(*, execution: Execution) -> list[MapRunView]:
    """The execution's map runs in start order."""
    try:
        definition = json.loads(execution.definition)
    except ValueError:
        definition = {}
    settings_by_arn = {row.arn: row for row in MapRun.objects.filter(execution=execution)}
    runs: list[MapRunView] = []
    open_runs: dict[int, MapRunView] = {}
    state_name, length = "", 0
    for event in execution.events.filter(type__startswith="Map").order_by("event_id"):
        if event.type == "MapStateEntered":
            state_name = (event.details.get("stateEnteredEventDetails") or {}).get("name", "")
        elif event.type == "MapStateStarted":
            length = (event.details.get("mapStateStartedEventDetails") or {}).get("length", 0)
        elif event.type == "MapRunStarted":
            arn = (event.details.get("mapRunStartedEventDetails") or {}).get("mapRunArn", "")
            raw = map_state(definition, state_name)
            row = settings_by_arn.get(arn)
            run = MapRunView(
                arn=arn, execution=execution, state_name=state_name, status="RUNNING", start_date=event.timestamp,
                stop_date=None, total=length,
                max_concurrency=_number(raw.get("MaxConcurrency"), 0),
                tolerated_failure_count=_number(raw.get("ToleratedFailureCount"), 0),
                tolerated_failure_percentage=float(_number(raw.get("ToleratedFailurePercentage"), 0.0)),
                batched="ItemBatcher" in raw,
            )
            if row is not None:
                run.max_concurrency = _first(row.max_concurrency, run.max_concurrency)
                run.tolerated_failure_count = _first(row.tolerated_failure_count, run.tolerated_failure_count)
                run.tolerated_failure_percentage = _first(row.tolerated_failure_percentage,
                                                          run.tolerated_failure_percentage)
            runs.append(run)
            open_runs[event.event_id] = run
        elif event.type == "MapRunRedriven":
            # RedriveExecution reopens the failed run (same ARN) until it ends again.
            arn = (event.details.get("mapRunRedrivenEventDetails") or {}).get("mapRunArn", "")
            for run in runs:
                if run.arn == arn:
                    run.status, run.stop_date = "RUNNING", None
                    open_runs[event.event_id] = run
        elif event.type in ("MapRunSucceeded", "MapRunFailed") and open_runs:
            # The end event links to its MapRunStarted; otherwise the oldest open run ends.
            key = event.previous_event_id if event.previous_event_id in open_runs else next(iter(open_runs))
            run = open_runs.pop(key)
            run.status = "SUCCEEDED" if event.type == "MapRunSucceeded" else "FAILED"
            run.stop_date = event.timestamp
    for run in open_runs.values():
        if execution.status != "RUNNING":
            run.status, run.stop_date = "ABORTED", execution.stop_date
    return runs


def _first(value: Any, default: Any) -> Any:
    return default if value is None else value


def map_run_get(*, owner, arn: str) -> MapRunView:
    """A user's map run by ARN (ResourceNotFound when no execution of theirs started it)."""
    parse_arn(arn, "mapRun", owner=owner)
    event = (HistoryEvent.objects.filter(type="MapRunStarted", execution__owner=owner,
                                         details__mapRunStartedEventDetails__mapRunArn=arn)
             .select_related("execution").first())
    if event is not None:
        for run in map_run_list(execution=event.execution):
            if run.arn == arn:
                return run
    raise ResourceNotFound(f"Resource not found: '{arn}'")
