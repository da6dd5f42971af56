"""The AWS API's execution, history and map run operations."""

from __future__ import annotations

from designer import errors, selectors
from designer.aws_api.errors import AwsError
from designer.aws_api.registry import Context, operation, paged
from designer.presenters import aws as aws_presenters
from designer.selectors import map_runs as map_run_reads
from designer.services import executions, map_runs

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
        return paged(p, children, "ex", "executions", aws_presenters.execution_summary)
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
    return paged(p, rows, "ex", "executions", aws_presenters.execution_summary)


@operation
def get_execution_history(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    events = selectors.history_list(execution=execution, reverse=bool(p.get("reverseOrder")))
    include = p.get("includeExecutionData", True) is not False
    return paged(p, events, "h", "events", lambda e: aws_presenters.history_event(e, include_data=include))


# ─── map runs ────────────────────────────────────────────────────────────────────────────────


@operation
def list_map_runs(ctx: Context, p: dict) -> dict:
    execution = selectors.execution_get(owner=ctx.user, arn=p["executionArn"])
    return paged(p, map_run_reads.map_run_list(execution=execution), "mr", "mapRuns", aws_presenters.map_run_summary)


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
