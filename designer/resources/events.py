"""`events:putEvents`: to Statecraft's own event bus, or to EventBridge when one is configured.

EventBridge is the target when `STATECRAFT_EVENTS_TARGET` (setting or environment) is `aws`,
or `AWS_ENDPOINT_URL_EVENTBRIDGE` is set; otherwise the events go to the bus that Statecraft's
triggers serve, which registers itself here with `register_bus` (its rules start executions).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.conf import settings

from designer.resources import optimized
from engine.errors import StatesError

# put_events(*, owner_id, region, entries) -> {"Entries": [...], "FailedEntryCount": n}
_bus: list[Callable[..., dict]] = []


def register_bus(put_events: Callable[..., dict]) -> None:
    """Statecraft's own bus: the callable that accepts PutEvents entries (called from AppConfig.ready)."""
    _bus[:] = [put_events]


def target() -> str:
    value = getattr(settings, "STATECRAFT_EVENTS_TARGET", None) or os.environ.get("STATECRAFT_EVENTS_TARGET", "")
    if value:
        return value.lower()
    return "aws" if os.environ.get("AWS_ENDPOINT_URL_EVENTBRIDGE") else "statecraft"


def put_events(parameters: Any, *, owner_id: int, resource: str, role_arn: str | None, region: str) -> Any:
    """Send the Task's entries where they belong and return PutEvents' response."""
    if target() == "aws":
        return optimized.call("events:putEvents", parameters, resource=resource, role_arn=role_arn, region=region)
    if not _bus:
        raise StatesError(
            f"The service integration '{resource}' cannot run: Statecraft's own event bus is not available in "
            "this server; set STATECRAFT_EVENTS_TARGET=aws (or AWS_ENDPOINT_URL_EVENTBRIDGE) to send the events "
            "to EventBridge, or mock the state in STATECRAFT_MOCK_CONFIG", error="States.Runtime")
    entries = optimized.prepare("events:putEvents", parameters)["Entries"]
    return _bus[0](owner_id=owner_id, region=region, entries=entries)
