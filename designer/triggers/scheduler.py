"""The scheduler loop: a daemon thread that runs `fires.run_due` every few seconds.

Every server process runs one; the database claims in `designer.triggers.fires` make sure each
due fire runs once however many there are. STATECRAFT_SCHEDULER_SECONDS sets the tick
(default 5); STATECRAFT_SCHEDULER=off turns the loop off in this process.
"""

from __future__ import annotations

import logging
import os
import threading

from django.db import close_old_connections

logger = logging.getLogger(__name__)
_thread: threading.Thread | None = None
_stop = threading.Event()
_lock = threading.Lock()


def interval() -> float:
    return float(os.environ.get("STATECRAFT_SCHEDULER_SECONDS", "5"))


def enabled() -> bool:
    return os.environ.get("STATECRAFT_SCHEDULER", "on").strip().lower() not in ("off", "0", "false")


def _loop() -> None:
    from designer.triggers import ticks

    while not _stop.wait(interval()):
        try:
            close_old_connections()
            ticks.run_due()
        except Exception:  # a bad tick must not end the loop
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()


def start() -> None:
    """Start this process's scheduler thread (once)."""
    global _thread
    if not enabled():
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _stop.clear()
            _thread = threading.Thread(target=_loop, name="statecraft-scheduler", daemon=True)
            _thread.start()


def stop() -> None:
    _stop.set()
