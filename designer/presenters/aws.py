"""Rows → AWS response members. Dates are returned as datetimes; the AWS view encodes them as epoch
seconds, the JSON 1.0 protocol's timestamp format."""

from __future__ import annotations

import json

from designer.models import (
    Activity,
    Execution,
    ExecutionStatus,
    HistoryEvent,
    StateMachine,
    StateMachineAlias,
    StateMachineVersion,
)
from designer.presenters import history
from designer.selectors import redrive_status
from engine.validation import jsonata_checks


def tags(resource: StateMachine | Activity) -> list[dict]:
    return [{"key": k, "value": v} for k, v in resource.tags.items()]


def state_machine(machine: StateMachine) -> dict:
    body = {
        "stateMachineArn": machine.arn,
        "name": machine.name,
        "status": machine.status,
        "definition": machine.definition,
        "roleArn": machine.role_arn,
        "type": machine.type,
        "creationDate": machine.created,
        "loggingConfiguration": machine.logging_configuration,
        "tracingConfiguration": machine.tracing_configuration,
        "encryptionConfiguration": machine.encryption_configuration,
    }
    if machine.revision_id:
        body["revisionId"] = machine.revision_id
    _add_references(body, machine.definition)
    return body


def state_machine_version(version: StateMachineVersion) -> dict:
    machine, revision = version.machine, version.revision
    body = {
        "stateMachineArn": version.arn,
        "name": machine.name,
        "status": machine.status,
        "definition": revision.definition,
        "roleArn": revision.role_arn,
        "type": machine.type,
        "creationDate": version.created,
        "loggingConfiguration": machine.logging_configuration,
        "tracingConfiguration": machine.tracing_configuration,
        "encryptionConfiguration": machine.encryption_configuration,
    }
    if version.description:
        body["description"] = version.description
    if revision.revision_id:
        body["revisionId"] = revision.revision_id
    _add_references(body, revision.definition)
    return body


def state_machine_for_execution(execution: Execution) -> dict:
    machine = execution.state_machine
    body = {
        "stateMachineArn": machine.arn,
        "name": machine.name,
        "definition": execution.definition,
        "roleArn": execution.role_arn,
        "updateDate": execution.revision.created if execution.revision else machine.updated,
        "loggingConfiguration": machine.logging_configuration,
        "tracingConfiguration": machine.tracing_configuration,
        "encryptionConfiguration": machine.encryption_configuration,
    }
    if execution.revision and execution.revision.revision_id:
        body["revisionId"] = execution.revision.revision_id
    _add_references(body, execution.definition)
    return body


def _add_references(body: dict, definition: str) -> None:
    references = variable_references(definition)
    if references:
        body["variableReferences"] = references


def alias(item: StateMachineAlias) -> dict:
    machine = item.machine
    return {
        "stateMachineAliasArn": item.arn,
        "name": item.name,
        "description": item.description,
        "routingConfiguration": [
            {"stateMachineVersionArn": f"{machine.arn}:{route['version']}", "weight": route["weight"]}
            for route in item.routing_configuration
        ],
        "creationDate": item.created,
        "updateDate": item.updated,
    }


def activity(item: Activity) -> dict:
    return {"activityArn": item.arn, "name": item.name, "creationDate": item.created}


def execution_summary(execution: Execution) -> dict:
    body = {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine.arn,
        "name": execution.name,
        "status": execution.status,
        "startDate": execution.start_date,
    }
    if execution.stop_date:
        body["stopDate"] = execution.stop_date
    if execution.state_machine_version_arn:
        body["stateMachineVersionArn"] = execution.state_machine_version_arn
    if execution.state_machine_alias_arn:
        body["stateMachineAliasArn"] = execution.state_machine_alias_arn
    body["redriveCount"] = execution.redrive_count
    if execution.redrive_date:
        body["redriveDate"] = execution.redrive_date
    body.update(_map_run_child(execution))
    return body


def _map_run_child(execution: Execution) -> dict:
    """A Distributed Map child names its Map Run, and its state machine is the run's (`<machine>/<label>`)."""
    if not execution.map_run_arn:
        return {}
    return {"mapRunArn": execution.map_run_arn,
            "stateMachineArn": execution.map_run_arn.replace(":mapRun:", ":stateMachine:", 1).rsplit(":", 1)[0]}


def execution(execution: Execution) -> dict:
    body = {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine.arn,
        "name": execution.name,
        "status": execution.status,
        "startDate": execution.start_date,
        "input": execution.input,
        "inputDetails": {"included": True},
        "redriveCount": execution.redrive_count,
    }
    if execution.stop_date:
        body["stopDate"] = execution.stop_date
    body.update(outcome_members(output=execution.output, error=execution.error, cause=execution.cause,
                                status=execution.status))
    if execution.trace_header:
        body["traceHeader"] = execution.trace_header
    if execution.state_machine_version_arn:
        body["stateMachineVersionArn"] = execution.state_machine_version_arn
    if execution.state_machine_alias_arn:
        body["stateMachineAliasArn"] = execution.state_machine_alias_arn
    if execution.redrive_date:
        body["redriveDate"] = execution.redrive_date
    status, reason = redrive_status(execution)
    body["redriveStatus"] = status
    if reason:
        body["redriveStatusReason"] = reason
    body.update(_map_run_child(execution))
    return body


def outcome_members(*, output: str | None, error: str | None, cause: str | None, status: str | None = None,
                    sync: bool = False) -> dict:
    """An execution's output (with outputDetails), error and cause as AWS response members.

    AWS (recorded): DescribeExecution has output and outputDetails only once SUCCEEDED, and error
    and cause only for FAILED and ABORTED (a TIMED_OUT execution has neither, though its history
    does); StartSyncExecution always has outputDetails, a failed run's too.
    """
    members: dict = {}
    if output is not None and status in (None, ExecutionStatus.SUCCEEDED):
        members["output"] = output
    if "output" in members or sync:
        members["outputDetails"] = {"included": True}
    if status in (None, ExecutionStatus.FAILED, ExecutionStatus.ABORTED):
        if error is not None:
            members["error"] = error
        if cause is not None:
            members["cause"] = cause
    return members


def history_event(event: HistoryEvent, *, include_data: bool = True) -> dict:
    """GetExecutionHistory's event (see `designer.presenters.history`)."""
    return history.history_event(event, include_data=include_data)


# ─── variableReferences ──────────────────────────────────────────────────────────────────────


def variable_references(definition: str) -> dict[str, list[str]]:
    """AWS's `variableReferences` of a stored definition (the engine's reading of it)."""
    try:
        document = json.loads(definition)
    except ValueError:
        return {}
    return jsonata_checks.variable_references(document)


# ─── map runs ────────────────────────────────────────────────────────────────────────────────


def map_run_summary(run) -> dict:
    body = {"executionArn": run.execution.arn, "mapRunArn": run.arn, "stateMachineArn": run.state_machine_arn,
            "startDate": run.start_date}
    if run.stop_date is not None:
        body["stopDate"] = run.stop_date
    return body


def map_run(run) -> dict:
    counts = run.item_counts()
    body = {
        "mapRunArn": run.arn, "executionArn": run.execution.arn, "status": run.status, "startDate": run.start_date,
        "maxConcurrency": run.max_concurrency, "toleratedFailurePercentage": run.tolerated_failure_percentage,
        "toleratedFailureCount": run.tolerated_failure_count, "itemCounts": counts,
        "executionCounts": run.execution_counts(), "redriveCount": 0,
    }
    if run.stop_date is not None:
        body["stopDate"] = run.stop_date
    return body
