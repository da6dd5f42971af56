"""Step Functions Execution Status Change events on the default bus (source `aws.states`).

`publish_now` listens on `designer.status_hooks` (registered in AppConfig.ready), which the code
calls explicitly where an execution starts, stops or finishes; it runs after commit, so a
rolled-back change publishes nothing. AWS: only Standard workflows emit these events.
https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
"""

from __future__ import annotations

from django.conf import settings

from designer.models import Execution
from designer.triggers import events

DETAIL_TYPE = "Step Functions Execution Status Change"


def _millis(value) -> int | None:
    return int(value.timestamp() * 1000) if value is not None else None


def detail(execution) -> dict:
    """The event's detail, in AWS's shape (dates in epoch milliseconds)."""
    finished = execution.status != "RUNNING"
    return {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine.arn,
        "stateMachineVersionArn": execution.state_machine_version_arn or None,
        "stateMachineAliasArn": execution.state_machine_alias_arn or None,
        "name": execution.name,
        "status": execution.status,
        "startDate": _millis(execution.start_date),
        "stopDate": _millis(execution.stop_date),
        "input": execution.input,
        "output": execution.output,
        "inputDetails": {"included": True},
        "outputDetails": {"included": True} if finished and execution.output is not None else None,
        "error": execution.error,
        "cause": execution.cause,
        "redriveCount": execution.redrive_count,
    }


def publish_now(execution_id: int) -> None:
    """Publish the execution's current status to its owner's default bus (when it has rules)."""

    execution = Execution.objects.select_related("state_machine", "owner").filter(pk=execution_id).first()
    if execution is None or execution.type != "STANDARD":
        return
    if not events.EventBus.objects.filter(owner=execution.owner, region=execution.state_machine.region,
                                          name=events.DEFAULT_BUS, rules__isnull=False).exists():
        return  # no rules on the default bus: nothing can match
    bus = events.bus_get(owner=execution.owner, region=execution.state_machine.region, name=events.DEFAULT_BUS)
    event = events.build_event(
        region=execution.state_machine.region, account=settings.STATECRAFT_ACCOUNT_ID, source="aws.states",
        detail_type=DETAIL_TYPE, detail=detail(execution), resources=[execution.arn],
        time=execution.stop_date or execution.start_date,
    )
    events.publish(bus=bus, event=event)
