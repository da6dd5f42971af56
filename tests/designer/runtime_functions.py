"""Local Lambda functions the runtime tests' servers load (STATECRAFT_FUNCTION_MODULES).

They leave traces in STATECRAFT_TEST_DIR so a test can count how often each one ran.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from designer.resources import statecraft_function


def _trace(name: str) -> None:
    directory = os.environ.get("STATECRAFT_TEST_DIR")
    if directory:
        with (Path(directory) / f"calls-{name}.log").open("a") as log:
            log.write(f"{time.time()} {os.getpid()}\n")


class FlakyFailure(Exception):
    """Raised by `flaky` while the test's flag file exists."""


@statecraft_function("add")
def add(event, context=None):
    _trace("add")
    return {"sum": event["a"] + event["b"]}


@statecraft_function("count")
def count(event):
    _trace("count")
    return event


@statecraft_function("flaky")
def flaky(event, context=None):
    _trace("flaky")
    if (Path(os.environ.get("STATECRAFT_TEST_DIR", "/nonexistent")) / "fail").exists():
        raise FlakyFailure("the flag file says fail")
    return {"flaky": "ok", **event}


@statecraft_function("slow")
def slow(event, context=None):
    _trace("slow")
    time.sleep(float(event.get("seconds", 1)))
    return event
