"""Reads: resolve ARNs and names to a user's rows, list them, and page through history.

Every lookup is scoped to an owner, so a user never sees another user's resources: a resource
that exists for someone else answers exactly like one that does not exist.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from designer import arns
from designer.models import (
    Activity,
    Execution,
    HistoryEvent,
    StateMachine,
    StateMachineAlias,
    StateMachineVersion,
)
from designer.services import (
    ActivityDoesNotExist,
    ExecutionDoesNotExist,
    InvalidArn,
    InvalidToken,
    ResourceNotFound,
    StateMachineDoesNotExist,
    Target,
)


def parse_arn(arn: str, *allowed: str) -> arns.Arn:
    """`arns.parse` with the failure as the service-layer InvalidArn."""
    try:
        return arns.parse(arn, allowed=allowed or None)
    except arns.InvalidArn as exc:
        raise InvalidArn(str(exc)) from None


def _machine(owner, region: str, name: str, arn: str) -> StateMachine:
    machine = StateMachine.objects.filter(owner=owner, region=region, name=name).first()
    if machine is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return machine


def state_machine_get(*, owner, arn: str) -> StateMachine:
    """The unqualified machine an ARN names (a version / alias ARN is refused as AWS does)."""
    parsed = parse_arn(arn, "stateMachine")
    if parsed.qualifier is not None:
        raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: stateMachine version or alias'")
    return _machine(owner, parsed.region, parsed.name, arn)


def state_machine_by_name(*, owner, name: str, region: str | None = None) -> StateMachine:
    """The studio's lookup by name (any region when none is given, oldest first)."""
    queryset = StateMachine.objects.filter(owner=owner, name=name)
    if region:
        queryset = queryset.filter(region=region)
    machine = queryset.order_by("created").first()
    if machine is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{name}'")
    return machine


def target_get(*, owner, arn: str) -> Target:
    """A machine ARN, version ARN or alias ARN resolved to what StartExecution should run."""
    if isinstance(arn, str) and "#" in arn:
        # AWS's local runner: `<machine ARN>#<TestCaseName>` picks a test case of the mock config.
        arn, test_case = arn.split("#", 1)
        target = target_get(owner=owner, arn=arn)
        target.extra["test_case"] = test_case
        return target
    parsed = parse_arn(arn, "stateMachine")
    machine = _machine(owner, parsed.region, parsed.name, arn)
    if parsed.version_number is not None:
        version = machine.versions.filter(number=parsed.version_number).first()
        if version is None:
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
        return Target(machine=machine, version=version)
    if parsed.alias_name is not None:
        alias = machine.aliases.filter(name=parsed.alias_name).first()
        if alias is None:
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
        return Target(machine=machine, alias=alias)
    return Target(machine=machine)


def version_get(*, owner, arn: str) -> StateMachineVersion:
    parsed = parse_arn(arn, "stateMachine")
    if parsed.version_number is None:
        raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: stateMachine'")
    machine = StateMachine.objects.filter(owner=owner, region=parsed.region, name=parsed.name).first()
    version = machine.versions.filter(number=parsed.version_number).first() if machine else None
    if version is None:
        raise ResourceNotFound(f"Resource not found: '{arn}'")
    return version


def alias_get(*, owner, arn: str) -> StateMachineAlias:
    parsed = parse_arn(arn, "stateMachine")
    if parsed.alias_name is None:
        raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: stateMachine'")
    alias = (
        StateMachineAlias.objects.filter(
            machine__owner=owner, machine__region=parsed.region, machine__name=parsed.name, name=parsed.alias_name
        )
        .select_related("machine")
        .first()
    )
    if alias is None:
        raise ResourceNotFound("Request references a resource that does not exist.")  # AWS's text (recorded)
    return alias


def activity_get(*, owner, arn: str) -> Activity:
    parsed = parse_arn(arn, "activity")
    activity = Activity.objects.filter(owner=owner, region=parsed.region, name=parsed.name).first()
    if activity is None:
        raise ActivityDoesNotExist(f"Activity Does Not Exist: '{arn}'")
    return activity


def execution_get(*, owner, arn: str) -> Execution:
    parsed = parse_arn(arn, "execution", "express")
    execution = (
        Execution.objects.filter(owner=owner, arn=arn, state_machine__region=parsed.region)
        .select_related("state_machine")
        .first()
    )
    if execution is None:
        raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    return execution


def taggable_get(*, owner, arn: str) -> StateMachine | Activity:
    """A state machine or activity for the tagging operations (ResourceNotFound otherwise)."""
    parsed = parse_arn(arn, "stateMachine", "activity")
    if parsed.resource_type == "activity":
        resource = Activity.objects.filter(owner=owner, region=parsed.region, name=parsed.name).first()
    elif parsed.qualifier is None:
        resource = StateMachine.objects.filter(owner=owner, region=parsed.region, name=parsed.name).first()
    else:
        resource = None
    if resource is None:
        raise ResourceNotFound(f"Resource not found: '{arn}'")
    return resource


def state_machine_list(*, owner, region: str | None = None, search: str = "") -> QuerySet[StateMachine]:
    queryset = StateMachine.objects.filter(owner=owner)
    if region:
        queryset = queryset.filter(region=region)
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.order_by("created", "id")


def activity_list(*, owner, region: str) -> QuerySet[Activity]:
    return Activity.objects.filter(owner=owner, region=region).order_by("created", "id")


def execution_list(
    *,
    owner,
    machine: StateMachine | None = None,
    version: StateMachineVersion | None = None,
    alias: StateMachineAlias | None = None,
    status: str | None = None,
    redrive_filter: str | None = None,
    search: str = "",
    map_run_arn: str | None = "",
) -> QuerySet[Execution]:
    """Executions newest first, as ListExecutions returns them.

    A Distributed Map's children are listed only by their Map Run (`map_run_arn`), as on AWS;
    `map_run_arn=None` finds parents and children alike (a lookup by name).
    """
    queryset = Execution.objects.filter(owner=owner).select_related("state_machine")
    if map_run_arn is not None:
        queryset = queryset.filter(map_run_arn=map_run_arn)
    if machine is not None:
        queryset = queryset.filter(state_machine=machine)
    if version is not None:
        queryset = queryset.filter(version=version)
    if alias is not None:
        queryset = queryset.filter(alias=alias)
    if status:
        queryset = queryset.filter(status=status)
    if redrive_filter == "REDRIVEN":
        queryset = queryset.filter(redrive_count__gt=0)
    elif redrive_filter == "NOT_REDRIVEN":
        queryset = queryset.filter(redrive_count=0)
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.order_by("-start_date", "-id")


def history_list(*, execution: Execution, after_id: int = 0, reverse: bool = False) -> QuerySet[HistoryEvent]:
    queryset = execution.events.filter(event_id__gt=after_id)
    return queryset.order_by("-event_id" if reverse else "event_id")


# ─── pagination ──────────────────────────────────────────────────────────────────────────────


def page(
    items, *, next_token: str | None, max_results: int | None, default: int = 100, kind: str = ""
) -> tuple[list, str | None]:
    """One page of `items` (a queryset or list) and the token for the next, AWS-style."""
    offset = 0
    if next_token:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(next_token.encode()).decode())
            offset = int(decoded["o"])
            if decoded.get("k", "") != kind or offset < 0:
                raise ValueError
        except Exception:
            # AWS: a pagination token it cannot read is refused with a fixed text, not the token.
            raise InvalidToken("Invalid Token: 'Invalid token'") from None
    size = max_results or default
    chunk = list(items[offset : offset + size + 1])
    token = None
    if len(chunk) > size:
        chunk = chunk[:size]
        token = base64.urlsafe_b64encode(json.dumps({"o": offset + size, "k": kind}).encode()).decode()
    return chunk, token


# ─── map runs ────────────────────────────────────────────────────────────────────────────────
# A Distributed Map run is read from its execution's history (MapStateEntered, MapStateStarted
# with the item count, MapRunStarted with the ARN, MapRunSucceeded/MapRunFailed) and the Map
# state's definition; UpdateMapRun's changes live in designer.models.MapRun.


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


def _map_state(definition: Any, name: str) -> dict:
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
            found = _map_state(inner, name)
            if found:
                return found
    return {}


def _number(value: Any, default: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else default


def map_run_list(*, execution: Execution) -> list[MapRunView]:
    """The execution's map runs in start order."""
    from designer.models import MapRun

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
            raw = _map_state(definition, state_name)
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
    parse_arn(arn, "mapRun")
    event = (HistoryEvent.objects.filter(type="MapRunStarted", execution__owner=owner,
                                         details__mapRunStartedEventDetails__mapRunArn=arn)
             .select_related("execution").first())
    if event is not None:
        for run in map_run_list(execution=event.execution):
            if run.arn == arn:
                return run
    raise ResourceNotFound(f"Resource not found: '{arn}'")
