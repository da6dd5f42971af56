"""EventBridge Scheduler's writes and reads: schedule groups and schedules.

https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Operations.html
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from designer.triggers import expressions
from designer.triggers.errors import Conflict, NotFound, ValidationError
from designer.triggers.models import Schedule, ScheduleGroup

DEFAULT_GROUP = "default"
# AWS: RetryPolicy defaults.
DEFAULT_RETRY = {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
UNIVERSAL_START_EXECUTION = "arn:aws:scheduler:::aws-sdk:sfn:startExecution"


def group_get(*, owner, region: str, name: str | None, create_default: bool = True) -> ScheduleGroup:
    name = name or DEFAULT_GROUP
    if name == DEFAULT_GROUP and create_default:
        group, _ = ScheduleGroup.objects.get_or_create(owner=owner, region=region, name=name)
        return group
    group = ScheduleGroup.objects.filter(owner=owner, region=region, name=name).first()
    if group is None:
        raise NotFound(f"Schedule group {name} does not exist.")
    return group


def group_create(*, owner, region: str, name: str, tags: list[dict] | None = None) -> ScheduleGroup:
    try:
        with transaction.atomic():
            return ScheduleGroup.objects.create(
                owner=owner, region=region, name=name, tags={t["Key"]: t["Value"] for t in tags or []}
            )
    except IntegrityError:
        raise Conflict(f"Schedule group {name} already exists.") from None


def group_delete(*, owner, region: str, name: str) -> None:
    if name == DEFAULT_GROUP:
        raise ValidationError("Cannot delete the default schedule group.")
    group_get(owner=owner, region=region, name=name).delete()


def group_list(*, owner, region: str, prefix: str = ""):
    group_get(owner=owner, region=region, name=DEFAULT_GROUP)
    return ScheduleGroup.objects.filter(owner=owner, region=region, name__startswith=prefix).order_by("name")


def schedule_get(*, owner, region: str, name: str, group: str | None = None) -> Schedule:
    found = Schedule.objects.select_related("group").filter(
        group__owner=owner, group__region=region, group__name=group or DEFAULT_GROUP, name=name
    ).first()
    if found is None:
        raise NotFound(f"Schedule {name} does not exist.")
    return found


def schedule_list(*, owner, region: str, group: str | None = None, prefix: str = "", state: str | None = None):
    rows = Schedule.objects.select_related("group").filter(group__owner=owner, group__region=region)
    if group:
        rows = rows.filter(group__name=group)
    if prefix:
        rows = rows.filter(name__startswith=prefix)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("group__name", "name")


def _parse_expression(text: str) -> expressions.At | expressions.Rate | expressions.Cron:
    try:
        return expressions.parse(text)
    except expressions.InvalidExpression as exc:
        raise ValidationError(f"Invalid Schedule Expression {text}. {exc}") from None


def _aware(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"Invalid date: {value}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check(fields: dict, now: datetime) -> dict:
    """Validate CreateSchedule/UpdateSchedule members; return the model fields they set."""
    expression = fields["ScheduleExpression"]
    parsed = _parse_expression(expression)
    try:
        expressions.zone(fields.get("ScheduleExpressionTimezone"))
    except expressions.InvalidExpression:
        raise ValidationError(
            f"Invalid ScheduleExpressionTimezone: {fields.get('ScheduleExpressionTimezone')}"
        ) from None
    start, end = _aware(fields.get("StartDate")), _aware(fields.get("EndDate"))
    if start and end and end <= start:
        raise ValidationError("The EndDate must be after the StartDate.")
    if end and end <= now:
        raise ValidationError("The EndDate must be in the future.")
    if start and start < now - timedelta(minutes=5):
        raise ValidationError("The StartDate must not be earlier than 5 minutes ago.")
    window = fields["FlexibleTimeWindow"]
    if window.get("Mode") == "FLEXIBLE" and not window.get("MaximumWindowInMinutes"):
        raise ValidationError("MaximumWindowInMinutes must be provided when FlexibleTimeWindow Mode is FLEXIBLE.")
    if window.get("Mode") == "OFF" and window.get("MaximumWindowInMinutes"):
        raise ValidationError("MaximumWindowInMinutes must not be provided when FlexibleTimeWindow Mode is OFF.")
    target = dict(fields["Target"])
    if not (target.get("Arn", "").startswith("arn:aws:states:") or target.get("Arn") == UNIVERSAL_START_EXECUTION):
        raise ValidationError("This server runs Step Functions targets only: Target.Arn must be a state machine, "
                              f"version or alias ARN, or {UNIVERSAL_START_EXECUTION}.")
    return {
        "description": fields.get("Description", ""),
        "expression": expression,
        "timezone": fields.get("ScheduleExpressionTimezone") or "",
        "start_date": start,
        "end_date": end,
        "state": fields.get("State") or "ENABLED",
        "flexible_window": window,
        "target": target,
        "target_arn": _state_machine_arn(target),
        "action_after_completion": fields.get("ActionAfterCompletion") or "NONE",
        "kms_key_arn": fields.get("KmsKeyArn") or "",
        "anchor": start or now,
        "_parsed": parsed,
    }


def _state_machine_arn(target: dict) -> str:
    if target.get("Arn") != UNIVERSAL_START_EXECUTION:
        return target.get("Arn", "")
    import json

    try:
        return str(json.loads(target.get("Input") or "{}").get("StateMachineArn", ""))
    except (ValueError, AttributeError):
        return ""


def plan_next(schedule: Schedule, *, after: datetime) -> None:
    """Set next_fire (the nominal time) and due_at (when to invoke) from `after`; None when done."""
    parsed = expressions.parse(schedule.expression)
    tz = expressions.zone(schedule.timezone)
    after = max(after, schedule.start_date - timedelta(microseconds=1)) if schedule.start_date else after
    moment = None
    if schedule.state == "ENABLED":
        moment = parsed.next_after(after, tz, schedule.anchor)
        if moment is not None and schedule.end_date is not None and moment > schedule.end_date:
            moment = None
    schedule.next_fire = moment
    schedule.due_at = None
    if moment is not None:
        window = schedule.flexible_window or {}
        spread = window.get("MaximumWindowInMinutes") if window.get("Mode") == "FLEXIBLE" else 0
        schedule.due_at = moment + timedelta(seconds=random.uniform(0, (spread or 0) * 60))


def _apply(schedule: Schedule, fields: dict, now: datetime) -> None:
    fields.pop("_parsed")
    for key, value in fields.items():
        setattr(schedule, key, value)
    # A new schedule (or a changed one) first fires after now; an at() in the past never fires.
    plan_next(schedule, after=now - timedelta(microseconds=1) if schedule.expression.startswith("rate") else now)


def schedule_create(*, owner, region: str, name: str, fields: dict) -> Schedule:
    now = timezone.now().replace(microsecond=0)
    group = group_get(owner=owner, region=region, name=fields.get("GroupName"))
    values = _check(fields, now)
    schedule = Schedule(group=group, name=name)
    _apply(schedule, values, now)
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError:
        raise Conflict(f"Schedule {name} already exists.") from None
    return schedule


def schedule_update(*, owner, region: str, name: str, fields: dict) -> Schedule:
    """UpdateSchedule replaces every member, as AWS's does (omitted ones return to defaults)."""
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        schedule = schedule_get(owner=owner, region=region, name=name, group=fields.get("GroupName"))
        schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
        values = _check(fields, now)
        if values["expression"] == schedule.expression and not fields.get("StartDate"):
            values["anchor"] = schedule.anchor  # the same rate keeps its rhythm
        _apply(schedule, values, now)
        schedule.save()
    return schedule


def schedule_set_state(*, schedule: Schedule, state: str) -> Schedule:
    now = timezone.now()
    schedule.state = state
    plan_next(schedule, after=now)
    schedule.save()
    return schedule


def schedule_delete(*, owner, region: str, name: str, group: str | None = None) -> None:
    schedule_get(owner=owner, region=region, name=name, group=group).delete()
