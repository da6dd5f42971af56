"""Activity tasks and task tokens: GetActivityTask, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.

Each settles or hands out a `TaskToken` row, then tells the runtime after commit so the
execution waiting on the token wakes (see `designer.services.runtime_hooks`).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from designer.errors import InvalidOutput, InvalidToken, TaskDoesNotExist, TaskTimedOut
from designer.models import Activity, ActivityWorker, TaskToken, TaskTokenStatus
from designer.services.runtime_hooks import call_after_commit


def activity_task_get(*, activity: Activity, worker_name: str = "", wait_seconds: float = 60.0) -> TaskToken | None:
    """GetActivityTask: hand the oldest scheduled task of `activity` to a worker, polling up to
    `wait_seconds` (AWS long-polls for 60 s). None when nothing arrived."""
    deadline = time.monotonic() + wait_seconds
    _worker_polling(activity, worker_name, +1)
    try:
        return _activity_task_poll(activity, worker_name, deadline)
    finally:
        _worker_polling(activity, worker_name, -1)


def _worker_polling(activity: Activity, worker_name: str, change: int) -> None:
    """Count a worker's long polls in progress, for the studio's "workers polling now"."""
    worker, _ = ActivityWorker.objects.get_or_create(
        activity=activity, name=worker_name or "", defaults={"last_seen": timezone.now()}
    )
    ActivityWorker.objects.filter(pk=worker.pk).update(polls=F("polls") + change, last_seen=timezone.now())


def _activity_task_poll(activity: Activity, worker_name: str, deadline: float) -> TaskToken | None:
    while True:
        with transaction.atomic():
            task = (
                TaskToken.objects.select_for_update(skip_locked=True)
                .filter(activity=activity, status=TaskTokenStatus.SCHEDULED)
                .order_by("created", "id")
                .first()
            )
            if task is not None:
                now = timezone.now()
                task.status = TaskTokenStatus.STARTED
                task.worker_name = worker_name or ""
                if task.heartbeat_seconds:
                    task.heartbeat_deadline = now + timedelta(seconds=task.heartbeat_seconds)
                task.save()
                call_after_commit("activity_task_started", task)
                return task
        if time.monotonic() >= deadline:
            return None
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def _open_token(token: str, owner) -> TaskToken:
    task = TaskToken.objects.select_for_update().select_related("execution").filter(token=token).first()
    if task is None or (owner is not None and task.execution.owner_id != owner.pk):
        raise InvalidToken("Invalid Token: 'Invalid token'")
    if task.status in (TaskTokenStatus.TIMED_OUT,):
        raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
    if task.status not in (TaskTokenStatus.SCHEDULED, TaskTokenStatus.STARTED):
        raise TaskDoesNotExist("Task Does Not Exist: 'Provided task does not exist anymore'")
    return task


def task_success(*, token: str, output: str, owner=None) -> TaskToken:
    """SendTaskSuccess: settle the token with `output`; the runtime resumes the execution."""
    try:
        json.loads(output)
    except ValueError:
        raise InvalidOutput(f"Invalid Output: '{output}'") from None
    with transaction.atomic():
        task = _open_token(token, owner)
        task.status = TaskTokenStatus.SUCCEEDED
        task.output = output
        task.save()
        call_after_commit("task_token_completed", task)
    return task


def task_failure(*, token: str, error: str | None = None, cause: str | None = None, owner=None) -> TaskToken:
    """SendTaskFailure: settle the token as failed; the runtime applies Retry/Catch."""
    with transaction.atomic():
        task = _open_token(token, owner)
        task.status = TaskTokenStatus.FAILED
        task.error = error
        task.cause = cause
        task.save()
        call_after_commit("task_token_completed", task)
    return task


def task_heartbeat(*, token: str, owner=None) -> TaskToken:
    """SendTaskHeartbeat: push the heartbeat deadline forward by HeartbeatSeconds."""
    with transaction.atomic():
        task = _open_token(token, owner)
        if task.heartbeat_seconds:
            task.heartbeat_deadline = timezone.now() + timedelta(seconds=task.heartbeat_seconds)
            task.save(update_fields=["heartbeat_deadline", "updated"])
            call_after_commit("task_heartbeat", task)
    return task
