"""A Distributed Map's children as real executions: stored, run by any worker, with their own history.

`MapChildren` is the `engine.map_io.run.ChildRunner` the server gives a Distributed Map: each
item (or batch) becomes an Execution row of the parent's state machine whose definition is the
Map's ItemProcessor and whose `map_run_arn` names its Map Run, so ListExecutions(mapRunArn=…)
lists it and DescribeExecution names its Map Run.  The runtime dispatches it like any execution
(STANDARD children are claimed by whichever worker is free), and the Map waits for it to finish.
`limits()` re-reads UpdateMapRun's settings for the running Map Run.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from designer import live
from designer.models import Execution, ExecutionStatus, MachineType, MapRun
from designer.services import runtime_hooks
from engine.map_io.run import ChildOutcome

_TEXT = {"separators": (",", ":"), "ensure_ascii": False}


def child_arn(parent: Execution, map_run_arn: str, name: str, execution_type: str) -> str:
    """AWS: `execution:<machine>/<label>:<name>` (`express:` for Express children)."""
    machine_and_label = map_run_arn.split(":mapRun:", 1)[1].rsplit(":", 1)[0]
    kind = "express" if execution_type == "EXPRESS" else "execution"
    region_account = parent.arn.split(":")[3:5]
    return f"arn:aws:states:{region_account[0]}:{region_account[1]}:{kind}:{machine_and_label}:{name}"


def child_name(map_run_arn: str, index: int) -> str:
    """The child of unit `index` has a name fixed by its Map Run, so a redriven run finds it again."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{map_run_arn}#{index}"))


def _redrive(child: Execution) -> None:
    """AWS: redriving a Map Run redrives its failed children (from the state that failed)."""
    child.status = ExecutionStatus.RUNNING
    child.redrive_count += 1
    child.redrive_date = timezone.now()
    child.stop_date = None
    child.output = child.error = child.cause = None
    child.lease_owner, child.lease_expires = "", None
    child.save()
    live.publish_status(child)
    runtime_hooks.call_after_commit("dispatch", child)


def start_child(parent_id: int, map_run_arn: str, definition: str, input: Any, execution_type: str,
                index: int = 0, redrive_failed: bool = False) -> int:
    """Create the child's RUNNING row and hand it to the runtime (sync ORM, a database thread).

    A child of the same Map Run and index that exists already (the run resumes after a restart,
    or is being redriven) is kept, and redriven when it failed and `redrive_failed` is set.
    """
    parent = Execution.objects.select_related("state_machine").get(pk=parent_id)
    name = child_name(map_run_arn, index)
    with transaction.atomic():
        existing = Execution.objects.select_for_update().filter(map_run_arn=map_run_arn, name=name).first()
        if existing is not None:
            failed = existing.status in (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED)
            if failed and redrive_failed:
                _redrive(existing)
            return existing.pk
        child = Execution.objects.create(
            owner_id=parent.owner_id, state_machine=parent.state_machine, name=name,
            arn=child_arn(parent, map_run_arn, name, execution_type),
            type=MachineType.EXPRESS if execution_type == "EXPRESS" else MachineType.STANDARD,
            status=ExecutionStatus.RUNNING, input=json.dumps(input, **_TEXT), start_date=timezone.now(),
            definition=definition, role_arn=parent.role_arn, map_run_arn=map_run_arn, parent=parent,
        )
        live.publish_status(child)
        runtime_hooks.call_after_commit("dispatch", child)
    return child.pk


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def outcome(child_id: int) -> ChildOutcome | None:
    """The finished child's outcome and its ResultWriter record; None while it runs."""
    row = Execution.objects.filter(pk=child_id).first()
    if row is None:
        return ChildOutcome("ABORTED", error="States.Runtime", cause="The child execution disappeared.")
    if row.status in (ExecutionStatus.RUNNING, "PENDING_REDRIVE"):
        return None
    record: dict[str, Any] = {
        "ExecutionArn": row.arn, "Input": row.input, "InputDetails": {"Included": True}, "Name": row.name,
        "RedriveCount": row.redrive_count, "StartDate": _iso(row.start_date),
        "StateMachineArn": row.map_run_arn.replace(":mapRun:", ":stateMachine:", 1).rsplit(":", 1)[0],
        "Status": row.status, "StopDate": _iso(row.stop_date),
    }
    if row.status == ExecutionStatus.SUCCEEDED:
        record.update(Output=row.output, OutputDetails={"Included": True}, RedriveStatus="NOT_REDRIVABLE")
        output = json.loads(row.output) if row.output else None
        return ChildOutcome("SUCCEEDED", output=output, record=record)
    record.update(Error=row.error, Cause=row.cause)
    return ChildOutcome(str(row.status), error=row.error, cause=row.cause, record=record)


def limits(map_run_arn: str) -> dict | None:
    """UpdateMapRun's settings for the run, in `engine.map_io.run.Limits`' names."""
    row = MapRun.objects.filter(arn=map_run_arn).first()
    if row is None:
        return None
    return {"max_concurrency": row.max_concurrency, "tolerated_count": row.tolerated_failure_count,
            "tolerated_percentage": row.tolerated_failure_percentage}


class MapChildren:
    """Runs a Map Run's children as stored executions and waits for each (see the module doc)."""

    def __init__(self, runtime: Any, parent_id: int, map_run_arn: str, processor: dict, execution_type: str):
        self.runtime, self.parent_id, self.map_run_arn = runtime, parent_id, map_run_arn
        self.definition = json.dumps(processor, **_TEXT)
        self.execution_type = execution_type
        self.redriving = False

    async def __call__(self, index: int, payload: Any) -> ChildOutcome:
        runtime = self.runtime
        child_id = await runtime.db(start_child, self.parent_id, self.map_run_arn, self.definition, payload,
                                    self.execution_type, index, self.redriving)
        while True:
            finished = await runtime.db(outcome, child_id)
            if finished is not None:
                return finished
            await runtime.wait_signal(runtime.finish_waiters, child_id, max(runtime.poll_seconds, 1.0))

    async def limits(self) -> dict | None:
        return await self.runtime.db(limits, self.map_run_arn)
