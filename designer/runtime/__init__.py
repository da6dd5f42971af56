"""The execution runtime's public hooks, called by `designer.services` after commit.

`DesignerConfig.ready` registers this module with `designer.services.runtime_hooks.register_runtime`;
the services never import the runtime.

- `dispatch(execution)`: run a new or redriven execution (in this process when the in-process
  runtime is on, and as a Redis wake-up for `run_worker` processes when REDIS_URL is set; without
  Redis, workers find it by polling the database);
- `cancel(execution)`: StopExecution committed; interrupt the interpreter wherever it runs;
- `run_sync(request)`: StartSyncExecution's body (see `services.executions.sync_execution_run`);
- `task_token_completed(task)`, `activity_task_started(task)`, `task_heartbeat(task)`: SendTask*,
  GetActivityTask or SendTaskHeartbeat settled, handed out or extended a token; wake the
  execution waiting on it.

The in-process runtime starts with a server (`daphne`, `runserver`, `run_worker`) or lazily on
the first dispatch; never under pytest or other management commands unless
STATECRAFT_RUNTIME=inprocess asks for it. STATECRAFT_RUNTIME=off leaves execution to workers.
"""

from __future__ import annotations

import os
import sys
import threading

from designer.runtime import wake

_runtime = None
_lock = threading.Lock()


def mode() -> str:
    """`inprocess` (the default), `off` (workers only) or `auto` (in-process unless under tests)."""
    return os.environ.get("STATECRAFT_RUNTIME", "auto").strip().lower() or "auto"


def _autostart_allowed() -> bool:
    value = mode()
    if value == "off":
        return False
    if value in ("inprocess", "on", "1", "true"):
        return True
    return "pytest" not in sys.modules


def get_runtime(*, start: bool = True):
    """This process's runtime (started on first use when allowed); None when it may not run here."""
    global _runtime
    with _lock:
        if _runtime is None:
            if not start:
                return None
            from designer.runtime.core import Runtime

            _runtime = Runtime().start()
        return _runtime


def start():
    """Start the in-process runtime now (servers call this at startup so crashed runs resume)."""
    return get_runtime()


def running_runtime():
    return _runtime


def is_server_process(argv: list[str] | None = None) -> bool:
    """True for daphne, runserver (the reloader's child) and run_worker."""
    argv = sys.argv if argv is None else argv
    joined = " ".join(argv)
    if "daphne" in joined:
        return True
    if "runserver" in argv:
        return os.environ.get("RUN_MAIN") == "true" or "--noreload" in argv
    return False


def dispatch(execution) -> None:
    runtime = _runtime or (get_runtime() if _autostart_allowed() else None)
    if runtime is not None:
        from designer.runtime import store

        runtime.dispatch(execution.pk, store.record_of(execution))
    else:
        wake.publish("dispatch", id=execution.pk)


def cancel(execution) -> None:
    if _runtime is not None:
        _runtime.cancel(execution.pk)
    wake.publish("cancel", id=execution.pk)


_sync_only = None


def run_sync(request: dict) -> dict:
    global _sync_only
    runtime = _runtime
    if runtime is None and _autostart_allowed():
        runtime = get_runtime()
    if runtime is None:
        # Under tests: a loop for in-memory Express runs only, with no reaper claiming rows.
        with _lock:
            if _sync_only is None:
                from designer.runtime.core import Runtime

                _sync_only = Runtime(background=False).start()
        runtime = _sync_only
    return runtime.call(runtime.run_sync(request))


def task_token_completed(task) -> None:
    """The token was settled (or handed to an activity worker): wake whoever waits on it, in
    memory here or elsewhere, or parked in the database."""
    from designer.runtime import store

    parked = task.execution_id is not None and store.wake(task.execution_id)
    if _runtime is not None:
        _runtime.notify_token(task.token)
        if parked:
            _runtime.dispatch(task.execution_id)
    wake.publish("token", token=task.token, id=task.execution_id if parked else None)


activity_task_started = task_token_completed


def task_heartbeat(task) -> None:
    """SendTaskHeartbeat: a waiting execution in memory re-reads the token's deadline; a parked
    one wakes at its old deadline anyway, reads the new one and parks again."""
    if _runtime is not None:
        _runtime.notify_token(task.token)
    wake.publish("token", token=task.token)

__all__ = ["activity_task_started", "cancel", "dispatch", "get_runtime", "run_sync", "start",
           "task_token_completed"]
