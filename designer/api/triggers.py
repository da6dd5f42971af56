"""The studio REST API for a machine's Triggers tab: its schedules, rules and webhooks, and every
fire, matched event and webhook call with its result. Mounted on the studio API (`designer.api`) by `install`.
Writes go through `designer.triggers` services; errors are `{"detail": "…"}` with a 4xx status.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from ninja import Router, Schema, Status

from designer import errors, selectors
from designer.models import Rule, Schedule, StateMachine, TriggerFire, Webhook
from designer.services import machines
from designer.triggers import arns as trigger_arns
from designer.triggers import events, expressions, schedules, webhooks
from designer.triggers.describe import describe
from designer.triggers.errors import NotFound, TriggerError, ValidationError

router = Router(tags=["triggers"])
NEXT_FIRES = 5
RECENT_FIRES = 50


class Error(Schema):
    detail: str


class PreviewIn(Schema):
    expression: str
    timezone: str = ""


class ScheduleIn(Schema):
    name: str
    expression: str
    timezone: str = ""
    input: Any = None
    state: str = "ENABLED"
    description: str = ""
    flexible_window_minutes: int | None = None


class RuleIn(Schema):
    name: str
    event_pattern: Any = None
    schedule_expression: str = ""
    input: Any = None
    state: str = "ENABLED"
    description: str = ""
    bus: str = "default"


class WebhookIn(Schema):
    name: str
    signature_header: str = ""
    signature_secret: str = ""
    rate_limit_per_minute: int = 60
    enabled: bool = True


class StateIn(Schema):
    enabled: bool


def install(api) -> None:
    """Mount the router on the studio API and turn TriggerErrors into `{"detail"}` answers."""
    api.add_router("", router)

    @api.exception_handler(TriggerError)
    def trigger_error(request, exc: TriggerError):
        status = 404 if isinstance(exc, NotFound) else 409 if exc.http_status == 409 else 400
        return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=status)


def _machine(request, name: str) -> StateMachine:
    try:
        return selectors.state_machine_by_name(owner=request.user, name=name)
    except errors.ServiceError as exc:
        raise NotFound(exc.message) from None


def _input_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise ValidationError("The input must be JSON.") from None
        return value
    return json.dumps(value)


def _targets(machine: StateMachine) -> Q:
    return Q(target_arn=machine.arn) | Q(target_arn__startswith=machine.arn + ":")


def _upcoming(schedule: Schedule) -> list[datetime]:
    if schedule.state != "ENABLED":
        return []
    try:
        tz = expressions.zone(schedule.timezone)
        parsed = expressions.parse(schedule.expression)
    except expressions.InvalidExpression:
        return []
    after = max(timezone.now(), schedule.start_date) if schedule.start_date else timezone.now()
    times = expressions.upcoming(parsed, after=after, tz=tz, count=NEXT_FIRES, anchor=schedule.anchor,
                                 end=schedule.end_date)
    return [t.astimezone(tz) for t in times]


def _schedule(schedule: Schedule) -> dict:
    return {
        "id": schedule.pk, "name": schedule.name, "group": schedule.group.name,
        "arn": trigger_arns.schedule_arn(schedule.group.region, schedule.group.name, schedule.name),
        "expression": schedule.expression, "timezone": schedule.timezone or "UTC", "state": schedule.state,
        "description": schedule.description, "summary": describe(schedule.expression, schedule.timezone),
        "next": [t.isoformat() for t in _upcoming(schedule)], "input": schedule.target.get("Input"),
        "target": schedule.target.get("Arn"),
        "flexible_window_minutes": (schedule.flexible_window or {}).get("MaximumWindowInMinutes"),
    }


def _rule(rule: Rule, machine: StateMachine) -> dict:
    target = rule.targets.filter(Q(arn=machine.arn) | Q(arn__startswith=machine.arn + ":")).first()
    return {
        "id": rule.pk, "name": rule.name, "bus": rule.bus.name, "arn": events.rule_arn(rule), "state": rule.state,
        "event_pattern": rule.event_pattern or None, "schedule_expression": rule.schedule_expression or None,
        "summary": describe(rule.schedule_expression) if rule.schedule_expression else None,
        "description": rule.description, "input": target.spec.get("Input") if target else None,
        "targets": [t.target_id for t in rule.targets.all()],
    }


def _webhook(request, hook: Webhook) -> dict:
    return {
        "id": hook.pk, "name": hook.name, "url": request.build_absolute_uri(webhooks.path_for(hook)),
        "alias": hook.alias.name if hook.alias else None, "enabled": hook.enabled,
        "signature_header": hook.signature_header, "signed": bool(hook.signature_secret),
        "rate_limit_per_minute": hook.rate_limit_per_minute,
    }


def _fire(fire: TriggerFire) -> dict:
    return {
        "id": fire.pk, "kind": fire.kind, "trigger": fire.trigger_name, "status": fire.status,
        "time": (fire.fire_time or fire.created).isoformat(), "recorded": fire.created.isoformat(),
        "execution_arn": fire.execution_arn or None, "reason": fire.reason or None, "attempts": fire.attempts,
        "event_id": fire.event_id or None,
    }


@router.get("/machines/{name}/triggers", response={200: dict, 404: Error})
def triggers_list(request, name: str):
    machine = _machine(request, name)
    schedule_rows = Schedule.objects.select_related("group").filter(
        _targets(machine), group__owner=request.user, group__region=machine.region)
    rule_rows = Rule.objects.select_related("bus").filter(
        Q(targets__arn=machine.arn) | Q(targets__arn__startswith=machine.arn + ":"),
        bus__owner=request.user, bus__region=machine.region).distinct()
    fire_rows = TriggerFire.objects.filter(_targets(machine) | Q(webhook__machine=machine), owner=request.user)
    return {
        "machine": machine.name,
        "schedules": [_schedule(s) for s in schedule_rows],
        "rules": [_rule(r, machine) for r in rule_rows],
        "webhooks": [_webhook(request, w) for w in machine.webhooks.select_related("alias")],
        "fires": [_fire(f) for f in fire_rows[:RECENT_FIRES]],
    }


@router.post("/triggers/preview", response={200: dict, 400: Error})
def preview(request, payload: PreviewIn):
    try:
        parsed = expressions.parse(payload.expression)
        tz = expressions.zone(payload.timezone)
    except expressions.InvalidExpression as exc:
        return Status(400, {"detail": str(exc)})
    now = timezone.now().replace(microsecond=0)
    times = expressions.upcoming(parsed, after=now, tz=tz, count=NEXT_FIRES, anchor=now)
    return {"summary": describe(payload.expression, payload.timezone),
            "next": [t.astimezone(tz).isoformat() for t in times]}


def _schedule_fields(machine: StateMachine, payload: ScheduleIn) -> dict:
    target = {"Arn": machine.arn, "RoleArn": machine.role_arn or machines.default_role_arn()}
    text = _input_text(payload.input)
    if text is not None:
        target["Input"] = text
    window = ({"Mode": "FLEXIBLE", "MaximumWindowInMinutes": payload.flexible_window_minutes}
              if payload.flexible_window_minutes else {"Mode": "OFF"})
    fields = {"ScheduleExpression": payload.expression, "FlexibleTimeWindow": window, "Target": target,
              "State": payload.state, "Description": payload.description}
    if payload.timezone:
        fields["ScheduleExpressionTimezone"] = payload.timezone
    return fields


def _own_schedule(request, machine: StateMachine, schedule_id: int) -> Schedule:
    found = Schedule.objects.select_related("group").filter(
        _targets(machine), pk=schedule_id, group__owner=request.user).first()
    if found is None:
        raise NotFound(f"Schedule {schedule_id} does not exist.")
    return found


@router.post("/machines/{name}/triggers/schedules", response={201: dict, 400: Error, 404: Error, 409: Error})
def schedule_create(request, name: str, payload: ScheduleIn):
    machine = _machine(request, name)
    schedule = schedules.schedule_create(owner=request.user, region=machine.region, name=payload.name,
                                         fields=_schedule_fields(machine, payload))
    return Status(201, _schedule(schedule))


@router.put("/machines/{name}/triggers/schedules/{schedule_id}", response={200: dict, 400: Error, 404: Error})
def schedule_update(request, name: str, schedule_id: int, payload: ScheduleIn):
    machine = _machine(request, name)
    schedule = _own_schedule(request, machine, schedule_id)
    if payload.name != schedule.name:
        raise ValidationError("A schedule cannot be renamed; create a new one.")
    fields = {**_schedule_fields(machine, payload), "GroupName": schedule.group.name}
    return _schedule(schedules.schedule_update(owner=request.user, region=machine.region, name=schedule.name,
                                               fields=fields))


@router.post("/machines/{name}/triggers/schedules/{schedule_id}/state", response={200: dict, 404: Error})
def schedule_state(request, name: str, schedule_id: int, payload: StateIn):
    schedule = _own_schedule(request, _machine(request, name), schedule_id)
    return _schedule(schedules.schedule_set_state(schedule=schedule, state="ENABLED" if payload.enabled else
                                                  "DISABLED"))


@router.delete("/machines/{name}/triggers/schedules/{schedule_id}", response={204: None, 404: Error})
def schedule_delete(request, name: str, schedule_id: int):
    _own_schedule(request, _machine(request, name), schedule_id).delete()
    return Status(204, None)


def _own_rule(request, machine: StateMachine, rule_id: int) -> Rule:
    found = Rule.objects.select_related("bus").filter(pk=rule_id, bus__owner=request.user).first()
    if found is None:
        raise NotFound(f"Rule {rule_id} does not exist.")
    return found


def _put_rule(request, machine: StateMachine, payload: RuleIn) -> Rule:
    pattern = payload.event_pattern
    if pattern is not None and not isinstance(pattern, str):
        pattern = json.dumps(pattern)
    rule = events.rule_put(owner=request.user, region=machine.region, name=payload.name, bus=payload.bus,
                           event_pattern=pattern or None, schedule_expression=payload.schedule_expression or None,
                           state=payload.state, description=payload.description)
    target = {"Id": f"statecraft-{machine.name}", "Arn": machine.arn,
              "RoleArn": machine.role_arn or machines.default_role_arn()}
    text = _input_text(payload.input)
    if text is not None:
        target["Input"] = text
    events.targets_put(rule=rule, targets=[target])
    return rule


@router.post("/machines/{name}/triggers/rules", response={201: dict, 400: Error, 404: Error})
def rule_create(request, name: str, payload: RuleIn):
    machine = _machine(request, name)
    if Rule.objects.filter(bus__owner=request.user, bus__region=machine.region, bus__name=payload.bus,
                           name=payload.name).exists():
        raise ValidationError(f"Rule {payload.name} already exists on EventBus {payload.bus}.")
    return Status(201, _rule(_put_rule(request, machine, payload), machine))


@router.put("/machines/{name}/triggers/rules/{rule_id}", response={200: dict, 400: Error, 404: Error})
def rule_update(request, name: str, rule_id: int, payload: RuleIn):
    machine = _machine(request, name)
    rule = _own_rule(request, machine, rule_id)
    if (payload.name, payload.bus) != (rule.name, rule.bus.name):
        raise ValidationError("A rule cannot be renamed or moved; create a new one.")
    return _rule(_put_rule(request, machine, payload), machine)


@router.post("/machines/{name}/triggers/rules/{rule_id}/state", response={200: dict, 404: Error})
def rule_state(request, name: str, rule_id: int, payload: StateIn):
    machine = _machine(request, name)
    rule = events.rule_set_state(rule=_own_rule(request, machine, rule_id),
                                 state="ENABLED" if payload.enabled else "DISABLED")
    return _rule(rule, machine)


@router.delete("/machines/{name}/triggers/rules/{rule_id}", response={204: None, 404: Error})
def rule_delete(request, name: str, rule_id: int):
    rule = _own_rule(request, _machine(request, name), rule_id)
    rule.targets.all().delete()
    events.rule_delete(rule=rule)
    return Status(204, None)


def _own_webhook(request, machine: StateMachine, webhook_id: int) -> Webhook:
    found = machine.webhooks.select_related("alias").filter(pk=webhook_id).first()
    if found is None:
        raise NotFound(f"Webhook {webhook_id} does not exist.")
    return found


@router.post("/machines/{name}/triggers/webhooks", response={201: dict, 400: Error, 404: Error, 409: Error})
def webhook_create(request, name: str, payload: WebhookIn):
    machine = _machine(request, name)
    if bool(payload.signature_header) != bool(payload.signature_secret):
        raise ValidationError("Give both a signature header and a secret, or neither.")
    hook = webhooks.webhook_create(machine=machine, name=payload.name, signature_header=payload.signature_header,
                                   signature_secret=payload.signature_secret,
                                   rate_limit_per_minute=payload.rate_limit_per_minute)
    if not payload.enabled:
        webhooks.webhook_update(webhook=hook, enabled=False)
    return Status(201, _webhook(request, hook))


@router.put("/machines/{name}/triggers/webhooks/{webhook_id}", response={200: dict, 400: Error, 404: Error})
def webhook_update(request, name: str, webhook_id: int, payload: WebhookIn):
    hook = _own_webhook(request, _machine(request, name), webhook_id)
    secret = payload.signature_secret or (hook.signature_secret if payload.signature_header else "")
    hook = webhooks.webhook_update(webhook=hook, name=payload.name, signature_header=payload.signature_header,
                                   signature_secret=secret, rate_limit_per_minute=payload.rate_limit_per_minute,
                                   enabled=payload.enabled)
    return _webhook(request, hook)


@router.post("/machines/{name}/triggers/webhooks/{webhook_id}/state", response={200: dict, 404: Error})
def webhook_state(request, name: str, webhook_id: int, payload: StateIn):
    hook = _own_webhook(request, _machine(request, name), webhook_id)
    return _webhook(request, webhooks.webhook_update(webhook=hook, enabled=payload.enabled))


@router.delete("/machines/{name}/triggers/webhooks/{webhook_id}", response={204: None, 404: Error})
def webhook_delete(request, name: str, webhook_id: int):
    _own_webhook(request, _machine(request, name), webhook_id).delete()
    return Status(204, None)
