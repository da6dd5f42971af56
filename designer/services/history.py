"""History rows: AWS-shaped events (as the engine emits them) → `HistoryEvent` rows.

`history_append` numbers and writes events for the services (StopExecution's ExecutionAborted);
the runtime writes the engine's numbered events with `history_rows` in its step transaction.
Neither publishes: the caller hands the rows to `designer.live.publish_events` once, explicitly.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from designer.models import Execution, HistoryEvent

_HEAD = ("type", "timestamp", "id", "previousEventId")


def history_rows(execution_id: int, events: list[dict]) -> list[HistoryEvent]:
    """Unsaved rows for events that carry their own `id`, `previousEventId` and `timestamp`."""
    return [
        HistoryEvent(
            execution_id=execution_id, event_id=event["id"], previous_event_id=event["previousEventId"],
            timestamp=event["timestamp"], type=event["type"],
            details={k: v for k, v in event.items() if k not in _HEAD},
        )
        for event in events
    ]


@transaction.atomic
def history_append(*, execution: Execution, events: list[dict]) -> list[HistoryEvent]:
    """Append AWS-shaped events (`type`, optional `timestamp`, `previousEventId`, `*EventDetails`).

    Assigns `event_id` n+1… under a row lock on the execution, so concurrent writers cannot
    interleave. It does not publish: the caller hands the returned rows to
    `designer.live.publish_events`.
    """
    Execution.objects.select_for_update().filter(pk=execution.pk).first()
    last = execution.events.order_by("-event_id").values_list("event_id", flat=True).first() or 0
    numbered = []
    for offset, event in enumerate(events, start=1):
        event_id = last + offset
        numbered.append({
            **event, "id": event_id, "previousEventId": event.get("previousEventId", event_id - 1),
            "timestamp": event.get("timestamp") or timezone.now(),
        })
    return HistoryEvent.objects.bulk_create(history_rows(execution.pk, numbered))
