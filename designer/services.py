"""Writes: every change to state machines, versions, aliases, activities, tags, executions and keys.

The AWS API, the REST API and the management commands are thin adapters over these functions.
Failures raise `ServiceError` subclasses named after AWS's error codes (the product is an AWS
clone, so AWS's vocabulary is the domain's); adapters render them in their own shape.

Hooks for the execution runtime (`designer.runtime`, written separately):
- `designer.runtime.dispatch(execution)`: called after commit when an execution is created or
  redriven; runs it. Absent → the execution stays RUNNING.
- `designer.runtime.cancel(execution)`: called after commit when an execution is stopped.
- `designer.runtime.run_sync(execution_like)`: StartSyncExecution; absent → `engine.run`.
- `designer.runtime.task_token_completed(token)`: called after commit when SendTask* settles a token.
"""

from __future__ import annotations

import importlib
import json
import logging
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from designer import arns, status_hooks
from designer.models import (
    AccessKey,
    Activity,
    ActivityWorker,
    Execution,
    ExecutionStatus,
    HistoryEvent,
    MachineType,
    StateMachine,
    StateMachineAlias,
    StateMachineRevision,
    StateMachineVersion,
    TaskToken,
    TaskTokenStatus,
)

logger = logging.getLogger(__name__)

MAX_TAGS = 50
REDRIVE_WINDOW = timedelta(days=14)


# ─── errors ──────────────────────────────────────────────────────────────────────────────────


class ServiceError(Exception):
    """A refused request; `code` is AWS's error code, `http_status` a hint for REST adapters."""

    code = "ValidationException"
    http_status = 400

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra


def _error(code: str, http_status: int = 400) -> type[ServiceError]:
    return type(code, (ServiceError,), {"code": code, "http_status": http_status})


ValidationException = _error("ValidationException")
InvalidName = _error("InvalidName")
InvalidArn = _error("InvalidArn")
InvalidDefinition = _error("InvalidDefinition")
InvalidToken = _error("InvalidToken")
InvalidOutput = _error("InvalidOutput")
InvalidExecutionInput = _error("InvalidExecutionInput")
InvalidLoggingConfiguration = _error("InvalidLoggingConfiguration")
InvalidTracingConfiguration = _error("InvalidTracingConfiguration")
StateMachineDoesNotExist = _error("StateMachineDoesNotExist", 404)
StateMachineAlreadyExists = _error("StateMachineAlreadyExists", 409)
StateMachineDeleting = _error("StateMachineDeleting", 409)
StateMachineTypeNotSupported = _error("StateMachineTypeNotSupported")
ExecutionDoesNotExist = _error("ExecutionDoesNotExist", 404)
ExecutionAlreadyExists = _error("ExecutionAlreadyExists", 409)
ExecutionNotRedrivable = _error("ExecutionNotRedrivable", 409)
ActivityDoesNotExist = _error("ActivityDoesNotExist", 404)
ActivityAlreadyExists = _error("ActivityAlreadyExists", 409)
ResourceNotFound = _error("ResourceNotFound", 404)
TooManyTags = _error("TooManyTags")
ConflictException = _error("ConflictException", 409)
TaskDoesNotExist = _error("TaskDoesNotExist", 404)
TaskTimedOut = _error("TaskTimedOut", 409)
ServiceQuotaExceededException = _error("ServiceQuotaExceededException")
MissingRequiredParameter = _error("MissingRequiredParameter")


# ─── names and definitions ───────────────────────────────────────────────────────────────────

# AWS: names may not contain whitespace, brackets, wildcards, these punctuation marks, or
# control characters (U+0000-001F, U+007F-009F).
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")


def check_name(name: str) -> None:
    """Raise InvalidName unless `name` is a valid state machine / activity / execution name."""
    if not name or len(name) > 80 or _BAD_NAME.search(name):
        raise InvalidName(f"Invalid Name: '{name}'")


def _validation():
    try:
        return importlib.import_module("engine.validation")
    except ImportError:  # the validation module is being written in parallel
        return None


def definition_diagnostics(definition: str | dict, machine_type: str | None = None) -> list:
    """The engine's static diagnostics for a definition (dict or JSON text); an EXPRESS
    `machine_type` adds what Express workflows do not support."""
    module = _validation()
    if module is None:
        text = definition if isinstance(definition, str) else json.dumps(definition)
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            return [_Diagnostic("", "INVALID_JSON_DESCRIPTION", str(exc), "ERROR")]
        if not isinstance(parsed, dict) or "StartAt" not in parsed or "States" not in parsed:
            return [_Diagnostic("", "SCHEMA_VALIDATION_FAILED", "StartAt and States are required", "ERROR")]
        return []
    return list(module.validate(definition, machine_type=machine_type))


@dataclass
class _Diagnostic:
    path: str
    code: str
    message: str
    severity: str


def format_invalid_definition(diagnostics: list) -> str:
    module = _validation()
    if module is not None and hasattr(module, "format_invalid_definition"):
        return module.format_invalid_definition(diagnostics)
    return (
        "Invalid State Machine Definition: '"
        + "; ".join(f"{d.code}: {d.message} at {d.path or '/'}" for d in diagnostics)
        + "'"
    )


def check_definition(definition: str, machine_type: str | None = None) -> None:
    """Raise InvalidDefinition (message as AWS renders it) when the definition has errors."""
    errors = [d for d in definition_diagnostics(definition, machine_type) if getattr(d, "severity", "ERROR") == "ERROR"]
    if errors:
        raise InvalidDefinition(format_invalid_definition(errors), diagnostics=errors)


def _check_role_arn(role_arn: str) -> None:
    if role_arn and not role_arn.startswith("arn:"):
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {role_arn}'")


def _check_logging(configuration: dict | None) -> dict:
    configuration = dict(configuration or {})
    level = configuration.get("level", "OFF")
    configuration["level"] = level
    configuration.setdefault("includeExecutionData", False)
    if level != "OFF" and not configuration.get("destinations"):
        raise InvalidLoggingConfiguration("Invalid Logging Configuration: Must specify exactly one Log Destination.")
    return configuration


def default_role_arn() -> str:
    return f"arn:aws:iam::{settings.STATECRAFT_ACCOUNT_ID}:role/StatecraftExecutionRole"


# ─── tags ────────────────────────────────────────────────────────────────────────────────────


def _merge_tags(existing: dict, tags: list[dict] | None) -> dict:
    merged = dict(existing)
    for tag in tags or []:
        if tag.get("key") is None:
            raise ValidationException("Tag keys must not be null")
        merged[tag["key"]] = tag.get("value", "")
    if len(merged) > MAX_TAGS:
        raise TooManyTags(f"Too many tags: the resource may have at most {MAX_TAGS} tags.", resource_name="")
    return merged


def tags_add(*, resource: StateMachine | Activity, tags: list[dict]) -> None:
    """TagResource: add or overwrite tags on a state machine or activity."""
    resource.tags = _merge_tags(resource.tags, tags)
    resource.save(update_fields=["tags"])


def tags_remove(*, resource: StateMachine | Activity, keys: list[str]) -> None:
    """UntagResource: drop the given keys; unknown keys are ignored, as AWS does."""
    resource.tags = {k: v for k, v in resource.tags.items() if k not in set(keys)}
    resource.save(update_fields=["tags"])


# ─── state machines, revisions, versions, aliases ────────────────────────────────────────────


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
    _check_role_arn(role_arn)
    check_definition(definition, type)
    logging_configuration = _check_logging(logging_configuration)
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
        tags=_merge_tags({}, tags),
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
        _check_role_arn(role_arn)
    machine = StateMachine.objects.select_for_update().get(pk=machine.pk)
    changed = False
    if definition is not None and definition != machine.definition:
        machine.definition, changed = definition, True
    if role_arn is not None and role_arn != machine.role_arn:
        machine.role_arn, changed = role_arn, True
    if logging_configuration is not None:
        logging_configuration = _check_logging(logging_configuration)
        if logging_configuration != machine.logging_configuration:
            machine.logging_configuration, changed = logging_configuration, True
    if tracing_configuration is not None and tracing_configuration != machine.tracing_configuration:
        machine.tracing_configuration, changed = tracing_configuration, True
    latest = machine.revisions.order_by("-number").first()
    if changed:
        # Studio drafts (designer.drafts) take revision numbers too: continue after the newest.
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
            f"State Machine Already Exists: '{arns.state_machine_arn(machine.region, name)}'"
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
            execution_stop(execution=execution, error="States.Aborted", cause="The state machine was deleted.")
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


# ─── activities ──────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def activity_create(*, owner, region: str, name: str, tags: list[dict] | None = None) -> Activity:
    """CreateActivity. AWS: creating an existing activity returns it (idempotent)."""
    check_name(name)
    existing = Activity.objects.filter(owner=owner, region=region, name=name).first()
    if existing is not None:
        if tags:
            tags_add(resource=existing, tags=tags)
        return existing
    return Activity.objects.create(owner=owner, region=region, name=name, tags=_merge_tags({}, tags))


def activity_delete(*, activity: Activity) -> None:
    activity.delete()


# ─── executions ──────────────────────────────────────────────────────────────────────────────


def _runtime_hook(name: str):
    """`designer.runtime.<name>` if the runtime package provides it, else None."""
    try:
        module = importlib.import_module("designer.runtime")
    except ImportError:
        return None
    return getattr(module, name, None)


def _call_runtime_after_commit(hook: str, *args) -> None:
    function = _runtime_hook(hook)
    if function is None:
        return

    def call():
        try:
            function(*args)
        except Exception:  # a runtime failure must not turn an accepted request into a 500
            logger.exception("designer.runtime.%s failed", hook)

    transaction.on_commit(call)


def _check_input(input: str | None) -> str:
    text = "{}" if input is None else input
    try:
        json.loads(text)
    except ValueError as exc:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{exc}'") from None
    return text


@dataclass
class Target:
    """What a StartExecution ARN resolves to: the machine, plus the version / alias used."""

    machine: StateMachine
    version: StateMachineVersion | None = None
    alias: StateMachineAlias | None = None
    extra: dict = field(default_factory=dict)

    def pick_version(self) -> StateMachineVersion | None:
        if self.alias is None:
            return self.version
        routes = self.alias.routing_configuration
        chosen = random.choices(routes, weights=[r["weight"] for r in routes])[0]
        return self.machine.versions.get(number=chosen["version"])


def execution_start(
    *,
    state_machine: StateMachine | Target,
    input: str | None = None,
    name: str | None = None,
    trace_header: str = "",
    owner=None,
) -> tuple[Execution, bool]:
    """StartExecution's persistence: create the RUNNING row, then `designer.runtime.dispatch`.

    Returns (execution, created). AWS: the same name with the same input while the first is still
    running answers with the first execution; anything else with a used name is
    ExecutionAlreadyExists.
    """
    target = state_machine if isinstance(state_machine, Target) else Target(machine=state_machine)
    machine = target.machine
    input = _check_input(input)
    if name is None:
        name = str(uuid.uuid4())
    check_name(name)
    version = target.pick_version()
    # The deployed revision: a newer studio draft (designer.drafts) is not what runs.
    revision = version.revision if version is not None else machine.revisions.filter(number=machine.revision).first()
    definition = revision.definition if version is not None else machine.definition
    role_arn = revision.role_arn if version is not None else machine.role_arn
    if machine.type == MachineType.EXPRESS:
        arn = arns.express_execution_arn(machine.region, machine.name, name, str(uuid.uuid4()))
    else:
        arn = arns.execution_arn(machine.region, machine.name, name)
    with transaction.atomic():
        existing = Execution.objects.filter(state_machine=machine, name=name, type=MachineType.STANDARD).first()
        if existing is not None and machine.type == MachineType.STANDARD:
            if existing.status == ExecutionStatus.RUNNING and existing.input == input:
                return existing, False
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{existing.arn}'")
        try:
            with transaction.atomic():
                execution = Execution.objects.create(
                    owner=owner or machine.owner,
                    state_machine=machine,
                    version=version,
                    alias=target.alias,
                    state_machine_version_arn=version.arn if version is not None else "",
                    state_machine_alias_arn=target.alias.arn if target.alias is not None else "",
                    name=name,
                    arn=arn,
                    type=machine.type,
                    status=ExecutionStatus.RUNNING,
                    input=input,
                    start_date=timezone.now(),
                    definition=definition,
                    role_arn=role_arn,
                    revision=revision,
                    trace_header=trace_header or "",
                    # The runtime carries the mock-config test case (`ARN#TestCase`) in its checkpoint.
                    checkpoint={"test_case": target.extra["test_case"]} if target.extra.get("test_case") else None,
                )
        except IntegrityError:  # a concurrent start with the same name won the race
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'") from None
        _call_runtime_after_commit("dispatch", execution)
        status_hooks.execution_status_changed(execution.pk)  # EventBridge status-change event
    return execution, True


@transaction.atomic
def history_append(*, execution: Execution, events: list[dict]) -> list[HistoryEvent]:
    """Append AWS-shaped events (`type`, optional `timestamp`, `previousEventId`, `*EventDetails`).

    Assigns `event_id` n+1… under a row lock on the execution, so concurrent writers cannot
    interleave. It does not publish: the caller hands the returned rows to
    `designer.live.publish_events` (the live view's contract). The runtime may use this or write
    HistoryEvent rows itself in its step transaction.
    """
    Execution.objects.select_for_update().filter(pk=execution.pk).first()
    last = execution.events.order_by("-event_id").values_list("event_id", flat=True).first() or 0
    rows = []
    for offset, event in enumerate(events, start=1):
        event_id = last + offset
        details = {k: v for k, v in event.items() if k not in {"type", "timestamp", "id", "previousEventId"}}
        rows.append(
            HistoryEvent(
                execution=execution,
                event_id=event_id,
                previous_event_id=event.get("previousEventId", event_id - 1),
                timestamp=event.get("timestamp") or timezone.now(),
                type=event["type"],
                details=details,
            )
        )
    return HistoryEvent.objects.bulk_create(rows)


def _publish_events(execution: Execution, events: list[HistoryEvent]) -> None:
    """Hand new history rows to the live view (`designer.live`, after commit) when it is installed."""
    try:
        live = importlib.import_module("designer.live")
    except ImportError:
        return
    live.publish_events(execution, events)


def execution_stop(*, execution: Execution, error: str | None = None, cause: str | None = None) -> Execution:
    """StopExecution: ABORTED with an ExecutionAborted event, then `designer.runtime.cancel`."""
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.status not in (ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE):
            # AWS: stopping a finished execution is not an error; its stop date is returned.
            return execution
        execution.status = ExecutionStatus.ABORTED
        execution.stop_date = timezone.now()
        execution.error = error
        execution.cause = cause
        execution.lease_owner = ""
        execution.lease_expires = None
        execution.save()
        details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        # AWS: the ExecutionAborted event of StopExecution links to no earlier event
        # (previousEventId 0, as the engine records it too).
        rows = history_append(
            execution=execution,
            events=[
                {"type": "ExecutionAborted", "timestamp": execution.stop_date, "previousEventId": 0,
                 "executionAbortedEventDetails": details}
            ],
        )
        _publish_events(execution, rows)
        execution.task_tokens.filter(status__in=[TaskTokenStatus.SCHEDULED, TaskTokenStatus.STARTED]).update(
            status=TaskTokenStatus.CANCELLED
        )
        _call_runtime_after_commit("cancel", execution)
        status_hooks.execution_status_changed(execution.pk)  # EventBridge status-change event
    return execution


def redrive_status(execution: Execution) -> tuple[str, str | None]:
    """DescribeExecution's redriveStatus and redriveStatusReason."""
    if execution.type == MachineType.EXPRESS:
        return "NOT_REDRIVABLE", "Execution is of type EXPRESS and cannot be redriven"
    if execution.status in (ExecutionStatus.RUNNING, ExecutionStatus.SUCCEEDED, ExecutionStatus.PENDING_REDRIVE):
        return "NOT_REDRIVABLE", f"Execution is {execution.status} and cannot be redriven"
    if execution.stop_date and timezone.now() - execution.stop_date > REDRIVE_WINDOW:
        return "NOT_REDRIVABLE", "Execution stopped more than 14 days ago and cannot be redriven"
    if execution.redrive_count >= 1000:
        return "REDRIVABLE_BY_MAP_RUN", None
    return "REDRIVABLE", None


def execution_redrive(*, execution: Execution) -> Execution:
    """RedriveExecution: back to RUNNING (redrive_count+1), then `designer.runtime.dispatch`.

    The runtime restarts from the checkpoint, re-running only the failed states.
    """
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        status, reason = redrive_status(execution)
        if status != "REDRIVABLE":
            raise ExecutionNotRedrivable(f"Execution with ARN '{execution.arn}' cannot be redriven: {reason}")
        execution.status = ExecutionStatus.RUNNING
        execution.redrive_count += 1
        execution.redrive_date = timezone.now()
        execution.stop_date = None
        execution.output = execution.error = execution.cause = None
        execution.lease_owner = ""
        execution.lease_expires = None
        execution.save()
        _call_runtime_after_commit("dispatch", execution)
        status_hooks.execution_status_changed(execution.pk)  # EventBridge status-change event
    return execution


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


def sync_execution_run(
    *, state_machine: StateMachine | Target, input: str | None = None, name: str | None = None, trace_header: str = ""
) -> dict:
    """StartSyncExecution: run an Express machine to completion and return the AWS response body."""
    target = state_machine if isinstance(state_machine, Target) else Target(machine=state_machine)
    machine = target.machine
    if machine.type != MachineType.EXPRESS:
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    input = _check_input(input)
    name = name or str(uuid.uuid4())
    check_name(name)
    version = target.pick_version()
    definition = version.revision.definition if version is not None else machine.definition
    execution_arn = arns.express_execution_arn(machine.region, machine.name, name, str(uuid.uuid4()))
    run_sync = _runtime_hook("run_sync")
    request = {
        "machine": machine,
        "version": version,
        "alias": target.alias,
        "definition": definition,
        "input": input,
        "name": name,
        "execution_arn": execution_arn,
        "trace_header": trace_header,
        "test_case": target.extra.get("test_case"),
    }
    if run_sync is not None:
        return run_sync(request)
    import engine

    result = engine.run(definition, json.loads(input), name=name)
    body = {
        "executionArn": execution_arn,
        "stateMachineArn": (version.arn if version is not None else machine.arn),
        "name": name,
        "startDate": result.start_date,
        "stopDate": result.stop_date,
        "status": result.status,
        "input": input,
        "inputDetails": {"included": True},
        "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100},
    }
    body.update(outcome_members(output=result.output, error=result.error, cause=result.cause, sync=True))
    return body


# ─── activity tasks and task tokens ──────────────────────────────────────────────────────────


def activity_task_get(*, activity: Activity, worker_name: str = "", wait_seconds: float = 60.0) -> TaskToken | None:
    """GetActivityTask: hand the oldest scheduled task of `activity` to a worker, polling up to
    `wait_seconds` (AWS long-polls for 60 s). None when nothing arrived."""
    import time

    deadline = time.monotonic() + wait_seconds
    _worker_polling(activity, worker_name, +1)
    try:
        return _activity_task_poll(activity, worker_name, deadline)
    finally:
        _worker_polling(activity, worker_name, -1)


def _worker_polling(activity: Activity, worker_name: str, change: int) -> None:
    """Count a worker's long polls in progress, for the studio's "workers polling now"."""
    worker, _ = ActivityWorker.objects.get_or_create(
        activity=activity, name=worker_name or "", defaults={"last_seen": timezone.now()}
    )
    ActivityWorker.objects.filter(pk=worker.pk).update(polls=F("polls") + change, last_seen=timezone.now())


def _activity_task_poll(activity: Activity, worker_name: str, deadline: float) -> TaskToken | None:
    import time

    while True:
        with transaction.atomic():
            task = (
                TaskToken.objects.select_for_update(skip_locked=True)
                .filter(activity=activity, status=TaskTokenStatus.SCHEDULED)
                .order_by("created", "id")
                .first()
            )
            if task is not None:
                now = timezone.now()
                task.status = TaskTokenStatus.STARTED
                task.worker_name = worker_name or ""
                if task.heartbeat_seconds:
                    task.heartbeat_deadline = now + timedelta(seconds=task.heartbeat_seconds)
                task.save()
                _call_runtime_after_commit("activity_task_started", task)
                return task
        if time.monotonic() >= deadline:
            return None
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def _open_token(token: str, owner) -> TaskToken:
    task = TaskToken.objects.select_for_update().select_related("execution").filter(token=token).first()
    if task is None or (owner is not None and task.execution.owner_id != owner.pk):
        raise InvalidToken("Invalid Token: 'Invalid token'")
    if task.status in (TaskTokenStatus.TIMED_OUT,):
        raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
    if task.status not in (TaskTokenStatus.SCHEDULED, TaskTokenStatus.STARTED):
        raise TaskDoesNotExist("Task Does Not Exist: 'Provided task does not exist anymore'")
    return task


def task_success(*, token: str, output: str, owner=None) -> TaskToken:
    """SendTaskSuccess: settle the token with `output`; the runtime resumes the execution."""
    try:
        json.loads(output)
    except ValueError:
        raise InvalidOutput(f"Invalid Output: '{output}'") from None
    with transaction.atomic():
        task = _open_token(token, owner)
        task.status = TaskTokenStatus.SUCCEEDED
        task.output = output
        task.save()
        _call_runtime_after_commit("task_token_completed", task)
    return task


def task_failure(*, token: str, error: str | None = None, cause: str | None = None, owner=None) -> TaskToken:
    """SendTaskFailure: settle the token as failed; the runtime applies Retry/Catch."""
    with transaction.atomic():
        task = _open_token(token, owner)
        task.status = TaskTokenStatus.FAILED
        task.error = error
        task.cause = cause
        task.save()
        _call_runtime_after_commit("task_token_completed", task)
    return task


def task_heartbeat(*, token: str, owner=None) -> TaskToken:
    """SendTaskHeartbeat: push the heartbeat deadline forward by HeartbeatSeconds."""
    with transaction.atomic():
        task = _open_token(token, owner)
        if task.heartbeat_seconds:
            task.heartbeat_deadline = timezone.now() + timedelta(seconds=task.heartbeat_seconds)
            task.save(update_fields=["heartbeat_deadline", "updated"])
            _call_runtime_after_commit("task_heartbeat", task)
    return task


# ─── access keys ─────────────────────────────────────────────────────────────────────────────


def access_key_create(*, user, access_key_id: str | None = None, secret: str | None = None) -> AccessKey:
    """A new SigV4 key for `user` (random AKIA-style id and 40-character secret unless given)."""
    import secrets as _secrets
    import string

    alphabet = string.ascii_uppercase + string.digits
    access_key_id = access_key_id or "AKSC" + "".join(_secrets.choice(alphabet) for _ in range(16))
    secret = secret or _secrets.token_urlsafe(30)[:40]
    return AccessKey.objects.create(user=user, access_key_id=access_key_id, secret=secret)


def ensure_access_key(user, access_key_id: str, secret: str) -> AccessKey:
    """Make `access_key_id`/`secret` an enabled key of `user` (e.g. the local admin's test/test)."""
    key, _ = AccessKey.objects.update_or_create(
        access_key_id=access_key_id, defaults={"user": user, "secret": secret, "enabled": True}
    )
    return key


# ─── map runs ────────────────────────────────────────────────────────────────────────────────


def map_run_update(*, execution: Execution, arn: str, max_concurrency: int | None = None,
                   tolerated_failure_count: int | None = None,
                   tolerated_failure_percentage: float | None = None):
    """UpdateMapRun: keep the new settings of a map run (DescribeMapRun reports them)."""
    from designer.models import MapRun

    if max_concurrency is None and tolerated_failure_count is None and tolerated_failure_percentage is None:
        raise ServiceError("At least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage "
                           "must be specified")
    row, _ = MapRun.objects.get_or_create(execution=execution, arn=arn)
    if max_concurrency is not None:
        row.max_concurrency = max_concurrency
    if tolerated_failure_count is not None:
        row.tolerated_failure_count = tolerated_failure_count
    if tolerated_failure_percentage is not None:
        row.tolerated_failure_percentage = tolerated_failure_percentage
    row.save()
    return row
