"""Task tokens on the database side: activities and `.waitForTaskToken` callbacks (sync ORM code).

The execution creates a TaskToken row (SCHEDULED, with its input and heartbeat); GetActivityTask
hands it to a worker (STARTED); SendTaskSuccess/Failure settle it (`designer.services`); the
waiting execution reads the row when woken (or polled) and times it out when its heartbeat or
its timeout passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from designer import arns
from designer.models import Activity, TaskToken, TaskTokenStatus

OPEN = (TaskTokenStatus.SCHEDULED, TaskTokenStatus.STARTED)


@dataclass
class TokenState:
    status: str
    worker_name: str
    output: str | None
    error: str | None
    cause: str | None
    heartbeat_deadline: datetime | None


def find_activity(owner_id: int, arn: str) -> int | None:
    try:
        parsed = arns.parse(arn, allowed=("activity",))
    except Exception:
        return None
    return Activity.objects.filter(owner_id=owner_id, region=parsed.region, name=parsed.name).values_list(
        "pk", flat=True
    ).first()


def schedule(*, token: str, execution_id: int, state_name: str, activity_id: int | None, input: str,
             heartbeat_seconds: float | None) -> None:
    """Create the token's row, unless it exists already.

    The engine mints a new token for each Task entry and each retry, so an existing row means a
    resumed execution waiting again on the token it handed out before a restart: the row (and
    any answer that arrived meanwhile) stays as it is.
    """
    now = timezone.now()
    # A callback's heartbeat clock runs from the call; an activity's from when a worker takes it
    # (GetActivityTask sets the deadline), so a queued task is bounded only by TimeoutSeconds.
    deadline = now + timedelta(seconds=heartbeat_seconds) if heartbeat_seconds and activity_id is None else None
    with transaction.atomic():
        if not TaskToken.objects.filter(token=token).exists():
            TaskToken.objects.create(
                token=token, execution_id=execution_id, state_name=state_name, activity_id=activity_id,
                input=input, heartbeat_seconds=int(heartbeat_seconds) if heartbeat_seconds else None,
                heartbeat_deadline=deadline,
            )


def state(token: str) -> TokenState | None:
    row = TaskToken.objects.filter(token=token).values(
        "status", "worker_name", "output", "error", "cause", "heartbeat_deadline"
    ).first()
    return TokenState(**row) if row else None


def close(token: str, status: str) -> bool:
    """Mark an open token TIMED_OUT / CANCELLED; False when a worker settled it first."""
    return bool(TaskToken.objects.filter(token=token, status__in=OPEN).update(status=status, updated=timezone.now()))
