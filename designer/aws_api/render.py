"""Rows → AWS response members. Dates are returned as datetimes; the view encodes them as epoch
seconds, the JSON 1.0 protocol's timestamp format."""

from __future__ import annotations

from designer import services
from designer.models import Activity, Execution, HistoryEvent, StateMachine, StateMachineAlias, StateMachineVersion

ENCRYPTION = {"type": "AWS_OWNED_KEY"}


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
        "encryptionConfiguration": ENCRYPTION,
    }
    if machine.revision_id:
        body["revisionId"] = machine.revision_id
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
        "encryptionConfiguration": ENCRYPTION,
    }
    if version.description:
        body["description"] = version.description
    if revision.revision_id:
        body["revisionId"] = revision.revision_id
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
        "encryptionConfiguration": ENCRYPTION,
    }
    if execution.revision and execution.revision.revision_id:
        body["revisionId"] = execution.revision.revision_id
    return body


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
        "name": execution.name.split(":")[0],
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
    return body


def execution(execution: Execution) -> dict:
    body = {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine.arn,
        "name": execution.name.split(":")[0],
        "status": execution.status,
        "startDate": execution.start_date,
        "input": execution.input,
        "inputDetails": {"included": True},
        "redriveCount": execution.redrive_count,
    }
    if execution.stop_date:
        body["stopDate"] = execution.stop_date
    if execution.output is not None:
        body["output"] = execution.output
        body["outputDetails"] = {"included": True}
    if execution.error is not None:
        body["error"] = execution.error
    if execution.cause is not None:
        body["cause"] = execution.cause
    if execution.trace_header:
        body["traceHeader"] = execution.trace_header
    if execution.state_machine_version_arn:
        body["stateMachineVersionArn"] = execution.state_machine_version_arn
    if execution.state_machine_alias_arn:
        body["stateMachineAliasArn"] = execution.state_machine_alias_arn
    if execution.redrive_date:
        body["redriveDate"] = execution.redrive_date
    status, reason = services.redrive_status(execution)
    body["redriveStatus"] = status
    if reason:
        body["redriveStatusReason"] = reason
    return body


_DATA_FIELDS = ("input", "output")


def history_event(event: HistoryEvent, *, include_data: bool = True) -> dict:
    body = {
        "timestamp": event.timestamp,
        "type": event.type,
        "id": event.event_id,
        "previousEventId": event.previous_event_id,
    }
    for key, details in event.details.items():
        if not include_data and isinstance(details, dict):
            details = {k: v for k, v in details.items() if k not in _DATA_FIELDS}
        body[key] = details
    return body
