"""Executions: StartExecution, StopExecution, RedriveExecution and StartSyncExecution.

Each write publishes its live events once, explicitly (`designer.live`, after commit), and hands
the committed row to the runtime through `designer.services.runtime_hooks`.
"""

from __future__ import annotations

import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

import engine
from designer import arns, live, status_hooks
from designer.accounts import account_id_for
from designer.checks import check_input, check_name
from designer.errors import ExecutionAlreadyExists, ExecutionNotRedrivable, StateMachineTypeNotSupported
from designer.models import Execution, ExecutionStatus, MachineType, StateMachine, TaskTokenStatus
from designer.presenters.aws import outcome_members
from designer.selectors import Target, redrive_status
from designer.services.history import history_append
from designer.services.runtime_hooks import call_after_commit, runtime_hook


def execution_start(
    *,
    state_machine: StateMachine | Target,
    input: str | None = None,
    name: str | None = None,
    trace_header: str = "",
    owner=None,
    definition: tuple | None = None,
    runtime_options: dict | None = None,
) -> tuple[Execution, bool]:
    """StartExecution's persistence: create the RUNNING row, then the runtime's `dispatch`.

    Returns (execution, created). AWS: the same name with the same input while the first is still
    running answers with the first execution; anything else with a used name is
    ExecutionAlreadyExists.
    """
    target = state_machine if isinstance(state_machine, Target) else Target(machine=state_machine)
    machine = target.machine
    input = check_input(input)
    if name is None:
        name = str(uuid.uuid4())
    check_name(name)
    version = target.pick_version()
    # The deployed revision: a newer studio draft (designer.services.drafts) is not what runs.
    revision = version.revision if version is not None else machine.revisions.filter(number=machine.revision).first()
    if definition is not None:  # "run from here" on the revision an earlier execution ran
        definition, revision = definition
    else:
        definition = revision.definition if version is not None else machine.definition
    role_arn = revision.role_arn if version is not None else machine.role_arn
    if machine.type == MachineType.EXPRESS:
        arn = arns.express_execution_arn(machine.region, machine.name, name, str(uuid.uuid4()),
                                         account_id_for(machine.owner_id))
    else:
        arn = arns.execution_arn(machine.region, machine.name, name, account_id_for(machine.owner_id))
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
                    # and a debug execution or a "run from here" its options (designer.runtime.standard).
                    checkpoint=_initial_checkpoint(target, runtime_options),
                )
        except IntegrityError:  # a concurrent start with the same name won the race
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'") from None
        live.publish_status(execution)
        call_after_commit("dispatch", execution)
        status_hooks.execution_status_changed(execution.pk)  # EventBridge status-change event
    return execution, True



def execution_stop(*, execution: Execution, error: str | None = None, cause: str | None = None) -> Execution:
    """StopExecution: ABORTED with an ExecutionAborted event, then the runtime's `cancel`."""
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
        live.publish_events(execution, rows)
        live.publish_status(execution)
        execution.task_tokens.filter(status__in=[TaskTokenStatus.SCHEDULED, TaskTokenStatus.STARTED]).update(
            status=TaskTokenStatus.CANCELLED
        )
        call_after_commit("cancel", execution)
        status_hooks.execution_status_changed(execution.pk)  # EventBridge status-change event
    return execution



def execution_redrive(*, execution: Execution) -> Execution:
    """RedriveExecution: back to RUNNING (redrive_count+1), then the runtime's `dispatch`.

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
        live.publish_status(execution)
        call_after_commit("dispatch", execution)
        status_hooks.execution_status_changed(execution.pk)  # EventBridge status-change event
    return execution



def sync_execution_run(
    *, state_machine: StateMachine | Target, input: str | None = None, name: str | None = None, trace_header: str = ""
) -> dict:
    """StartSyncExecution: run an Express machine to completion and return the AWS response body."""
    target = state_machine if isinstance(state_machine, Target) else Target(machine=state_machine)
    machine = target.machine
    if machine.type != MachineType.EXPRESS:
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    input = check_input(input)
    name = name or str(uuid.uuid4())
    check_name(name)
    version = target.pick_version()
    definition = version.revision.definition if version is not None else machine.definition
    execution_arn = arns.express_execution_arn(machine.region, machine.name, name, str(uuid.uuid4()),
                                         account_id_for(machine.owner_id))
    run_sync = runtime_hook("run_sync")
    request = {
        "machine": machine,
        "version": version,
        "alias": target.alias,
        "definition": definition,
        "input": input,
        "name": name,
        "execution_arn": execution_arn,
        # Read here: an ARN looks up the owner's account, which the runtime's event loop may not do.
        "state_machine_arn": version.arn if version is not None else machine.arn,
        "trace_header": trace_header,
        "test_case": target.extra.get("test_case"),
    }
    if run_sync is not None:
        return run_sync(request)
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


def _initial_checkpoint(target: Target, runtime_options: dict | None) -> dict | None:
    """What a new execution's checkpoint carries for the runtime before its first step."""
    options = dict(runtime_options or {})
    if target.extra.get("test_case"):
        options["test_case"] = target.extra["test_case"]
    return options or None
