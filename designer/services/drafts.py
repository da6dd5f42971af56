"""Writes: the studio's drafts and save conflicts on top of a machine's revisions.

The studio saves what the user drew even when it does not validate yet: such a save is a *draft*
revision, which the editor reopens with its diagnostics. The machine's `definition` and
`revision` (what executions, versions and the AWS API use) stay those of the last deployed
revision; deploying requires a draft that validates. A save names the revision it was made on
top of (`base_revision`); when someone else has saved since, it is refused with a conflict.
"""

from __future__ import annotations

import json
import uuid

from django.db import transaction
from django.db.models import Max

from designer import checks, errors
from designer.models import StateMachine, StateMachineRevision, StateMachineVersion
from designer.services import machines
from engine import validation as engine_validation


def latest_revision(machine: StateMachine) -> StateMachineRevision | None:
    """The newest revision, draft or deployed: what the editor opens."""
    return machine.revisions.order_by("-number").first()


def _errors(definition: str) -> list:
    return [d for d in checks.definition_diagnostics(definition) if getattr(d, "severity", "ERROR") == "ERROR"]


def _next_number(machine: StateMachine) -> int:
    return (machine.revisions.aggregate(n=Max("number"))["n"] or 0) + 1


def _check_base(machine: StateMachine, latest: StateMachineRevision | None, base_revision: int | None) -> None:
    if base_revision is None or latest is None or latest.number == base_revision:
        return
    raise errors.RevisionConflict(
        f"Revision {latest.number} of {machine.name} was saved after revision {base_revision}, "
        "which this change was made on; reload it, or compare and overwrite.",
        latest_revision=latest.number,
    )


def _deploy(machine: StateMachine, revision: StateMachineRevision) -> None:
    machine.definition = revision.definition
    machine.revision = revision.number
    machine.revision_id = revision.revision_id = str(uuid.uuid4())
    machine.save()
    revision.draft = False
    revision.save(update_fields=["draft", "revision_id"])


@transaction.atomic
def definition_save(
    *, machine: StateMachine, definition: str, layout: dict | None = None, message: str = "",
    base_revision: int | None = None,
) -> tuple[StateMachine, StateMachineRevision]:
    """The studio's Save: deploy a definition that validates, else keep it as a draft revision."""
    machine = StateMachine.objects.select_for_update().get(pk=machine.pk)
    latest = latest_revision(machine)
    _check_base(machine, latest, base_revision)
    valid = not _errors(definition)
    if valid and latest is not None and not latest.draft and definition == machine.definition:
        if layout is not None:  # only the diagram moved: no new revision, as before drafts
            latest.layout = layout
            latest.save(update_fields=["layout"])
        machine.save(update_fields=["updated"])
        return machine, latest
    revision = StateMachineRevision.objects.create(
        machine=machine,
        number=_next_number(machine),
        definition=definition,
        role_arn=machine.role_arn,
        layout=layout if layout is not None else (latest.layout if latest else {}),
        message=message or ("" if valid else "Draft: does not validate yet"),
        draft=True,
    )
    if valid:
        _deploy(machine, revision)
    return machine, revision


# What a machine created from a draft runs until its first deploy: a clear failure, not a guess.
NOT_DEPLOYED = {
    "Comment": "Nothing deployed yet: the studio saved this machine as a draft that does not validate.",
    "StartAt": "NotDeployed",
    "States": {"NotDeployed": {"Type": "Fail", "Error": "Statecraft.NotDeployed",
                               "Cause": "This state machine has only a draft so far; deploy it from the studio."}},
}


def has_errors(definition: str) -> bool:
    return bool(_errors(definition))


@transaction.atomic
def machine_create_as_draft(
    *, owner, region: str, name: str, definition: str, type: str, layout: dict | None = None
) -> StateMachine:
    """The studio's first Save of a definition that does not validate yet: the machine is created
    with a placeholder that fails with Statecraft.NotDeployed, and the drawing is its draft."""
    machine, _ = machines.state_machine_create(
        owner=owner, region=region, name=name, type=type, definition=json.dumps(NOT_DEPLOYED, indent=2),
        layout={}, message="Created (nothing deployed yet)",
    )
    StateMachineRevision.objects.create(
        machine=machine, number=2, definition=definition, role_arn=machine.role_arn, layout=layout or {},
        message="Draft: does not validate yet", draft=True,
    )
    return machine


@transaction.atomic
def draft_deploy(*, machine: StateMachine, base_revision: int | None = None) -> StateMachine:
    """Make the newest draft what executions run; refused while it does not validate."""
    machine = StateMachine.objects.select_for_update().get(pk=machine.pk)
    latest = latest_revision(machine)
    _check_base(machine, latest, base_revision)
    if latest is None or not latest.draft:
        raise errors.ValidationException(f"{machine.name} has no draft to deploy (revision {machine.revision} runs)")
    problems = _errors(latest.definition)
    if problems:
        raise errors.InvalidDefinition(engine_validation.format_invalid_definition(problems), diagnostics=problems)
    _deploy(machine, latest)
    return machine


@transaction.atomic
def version_restore_as_draft(*, version: StateMachineVersion, base_revision: int | None = None) -> StateMachineRevision:
    """Copy a published version's definition (and diagram) into a new draft revision."""
    machine = StateMachine.objects.select_for_update().get(pk=version.machine_id)
    _check_base(machine, latest_revision(machine), base_revision)
    source = version.revision
    return StateMachineRevision.objects.create(
        machine=machine,
        number=_next_number(machine),
        definition=source.definition,
        role_arn=source.role_arn,
        layout=source.layout,
        message=f"Restored version {version.number}",
        draft=True,
    )
