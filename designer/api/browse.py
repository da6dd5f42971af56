"""REST endpoints for the studio's account-wide pages: all executions (filters, paging, bulk
stop and redrive), activities (workers polling, tasks waiting), a machine's metrics, access keys.

Mounted on the studio API by `designer.api`. Writes go through
`designer.services`, reads through `designer.selectors` and `designer.selectors.metrics`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from ninja import Router, Schema, Status

from designer import errors
from designer.api.lookups import get_machine
from designer.api.schemas import Error, ExecutionOut
from designer.models import AccessKey, Activity, Execution, ExecutionStatus, TaskTokenStatus
from designer.presenters import studio
from designer.selectors import metrics
from designer.services import access_keys, activities, executions

router = Router()

PAGE_SIZES = (25, 50, 100, 200)


class ExecutionPage(Schema):
    items: list[ExecutionOut]
    total: int
    page: int
    page_size: int


class BulkIn(Schema):
    ids: list[int]


class BulkFailure(Schema):
    id: int
    detail: str


class BulkOut(Schema):
    done: list[int]
    failed: list[BulkFailure]


class WorkerOut(Schema):
    name: str
    last_seen: datetime


class TaskOut(Schema):
    execution: str
    machine: str
    execution_id: int
    state: str
    status: str
    created: datetime


class ActivityOut(Schema):
    name: str
    arn: str
    created: datetime
    workers: list[WorkerOut]
    waiting: int
    started: int
    tasks: list[TaskOut]


class ActivityIn(Schema):
    name: str


class AccessKeyOut(Schema):
    access_key_id: str
    enabled: bool
    created: datetime


class AccessKeyCreated(AccessKeyOut):
    secret: str  # shown once: it is never sent again


# ─── all executions ──────────────────────────────────────────────────────────────────────────


def _day(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        message = f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 time, not {value!r}"
        raise errors.ValidationException(message) from None
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


@router.get("/executions", response={200: ExecutionPage, 400: Error}, tags=["executions"])
def executions_all(
    request, status: str = "", machine: str = "", version: int | None = None, since: str = "", until: str = "",
    search: str = "", page: int = 1, page_size: int = 50,
):
    """Executions of every machine, newest first: by status, machine (and version), start date
    range (`until` is inclusive of that whole day when it is a date), name or input text."""
    if status and status not in ExecutionStatus.values:
        raise errors.ValidationException(f"status must be one of {', '.join(ExecutionStatus.values)}, not {status!r}")
    if page_size not in PAGE_SIZES:
        raise errors.ValidationException(f"page_size must be one of {', '.join(map(str, PAGE_SIZES))}")
    page = max(1, page)
    # A Distributed Map's children are listed on their Map Run page, not here (as ListExecutions does).
    queryset = Execution.objects.filter(owner=request.user, map_run_arn="").select_related("state_machine", "revision")
    if status:
        queryset = queryset.filter(status=status)
    if machine:
        queryset = queryset.filter(state_machine=get_machine(request, machine))
        if version is not None:
            queryset = queryset.filter(version__number=version)
    start, end = _day(since, "since"), _day(until, "until")
    if start:
        queryset = queryset.filter(start_date__gte=start)
    if end:
        queryset = queryset.filter(start_date__lt=end + timedelta(days=1) if len(until) == 10 else end)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(input__icontains=search))
    total = queryset.count()
    rows = queryset.order_by("-start_date", "-id")[(page - 1) * page_size : page * page_size]
    return {"items": [studio.execution(e) for e in rows], "total": total, "page": page, "page_size": page_size}


def _bulk(request, ids: list[int], action) -> dict:
    done, failed = [], []
    for execution in Execution.objects.filter(owner=request.user, pk__in=ids[:500]).select_related("state_machine"):
        try:
            action(execution)
            done.append(execution.pk)
        except errors.ServiceError as exc:
            failed.append({"id": execution.pk, "detail": exc.message})
    found = set(done) | {f["id"] for f in failed}
    failed += [{"id": i, "detail": f"Execution {i} does not exist"} for i in ids[:500] if i not in found]
    return {"done": done, "failed": failed}


@router.post("/bulk/executions/stop", response=BulkOut, tags=["executions"])
def executions_bulk_stop(request, payload: BulkIn):
    """Stop each running execution; finished ones are reported as not stopped."""

    def stop(execution: Execution) -> None:
        if execution.status != ExecutionStatus.RUNNING:
            raise errors.ValidationException(f"{execution.name} is {execution.status}, not RUNNING")
        executions.execution_stop(execution=execution, error="Stopped", cause="Stopped from the studio (bulk)")

    return _bulk(request, payload.ids, stop)


@router.post("/bulk/executions/redrive", response=BulkOut, tags=["executions"])
def executions_bulk_redrive(request, payload: BulkIn):
    """Redrive each execution that can be; the others come back with the reason."""
    return _bulk(request, payload.ids, lambda execution: executions.execution_redrive(execution=execution))


# ─── activities ──────────────────────────────────────────────────────────────────────────────


def _activity(activity: Activity) -> dict:
    now = timezone.now()
    # A worker is polling while a blocking poll is open (polls > 0, at most 60 s), or while the
    # server's async long poll keeps asking again every fraction of a second (last_seen).
    polling = Q(polls__gt=0, last_seen__gte=now - timedelta(seconds=70)) | Q(last_seen__gte=now - timedelta(seconds=5))
    open_tasks = activity.tasks.filter(status__in=[TaskTokenStatus.SCHEDULED, TaskTokenStatus.STARTED])
    counts = dict(open_tasks.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "name": activity.name,
        "arn": activity.arn,
        "created": activity.created,
        "workers": [
            {"name": w.name or "(unnamed)", "last_seen": w.last_seen}
            for w in activity.workers.filter(polling).order_by("name")
        ],
        "waiting": counts.get(TaskTokenStatus.SCHEDULED, 0),
        "started": counts.get(TaskTokenStatus.STARTED, 0),
        "tasks": [
            {"execution": t.execution.name, "machine": t.execution.state_machine.name, "execution_id": t.execution_id,
             "state": t.state_name, "status": t.status, "created": t.created}
            for t in open_tasks.select_related("execution__state_machine").order_by("created")[:20]
        ],
    }


def _get_activity(request, name: str) -> Activity:
    activity = Activity.objects.filter(owner=request.user, name=name).first()
    if activity is None:
        raise errors.ActivityDoesNotExist(f"Activity Does Not Exist: '{name}'")
    return activity


@router.get("/activities", response=list[ActivityOut], tags=["activities"])
def activities_list(request):
    """Activities with the workers polling now and the tasks waiting for one."""
    return [_activity(a) for a in Activity.objects.filter(owner=request.user).order_by("name")]


@router.post("/activities", response={201: ActivityOut, 400: Error}, tags=["activities"])
def activities_create(request, payload: ActivityIn):
    activity = activities.activity_create(
        owner=request.user, region=settings.STATECRAFT_DEFAULT_REGION, name=payload.name.strip()
    )
    return Status(201, _activity(activity))


@router.delete("/activities/{name}", response={204: None, 404: Error}, tags=["activities"])
def activities_delete(request, name: str):
    activities.activity_delete(activity=_get_activity(request, name))
    return Status(204, None)


# ─── metrics ─────────────────────────────────────────────────────────────────────────────────


@router.get("/machines/{name}/metrics", response={200: dict, 400: Error, 404: Error}, tags=["machines"])
def machine_metrics(request, name: str, hours: int = 24):
    """Executions per status over time, duration p50/p95, slowest states, frequent failures."""
    if not 1 <= hours <= 24 * 30:
        raise errors.ValidationException("hours must be between 1 and 720")
    return metrics.machine_metrics(machine=get_machine(request, name), hours=hours)


# ─── access keys ─────────────────────────────────────────────────────────────────────────────


def _key(key: AccessKey) -> dict:
    return {"access_key_id": key.access_key_id, "enabled": key.enabled, "created": key.created}


@router.get("/access-keys", response=list[AccessKeyOut], tags=["access keys"])
def access_keys_list(request):
    """The signed-in user's keys for the AWS API; secrets are never listed."""
    return [_key(k) for k in AccessKey.objects.filter(user=request.user).order_by("-created")]


@router.post("/access-keys", response={201: AccessKeyCreated}, tags=["access keys"])
def access_keys_create(request):
    """A new key; the answer carries its secret, the only time it is shown."""
    key = access_keys.access_key_create(user=request.user)
    return Status(201, {**_key(key), "secret": key.secret})


@router.delete("/access-keys/{access_key_id}", response={204: None, 404: Error}, tags=["access keys"])
def access_keys_revoke(request, access_key_id: str):
    """Revoke a key: requests signed with it are refused from now on."""
    deleted, _ = AccessKey.objects.filter(user=request.user, access_key_id=access_key_id).delete()
    if not deleted:
        raise errors.ResourceNotFound(f"Access key {access_key_id} does not exist")
    return Status(204, None)
