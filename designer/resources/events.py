"""`events:putEvents`: to Statecraft's own event bus, or to EventBridge when one is configured.

EventBridge is the target when `STATECRAFT_EVENTS_TARGET` (setting or environment) is `aws`,
or `AWS_ENDPOINT_URL_EVENTBRIDGE` is set; otherwise the events go to the buses that Statecraft's
triggers serve (`designer.triggers.events`), whose rules start executions.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from designer.resources import optimized


def target() -> str:
    value = getattr(settings, "STATECRAFT_EVENTS_TARGET", None) or os.environ.get("STATECRAFT_EVENTS_TARGET", "")
    if value:
        return value.lower()
    return "aws" if os.environ.get("AWS_ENDPOINT_URL_EVENTBRIDGE") else "statecraft"


def to_own_bus(parameters: Any, *, owner_id: int, region: str) -> dict:
    """PutEvents on Statecraft's own buses, as the execution's owner (runs on a database thread)."""
    from django.contrib.auth import get_user_model

    from designer.triggers import events as buses

    owner = get_user_model().objects.get(pk=owner_id)
    entries = optimized.prepare("events:putEvents", parameters)["Entries"]
    return buses.put_events(owner=owner, region=region, account=settings.STATECRAFT_ACCOUNT_ID, entries=entries)
