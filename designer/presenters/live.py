"""The live view's WebSocket messages: their schemas and how each is built.

Outgoing messages are typed (`execution.snapshot`, `execution.events`, `execution.status`,
`executions.changed`) and made JSON-ready where they are built, so an unserialisable payload fails
here rather than in a consumer. Published by `designer.live`, sent by `designer.consumers`.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

from django.core.serializers.json import DjangoJSONEncoder

from designer import overlay
from designer.models import Execution, HistoryEvent
from designer.presenters import studio
from designer.presenters.history import event_json

SNAPSHOT_LIMIT = 5000  # a client further behind than this reads the REST history instead


class SnapshotMessage(TypedDict):
    type: Literal["execution.snapshot"]
    execution: dict
    overlay: dict  # designer.overlay's result for every event up to last_event_id
    events: list[dict]  # the events after `after`, in id order ([] when truncated)
    after: int
    last_event_id: int
    truncated: bool  # too far behind: read /api/executions/<id>/history?after_id=<after> instead
    history_url: str


class EventsMessage(TypedDict):
    type: Literal["execution.events"]
    events: list[dict]


class StatusMessage(TypedDict):
    type: Literal["execution.status"]
    status: str
    execution: dict


class ExecutionsChangedMessage(TypedDict):
    type: Literal["executions.changed"]
    execution: dict


def jsonable(value: Any) -> Any:
    """`value` through JSON and back: an unserialisable payload fails here, where it is made."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def execution_json(execution: Execution) -> dict:
    """The REST contract's `Execution`, JSON-ready (the body status messages carry)."""
    return jsonable(studio.execution(execution))


def snapshot(*, execution: Execution, rows: list[HistoryEvent], after: int = 0) -> SnapshotMessage:
    """The snapshot a watcher gets on connecting: `rows` are the execution's whole history."""
    events = [event_json(row) for row in rows]
    last = events[-1]["id"] if events else 0
    after = max(0, min(after, last))
    pending = [event for event in events if event["id"] > after]
    truncated = len(pending) > SNAPSHOT_LIMIT
    return jsonable(
        {
            "type": "execution.snapshot",
            "execution": execution_json(execution),
            "overlay": overlay.build(events, _definition(execution)),
            "events": [] if truncated else pending,
            "after": after,
            "last_event_id": last,
            "truncated": truncated,
            "history_url": f"/api/executions/{execution.pk}/history?after_id={after}",
        }
    )


def status_messages(execution: Execution) -> tuple[StatusMessage, ExecutionsChangedMessage]:
    """What an execution's watchers and its machine's list get when its status changed."""
    payload = execution_json(execution)
    return (
        {"type": "execution.status", "status": payload["status"], "execution": payload},
        {"type": "executions.changed", "execution": payload},
    )


def _definition(execution: Execution) -> dict | None:
    try:
        parsed = json.loads(execution.definition)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None
