"""The studio REST API's bodies (see docs/architecture.md's REST table): machines, versions,
executions and diagnostics. The live view's status messages carry the same `execution` body."""

from __future__ import annotations

import json
from typing import Any

from designer.checks import definition_diagnostics
from designer.models import Execution, StateMachine, StateMachineVersion


def diagnostic(d) -> dict:
    """One engine diagnostic (JSON pointer, code, message, severity)."""
    return {"path": d.path, "code": d.code, "message": d.message, "severity": d.severity}


def parsed(text: str | None) -> Any:
    """Stored JSON text as a value (the text itself when it is not JSON)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def machine_summary(machine: StateMachine) -> dict:
    """A machine in the list: its description is the definition's Comment unless set."""
    description = machine.description
    if not description:
        document = parsed(machine.definition)
        description = document.get("Comment", "") if isinstance(document, dict) else ""
    return {
        "name": machine.name,
        "arn": machine.arn,
        "type": machine.type,
        "description": description if isinstance(description, str) else "",
        "revision": machine.revision,
        "created": machine.created,
        "updated": machine.updated,
    }


def machine(machine: StateMachine) -> dict:
    """A machine as the editor opens it: the newest revision (a draft's definition when it is one),
    its layout and diagnostics, and the deployed revision executions run."""
    latest = machine.revisions.order_by("-number").first()
    draft = latest is not None and latest.draft
    text = latest.definition if draft else machine.definition
    return {
        **machine_summary(machine),
        "revision": latest.number if latest else machine.revision,
        "deployed_revision": machine.revision,
        "draft": draft,
        "definition": parsed(text),
        "layout": latest.layout if latest else {},
        "diagnostics": [diagnostic(d) for d in definition_diagnostics(text)],
    }


def version(version: StateMachineVersion) -> dict:
    return {
        "version": version.number,
        "arn": version.arn,
        "revision": version.revision.number,
        "description": version.description,
        "created": version.created,
        "executions": version.execution_set.count(),
    }


def execution(execution: Execution) -> dict:
    """The REST contract's `Execution` (select the related state_machine and revision)."""
    layout = execution.revision.layout if execution.revision else {}
    return {
        "id": execution.pk,
        "arn": execution.arn,
        "name": execution.name,
        "machine": execution.state_machine.name,
        "type": execution.type,
        "status": execution.status,
        "input": parsed(execution.input),
        "output": parsed(execution.output),
        "error": execution.error,
        "cause": execution.cause,
        "start_date": execution.start_date,
        "stop_date": execution.stop_date,
        "redrive_count": execution.redrive_count,
        "version_arn": execution.state_machine_version_arn,
        "definition": parsed(execution.definition),
        "layout": layout or {},
    }
