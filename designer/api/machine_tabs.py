"""REST endpoints for one machine's studio tabs: drafts, versions, aliases and settings.

Mounted on the studio API by `designer.api`; the machine's own CRUD stays in
`designer.api`. Writes go through `designer.services` and `designer.services.drafts`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status

from designer import arns, errors
from designer.api.lookups import get_machine
from designer.api.schemas import Error, MachineOut
from designer.models import ExecutionStatus, StateMachine, StateMachineAlias
from designer.presenters import studio
from designer.services import drafts, machine_settings, machines

router = Router(tags=["versions and settings"])


class BaseIn(Schema):
    base_revision: int | None = None


class RouteIO(Schema):
    version: int
    weight: int


class AliasOut(Schema):
    name: str
    arn: str
    description: str
    routing: list[RouteIO]
    created: datetime
    updated: datetime


class AliasIn(Schema):
    name: str
    description: str = ""
    routing: list[RouteIO]


class AliasUpdateIn(Schema):
    description: str | None = None
    routing: list[RouteIO] | None = None


class VersionDetail(Schema):
    version: int
    arn: str
    revision: int
    description: str
    created: datetime
    executions: int
    definition: Any


class RunningOut(Schema):
    id: int
    name: str


class SettingsOut(Schema):
    name: str
    arn: str
    type: str
    role_arn: str
    logging: dict
    tracing: dict
    encryption: dict
    tags: dict[str, str]
    running: list[RunningOut]


class SettingsIn(Schema):
    role_arn: str | None = None
    logging: dict | None = None
    tracing: dict | None = None
    encryption: dict | None = None
    tags: dict[str, str] | None = None


# ─── drafts ──────────────────────────────────────────────────────────────────────────────────


@router.post("/machines/{name}/deploy", response={200: MachineOut, 400: Error, 404: Error, 409: Error})
def deploy(request, name: str, payload: BaseIn):
    """Deploy the newest draft (it must validate): executions and the AWS API use it from now on."""
    return studio.machine(drafts.draft_deploy(machine=get_machine(request, name), base_revision=payload.base_revision))


# ─── versions ────────────────────────────────────────────────────────────────────────────────


def _version_of(machine: StateMachine, number: int):
    version = machine.versions.select_related("revision").filter(number=number).first()
    if version is None:
        raise errors.ResourceNotFound(f"Version {number} of {machine.name} does not exist")
    return version


@router.get("/machines/{name}/versions/{number}", response={200: VersionDetail, 404: Error})
def version_get(request, name: str, number: int):
    """One published version with its definition and how many executions ran it."""

    version = _version_of(get_machine(request, name), number)
    return {**studio.version(version), "definition": json.loads(version.revision.definition)}


@router.post("/machines/{name}/versions/{number}/restore", response={200: MachineOut, 404: Error, 409: Error})
def version_restore(request, name: str, number: int, payload: BaseIn):
    """Copy a version into a new draft revision, which the editor then opens."""
    machine = get_machine(request, name)
    drafts.version_restore_as_draft(version=_version_of(machine, number), base_revision=payload.base_revision)
    return studio.machine(get_machine(request, name))


@router.delete("/machines/{name}/versions/{number}", response={204: None, 404: Error, 409: Error})
def version_delete(request, name: str, number: int):
    machines.state_machine_version_delete(version=_version_of(get_machine(request, name), number))
    return Status(204, None)


# ─── aliases ─────────────────────────────────────────────────────────────────────────────────


def _alias(alias: StateMachineAlias) -> dict:
    return {
        "name": alias.name,
        "arn": alias.arn,
        "description": alias.description,
        "routing": alias.routing_configuration,
        "created": alias.created,
        "updated": alias.updated,
    }


def _aws_routes(machine: StateMachine, routing: list[RouteIO]) -> list[dict]:
    return [
        {"stateMachineVersionArn": arns.state_machine_version_arn(machine.region, machine.name, r.version),
         "weight": r.weight}
        for r in routing
    ]


def _alias_of(machine: StateMachine, name: str) -> StateMachineAlias:
    alias = machine.aliases.filter(name=name).first()
    if alias is None:
        raise errors.ResourceNotFound(f"Alias {name} of {machine.name} does not exist")
    return alias


@router.get("/machines/{name}/aliases", response={200: list[AliasOut], 404: Error})
def aliases_list(request, name: str):
    return [_alias(a) for a in get_machine(request, name).aliases.all()]


@router.post("/machines/{name}/aliases", response={201: AliasOut, 400: Error, 404: Error, 409: Error})
def aliases_create(request, name: str, payload: AliasIn):
    machine = get_machine(request, name)
    alias = machines.alias_create(
        machine=machine, name=payload.name, description=payload.description,
        routing_configuration=_aws_routes(machine, payload.routing),
    )
    return Status(201, _alias(alias))


@router.put("/machines/{name}/aliases/{alias}", response={200: AliasOut, 400: Error, 404: Error})
def aliases_update(request, name: str, alias: str, payload: AliasUpdateIn):
    machine = get_machine(request, name)
    routing = None if payload.routing is None else _aws_routes(machine, payload.routing)
    return _alias(machines.alias_update(
        alias=_alias_of(machine, alias), description=payload.description, routing_configuration=routing
    ))


@router.delete("/machines/{name}/aliases/{alias}", response={204: None, 404: Error})
def aliases_delete(request, name: str, alias: str):
    machines.alias_delete(alias=_alias_of(get_machine(request, name), alias))
    return Status(204, None)


# ─── settings ────────────────────────────────────────────────────────────────────────────────


def _settings(machine: StateMachine) -> dict:
    running = machine.executions.filter(status=ExecutionStatus.RUNNING).order_by("-start_date")[:50]
    return {
        "name": machine.name,
        "arn": machine.arn,
        "type": machine.type,
        "role_arn": machine.role_arn,
        "logging": machine.logging_configuration,
        "tracing": machine.tracing_configuration,
        "encryption": machine.encryption_configuration,
        "tags": machine.tags,
        "running": [{"id": e.pk, "name": e.name} for e in running],
    }


@router.get("/machines/{name}/settings", response={200: SettingsOut, 404: Error})
def settings_get(request, name: str):
    """Type, role, logging, tracing, encryption, tags, and the executions running now."""
    return _settings(get_machine(request, name))


@router.put("/machines/{name}/settings", response={200: SettingsOut, 400: Error, 404: Error})
def settings_update(request, name: str, payload: SettingsIn):

    machine = machine_settings.settings_update(
        machine=get_machine(request, name), role_arn=payload.role_arn, logging=payload.logging,
        tracing=payload.tracing, encryption=payload.encryption, tags=payload.tags,
    )
    return _settings(machine)
