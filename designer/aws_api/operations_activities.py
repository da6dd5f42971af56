"""The AWS API's activity and task token operations."""

from __future__ import annotations

from designer import errors, selectors
from designer.aws_api.registry import NOTHING_YET, Context, operation, paged
from designer.presenters import aws as aws_presenters
from designer.services import activities, task_tokens

# ─── activities ──────────────────────────────────────────────────────────────────────────────


@operation
def create_activity(ctx: Context, p: dict) -> dict:
    activity = activities.activity_create(owner=ctx.user, region=ctx.region, name=p["name"], tags=p.get("tags"))
    return {"activityArn": activity.arn, "creationDate": activity.created}


@operation
def describe_activity(ctx: Context, p: dict) -> dict:
    return aws_presenters.activity(selectors.activity_get(owner=ctx.user, arn=p["activityArn"]))


@operation
def delete_activity(ctx: Context, p: dict) -> dict:
    try:
        activity = selectors.activity_get(owner=ctx.user, arn=p["activityArn"])
    except errors.ActivityDoesNotExist:
        return {}
    activities.activity_delete(activity=activity)
    return {}


@operation
def list_activities(ctx: Context, p: dict) -> dict:
    activities_page = selectors.activity_list(owner=ctx.user, region=ctx.region)
    return paged(p, activities_page, "act", "activities", aws_presenters.activity)


@operation
def get_activity_task(ctx: Context, p: dict) -> dict:
    activity = selectors.activity_get(owner=ctx.user, arn=p["activityArn"])
    wait = 0.0 if ctx.poll else 60.0
    task = task_tokens.activity_task_get(activity=activity, worker_name=p.get("workerName") or "", wait_seconds=wait)
    if task is None:
        return NOTHING_YET if ctx.poll else {}
    return {"taskToken": task.token, "input": task.input}


@operation
def send_task_success(ctx: Context, p: dict) -> dict:
    task_tokens.task_success(token=p["taskToken"], output=p["output"], owner=ctx.user)
    return {}


@operation
def send_task_failure(ctx: Context, p: dict) -> dict:
    task_tokens.task_failure(token=p["taskToken"], error=p.get("error"), cause=p.get("cause"), owner=ctx.user)
    return {}


@operation
def send_task_heartbeat(ctx: Context, p: dict) -> dict:
    task_tokens.task_heartbeat(token=p["taskToken"], owner=ctx.user)
    return {}
