"""The scheduler's tick: claim each due fire exactly once and run it.

A schedule's fire inserts its `TriggerFire` (schedule, fire_time) row and starts the execution in
one transaction: a unique constraint lets one runtime win, and a crash before commit leaves the
fire unclaimed for the next tick (or the next life of the server). A fire missed while the
server was down is made up for while it is younger than MaximumEventAgeInSeconds (plus the
flexible window), otherwise recorded as SKIPPED. Scheduled rules are claimed the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from designer.triggers import events, fires
from designer.triggers.models import FireStatus, Rule, Schedule, TriggerFire
from designer.triggers.schedules import DEFAULT_RETRY, plan_next

# At most this many missed fires of one schedule are made up for or recorded one by one per tick.
MAX_CATCH_UP = 100


def fire_schedule(schedule_id: int, *, now: datetime | None = None) -> TriggerFire | None:
    """Claim and run `schedule`'s due fire; None when it is not due or another runtime has it."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            schedule = Schedule.objects.select_related("group", "group__owner").filter(pk=schedule_id).first()
            if schedule is None or schedule.due_at is None or schedule.due_at > now or schedule.state != "ENABLED":
                return None
            fire_time = schedule.next_fire
            fire = _fire_one(schedule, fire_time, now)
            plan_next(schedule, after=fire_time)
            if schedule.next_fire is None and schedule.action_after_completion == "DELETE":
                schedule.delete()
            else:
                schedule.save(update_fields=["next_fire", "due_at", "updated"])
            return fire
    except IntegrityError:  # another runtime claimed this fire first
        return None


def _fire_one(schedule: Schedule, fire_time: datetime, now: datetime) -> TriggerFire:
    policy = {**DEFAULT_RETRY, **(schedule.target.get("RetryPolicy") or {})}
    arn, payload = fires.scheduler_input(schedule, fire_time)
    fire = TriggerFire(kind="schedule", owner=schedule.group.owner, schedule=schedule, trigger_name=schedule.name,
                       target_arn=arn, fire_time=fire_time, payload=payload, status=FireStatus.RETRYING)
    late = (now - fire_time).total_seconds()
    window = (schedule.flexible_window or {}).get("MaximumWindowInMinutes") or 0
    if late > policy["MaximumEventAgeInSeconds"] + window * 60:
        fire.status = FireStatus.SKIPPED
        fire.reason = (f"Missed while the server was not running ({int(late)} s late, more than "
                       f"MaximumEventAgeInSeconds {policy['MaximumEventAgeInSeconds']}).")
        with transaction.atomic():
            fire.save()
        return fire
    with transaction.atomic():
        fire.save()  # the claim: a second runtime's insert of (schedule, fire_time) fails here
    return fires.attempt(fire, retry_policy=policy, now=now)


def fire_rule_schedule(rule_id: int, *, now: datetime | None = None) -> list[TriggerFire]:
    """A scheduled rule's fire: one `Scheduled Event` to its targets, claimed once like a schedule's."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            rule = Rule.objects.select_related("bus", "bus__owner").filter(pk=rule_id).first()
            if rule is None or rule.due_at is None or rule.due_at > now or rule.state != "ENABLED":
                return []
            fire_time = rule.next_fire
            # The first target's fire row carries fire_time: that insert is the claim.
            fires = events.deliver_scheduled(rule, fire_time, now)
            events.plan_rule(rule, after=fire_time)
            rule.save(update_fields=["next_fire", "due_at", "updated"])
            return fires
    except IntegrityError:
        return []


def retry_due(*, now: datetime) -> int:
    """Attempt again every RETRYING fire whose backoff has passed."""
    count = 0
    for fire_id in TriggerFire.objects.filter(status=FireStatus.RETRYING, retry_at__lte=now).values_list(
            "pk", flat=True)[:MAX_CATCH_UP]:
        with transaction.atomic():
            # No select_related here: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
            fire = TriggerFire.objects.select_for_update().filter(pk=fire_id, status=FireStatus.RETRYING).first()
            if fire is None:
                continue
            policy = (fire.schedule.target.get("RetryPolicy") if fire.schedule else None) or {}
            fires.attempt(fire, retry_policy=policy, now=now)
            count += 1
    return count


def run_due(*, now: datetime | None = None) -> int:
    """One scheduler tick: every due schedule fire (catching up missed ones), scheduled rule and retry."""
    now = now or timezone.now()
    count = 0
    for schedule_id in Schedule.objects.filter(state="ENABLED", due_at__lte=now).values_list("pk", flat=True):
        for _ in range(MAX_CATCH_UP):
            if fire_schedule(schedule_id, now=now) is None:
                break
            count += 1
        else:
            _skip_backlog(schedule_id, now)
    for rule_id in Rule.objects.filter(state="ENABLED", due_at__lte=now).values_list("pk", flat=True):
        count += len(fire_rule_schedule(rule_id, now=now))
    count += retry_due(now=now)
    return count


def _skip_backlog(schedule_id: int, now: datetime) -> None:
    """More than MAX_CATCH_UP fires missed: record one SKIPPED row for the rest and move on."""
    with transaction.atomic():
        schedule = Schedule.objects.select_for_update().select_related("group").filter(pk=schedule_id).first()
        if schedule is None or schedule.next_fire is None or schedule.next_fire > now:
            return
        first = schedule.next_fire
        policy = {**DEFAULT_RETRY, **(schedule.target.get("RetryPolicy") or {})}
        resume = now - timedelta(seconds=policy["MaximumEventAgeInSeconds"])
        plan_next(schedule, after=max(resume, first))
        try:
            with transaction.atomic():
                TriggerFire.objects.create(
                    kind="schedule", owner=schedule.group.owner, schedule=schedule, trigger_name=schedule.name,
                    target_arn=schedule.target_arn, fire_time=first, status=FireStatus.SKIPPED,
                    reason=f"Fires from {first.isoformat()} were missed while the server was not running.")
        except IntegrityError:
            pass
        schedule.save(update_fields=["next_fire", "due_at", "updated"])
