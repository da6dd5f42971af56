"""Executions: start, list, read, history, stop, redrive (`/api/machines/{name}/executions`,
`/api/executions/{id}…`)."""

from __future__ import annotations

from ninja import Router, Status

from designer import errors, selectors
from designer.api.lookups import get_execution, get_machine, input_text
from designer.api.schemas import Error, ExecutionOut, ExecutionStartIn, ExecutionStopIn
from designer.models import ExecutionStatus
from designer.presenters import studio
from designer.presenters.history import event_json
from designer.services import debugging, executions

router = Router(tags=["executions"])


@router.post(
    "/machines/{name}/executions", response={201: ExecutionOut, 400: Error, 404: Error, 409: Error})
def executions_start(request, name: str, payload: ExecutionStartIn):
    machine = get_machine(request, name)
    if payload.debug:
        execution = debugging.debug_start(machine=machine, input=input_text(payload.input),
                                          name=payload.name or None, owner=request.user)
    else:
        execution, _ = executions.execution_start(
            state_machine=machine, input=input_text(payload.input), name=payload.name or None, owner=request.user)
    return Status(201, studio.execution(execution))


@router.get("/machines/{name}/executions", response={200: list[ExecutionOut], 400: Error, 404: Error})
def executions_list(request, name: str, status: str = "", search: str = "", limit: int = 100):
    if status and status not in ExecutionStatus.values:
        # A misspelt filter would otherwise list nothing, which reads as "no such executions".
        raise errors.ValidationException(f"status must be one of {', '.join(ExecutionStatus.values)}, not {status!r}")
    rows = selectors.execution_list(
        owner=request.user, machine=get_machine(request, name), status=status or None, search=search
    ).select_related("revision")
    return [studio.execution(e) for e in rows[: max(1, min(limit, 1000))]]


@router.get("/executions/{execution_id}", response={200: ExecutionOut, 404: Error})
def executions_get(request, execution_id: int):
    return studio.execution(get_execution(request, execution_id))


@router.get("/executions/{execution_id}/history", response={200: list[dict], 404: Error})
def executions_history(request, execution_id: int, after_id: int = 0):
    execution = get_execution(request, execution_id)
    return [event_json(event) for event in selectors.history_list(execution=execution, after_id=after_id)]


@router.post("/executions/{execution_id}/stop", response={200: ExecutionOut, 404: Error})
def executions_stop(request, execution_id: int, payload: ExecutionStopIn):
    execution = executions.execution_stop(
        execution=get_execution(request, execution_id), error=payload.error, cause=payload.cause
    )
    return studio.execution(execution)


@router.post(
    "/executions/{execution_id}/redrive", response={200: ExecutionOut, 404: Error, 409: Error})
def executions_redrive(request, execution_id: int, payload: ExecutionStopIn | None = None):
    return studio.execution(executions.execution_redrive(execution=get_execution(request, execution_id)))
