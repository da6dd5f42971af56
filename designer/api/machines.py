"""State machines, their revisions and versions: `/api/machines…`."""

from __future__ import annotations

from django.conf import settings
from ninja import Router, Status

from designer import checks, errors, selectors
from designer.api.lookups import definition_text, get_machine
from designer.api.schemas import (
    Error,
    MachineCreateIn,
    MachineOut,
    MachineRenameIn,
    MachineSummary,
    MachineUpdateIn,
    RevisionOut,
    RevisionSummary,
    VersionIn,
    VersionOut,
)
from designer.presenters import studio
from designer.services import drafts, machines

router = Router(tags=["machines"])


@router.get("/machines", response=list[MachineSummary])
def machines_list(request, search: str = ""):
    return [studio.machine_summary(m) for m in selectors.state_machine_list(owner=request.user, search=search)]


@router.post("/machines", response={201: MachineOut, 400: Error, 409: Error})
def machines_create(request, payload: MachineCreateIn):
    """Create; with allow_draft, a definition that does not validate yet becomes the new machine's draft."""
    text = definition_text(payload.definition)
    if payload.allow_draft and drafts.has_errors(text):
        checks.check_name(payload.name)
        machine = drafts.machine_create_as_draft(
            owner=request.user, region=settings.STATECRAFT_DEFAULT_REGION, name=payload.name, definition=text,
            type=payload.type, layout=payload.layout,
        )
        return Status(201, studio.machine(machine))
    machine, _ = machines.state_machine_create(
        owner=request.user,
        region=settings.STATECRAFT_DEFAULT_REGION,
        name=payload.name,
        definition=definition_text(payload.definition),
        type=payload.type,
        layout=payload.layout,
        message="Created",
    )
    return Status(201, studio.machine(machine))


@router.get("/machines/{name}", response={200: MachineOut, 404: Error})
def machines_get(request, name: str):
    return studio.machine(get_machine(request, name))


@router.put("/machines/{name}", response={200: MachineOut, 400: Error, 404: Error, 409: Error})
def machines_update(request, name: str, payload: MachineUpdateIn):
    """Save: a definition that validates is deployed; one that does not is kept as a draft."""
    machine, _ = drafts.definition_save(
        machine=get_machine(request, name),
        definition=definition_text(payload.definition),
        layout=payload.layout,
        message=payload.message,
        base_revision=payload.base_revision,
    )
    return studio.machine(machine)


@router.patch("/machines/{name}", response={200: MachineOut, 400: Error, 404: Error, 409: Error})
def machines_rename(request, name: str, payload: MachineRenameIn):
    return studio.machine(machines.state_machine_rename(machine=get_machine(request, name), name=payload.name))


@router.delete("/machines/{name}", response={204: None, 404: Error})
def machines_delete(request, name: str):
    machines.state_machine_delete(machine=get_machine(request, name))
    return Status(204, None)


@router.get("/machines/{name}/revisions", response={200: list[RevisionSummary], 404: Error})
def revisions_list(request, name: str):
    machine = get_machine(request, name)
    return [
        {"revision": r.number, "created": r.created, "message": r.message, "draft": r.draft}
        for r in machine.revisions.order_by("-number")
    ]


@router.get("/machines/{name}/revisions/{number}", response={200: RevisionOut, 404: Error})
def revisions_get(request, name: str, number: int):
    revision = get_machine(request, name).revisions.filter(number=number).first()
    if revision is None:
        raise errors.ResourceNotFound(f"Revision {number} of {name} does not exist")
    return {
        "revision": revision.number,
        "created": revision.created,
        "message": revision.message,
        "definition": studio.parsed(revision.definition),
        "layout": revision.layout or {},
    }


@router.post("/machines/{name}/versions", response={201: VersionOut, 404: Error})
def versions_publish(request, name: str, payload: VersionIn):
    version = machines.state_machine_version_publish(
        machine=get_machine(request, name), description=payload.description
    )
    return Status(201, studio.version(version))


@router.get("/machines/{name}/versions", response={200: list[VersionOut], 404: Error})
def versions_list(request, name: str):
    machine = get_machine(request, name)
    return [studio.version(v) for v in machine.versions.select_related("revision", "machine").order_by("-number")]
