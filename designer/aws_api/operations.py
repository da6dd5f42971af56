"""One small handler per Step Functions operation: parameters in, response members out.

Each handler takes the request context (`ctx.user`, `ctx.region`) and the already-validated
parameters, calls `designer.services` / `designer.selectors`, and renders with `render`.
Reference: https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer import checks, errors, selectors
from designer.aws_api import test_state
from designer.aws_api.errors import AwsError
from designer.presenters import aws as aws_presenters
from designer.selectors import map_runs as map_run_reads
from designer.services import activities, executions, machines, map_runs, tags, task_tokens


@dataclass(frozen=True)
class Context:
    user: Any
    region: str
    poll: bool = False  # GetActivityTask called from the view's async long-poll loop


# A handler's answer meaning "nothing yet, ask again" (GetActivityTask while no task is waiting).
NOTHING_YET: Any = object()


Handler = Callable[[Context, dict], dict]
OPERATIONS: dict[str, Handler] = {}


def operation(function: Handler) -> Handler:
    name = "".join(part.title() for part in function.__name__.split("_"))
    OPERATIONS[name] = function
    return function


# ─── state machines ──────────────────────────────────────────────────────────────────────────


def _paged(p: dict, items, kind: str, key: str, render_item) -> dict:
    """A List* response: one page of `items` rendered under `key`, with AWS's nextToken."""
    page, token = selectors.page(items, next_token=p.get("nextToken"), max_results=p.get("maxResults"), kind=kind)
    body: dict = {key: [render_item(item) for item in page]}
    if token:
        body["nextToken"] = token
    return body


@operation
def create_state_machine(ctx: Context, p: dict) -> dict:
    machine, version = machines.state_machine_create(
        owner=ctx.user,
        region=ctx.region,
        name=p["name"],
        definition=p["definition"],
        role_arn=p["roleArn"],
        type=p.get("type") or "STANDARD",
        logging_configuration=p.get("loggingConfiguration"),
        tracing_configuration=p.get("tracingConfiguration"),
        tags=p.get("tags"),
        publish=bool(p.get("publish")),
        version_description=p.get("versionDescription"),
    )
    body = {"stateMachineArn": machine.arn, "creationDate": machine.created}
    if version is not None:
        body["stateMachineVersionArn"] = version.arn
    return body


@operation
def describe_state_machine(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineArn"]
    parsed = selectors.parse_arn(arn, "stateMachine")
    if parsed.version_number is not None:
        target = selectors.target_get(owner=ctx.user, arn=arn)
        return aws_presenters.state_machine_version(target.version)
    if parsed.alias_name is not None:
        raise AwsError("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: stateMachine alias'")
    return aws_presenters.state_machine(selectors.state_machine_get(owner=ctx.user, arn=arn))


@operation
def update_state_machine(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineArn"]
    if selectors.parse_arn(arn, "stateMachine").qualifier is not None:
        # AWS (recorded): a version or alias ARN names no updatable state machine.
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    machine = selectors.state_machine_get(owner=ctx.user, arn=arn)
    machine, version = machines.state_machine_update(
        machine=machine,
        definition=p.get("definition"),
        role_arn=p.get("roleArn"),
        logging_configuration=p.get("loggingConfiguration"),
        tracing_configuration=p.get("tracingConfiguration"),
        publish=bool(p.get("publish")),
        version_description=p.get("versionDescription"),
    )
    body: dict = {"updateDate": machine.updated}
    if machine.revision_id:
        body["revisionId"] = machine.revision_id
    if version is not None:
        body["stateMachineVersionArn"] = version.arn
    return body


@operation
def delete_state_machine(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineArn"]
    parsed = selectors.parse_arn(arn, "stateMachine")
    if parsed.qualifier is not None:
        raise AwsError(
            "ValidationException", f"Invalid ARN: '{arn}'. Use DeleteStateMachineVersion or DeleteStateMachineAlias."
        )
    try:
        machine = selectors.state_machine_get(owner=ctx.user, arn=arn)
    except errors.StateMachineDoesNotExist:
        return {}  # AWS: deleting a machine that does not exist succeeds
    machines.state_machine_delete(machine=machine)
    return {}


@operation
def list_state_machines(ctx: Context, p: dict) -> dict:
    # AWS: machines are listed by name, compared as strings ("m-10" before "m-2"), whatever
    # the database's collation would say.
    rows = sorted(selectors.state_machine_list(owner=ctx.user, region=ctx.region), key=lambda m: m.name)
    return _paged(
        p,
        rows,
        "sm",
        "stateMachines",
        lambda m: {"stateMachineArn": m.arn, "name": m.name, "type": m.type, "creationDate": m.created},
    )


@operation
def validate_state_machine_definition(ctx: Context, p: dict) -> dict:
    diagnostics = checks.definition_diagnostics(p["definition"], p.get("type"))
    if p.get("severity") == "ERROR":
        diagnostics = [d for d in diagnostics if d.severity == "ERROR"]
    limit = p.get("maxResults") or 100
    shown = [
        {"severity": d.severity, "code": d.code, "message": d.message, **({"location": d.path} if d.path else {})}
        for d in diagnostics[:limit]
    ]
    failed = any(d.severity == "ERROR" for d in diagnostics)
    return {"result": "FAIL" if failed else "OK", "diagnostics": shown, "truncated": len(diagnostics) > limit}


# ─── versions and aliases ────────────────────────────────────────────────────────────────────


@operation
def publish_state_machine_version(ctx: Context, p: dict) -> dict:
    machine = selectors.state_machine_get(owner=ctx.user, arn=p["stateMachineArn"])
    version = machines.state_machine_version_publish(
        machine=machine, description=p.get("description") or "", revision_id=p.get("revisionId")
    )
    return {"creationDate": version.created, "stateMachineVersionArn": version.arn}


@operation
def list_state_machine_versions(ctx: Context, p: dict) -> dict:
    machine = selectors.state_machine_get(owner=ctx.user, arn=p["stateMachineArn"])
    return _paged(
        p,
        machine.versions.order_by("-number"),
        "v",
        "stateMachineVersions",
        lambda v: {"stateMachineVersionArn": v.arn, "creationDate": v.created},
    )


@operation
def delete_state_machine_version(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineVersionArn"]
    try:
        version = selectors.version_get(owner=ctx.user, arn=arn)
    except errors.ResourceNotFound:
        return {}  # AWS: deleting a version that does not exist succeeds
    machines.state_machine_version_delete(version=version)
    return {}


def _machine_of_routes(ctx: Context, routing: list[dict]):
    machines.check_routing(routing)
    arn = routing[0]["stateMachineVersionArn"]
    try:
        return selectors.state_machine_get(owner=ctx.user, arn=arn.rsplit(":", 1)[0])
    except errors.StateMachineDoesNotExist:
        raise errors.ResourceNotFound(f"Resource not found: '{arn}'") from None


@operation
def create_state_machine_alias(ctx: Context, p: dict) -> dict:
    machine = _machine_of_routes(ctx, p["routingConfiguration"])
    alias = machines.alias_create(
        machine=machine,
        name=p["name"],
        routing_configuration=p["routingConfiguration"],
        description=p.get("description") or "",
    )
    return {"stateMachineAliasArn": alias.arn, "creationDate": alias.created}


@operation
def describe_state_machine_alias(ctx: Context, p: dict) -> dict:
    return aws_presenters.alias(selectors.alias_get(owner=ctx.user, arn=p["stateMachineAliasArn"]))


@operation
def update_state_machine_alias(ctx: Context, p: dict) -> dict:
    alias = selectors.alias_get(owner=ctx.user, arn=p["stateMachineAliasArn"])
    alias = machines.alias_update(
        alias=alias, description=p.get("description"), routing_configuration=p.get("routingConfiguration")
    )
    return {"updateDate": alias.updated}


@operation
def delete_state_machine_alias(ctx: Context, p: dict) -> dict:
    try:
        alias = selectors.alias_get(owner=ctx.user, arn=p["stateMachineAliasArn"])
    except errors.ResourceNotFound:
        return {}
    machines.alias_delete(alias=alias)
    return {}


@operation
def list_state_machine_aliases(ctx: Context, p: dict) -> dict:
    machine = selectors.state_machine_get(owner=ctx.user, arn=p["stateMachineArn"])
    return _paged(
        p,
        machine.aliases.order_by("created", "id"),
        "a",
        "stateMachineAliases",
        lambda a: {"stateMachineAliasArn": a.arn, "creationDate": a.created},
    )


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
    return _paged(p, activities_page, "act", "activities", aws_presenters.activity)


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


# ─── tags ────────────────────────────────────────────────────────────────────────────────────


@operation
def tag_resource(ctx: Context, p: dict) -> dict:
    tags.tags_add(resource=selectors.taggable_get(owner=ctx.user, arn=p["resourceArn"]), tags=p["tags"])
    return {}


@operation
def untag_resource(ctx: Context, p: dict) -> dict:
    tags.tags_remove(resource=selectors.taggable_get(owner=ctx.user, arn=p["resourceArn"]), keys=p["tagKeys"])
    return {}


@operation
def list_tags_for_resource(ctx: Context, p: dict) -> dict:
    return {"tags": aws_presenters.tags(selectors.taggable_get(owner=ctx.user, arn=p["resourceArn"]))}


# ─── executions ──────────────────────────────────────────────────────────────────────────────


@operation
def start_execution(ctx: Context, p: dict) -> dict:
    target = selectors.target_get(owner=ctx.user, arn=p["stateMachineArn"])
    execution, _ = executions.execution_start(
        state_machine=target,
        input=p.get("input"),
        name=p.get("name"),
        trace_header=p.get("traceHeader") or "",
        owner=ctx.user,
    )
    return {"executionArn": execution.arn, "startDate": execution.start_date}


@operation
def start_sync_execution(ctx: Context, p: dict) -> dict:
    target = selectors.target_get(owner=ctx.user, arn=p["stateMachineArn"])
    return executions.sync_execution_run(
        state_machine=target, input=p.get("input"), name=p.get("name"), trace_header=p.get("traceHeader") or ""
    )


@operation
def stop_execution(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    execution = executions.execution_stop(execution=execution, error=p.get("error"), cause=p.get("cause"))
    return {"stopDate": execution.stop_date}


@operation
def redrive_execution(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    execution = executions.execution_redrive(execution=execution)
    return {"redriveDate": execution.redrive_date}


@operation
def describe_execution(ctx: Context, p: dict) -> dict:
    return aws_presenters.execution(selectors.execution_get(owner=ctx.user, arn=p["executionArn"]))


@operation
def describe_state_machine_for_execution(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    return aws_presenters.state_machine_for_execution(execution)


@operation
def list_executions(ctx: Context, p: dict) -> dict:
    if p.get("mapRunArn"):
        run = map_run_reads.map_run_get(owner=ctx.user, arn=p["mapRunArn"])
        children = selectors.execution_list(owner=ctx.user, map_run_arn=run.arn, status=p.get("statusFilter"),
                                            redrive_filter=p.get("redriveFilter"))
        return _paged(p, children, "ex", "executions", aws_presenters.execution_summary)
    if not p.get("stateMachineArn"):
        raise AwsError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
    target = selectors.target_get(owner=ctx.user, arn=p["stateMachineArn"])
    if target.machine.type == "EXPRESS":
        # AWS: Express executions are not listed (they live in CloudWatch Logs there).
        raise errors.StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    rows = selectors.execution_list(
        owner=ctx.user,
        machine=target.machine,
        version=target.version,
        alias=target.alias,
        status=p.get("statusFilter"),
        redrive_filter=p.get("redriveFilter"),
    )
    return _paged(p, rows, "ex", "executions", aws_presenters.execution_summary)


@operation
def get_execution_history(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    events = selectors.history_list(execution=execution, reverse=bool(p.get("reverseOrder")))
    include = p.get("includeExecutionData", True) is not False
    return _paged(p, events, "h", "events", lambda e: aws_presenters.history_event(e, include_data=include))


# ─── map runs ────────────────────────────────────────────────────────────────────────────────


@operation
def list_map_runs(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    return _paged(p, map_run_reads.map_run_list(execution=execution), "mr", "mapRuns", aws_presenters.map_run_summary)


@operation
def describe_map_run(ctx: Context, p: dict) -> dict:
    return aws_presenters.map_run(map_run_reads.map_run_get(owner=ctx.user, arn=p["mapRunArn"]))


@operation
def update_map_run(ctx: Context, p: dict) -> dict:
    run = map_run_reads.map_run_get(owner=ctx.user, arn=p["mapRunArn"])
    map_runs.map_run_update(
        execution=run.execution, arn=run.arn, max_concurrency=p.get("maxConcurrency"),
        tolerated_failure_count=p.get("toleratedFailureCount"),
        tolerated_failure_percentage=p.get("toleratedFailurePercentage"),
    )
    return {}


# TestState lives in its own module (designer.aws_api.test_state).
operation(test_state.test_state)
