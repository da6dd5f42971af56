"""History events as AWS shapes them: `timestamp`, `type`, `id`, `previousEventId` and the one
`*EventDetails` body. The single renderer for every place that sends events (GetExecutionHistory,
the REST history, the live view's snapshot and streamed events)."""

from __future__ import annotations

from datetime import datetime

from designer.models import HistoryEvent

# Detail members GetExecutionHistory leaves out when includeExecutionData is false.
_DATA_FIELDS = ("input", "output")


def history_event(event: HistoryEvent | dict, *, include_data: bool = True, iso: bool = False) -> dict:
    """One event (a stored row, or a dict as the engine emits it) as AWS shapes it.

    `iso`: the timestamp as ISO 8601 text (REST and WebSocket JSON) rather than a datetime (the
    AWS view encodes datetimes as epoch seconds itself).
    """
    if isinstance(event, HistoryEvent):
        body = {
            "timestamp": event.timestamp,
            "type": event.type,
            "id": event.event_id,
            "previousEventId": event.previous_event_id,
        }
        details = event.details.items()
    else:
        body = {key: event[key] for key in ("timestamp", "type", "id", "previousEventId") if key in event}
        details = ((k, v) for k, v in event.items() if k not in body)
    for key, value in details:
        if not include_data and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in _DATA_FIELDS}
        body[key] = value
    if iso and isinstance(body.get("timestamp"), datetime):
        body["timestamp"] = body["timestamp"].isoformat()
    return body


def event_json(event: HistoryEvent | dict) -> dict:
    """One event as JSON-ready data (ISO timestamp): the REST history's and the live view's shape."""
    return history_event(event, iso=True)
