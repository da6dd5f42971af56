"""State machines, their revisions, versions and aliases.

CreateStateMachine, UpdateStateMachine, DeleteStateMachine, PublishStateMachineVersion,
DeleteStateMachineVersion and the alias operations; plus the studio's rename. Every change of the
definition or role is a new `StateMachineRevision` (the studio's history); versions point at one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from designer import arns
from designer.accounts import account_id_for
from designer.checks import check_definition, check_logging, check_name, check_role_arn
from designer.errors import (
    ConflictException,
    MissingRequiredParameter,
    ResourceNotFound,
    ServiceQuotaExceededException,
    StateMachineAlreadyExists,
    ValidationException,
)
from designer.models import (
    ExecutionStatus,
    MachineType,
    StateMachine,
    StateMachineAlias,
    StateMachineRevision,
    StateMachineVersion,
)
from designer.services import executions
from designer.services.tags import merge_tags


def default_role_arn() -> str:
    """The role ARN a machine created without one gets."""
    return f"arn:aws:iam::{settings.STATECRAFT_ACCOUNT_ID}:role/StatecraftExecutionRole"



@transaction.atomic
def state_machine_create(
    *,
    owner,
    region: str,
    name: str,
    definition: str,
    role_arn: str = "",
    type: str = MachineType.STANDARD,
    logging_configuration: dict | None = None,
    tracing_configuration: dict | None = None,
    tags: list[dict] | None = None,
    publish: bool = False,
    version_description: str | None = None,
    layout: dict | None = None,
    message: str = "",
) -> tuple[StateMachine, StateMachineVersion | None]:
    """CreateStateMachine. AWS: an exact duplicate of an existing machine returns it unchanged."""
    if version_description and not publish:
        raise ValidationException("Version description can only be set when publish is true")
    check_name(name)
    check_role_arn(role_arn)
    check_definition(definition, type)
    logging_configuration = check_logging(logging_configuration)
    tracing_configuration = tracing_configuration or {"enabled": False}
    role_arn = role_arn or default_role_arn()
    existing = StateMachine.objects.filter(owner=owner, region=region, name=name).first()
    if existing is not None:
        same = (
            existing.definition == definition
            and existing.role_arn == role_arn
            and existing.type == type
            and existing.logging_configuration == logging_configuration
            and existing.tracing_configuration == tracing_configuration
        )
        if not same:
            raise StateMachineAlreadyExists(f"State Machine Already Exists: '{existing.arn}'")
        version = None
        if publish:
            version = state_machine_version_publish(machine=existing, description=version_description or "")
        return existing, version
    machine = StateMachine.objects.create(
        owner=owner,
        region=region,
        name=name,
        type=type,
        definition=definition,
        role_arn=role_arn,
        logging_configuration=logging_configuration,
        tracing_configuration=tracing_configuration,
        tags=merge_tags({}, tags),
    )
    StateMachineRevision.objects.create(
        machine=machine, number=1, definition=definition, role_arn=role_arn, layout=layout or {}, message=message
    )
    version = state_machine_version_publish(machine=machine, description=version_description or "") if publish else None
    return machine, version


@transaction.atomic
def state_machine_update(
    *,
    machine: StateMachine,
    definition: str | None = None,
    role_arn: str | None = None,
    logging_configuration: dict | None = None,
    tracing_configuration: dict | None = None,
    publish: bool = False,
    version_description: str | None = None,
    layout: dict | None = None,
    message: str = "",
) -> tuple[StateMachine, StateMachineVersion | None]:
    """UpdateStateMachine: a new revision (when anything changed), optionally published."""
    if version_description and not publish:
        raise ValidationException("Version description can only be set when publish is true")
    if (
        definition is None
        and role_arn is None
        and logging_configuration is None
        and tracing_configuration is None
        and layout is None
    ):
        raise MissingRequiredParameter(
            "Either the definition, the role ARN, the LoggingConfiguration, "
            "or the TracingConfiguration must be specified"
        )
    if definition is not None:
        check_definition(definition, machine.type)
    if role_arn is not None:
        check_role_arn(role_arn)
    machine = StateMachine.objects.select_for_update().get(pk=machine.pk)
    changed = False
    if definition is not None and definition != machine.definition:
        machine.definition, changed = definition, True
    if role_arn is not None and role_arn != machine.role_arn:
        machine.role_arn, changed = role_arn, True
    if logging_configuration is not None:
        logging_configuration = check_logging(logging_configuration)
        if logging_configuration != machine.logging_configuration:
            machine.logging_configuration, changed = logging_configuration, True
    if tracing_configuration is not None and tracing_configuration != machine.tracing_configuration:
        machine.tracing_configuration, changed = tracing_configuration, True
    latest = machine.revisions.order_by("-number").first()
    if changed:
        # Studio drafts (designer.services.drafts) take revision numbers too: continue after the newest.
        machine.revision = (machine.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        machine.revision_id = str(uuid.uuid4())
        machine.save()
        StateMachineRevision.objects.create(
            machine=machine,
            number=machine.revision,
            revision_id=machine.revision_id,
            definition=machine.definition,
            role_arn=machine.role_arn,
            layout=layout if layout is not None else (latest.layout if latest else {}),
            message=message,
        )
    else:
        if layout is not None and latest is not None:
            latest.layout = layout
            latest.save(update_fields=["layout"])
        machine.save(update_fields=["updated"])
    version = state_machine_version_publish(machine=machine, description=version_description or "") if publish else None
    return machine, version


@transaction.atomic
def state_machine_rename(*, machine: StateMachine, name: str) -> StateMachine:
    """The studio's rename (AWS has none): refused when executions or versions would dangle."""
    check_name(name)
    if (
        StateMachine.objects.filter(owner=machine.owner, region=machine.region, name=name)
        .exclude(pk=machine.pk)
        .exists()
    ):
        raise StateMachineAlreadyExists(
            "State Machine Already Exists: "
            f"'{arns.state_machine_arn(machine.region, name, account_id_for(machine.owner_id))}'"
        )
    if machine.executions.exists() or machine.versions.exists():
        raise ConflictException("A state machine with executions or published versions cannot be renamed.")
    machine.name = name
    machine.save(update_fields=["name", "updated"])
    return machine


def state_machine_delete(*, machine: StateMachine) -> None:
    """DeleteStateMachine: the machine, its revisions, versions and aliases (and executions)."""
    with transaction.atomic():
        running = list(machine.executions.filter(status=ExecutionStatus.RUNNING))
        for execution in running:
            executions.execution_stop(
                execution=execution, error="States.Aborted", cause="The state machine was deleted."
            )
        machine.aliases.all().delete()
        machine.versions.all().delete()
        machine.delete()


@transaction.atomic
def state_machine_version_publish(
    *, machine: StateMachine, description: str = "", revision_id: str | None = None
) -> StateMachineVersion:
    """PublishStateMachineVersion. AWS: publishing an already-published revision returns its version."""
    machine = StateMachine.objects.select_for_update().get(pk=machine.pk)
    if revision_id is not None and revision_id != (machine.revision_id or "INITIAL"):
        raise ConflictException(
            f"Failed to publish the State Machine version for revision {revision_id}. "
            f"The current State Machine revision is {machine.revision_id or 'INITIAL'}."
        )
    revision = machine.revisions.get(number=machine.revision)
    existing = machine.versions.filter(revision=revision).first()
    if existing is not None:
        return existing
    if machine.versions.count() >= 1000:
        raise ServiceQuotaExceededException("Maximum number of versions (1000) reached for this state machine.")
    version = StateMachineVersion.objects.create(
        machine=machine, number=machine.next_version_number, revision=revision, description=description or ""
    )
    machine.next_version_number += 1
    machine.save(update_fields=["next_version_number"])
    return version


@transaction.atomic
def state_machine_version_delete(*, version: StateMachineVersion) -> None:
    """DeleteStateMachineVersion: refused while an alias routes to it."""
    names = [alias.name for alias in version.machine.aliases.order_by("created", "id")
             if any(route["version"] == version.number for route in alias.routing_configuration)]
    if names:
        raise ConflictException(
            f"Version to be deleted must not be referenced by an alias. Current list of aliases referencing "
            f"this version: [{', '.join(names)}]"
        )
    version.delete()


def check_routing(routing_configuration: list[dict]) -> None:
    """AWS's rules for an alias's routing, with AWS's texts (recorded): version ARNs only,
    each once, weights adding up to 100."""
    received = [str(route.get("stateMachineVersionArn")) for route in routing_configuration]
    listed = f"Received: [{', '.join(received)}]"
    parsed = []
    for arn in received:
        try:
            parsed.append(arns.parse(arn, allowed=("stateMachine",)))
        except arns.InvalidArn:
            parsed.append(None)
    if any(p is None or p.version_number is None for p in parsed):
        raise ValidationException(f"Routing configuration must contain state machine version ARNs. {listed}")
    if len(set(received)) != len(received):
        raise ValidationException(f"Routing configuration must contain distinct state machine version ARNs. {listed}")
    weights = [route.get("weight") for route in routing_configuration]
    if sum(int(w or 0) for w in weights) != 100:
        raise ValidationException(
            f"Sum of routing configuration weights must equal 100. Received: [{', '.join(str(w) for w in weights)}]")


def _routes(machine: StateMachine, routing_configuration: list[dict]) -> list[dict]:
    """Turn AWS's routing list into `[{"version": n, "weight": w}]`, checking AWS's rules."""
    check_routing(routing_configuration)
    routes = []
    for route in routing_configuration:
        arn = arns.parse(route["stateMachineVersionArn"], allowed=("stateMachine",))
        if arn.name != machine.name or not machine.versions.filter(number=arn.version_number).exists():
            raise ResourceNotFound(f"Resource not found: '{route['stateMachineVersionArn']}'")
        routes.append({"version": arn.version_number, "weight": int(route["weight"])})
    return routes


@transaction.atomic
def alias_create(
    *, machine: StateMachine, name: str, routing_configuration: list[dict], description: str = ""
) -> StateMachineAlias:
    """CreateStateMachineAlias. AWS: an identical request returns the existing alias."""
    check_name(name)
    if name.isdigit():
        raise ValidationException(f"Invalid Name: '{name}'")
    routes = _routes(machine, routing_configuration)
    existing = machine.aliases.filter(name=name).first()
    if existing is not None:
        if existing.routing_configuration == routes and existing.description == (description or ""):
            return existing
        raise ConflictException(
            "Failed to create alias because an alias with the same name and a different routing "
            "configuration already exists."
        )
    if machine.aliases.count() >= 100:
        raise ServiceQuotaExceededException("Maximum number of aliases (100) reached for this state machine.")
    return StateMachineAlias.objects.create(
        machine=machine, name=name, description=description or "", routing_configuration=routes
    )


@transaction.atomic
def alias_update(
    *, alias: StateMachineAlias, description: str | None = None, routing_configuration: list[dict] | None = None
) -> StateMachineAlias:
    """UpdateStateMachineAlias."""
    if description is None and routing_configuration is None:
        raise ValidationException("Either description or routingConfiguration must be specified")
    if description is not None:
        alias.description = description
    if routing_configuration is not None:
        alias.routing_configuration = _routes(alias.machine, routing_configuration)
    alias.save()
    return alias


def alias_delete(*, alias: StateMachineAlias) -> None:
    alias.delete()
