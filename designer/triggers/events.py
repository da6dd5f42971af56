"""EventBridge's writes and reads: event buses, rules, targets, PutEvents and delivery.

A rule matches events by its pattern (`designer.triggers.patterns`) or fires on a schedule
expression; each target is a state machine, version or alias started with the whole event as
input (AWS's default), a constant Input, an InputPath or an InputTransformer.
https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from jsonpath_ng import parse as jsonpath_parse
from jsonpath_ng.exceptions import JsonPathParserError

from designer.triggers import arns as trigger_arns
from designer.triggers import expressions, fires, patterns
from designer.triggers.errors import AlreadyExists, InvalidEventPattern, NotFound, ValidationError
from designer.triggers.models import EventBus, FireStatus, Rule, RuleTarget, TriggerFire

DEFAULT_BUS = "default"


def _bus_name(name_or_arn: str | None) -> str:
    value = name_or_arn or DEFAULT_BUS
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def bus_get(*, owner, region: str, name: str | None) -> EventBus:
    name = _bus_name(name)
    if name == DEFAULT_BUS:
        bus, _ = EventBus.objects.get_or_create(owner=owner, region=region, name=name)
        return bus
    bus = EventBus.objects.filter(owner=owner, region=region, name=name).first()
    if bus is None:
        raise NotFound(f"Event bus {name} does not exist.")
    return bus


def bus_create(*, owner, region: str, name: str, description: str = "", tags: list[dict] | None = None) -> EventBus:
    if name == DEFAULT_BUS or name.startswith("aws."):
        raise ValidationError(f"Event bus name {name} is reserved.")
    try:
        with transaction.atomic():
            return EventBus.objects.create(owner=owner, region=region, name=name, description=description,
                                           tags={t["Key"]: t["Value"] for t in tags or []})
    except IntegrityError:
        raise AlreadyExists(f"Event bus {name} already exists.") from None


def bus_delete(*, owner, region: str, name: str) -> None:
    if name == DEFAULT_BUS:
        raise ValidationError("Cannot delete event bus default.")
    bus = EventBus.objects.filter(owner=owner, region=region, name=name).first()
    if bus is not None:  # AWS: deleting a bus that does not exist is not an error
        bus.delete()


def bus_list(*, owner, region: str, prefix: str = ""):
    bus_get(owner=owner, region=region, name=DEFAULT_BUS)
    return EventBus.objects.filter(owner=owner, region=region, name__startswith=prefix).order_by("name")


def rule_get(*, owner, region: str, name: str, bus: str | None = None) -> Rule:
    bus_row = bus_get(owner=owner, region=region, name=bus)
    rule = Rule.objects.select_related("bus").filter(bus=bus_row, name=name).first()
    if rule is None:
        raise NotFound(f"Rule {name} does not exist on EventBus {bus_row.name}.")
    return rule


def check_pattern(text: str) -> dict:
    try:
        return patterns.load(text)
    except patterns.InvalidPattern as exc:
        raise InvalidEventPattern(str(exc)) from None


def plan_rule(rule: Rule, *, after: datetime) -> None:
    rule.next_fire = rule.due_at = None
    if rule.schedule_expression and rule.state == "ENABLED":
        parsed = expressions.parse(rule.schedule_expression, allow_at=False)
        rule.next_fire = rule.due_at = parsed.next_after(after, expressions.zone("UTC"), rule.anchor)


def rule_put(*, owner, region: str, name: str, bus: str | None = None, event_pattern: str | None = None,
             schedule_expression: str | None = None, state: str | None = None, description: str | None = None,
             role_arn: str | None = None, tags: list[dict] | None = None) -> Rule:
    """PutRule: create the rule or replace its settings."""
    if not event_pattern and not schedule_expression:
        raise ValidationError("Parameter(s) EventPattern or ScheduleExpression must be specified.")
    if event_pattern:
        check_pattern(event_pattern)
    bus_row = bus_get(owner=owner, region=region, name=bus)
    if schedule_expression:
        if bus_row.name != DEFAULT_BUS:
            raise ValidationError("ScheduleExpression is supported only on the default event bus.")
        try:
            expressions.parse(schedule_expression, allow_at=False)
        except expressions.InvalidExpression:
            raise ValidationError("Parameter ScheduleExpression is not valid.") from None
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(bus=bus_row, name=name).first()
        if rule is None:
            rule = Rule(bus=bus_row, name=name, anchor=now)
        if rule.schedule_expression != (schedule_expression or ""):
            rule.anchor = now
        rule.event_pattern = event_pattern or ""
        rule.schedule_expression = schedule_expression or ""
        rule.state = state or "ENABLED"
        if description is not None:
            rule.description = description
        if role_arn is not None:
            rule.role_arn = role_arn
        if tags:
            rule.tags = {**rule.tags, **{t["Key"]: t["Value"] for t in tags}}
        plan_rule(rule, after=now)
        rule.save()
    return rule


def rule_set_state(*, rule: Rule, state: str) -> Rule:
    rule.state = state
    plan_rule(rule, after=timezone.now())
    rule.save()
    return rule


def rule_delete(*, rule: Rule, force: bool = False) -> None:
    if rule.targets.exists():
        raise ValidationError("Rule can't be deleted since it has targets.")
    rule.delete()


def rule_list(*, owner, region: str, bus: str | None = None, prefix: str = ""):
    bus_row = bus_get(owner=owner, region=region, name=bus)
    return Rule.objects.select_related("bus").filter(bus=bus_row, name__startswith=prefix).order_by("name")


def rule_arn(rule: Rule) -> str:
    return trigger_arns.rule_arn(rule.bus.region, rule.bus.name, rule.name)


def _check_target(target: dict) -> str | None:
    members = [m for m in ("Input", "InputPath", "InputTransformer") if target.get(m) is not None]
    if len(members) > 1:
        return "Only one of Input, InputPath, or InputTransformer must be provided."
    if target.get("Input") is not None:
        try:
            json.loads(target["Input"])
        except ValueError:
            return "Input is not valid JSON."
    if target.get("InputPath") is not None:
        try:
            jsonpath_parse(target["InputPath"])
        except (JsonPathParserError, Exception):
            return "InputPath is not a valid JSONPath."
    transformer = target.get("InputTransformer")
    if transformer is not None:
        for key, path in (transformer.get("InputPathsMap") or {}).items():
            try:
                jsonpath_parse(path)
            except (JsonPathParserError, Exception):
                return f"InputPathsMap value for {key} is not a valid JSONPath."
    return None


def targets_put(*, rule: Rule, targets: list[dict]) -> list[dict]:
    """PutTargets; the FailedEntries AWS would report."""
    failed = []
    for target in targets:
        problem = _check_target(target)
        if problem:
            failed.append({"TargetId": target.get("Id"), "ErrorCode": "ValidationException", "ErrorMessage": problem})
            continue
        RuleTarget.objects.update_or_create(rule=rule, target_id=target["Id"],
                                            defaults={"arn": target["Arn"], "spec": target})
    return failed


def targets_remove(*, rule: Rule, ids: list[str]) -> list[dict]:
    rule.targets.filter(target_id__in=ids).delete()
    return []


# ─── events and delivery ────────────────────────────────────────────────────────────────────


def build_event(*, region: str, account: str, source: str, detail_type: str, detail: dict,
                resources: list[str] | None = None, time: datetime | None = None) -> dict:
    """An event in EventBridge's envelope."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": (time or timezone.now()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": resources or [],
        "detail": detail,
    }


def _json_path(event: dict, path: str):
    found = jsonpath_parse(path).find(event)
    if not found:
        return None
    return found[0].value if len(found) == 1 else [m.value for m in found]


def _transform(transformer: dict, event: dict, rule: Rule) -> str:
    """AWS InputTransformer: <name> placeholders inside a JSON string take the raw text, outside it the JSON."""
    values = {key: _json_path(event, path) for key, path in (transformer.get("InputPathsMap") or {}).items()}
    values.update({
        "aws.events.rule-arn": rule_arn(rule), "aws.events.rule-name": rule.name,
        "aws.events.event.ingestion-time": event.get("time"), "aws.events.event": event,
        "aws.events.event.json": event,
    })
    template = transformer.get("InputTemplate", "")
    out, inside, index = [], False, 0
    while index < len(template):
        char = template[index]
        if char == '"' and (index == 0 or template[index - 1] != "\\"):
            inside = not inside
        if char == "<":
            m = re.match(r"<([A-Za-z0-9_.\-]+)>", template[index:])
            if m and m[1] in values:
                value = values[m[1]]
                if inside:
                    text = value if isinstance(value, str) else json.dumps(value)
                    out.append(json.dumps(text)[1:-1])
                else:
                    out.append(json.dumps(value))
                index += len(m[0])
                continue
        out.append(char)
        index += 1
    return "".join(out)


def target_input(target: RuleTarget, event: dict, rule: Rule) -> str:
    spec = target.spec
    if spec.get("Input") is not None:
        return spec["Input"]
    if spec.get("InputPath") is not None:
        return json.dumps(_json_path(event, spec["InputPath"]))
    if spec.get("InputTransformer") is not None:
        return _transform(spec["InputTransformer"], event, rule)
    return json.dumps(event)  # AWS: by default the target receives the whole event


def deliver(rule: Rule, event: dict, *, now: datetime, claim_time: datetime | None = None) -> list[TriggerFire]:
    """Start every target of `rule` for `event`; one TriggerFire per target (the first one carries
    `claim_time` for a scheduled rule, so a second runtime's claim of the same fire fails)."""
    out = []
    targets = list(rule.targets.all())
    if not targets:
        targets_to_run = [None]
    else:
        targets_to_run = targets
    for index, target in enumerate(targets_to_run):
        fire = TriggerFire(kind="rule", owner=rule.bus.owner, rule=rule, trigger_name=rule.name,
                           fire_time=claim_time if index == 0 else None, event_id=event["id"],
                           status=FireStatus.RETRYING)
        if target is None:
            fire.status, fire.reason = FireStatus.FAILED, "The rule has no targets."
            with transaction.atomic():
                fire.save()
            out.append(fire)
            continue
        fire.target_arn = target.arn
        try:
            fire.payload = target_input(target, event, rule)
        except Exception as exc:  # a transformer that does not produce text: recorded, never raised
            fire.status, fire.reason = FireStatus.FAILED, f"Input could not be built: {exc}"
        with transaction.atomic():
            fire.save()  # for a scheduled rule's first target this insert is the claim
        if fire.status == FireStatus.FAILED:
            out.append(fire)
            continue
        if not target.arn.startswith("arn:aws:states:"):
            fire.status, fire.reason = FireStatus.FAILED, "Only Step Functions state machines run as targets here."
            fire.save()
        else:
            fires.attempt(fire, retry_policy=target.spec.get("RetryPolicy"), now=now)
        out.append(fire)
    return out


def deliver_scheduled(rule: Rule, fire_time: datetime, now: datetime) -> list[TriggerFire]:
    from django.conf import settings

    event = build_event(region=rule.bus.region, account=settings.STATECRAFT_ACCOUNT_ID, source="aws.events",
                        detail_type="Scheduled Event", detail={}, resources=[rule_arn(rule)], time=fire_time)
    return deliver(rule, event, now=now, claim_time=fire_time)


def publish(*, bus: EventBus, event: dict) -> list[TriggerFire]:
    """Match `event` against the bus's enabled pattern rules and deliver it to each match."""
    now = timezone.now()
    delivered = []
    for rule in bus.rules.filter(state__startswith="ENABLED").exclude(event_pattern="").select_related("bus"):
        try:
            pattern = json.loads(rule.event_pattern)
        except ValueError:
            continue
        if patterns.matches(pattern, event):
            delivered.extend(deliver(rule, event, now=now))
    return delivered


def put_events(*, owner, region: str, account: str, entries: list[dict]) -> dict:
    """PutEvents: validate each entry, publish it, answer {FailedEntryCount, Entries} as AWS does."""
    results, failed = [], 0
    for entry in entries:
        problem = None
        detail = None
        for member in ("Source", "DetailType", "Detail"):
            if not entry.get(member):
                problem = ("InvalidArgument", f"Parameter {member} is not valid. Reason: {member} is a required "
                                              "argument.")
                break
        if problem is None:
            try:
                detail = json.loads(entry["Detail"])
                if not isinstance(detail, dict):
                    raise ValueError("Detail must be a JSON object")
            except ValueError:
                problem = ("MalformedDetail", "Detail is malformed.")
        if problem is None and entry["Source"].startswith("aws."):
            problem = ("NotAuthorizedForSourceException", "Not authorized for the source.")
        bus = None
        if problem is None:
            try:
                bus = bus_get(owner=owner, region=region, name=entry.get("EventBusName"))
            except NotFound as exc:
                problem = ("InvalidArgument", exc.message)
        if problem is not None:
            failed += 1
            results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
            continue
        time = entry.get("Time")
        event = build_event(region=region, account=account, source=entry["Source"], detail_type=entry["DetailType"],
                            detail=detail, resources=entry.get("Resources") or [],
                            time=time if isinstance(time, datetime) else None)
        publish(bus=bus, event=event)
        results.append({"EventId": event["id"]})
    return {"FailedEntryCount": failed, "Entries": results}


def test_pattern(pattern_text: str, event_text: str) -> bool:
    """TestEventPattern."""
    pattern = check_pattern(pattern_text)
    try:
        event = json.loads(event_text)
    except ValueError:
        raise ValidationError("Parameter Event is not valid.") from None
    missing = [f for f in ("id", "account", "source", "time", "region", "detail-type") if f not in event]
    if not isinstance(event, dict) or missing:
        raise ValidationError(f"Parameter Event is not valid. Reason: Provided Event is missing required fields: "
                              f"{', '.join(missing)}")
    return patterns.matches(pattern, event)


def recent_cutoff(minutes: int) -> datetime:
    return timezone.now() - timedelta(minutes=minutes)
