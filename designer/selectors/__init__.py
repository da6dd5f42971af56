"""Reads: resolve ARNs and names to a user's rows, list them, and page through history.

Every lookup is scoped to an owner, so a user never sees another user's resources: a resource
that exists for someone else answers exactly like one that does not exist.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from designer import arns
from designer.accounts import ForeignAccount, check_account
from designer.errors import (
    AccessDeniedException,
    ActivityDoesNotExist,
    ExecutionDoesNotExist,
    InvalidArn,
    InvalidToken,
    ResourceNotFound,
    StateMachineDoesNotExist,
)
from designer.models import (
    Activity,
    Execution,
    ExecutionStatus,
    HistoryEvent,
    MachineType,
    StateMachine,
    StateMachineAlias,
    StateMachineVersion,
)

REDRIVE_WINDOW = timedelta(days=14)


@dataclass
class Target:
    """What a StartExecution ARN resolves to: the machine, plus the version / alias used."""

    machine: StateMachine
    version: StateMachineVersion | None = None
    alias: StateMachineAlias | None = None
    extra: dict = field(default_factory=dict)

    def pick_version(self) -> StateMachineVersion | None:
        """The version to run: the alias's weighted pick, or the version named (None: the latest)."""
        if self.alias is None:
            return self.version
        routes = self.alias.routing_configuration
        chosen = random.choices(routes, weights=[r["weight"] for r in routes])[0]
        return self.machine.versions.get(number=chosen["version"])


def parse_arn(arn: str, *allowed: str, owner=None) -> arns.Arn:
    """`arns.parse` with the failure as the service-layer InvalidArn; with `owner`, an ARN naming
    another account than the owner's is AccessDeniedException, as AWS answers it."""
    try:
        parsed = arns.parse(arn, allowed=allowed or None)
    except arns.InvalidArn as exc:
        raise InvalidArn(str(exc)) from None
    if owner is not None:
        try:
            check_account(parsed.account, owner, arn)
        except ForeignAccount as exc:
            raise AccessDeniedException(str(exc)) from None
    return parsed


def _machine(owner, region: str, name: str, arn: str) -> StateMachine:
    machine = StateMachine.objects.filter(owner=owner, region=region, name=name).first()
    if machine is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return machine


def state_machine_get(*, owner, arn: str) -> StateMachine:
    """The unqualified machine an ARN names (a version / alias ARN is refused as AWS does)."""
    parsed = parse_arn(arn, "stateMachine", owner=owner)
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
    parsed = parse_arn(arn, "stateMachine", owner=owner)
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
    parsed = parse_arn(arn, "stateMachine", owner=owner)
    if parsed.version_number is None:
        raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: stateMachine'")
    machine = StateMachine.objects.filter(owner=owner, region=parsed.region, name=parsed.name).first()
    version = machine.versions.filter(number=parsed.version_number).first() if machine else None
    if version is None:
        raise ResourceNotFound(f"Resource not found: '{arn}'")
    return version


def alias_get(*, owner, arn: str) -> StateMachineAlias:
    parsed = parse_arn(arn, "stateMachine", owner=owner)
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
    parsed = parse_arn(arn, "activity", owner=owner)
    activity = Activity.objects.filter(owner=owner, region=parsed.region, name=parsed.name).first()
    if activity is None:
        raise ActivityDoesNotExist(f"Activity Does Not Exist: '{arn}'")
    return activity


def execution_get(*, owner, arn: str) -> Execution:
    parsed = parse_arn(arn, "execution", "express", owner=owner)
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
    parsed = parse_arn(arn, "stateMachine", "activity", owner=owner)
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


def activity_list(*, owner, region: str | None = None) -> QuerySet[Activity]:
    """A user's activities (in `region` when given), oldest first."""
    queryset = Activity.objects.filter(owner=owner)
    if region:
        queryset = queryset.filter(region=region)
    return queryset.order_by("created", "id")


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


def execution_search(*, owner, machine: StateMachine, status: str | None = None, text: str = "") -> QuerySet[Execution]:
    """The live view's list: `text` matches the name or the input's text; newest first."""
    queryset = execution_list(owner=owner, machine=machine, status=status)
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(input__icontains=text))
    return queryset.select_related("revision")


def execution_by_name(*, owner, machine: StateMachine, name: str) -> Execution:
    """A machine's execution by name (an Express one by its name before the `:<uuid>` suffix)."""
    execution = (
        execution_list(owner=owner, machine=machine, map_run_arn=None)  # a Map Run's children too
        .filter(Q(name=name) | Q(name__startswith=f"{name}:"))
        .select_related("revision")
        .first()
    )
    if execution is None:
        raise ExecutionDoesNotExist(f"Execution {name} of {machine.name} does not exist")
    return execution


def history_list(*, execution: Execution, after_id: int = 0, reverse: bool = False) -> QuerySet[HistoryEvent]:
    queryset = execution.events.filter(event_id__gt=after_id)
    return queryset.order_by("-event_id" if reverse else "event_id")


def history_range(*, execution_id: int, after: int, until: int | None = None) -> list[HistoryEvent]:
    """Events with after < id (≤ until), in id order: how a live watcher's gap is filled."""
    rows = HistoryEvent.objects.filter(execution_id=execution_id, event_id__gt=after)
    if until is not None:
        rows = rows.filter(event_id__lte=until)
    return list(rows.order_by("event_id"))


def execution_by_id(*, execution_id: int, owner_id: int | None = None) -> Execution | None:
    """An execution with its machine and revision (of `owner_id` when given), or None."""
    rows = Execution.objects.select_related("state_machine", "revision").filter(pk=execution_id)
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    return rows.first()


def execution_owned(*, owner_id: int, execution_id: int) -> bool:
    return Execution.objects.filter(pk=execution_id, owner_id=owner_id).exists()


def state_machine_id_by_name(*, owner_id: int, name: str) -> int | None:
    """The id `state_machine_by_name` would find (any region, oldest first), or None."""
    machines = StateMachine.objects.filter(owner_id=owner_id, name=name).order_by("created")
    return machines.values_list("pk", flat=True).first()


def redrive_status(execution: Execution) -> tuple[str, str | None]:
    """DescribeExecution's redriveStatus and redriveStatusReason."""
    if execution.type == MachineType.EXPRESS:
        return "NOT_REDRIVABLE", "Execution is of type EXPRESS and cannot be redriven"
    if execution.status in (ExecutionStatus.RUNNING, ExecutionStatus.SUCCEEDED, ExecutionStatus.PENDING_REDRIVE):
        return "NOT_REDRIVABLE", f"Execution is {execution.status} and cannot be redriven"
    if execution.stop_date and timezone.now() - execution.stop_date > REDRIVE_WINDOW:
        return "NOT_REDRIVABLE", "Execution stopped more than 14 days ago and cannot be redriven"
    if execution.redrive_count >= 1000:
        return "REDRIVABLE_BY_MAP_RUN", None
    return "REDRIVABLE", None


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
