"""The studio's REST API (django-ninja, mounted at /api/, OpenAPI at /api/docs).

The contract is the table in docs/architecture.md ("REST API for the front end"). Session
authentication with CSRF (`X-CSRFToken` from the `csrftoken` cookie); errors are
`{"detail": "…"}` (plus `diagnostics` for an invalid definition) with a 4xx status. Endpoints are
adapters: writes go through `designer.services`, reads through `designer.selectors`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from ninja import NinjaAPI, Schema, Status, Swagger
from ninja.security import django_auth

from designer import api_triggers, drafts, selectors, services
from designer.aws_api import render
from designer.examples import examples
from designer.models import Execution, ExecutionStatus, StateMachine
from designer.resources.functions import function_names

api = NinjaAPI(
    title="Statecraft studio API",
    version="1",
    auth=django_auth,
    urls_namespace="studio-api",
    docs_url="/docs",
    # No online spec validator: the docs page makes no request off the machine.
    docs=Swagger(settings={"validatorUrl": None}),
)


# ─── schemas ─────────────────────────────────────────────────────────────────────────────────


class DiagnosticOut(Schema):
    path: str
    code: str
    message: str
    severity: str


class MachineSummary(Schema):
    name: str
    arn: str
    type: str
    description: str
    revision: int
    created: datetime
    updated: datetime


class MachineOut(MachineSummary):
    """`revision` is the newest revision (the editor's base); it is a draft when `draft` is true,
    and then `definition` is the draft's while executions run `deployed_revision`."""

    definition: Any
    layout: dict
    diagnostics: list[DiagnosticOut]
    deployed_revision: int = 0
    draft: bool = False


class MachineCreateIn(Schema):
    name: str
    definition: Any  # an object, or JSON text stored exactly as given
    type: str = "STANDARD"
    layout: dict | None = None


class MachineUpdateIn(Schema):
    definition: Any
    layout: dict | None = None
    message: str = ""
    # The revision the edit was made on: a save on top of an older one is refused (409).
    base_revision: int | None = None


class MachineRenameIn(Schema):
    name: str


class RevisionSummary(Schema):
    revision: int
    created: datetime
    message: str
    draft: bool = False


class RevisionOut(RevisionSummary):
    definition: Any
    layout: dict


class VersionIn(Schema):
    description: str = ""


class VersionOut(Schema):
    version: int
    arn: str
    revision: int
    description: str = ""
    created: datetime | None = None
    executions: int = 0


class ValidateIn(Schema):
    definition: Any


class ValidateOut(Schema):
    diagnostics: list[DiagnosticOut]


class TemplateOut(Schema):
    name: str
    title: str
    description: str
    definition: Any
    input: Any = None  # the example's sample input


class FunctionOut(Schema):
    name: str
    resource: str


class ExecutionStartIn(Schema):
    input: Any = None  # any JSON value; a string is taken as JSON text
    name: str | None = None


class ExecutionStopIn(Schema):
    error: str | None = None
    cause: str | None = None


class ExecutionOut(Schema):
    id: int
    arn: str
    name: str
    machine: str
    type: str
    status: str
    input: Any
    output: Any
    error: str | None
    cause: str | None
    start_date: datetime
    stop_date: datetime | None
    redrive_count: int
    version_arn: str
    definition: Any
    layout: dict


class Error(Schema):
    detail: str


# ─── errors ──────────────────────────────────────────────────────────────────────────────────


@api.exception_handler(services.ServiceError)
def service_error(request, exc: services.ServiceError):
    body: dict = {"detail": exc.message, "code": exc.code}
    diagnostics = exc.extra.get("diagnostics")
    if diagnostics is not None:
        body["diagnostics"] = [_diagnostic(d) for d in diagnostics]
    return api.create_response(request, body, status=exc.http_status)


# ─── helpers ─────────────────────────────────────────────────────────────────────────────────


def _diagnostic(d) -> dict:
    return {"path": d.path, "code": d.code, "message": d.message, "severity": d.severity}


def _definition_text(definition: Any) -> str:
    if isinstance(definition, str):
        return definition
    if definition is None:
        raise services.ValidationException("definition is required")
    return json.dumps(definition, indent=2)


def _parsed(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _summary(machine: StateMachine) -> dict:
    description = machine.description
    if not description:
        parsed = _parsed(machine.definition)
        description = parsed.get("Comment", "") if isinstance(parsed, dict) else ""
    return {
        "name": machine.name,
        "arn": machine.arn,
        "type": machine.type,
        "description": description if isinstance(description, str) else "",
        "revision": machine.revision,
        "created": machine.created,
        "updated": machine.updated,
    }


def _machine(machine: StateMachine) -> dict:
    latest = drafts.latest_revision(machine)
    draft = latest is not None and latest.draft
    text = latest.definition if draft else machine.definition
    return {
        **_summary(machine),
        "revision": latest.number if latest else machine.revision,
        "deployed_revision": machine.revision,
        "draft": draft,
        "definition": _parsed(text),
        "layout": latest.layout if latest else {},
        "diagnostics": [_diagnostic(d) for d in services.definition_diagnostics(text)],
    }


def _execution(execution: Execution) -> dict:
    layout = execution.revision.layout if execution.revision else {}
    return {
        "id": execution.pk,
        "arn": execution.arn,
        "name": execution.name,
        "machine": execution.state_machine.name,
        "type": execution.type,
        "status": execution.status,
        "input": _parsed(execution.input),
        "output": _parsed(execution.output),
        "error": execution.error,
        "cause": execution.cause,
        "start_date": execution.start_date,
        "stop_date": execution.stop_date,
        "redrive_count": execution.redrive_count,
        "version_arn": execution.state_machine_version_arn,
        "definition": _parsed(execution.definition),
        "layout": layout or {},
    }


def _get_machine(request, name: str) -> StateMachine:
    return selectors.state_machine_by_name(owner=request.user, name=name)


def _get_execution(request, execution_id: int) -> Execution:
    execution = (
        Execution.objects.filter(owner=request.user, pk=execution_id)
        .select_related("state_machine", "revision")
        .first()
    )
    if execution is None:
        raise services.ExecutionDoesNotExist(f"Execution {execution_id} does not exist")
    return execution


def _input_text(value: Any) -> str:
    if value is None:
        return "{}"
    if isinstance(value, str):
        return value
    return json.dumps(value)


# ─── state machines ──────────────────────────────────────────────────────────────────────────


@api.get("/machines", response=list[MachineSummary], tags=["machines"])
def machines_list(request, search: str = ""):
    return [_summary(m) for m in selectors.state_machine_list(owner=request.user, search=search)]


@api.post("/machines", response={201: MachineOut, 400: Error, 409: Error}, tags=["machines"])
def machines_create(request, payload: MachineCreateIn):
    machine, _ = services.state_machine_create(
        owner=request.user,
        region=settings.STATECRAFT_DEFAULT_REGION,
        name=payload.name,
        definition=_definition_text(payload.definition),
        type=payload.type,
        layout=payload.layout,
        message="Created",
    )
    return Status(201, _machine(machine))


@api.get("/machines/{name}", response={200: MachineOut, 404: Error}, tags=["machines"])
def machines_get(request, name: str):
    return _machine(_get_machine(request, name))


@api.put("/machines/{name}", response={200: MachineOut, 400: Error, 404: Error, 409: Error}, tags=["machines"])
def machines_update(request, name: str, payload: MachineUpdateIn):
    """Save: a definition that validates is deployed; one that does not is kept as a draft."""
    machine, _ = drafts.definition_save(
        machine=_get_machine(request, name),
        definition=_definition_text(payload.definition),
        layout=payload.layout,
        message=payload.message,
        base_revision=payload.base_revision,
    )
    return _machine(machine)


@api.patch("/machines/{name}", response={200: MachineOut, 400: Error, 404: Error, 409: Error}, tags=["machines"])
def machines_rename(request, name: str, payload: MachineRenameIn):
    return _machine(services.state_machine_rename(machine=_get_machine(request, name), name=payload.name))


@api.delete("/machines/{name}", response={204: None, 404: Error}, tags=["machines"])
def machines_delete(request, name: str):
    services.state_machine_delete(machine=_get_machine(request, name))
    return Status(204, None)


@api.get("/machines/{name}/revisions", response={200: list[RevisionSummary], 404: Error}, tags=["machines"])
def revisions_list(request, name: str):
    machine = _get_machine(request, name)
    return [
        {"revision": r.number, "created": r.created, "message": r.message, "draft": r.draft}
        for r in machine.revisions.order_by("-number")
    ]


@api.get("/machines/{name}/revisions/{number}", response={200: RevisionOut, 404: Error}, tags=["machines"])
def revisions_get(request, name: str, number: int):
    revision = _get_machine(request, name).revisions.filter(number=number).first()
    if revision is None:
        raise services.ResourceNotFound(f"Revision {number} of {name} does not exist")
    return {
        "revision": revision.number,
        "created": revision.created,
        "message": revision.message,
        "definition": _parsed(revision.definition),
        "layout": revision.layout or {},
    }


def _version(version) -> dict:
    return {
        "version": version.number,
        "arn": version.arn,
        "revision": version.revision.number,
        "description": version.description,
        "created": version.created,
        "executions": version.execution_set.count(),
    }


@api.post("/machines/{name}/versions", response={201: VersionOut, 404: Error}, tags=["machines"])
def versions_publish(request, name: str, payload: VersionIn):
    version = services.state_machine_version_publish(
        machine=_get_machine(request, name), description=payload.description
    )
    return Status(201, _version(version))


@api.get("/machines/{name}/versions", response={200: list[VersionOut], 404: Error}, tags=["machines"])
def versions_list(request, name: str):
    machine = _get_machine(request, name)
    return [_version(v) for v in machine.versions.select_related("revision", "machine").order_by("-number")]


# ─── definitions: validation, templates, functions ───────────────────────────────────────────


@api.post("/validate", response=ValidateOut, tags=["definitions"])
def validate(request, payload: ValidateIn):
    definition = payload.definition
    if definition is None:
        raise services.ValidationException("definition is required")
    return {"diagnostics": [_diagnostic(d) for d in services.definition_diagnostics(definition)]}


@api.get("/templates", response=list[TemplateOut], tags=["definitions"])
def templates(request):
    return [
        {
            "name": example.name,
            "title": example.title,
            "description": example.description,
            "definition": example.definition,
            "input": example.sample_input,
        }
        for example in examples()
    ]


@api.get("/functions", response=list[FunctionOut], tags=["definitions"])
def functions(request):
    account = settings.STATECRAFT_ACCOUNT_ID
    region = settings.STATECRAFT_DEFAULT_REGION
    # Both kinds the runtime can call: STATECRAFT_FUNCTIONS and @statecraft_function handlers.
    return [
        {"name": name, "resource": f"arn:aws:lambda:{region}:{account}:function:{name}"}
        for name in function_names()
    ]


# ─── executions ──────────────────────────────────────────────────────────────────────────────


@api.post(
    "/machines/{name}/executions", response={201: ExecutionOut, 400: Error, 404: Error, 409: Error}, tags=["executions"]
)
def executions_start(request, name: str, payload: ExecutionStartIn):
    execution, _ = services.execution_start(
        state_machine=_get_machine(request, name),
        input=_input_text(payload.input),
        name=payload.name or None,
        owner=request.user,
    )
    return Status(201, _execution(execution))


@api.get("/machines/{name}/executions", response={200: list[ExecutionOut], 400: Error, 404: Error}, tags=["executions"])
def executions_list(request, name: str, status: str = "", search: str = "", limit: int = 100):
    if status and status not in ExecutionStatus.values:
        # A misspelt filter would otherwise list nothing, which reads as "no such executions".
        raise services.ValidationException(f"status must be one of {', '.join(ExecutionStatus.values)}, not {status!r}")
    executions = selectors.execution_list(
        owner=request.user, machine=_get_machine(request, name), status=status or None, search=search
    ).select_related("revision")
    return [_execution(e) for e in executions[: max(1, min(limit, 1000))]]


@api.get("/executions/{execution_id}", response={200: ExecutionOut, 404: Error}, tags=["executions"])
def executions_get(request, execution_id: int):
    return _execution(_get_execution(request, execution_id))


@api.get("/executions/{execution_id}/history", response={200: list[dict], 404: Error}, tags=["executions"])
def executions_history(request, execution_id: int, after_id: int = 0):
    execution = _get_execution(request, execution_id)
    events = []
    for event in selectors.history_list(execution=execution, after_id=after_id):
        body = render.history_event(event)
        body["timestamp"] = event.timestamp.isoformat()
        events.append(body)
    return events


@api.post("/executions/{execution_id}/stop", response={200: ExecutionOut, 404: Error}, tags=["executions"])
def executions_stop(request, execution_id: int, payload: ExecutionStopIn):
    execution = services.execution_stop(
        execution=_get_execution(request, execution_id), error=payload.error, cause=payload.cause
    )
    return _execution(execution)


@api.post(
    "/executions/{execution_id}/redrive", response={200: ExecutionOut, 404: Error, 409: Error}, tags=["executions"]
)
def executions_redrive(request, execution_id: int, payload: ExecutionStopIn | None = None):
    return _execution(services.execution_redrive(execution=_get_execution(request, execution_id)))


# ─── triggers (designer/api_triggers.py) ─────────────────────────────────────────────────────

api_triggers.install(api)
