"""The runtime's database side: leases, step checkpoints and final rows (all plain sync ORM code).

The execution row is the authority (see STYLE.md, "The channel layer is not a work queue"):
- a worker owns an execution while `lease_owner` is its id and `lease_expires` lies ahead; it
  claims a row with one conditional UPDATE (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`
  first, so concurrent reapers never wait on each other);
- every step is one transaction: a conditional UPDATE of the checkpoint (still RUNNING, still
  ours) followed by the step's history rows. The UPDATE comes first so that on SQLite the
  transaction takes the write lock at once, and so that a StopExecution that committed first
  makes the step write nothing (no event after ExecutionAborted, no clash of event ids);
- the final write sets status, output, error, cause and stop_date the same way;
- a parked execution (one that only waits, see `park`) has no owner and its wake-up time as
  `lease_expires`: the (status, lease_expires) index is then also the durable timer index, the
  timer loop claims rows about to fall due (`claim_due`), and the reaper, which claims rows whose
  lease has expired, picks up any that were missed.
These functions run on the runtime's database threads, never on its event loop. The writes
(`claim`, `save_step`, `finish`) also run grouped: `group_commit` runs the writes several
executions queued meanwhile in one transaction (one commit, one fsync on PostgreSQL), so their
own `atomic(savepoint=False)` blocks join it without a savepoint each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from designer import live, status_hooks
from designer.models import Execution, ExecutionStatus, HistoryEvent
from designer.services.history import history_rows


@dataclass
class ExecutionRecord:
    """What the runtime needs to run one execution (read once when it claims the row)."""

    id: int
    type: str
    name: str
    arn: str
    definition: str
    input: str
    role_arn: str
    region: str
    machine_name: str
    owner_id: int
    checkpoint: dict | None
    redrive_count: int
    last_event_id: int
    start_date: datetime


def _lease_filter(now: datetime) -> Q:
    # A row nobody holds has no lease_expires; a parked one (below) has its wake-up time there.
    return Q(lease_expires__isnull=True) | Q(lease_expires__lt=now)


def group_commit(calls: list[tuple]) -> list[tuple[bool, object]]:
    """Run `(function, args, kwargs)` writes in one transaction; `(ok, result or exception)` each.

    When one of them raises, the group is rolled back and each runs again in its own
    transaction, so one execution's failure never costs the others their writes.
    """
    if len(calls) > 1:
        try:
            with transaction.atomic():
                return [(True, function(*args, **kwargs)) for function, args, kwargs in calls]
        except Exception:
            if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
                connection.close()
    results: list[tuple[bool, object]] = []
    for function, args, kwargs in calls:
        try:
            results.append((True, function(*args, **kwargs)))
        except Exception as exc:
            if connection.connection is not None and not connection.in_atomic_block:
                connection.close()  # a broken connection is reopened by the next call
            results.append((False, exc))
    return results


def claim(execution_id: int, owner: str, lease_seconds: float) -> bool:
    """Take the lease of one RUNNING execution if nobody holds a live one; True when we got it."""
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        updated = (
            Execution.objects.filter(pk=execution_id, status=ExecutionStatus.RUNNING)
            .filter(_lease_filter(now) | Q(lease_owner=owner))
            .update(lease_owner=owner, lease_expires=now + timedelta(seconds=lease_seconds))
        )
    return updated == 1


def claim_expired(owner: str, lease_seconds: float, limit: int = 50) -> list[int]:
    """The reaper: claim RUNNING executions whose lease is empty or expired; their ids."""
    now = timezone.now()
    expires = now + timedelta(seconds=lease_seconds)
    candidates = Execution.objects.filter(status=ExecutionStatus.RUNNING).filter(_lease_filter(now))
    claimed: list[int] = []
    if connection.vendor == "postgresql":
        with transaction.atomic():
            locked = candidates.select_for_update(skip_locked=True).order_by("start_date")
            ids = list(locked.values_list("pk", flat=True)[:limit])
            if ids:
                Execution.objects.filter(pk__in=ids).update(lease_owner=owner, lease_expires=expires)
            return ids
    for pk in candidates.order_by("start_date").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            if (
                Execution.objects.filter(pk=pk, status=ExecutionStatus.RUNNING)
                .filter(_lease_filter(now))
                .update(lease_owner=owner, lease_expires=expires)
            ):
                claimed.append(pk)
    return claimed


def claim_due(owner: str, lease_seconds: float, horizon: float, limit: int) -> list[tuple[int, datetime]]:
    """Claim parked executions due within `horizon` seconds, and any whose lease has expired (a
    killed worker's): [(id, due)], earliest first."""
    now = timezone.now()
    rows = Execution.objects.filter(
        Q(lease_owner="") | Q(lease_expires__lt=now),
        status=ExecutionStatus.RUNNING, lease_expires__lte=now + timedelta(seconds=horizon),
    ).order_by("lease_expires")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True)
        # SQLite: the transaction holds the write lock from its start (IMMEDIATE), so what it
        # reads stays ours until it commits.
        due = list(rows.values_list("pk", "lease_expires")[:limit])
        if due:
            latest = max(d for _, d in due)
            Execution.objects.filter(pk__in=[pk for pk, _ in due]).update(
                lease_owner=owner, lease_expires=max(latest, now) + timedelta(seconds=lease_seconds))
    return due


def park(execution_id: int, owner: str, events: list[dict], checkpoint: dict, due: datetime) -> bool:
    """Leave memory until `due`: the step's events and checkpoint, no owner, wake-up time `due`."""
    with transaction.atomic(savepoint=False):
        updated = Execution.objects.filter(
            pk=execution_id, status=ExecutionStatus.RUNNING, lease_owner=owner
        ).update(checkpoint=checkpoint, lease_owner="", lease_expires=due, updated=timezone.now())
        if not updated:
            return False
        if events:
            created = HistoryEvent.objects.bulk_create(history_rows(execution_id, events))
            live.publish_events(execution_id, created)
    return True


def wake(execution_id: int) -> bool:
    """Make a parked execution due now (its task token was settled or handed to a worker)."""
    return bool(Execution.objects.filter(
        pk=execution_id, status=ExecutionStatus.RUNNING, lease_owner="", lease_expires__isnull=False
    ).update(lease_expires=timezone.now()))


def renew(owner: str, ids: list[int], lease_seconds: float) -> set[int]:
    """Push our leases forward; returns the ids we still hold (a stopped execution drops out)."""
    if not ids:
        return set()
    now = timezone.now()
    with transaction.atomic():
        Execution.objects.filter(pk__in=ids, lease_owner=owner, status=ExecutionStatus.RUNNING).update(
            lease_expires=now + timedelta(seconds=lease_seconds)
        )
    held = Execution.objects.filter(pk__in=ids, lease_owner=owner, status=ExecutionStatus.RUNNING)
    return set(held.values_list("pk", flat=True))


def release(owner: str, execution_id: int) -> None:
    """Give a lease back (shutting down) so another worker can take the execution at once."""
    Execution.objects.filter(pk=execution_id, lease_owner=owner).update(lease_owner="", lease_expires=None)


def record_of(row: Execution) -> ExecutionRecord | None:
    """The record of an execution StartExecution has just created (no query), else None.

    Only a fresh row qualifies (no history yet, no checkpoint but a test case, not redriven):
    the in-process runtime then starts it from what the request already holds.
    """
    cp = row.checkpoint
    if row.redrive_count or (cp and set(cp) - {"test_case"}) or "state_machine" not in row._state.fields_cache:
        return None
    machine = row.state_machine
    return ExecutionRecord(
        id=row.pk, type=row.type, name=row.name, arn=row.arn, definition=row.definition, input=row.input,
        role_arn=row.role_arn, region=machine.region, machine_name=machine.name, owner_id=row.owner_id,
        checkpoint=cp, redrive_count=0, last_event_id=0, start_date=row.start_date,
    )


def load(execution_id: int) -> ExecutionRecord | None:
    return load_many([execution_id]).get(execution_id)


def load_many(ids: list[int]) -> dict[int, ExecutionRecord]:
    """The records of several executions in two queries (the timer loop resumes them in batches)."""
    rows = list(Execution.objects.select_related("state_machine").filter(pk__in=ids))
    last = dict(HistoryEvent.objects.filter(execution_id__in=[r.pk for r in rows]).values("execution_id")
                .annotate(last=Max("event_id")).values_list("execution_id", "last"))
    return {row.pk: ExecutionRecord(
        id=row.pk, type=row.type, name=row.name, arn=row.arn, definition=row.definition, input=row.input,
        role_arn=row.role_arn, region=row.state_machine.region, machine_name=row.state_machine.name,
        owner_id=row.owner_id, checkpoint=row.checkpoint, redrive_count=row.redrive_count,
        last_event_id=last.get(row.pk) or 0, start_date=row.start_date,
    ) for row in rows}


def save_step(execution_id: int, owner: str, events: list[dict], checkpoint: dict, lease_seconds: float) -> bool:
    """One step: the checkpoint and the step's events in one transaction; False when the lease is lost."""
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        updated = Execution.objects.filter(
            pk=execution_id, status=ExecutionStatus.RUNNING, lease_owner=owner
        ).update(checkpoint=checkpoint, lease_expires=now + timedelta(seconds=lease_seconds), updated=now)
        if not updated:
            return False
        if events:
            created = HistoryEvent.objects.bulk_create(history_rows(execution_id, events))
            live.publish_events(execution_id, created)
    return True


def finish(execution_id: int, owner: str, events: list[dict], checkpoint: dict | None, *, status: str,
           output: str | None, error: str | None, cause: str | None, stop_date: datetime) -> bool:
    """The last step: events, checkpoint and the terminal status in one transaction."""
    with transaction.atomic(savepoint=False):
        updated = Execution.objects.filter(
            pk=execution_id, status=ExecutionStatus.RUNNING, lease_owner=owner
        ).update(
            checkpoint=checkpoint, status=status, output=output, error=error, cause=cause, stop_date=stop_date,
            lease_owner="", lease_expires=None, updated=timezone.now(),
        )
        if not updated:
            return False
        if events:
            created = HistoryEvent.objects.bulk_create(history_rows(execution_id, events))
            live.publish_events(execution_id, created)
        live.publish_status(execution_id)
        # EventBridge: "Step Functions Execution Status Change" on the default bus, after commit.
        status_hooks.execution_status_changed(execution_id)
    return True


def fail(execution_id: int, owner: str, cause: str) -> bool:
    """End an execution the runtime itself could not run: ExecutionFailed with States.Runtime."""
    last = HistoryEvent.objects.filter(execution_id=execution_id).order_by("-event_id").first()
    event = {
        "timestamp": timezone.now(), "type": "ExecutionFailed",
        "id": (last.event_id if last else 0) + 1, "previousEventId": last.event_id if last else 0,
        "executionFailedEventDetails": {"error": "States.Runtime", "cause": cause},
    }
    return finish(execution_id, owner, [event], None, status=ExecutionStatus.FAILED, output=None,
                  error="States.Runtime", cause=cause, stop_date=event["timestamp"])
