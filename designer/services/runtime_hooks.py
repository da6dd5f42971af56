"""The seam between the services and the execution runtime, which sits above them.

Services never import the runtime: the runtime registers itself here when the app starts
(`DesignerConfig.ready`), and services call it after their transaction commits. With nothing
registered an execution simply stays RUNNING (a worker process may pick it up from the database)
and StartSyncExecution falls back to `engine.run`.

A registered runtime provides (each called with the committed row):
- `dispatch(execution)`: run a new or redriven execution;
- `cancel(execution)`: StopExecution committed; interrupt it wherever it runs;
- `run_sync(request)`: StartSyncExecution's response body (see `executions.sync_execution_run`);
- `task_token_completed(task)`, `activity_task_started(task)`, `task_heartbeat(task)`: a task
  token was settled, handed to a worker or extended; wake the execution waiting on it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

_runtime: Any = None


def register_runtime(runtime: Any) -> None:
    """Install the execution runtime (an object or module with the hooks above); None removes it."""
    global _runtime
    _runtime = runtime


def runtime_hook(name: str):
    """The registered runtime's hook `name`, or None."""
    return getattr(_runtime, name, None) if _runtime is not None else None


def call_after_commit(hook: str, *args) -> None:
    """Call the runtime's `hook(*args)` once the current transaction commits (never raising)."""
    function = runtime_hook(hook)
    if function is None:
        return

    def call():
        try:
            function(*args)
        except Exception:  # a runtime failure must not turn an accepted request into a 500
            logger.exception("the runtime's %s hook failed", hook)

    transaction.on_commit(call)
