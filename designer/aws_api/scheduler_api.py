"""The EventBridge Scheduler API (rest-json: `/schedules/{Name}`, `/schedule-groups/{Name}`), so
that `boto3.client("scheduler", endpoint_url=…)` works. Shapes come from botocore's model of
`scheduler`; the logic lives in `designer.triggers.schedules`.
"""

from __future__ import annotations

import json
import logging
import uuid

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from designer import auth
from designer.aws_api import shapes
from designer.triggers import arns as trigger_arns
from designer.triggers import schedules
from designer.triggers.errors import TriggerError

logger = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 1024 * 1024


def _json(body: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(body, default=lambda v: v.timestamp()), status=status,
                            content_type="application/json")
    response["x-amzn-RequestId"] = str(uuid.uuid4())
    return response


def _error(code: str, message: str, status: int) -> HttpResponse:
    response = _json({"Message": message}, status)
    response["x-amzn-ErrorType"] = code
    return response


def _serve(request, operation: str, handler, uri: dict) -> HttpResponse:
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
            return _error("ValidationException", "Request payload size exceeds the limit", 413)
        identity = auth.authenticate(request)
        try:
            params = json.loads(request.body or b"{}") if request.body else {}
        except (ValueError, UnicodeDecodeError):
            return _error("ValidationException", "The request body is not valid JSON.", 400)
        if not isinstance(params, dict):
            return _error("ValidationException", "The request body must be a JSON object.", 400)
        params.update(uri)
        model = shapes.service_model("scheduler").operation_model(operation).input_shape
        for member, shape in model.members.items():
            if shape.serialization.get("location") == "querystring":
                value = request.GET.get(shape.serialization["name"])
                if value is not None:
                    params[member] = int(value) if shape.type_name == "integer" and value.isdigit() else value
        problem, type_problem = shapes.check_request(operation, params, service="scheduler")
        if problem or type_problem:
            return _error("ValidationException", problem or type_problem, 400)
        return _json(handler(identity.user, identity.region, params))
    except TriggerError as exc:
        return _error(exc.code, exc.message, exc.http_status)
    except auth.AuthError as exc:
        return _error(exc.code, exc.message, 403 if exc.code != "IncompleteSignatureException" else 400)
    except Exception:
        logger.exception("Scheduler request failed")
        return _error("InternalServerException", "Unexpected error.", 500)


def _schedule_arn(schedule) -> str:
    return trigger_arns.schedule_arn(schedule.group.region, schedule.group.name, schedule.name)


def schedule_out(schedule) -> dict:
    out = {
        "Arn": _schedule_arn(schedule), "Name": schedule.name, "GroupName": schedule.group.name,
        "ScheduleExpression": schedule.expression, "State": schedule.state,
        "FlexibleTimeWindow": schedule.flexible_window, "Target": schedule.target,
        "CreationDate": schedule.created, "LastModificationDate": schedule.updated,
        "ActionAfterCompletion": schedule.action_after_completion,
    }
    for key, value in (("Description", schedule.description), ("ScheduleExpressionTimezone", schedule.timezone),
                       ("StartDate", schedule.start_date), ("EndDate", schedule.end_date),
                       ("KmsKeyArn", schedule.kms_key_arn)):
        if value:
            out[key] = value
    return out


def _group_out(group) -> dict:
    return {"Arn": trigger_arns.schedule_group_arn(group.region, group.name), "Name": group.name,
            "State": "ACTIVE", "CreationDate": group.created, "LastModificationDate": group.updated}


def _page(rows: list, params: dict) -> tuple[list, dict]:
    token = params.get("NextToken") or "0"
    start = int(token) if token.isdigit() else 0
    limit = params.get("MaxResults") or 100
    extra = {"NextToken": str(start + limit)} if start + limit < len(rows) else {}
    return rows[start:start + limit], extra


@csrf_exempt
def schedule(request, name: str) -> HttpResponse:
    """POST create, GET read, PUT update, DELETE delete one schedule."""
    handlers = {
        "POST": ("CreateSchedule", lambda u, r, p: {"ScheduleArn": _schedule_arn(
            schedules.schedule_create(owner=u, region=r, name=p["Name"], fields=p))}),
        "PUT": ("UpdateSchedule", lambda u, r, p: {"ScheduleArn": _schedule_arn(
            schedules.schedule_update(owner=u, region=r, name=p["Name"], fields=p))}),
        "GET": ("GetSchedule", lambda u, r, p: schedule_out(
            schedules.schedule_get(owner=u, region=r, name=p["Name"], group=p.get("GroupName")))),
        "DELETE": ("DeleteSchedule", lambda u, r, p: schedules.schedule_delete(
            owner=u, region=r, name=p["Name"], group=p.get("GroupName")) or {}),
    }
    if request.method not in handlers:
        return _error("ValidationException", f"Method {request.method} is not allowed here.", 405)
    operation, handler = handlers[request.method]
    return _serve(request, operation, handler, {"Name": name})


def _list_schedules(user, region, p):
    rows, extra = _page(list(schedules.schedule_list(owner=user, region=region, group=p.get("GroupName"),
                                                     prefix=p.get("NamePrefix") or "", state=p.get("State"))), p)
    return {"Schedules": [{
        "Arn": _schedule_arn(s), "Name": s.name, "GroupName": s.group.name, "State": s.state,
        "CreationDate": s.created, "LastModificationDate": s.updated, "Target": {"Arn": s.target.get("Arn", "")},
    } for s in rows], **extra}


@csrf_exempt
def schedule_collection(request) -> HttpResponse:
    return _serve(request, "ListSchedules", _list_schedules, {})


@csrf_exempt
def schedule_group(request, name: str) -> HttpResponse:
    handlers = {
        "POST": ("CreateScheduleGroup", lambda u, r, p: {"ScheduleGroupArn": trigger_arns.schedule_group_arn(
            r, schedules.group_create(owner=u, region=r, name=p["Name"], tags=p.get("Tags")).name)}),
        "GET": ("GetScheduleGroup", lambda u, r, p: _group_out(
            schedules.group_get(owner=u, region=r, name=p["Name"]))),
        "DELETE": ("DeleteScheduleGroup", lambda u, r, p: schedules.group_delete(
            owner=u, region=r, name=p["Name"]) or {}),
    }
    if request.method not in handlers:
        return _error("ValidationException", f"Method {request.method} is not allowed here.", 405)
    operation, handler = handlers[request.method]
    return _serve(request, operation, handler, {"Name": name})


def _list_groups(user, region, p):
    rows, extra = _page(list(schedules.group_list(owner=user, region=region, prefix=p.get("NamePrefix") or "")), p)
    return {"ScheduleGroups": [_group_out(g) for g in rows], **extra}


@csrf_exempt
def schedule_group_collection(request) -> HttpResponse:
    return _serve(request, "ListScheduleGroups", _list_groups, {})
