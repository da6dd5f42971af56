"""Listeners for execution status changes, called after commit.

Where an execution starts, stops or finishes (services, the runtime's store), the code calls
`execution_status_changed(execution_id)`; listeners registered in `AppConfig.ready` (the
EventBridge status-change events of `designer.triggers.status_events`) run once the transaction
commits. This module imports nothing of Statecraft, so any layer may call it without a cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)
_listeners: list[Callable[[int], None]] = []


def register(listener: Callable[[int], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def execution_status_changed(execution_id: int) -> None:
    """Tell every listener, after the surrounding transaction commits, that the status changed."""
    if not _listeners:
        return

    def notify():
        for listener in list(_listeners):
            try:
                listener(execution_id)
            except Exception:  # a listener's failure must never fail the execution
                logger.exception("status listener %r failed for execution %s", listener, execution_id)

    transaction.on_commit(notify)
