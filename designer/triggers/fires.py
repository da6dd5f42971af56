"""Starting a trigger's execution and recording what came of it (`TriggerFire`), with retries.

A failed StartExecution keeps its fire row and is retried under the target's RetryPolicy
(MaximumRetryAttempts, MaximumEventAgeInSeconds); the tick that claims due fires is
`designer.triggers.ticks`.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from designer import errors, selectors
from designer.services import executions
from designer.triggers import arns as trigger_arns
from designer.triggers import expressions
from designer.triggers.models import FireStatus, Schedule, TriggerFire
from designer.triggers.schedules import DEFAULT_RETRY, UNIVERSAL_START_EXECUTION

logger = logging.getLogger(__name__)


class NotStarted(Exception):
    """StartExecution refused the request; the message is the reason shown on the fire."""


def start_execution(*, owner, arn: str, input: str, name: str | None = None):
    """Start the machine, version or alias `arn` as `owner`; NotStarted with the reason when refused."""
    try:
        target = selectors.target_get(owner=owner, arn=arn)
        execution, _ = executions.execution_start(state_machine=target, input=input, name=name, owner=owner)
    except errors.ServiceError as exc:
        raise NotStarted(f"{exc.code}: {exc.message}") from None
    except Exception as exc:  # an InvalidArn or similar: the reason is still worth showing
        raise NotStarted(f"{type(exc).__name__}: {exc}") from None
    return execution


def attempt(fire: TriggerFire, *, retry_policy: dict | None, now: datetime) -> TriggerFire:
    """Try StartExecution for `fire` (its target_arn and payload); update and save the row."""
    fire.attempts += 1
    try:
        with transaction.atomic():
            execution = start_execution(owner=fire.owner, arn=fire.target_arn, input=fire.payload)
    except NotStarted as exc:
        fire.reason = str(exc)
        policy = {**DEFAULT_RETRY, **(retry_policy or {})}
        first = fire.fire_time or fire.created or now
        age = (now - first).total_seconds()
        if fire.attempts > policy["MaximumRetryAttempts"] or age >= policy["MaximumEventAgeInSeconds"]:
            fire.status, fire.retry_at = FireStatus.FAILED, None
        else:
            fire.status = FireStatus.RETRYING
            fire.retry_at = now + timedelta(seconds=min(2 ** fire.attempts, 60))
    else:
        fire.status, fire.retry_at, fire.reason = FireStatus.STARTED, None, ""
        fire.execution_arn = execution.arn
    fire.save()
    return fire


def scheduler_input(schedule: Schedule, fire_time: datetime, attempt_number: int = 1) -> tuple[str, str]:
    """(state machine ARN, execution input) for a schedule's target, with Scheduler's context
    attributes (<aws.scheduler.scheduled-time> …) filled in."""
    target = schedule.target
    text = target.get("Input")
    arn = target.get("Arn", "")
    replacements = {
        "<aws.scheduler.schedule-arn>": trigger_arns.schedule_arn(schedule.group.region, schedule.group.name,
                                                                   schedule.name),
        "<aws.scheduler.scheduled-time>": fire_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "<aws.scheduler.execution-id>": f"{schedule.pk}-{int(fire_time.timestamp())}",
        "<aws.scheduler.attempt-number>": str(attempt_number),
    }
    for key, value in replacements.items():
        text = text.replace(key, value) if text else text
    if arn == UNIVERSAL_START_EXECUTION:
        try:
            request = json.loads(text or "{}")
        except ValueError:
            return "", "{}"
        inner = request.get("Input", "{}")
        return str(request.get("StateMachineArn", "")), inner if isinstance(inner, str) else json.dumps(inner)
    return arn, text if text else "{}"


def describe_next(expression: str, tz_name: str, *, count: int = 5, anchor: datetime | None = None,
                  end: datetime | None = None) -> list[datetime]:
    """The next `count` fire times of an expression, for previews."""
    return expressions.upcoming(expressions.parse(expression), after=timezone.now(), tz=expressions.zone(tz_name),
                                count=count, anchor=anchor, end=end)
