"""The EventBridge API (JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`) for the default bus and
custom buses, so that `boto3.client("events", endpoint_url=…)` works. Shapes come from botocore's
model of `events`; the logic lives in `designer.triggers.events`.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpResponse

from designer import auth
from designer.aws_api import shapes
from designer.triggers import arns as trigger_arns
from designer.triggers import events
from designer.triggers.errors import TriggerError

logger = logging.getLogger(__name__)
TARGET_PREFIX = "AWSEvents."
MAX_REQUEST_BYTES = 1024 * 1024
CONTENT_TYPE = "application/x-amz-json-1.1"


def _error(code: str, message: str, status: int = 400) -> HttpResponse:
    response = HttpResponse(json.dumps({"__type": code, "message": message}), status=status,
                            content_type=CONTENT_TYPE)
    response["x-amzn-ErrorType"] = f"{code}:"
    return response


def handle(request) -> HttpResponse:
    """Serve one EventBridge request; every failure is an AWS-shaped 4xx (or 500 without a trace)."""
    try:
        return _handle(request)
    except TriggerError as exc:
        return _error(exc.code, exc.message)
    except auth.AuthError as exc:
        return _error(exc.code, exc.message, exc.http_status)
    except Exception:
        logger.exception("EventBridge request failed")
        return _error("InternalException", "The request processing has failed because of an unknown error.", 500)


def _handle(request) -> HttpResponse:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        return _error("ValidationException", "Request payload size exceeds the limit", 413)
    identity = auth.authenticate(request)
    operation = request.META.get("HTTP_X_AMZ_TARGET", "")[len(TARGET_PREFIX):]
    if operation not in OPERATIONS:
        return _error("UnknownOperationException", f"The operation {operation} is not supported by this server.")
    try:
        params = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _error("SerializationException", "Start of structure or map found where not expected.")
    if not isinstance(params, dict):
        return _error("SerializationException", "Start of structure or map found where not expected.")
    problem, type_problem = shapes.check_request(operation, params, service="events")
    if type_problem:
        return _error("SerializationException", type_problem)
    if problem:
        return _error("ValidationException", problem)
    body = OPERATIONS[operation](identity.user, identity.region, params)
    return HttpResponse(json.dumps(body, default=_encode), content_type=CONTENT_TYPE)


def _encode(value):
    return value.timestamp()


def _bus_out(bus) -> dict:
    out = {"Name": bus.name, "Arn": trigger_arns.event_bus_arn(bus.region, bus.name),
           "CreationTime": bus.created, "LastModifiedTime": bus.created}
    if bus.description:
        out["Description"] = bus.description
    return out


def _rule_out(rule) -> dict:
    out = {"Name": rule.name, "Arn": events.rule_arn(rule), "State": rule.state,
           "EventBusName": rule.bus.name, "CreatedBy": settings.STATECRAFT_ACCOUNT_ID}
    for key, value in (("EventPattern", rule.event_pattern), ("ScheduleExpression", rule.schedule_expression),
                       ("Description", rule.description), ("RoleArn", rule.role_arn)):
        if value:
            out[key] = value
    return out


def _page(items: list, params: dict) -> tuple[list, dict]:
    start = int(params.get("NextToken") or 0) if str(params.get("NextToken") or "0").isdigit() else 0
    limit = params.get("Limit") or 100
    chunk = items[start:start + limit]
    extra = {"NextToken": str(start + limit)} if start + limit < len(items) else {}
    return chunk, extra


def put_events(user, region, p):
    return events.put_events(owner=user, region=region, account=settings.STATECRAFT_ACCOUNT_ID, entries=p["Entries"])


def put_rule(user, region, p):
    rule = events.rule_put(owner=user, region=region, name=p["Name"], bus=p.get("EventBusName"),
                           event_pattern=p.get("EventPattern"), schedule_expression=p.get("ScheduleExpression"),
                           state=p.get("State"), description=p.get("Description"), role_arn=p.get("RoleArn"),
                           tags=p.get("Tags"))
    return {"RuleArn": events.rule_arn(rule)}


def _rule(user, region, p, name_key="Name"):
    return events.rule_get(owner=user, region=region, name=p[name_key], bus=p.get("EventBusName"))


def describe_rule(user, region, p):
    return _rule_out(_rule(user, region, p))


def list_rules(user, region, p):
    rules, extra = _page(list(events.rule_list(owner=user, region=region, bus=p.get("EventBusName"),
                                               prefix=p.get("NamePrefix") or "")), p)
    return {"Rules": [_rule_out(r) for r in rules], **extra}


def delete_rule(user, region, p):
    try:
        rule = _rule(user, region, p)
    except TriggerError:
        return {}  # AWS: deleting a rule that does not exist succeeds
    events.rule_delete(rule=rule, force=bool(p.get("Force")))
    return {}


def enable_rule(user, region, p):
    events.rule_set_state(rule=_rule(user, region, p), state="ENABLED")
    return {}


def disable_rule(user, region, p):
    events.rule_set_state(rule=_rule(user, region, p), state="DISABLED")
    return {}


def put_targets(user, region, p):
    failed = events.targets_put(rule=_rule(user, region, p, "Rule"), targets=p["Targets"])
    return {"FailedEntryCount": len(failed), "FailedEntries": failed}


def remove_targets(user, region, p):
    failed = events.targets_remove(rule=_rule(user, region, p, "Rule"), ids=p["Ids"])
    return {"FailedEntryCount": len(failed), "FailedEntries": failed}


def list_targets_by_rule(user, region, p):
    targets, extra = _page([t.spec for t in _rule(user, region, p, "Rule").targets.all()], p)
    return {"Targets": targets, **extra}


def list_rule_names_by_target(user, region, p):
    bus = events.bus_get(owner=user, region=region, name=p.get("EventBusName"))
    names = sorted({t.rule.name for t in events.RuleTarget.objects.filter(rule__bus=bus, arn=p["TargetArn"])
                    .select_related("rule")})
    return {"RuleNames": names}


def test_event_pattern(user, region, p):
    return {"Result": events.test_pattern(p["EventPattern"], p["Event"])}


def create_event_bus(user, region, p):
    bus = events.bus_create(owner=user, region=region, name=p["Name"], description=p.get("Description") or "",
                            tags=p.get("Tags"))
    return {"EventBusArn": trigger_arns.event_bus_arn(region, bus.name)}


def describe_event_bus(user, region, p):
    return _bus_out(events.bus_get(owner=user, region=region, name=p.get("Name")))


def delete_event_bus(user, region, p):
    events.bus_delete(owner=user, region=region, name=p["Name"])
    return {}


def list_event_buses(user, region, p):
    buses, extra = _page(list(events.bus_list(owner=user, region=region, prefix=p.get("NamePrefix") or "")), p)
    return {"EventBuses": [_bus_out(b) for b in buses], **extra}


OPERATIONS = {
    "PutEvents": put_events, "PutRule": put_rule, "DescribeRule": describe_rule, "ListRules": list_rules,
    "DeleteRule": delete_rule, "EnableRule": enable_rule, "DisableRule": disable_rule, "PutTargets": put_targets,
    "RemoveTargets": remove_targets, "ListTargetsByRule": list_targets_by_rule,
    "ListRuleNamesByTarget": list_rule_names_by_target, "TestEventPattern": test_event_pattern,
    "CreateEventBus": create_event_bus, "DescribeEventBus": describe_event_bus, "DeleteEventBus": delete_event_bus,
    "ListEventBuses": list_event_buses,
}
