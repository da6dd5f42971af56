"""Budgets for evaluating JSONata and intrinsic functions, and evaluation off the event loop.

One interpreter loop runs many executions, so an expression that never ends (tail recursion)
or builds a huge value (`[1..10000000]`) must neither stall the others nor run on after its
execution is stopped. Each evaluation gets a `Tracker` that counts JSONata steps and checks:

- time: `seconds` for an evaluation on a worker thread, `inline_seconds` for one that must stay
  on the loop (the Arguments/Output of Task, Map, Parallel and Wait states);
- steps: at most `steps` evaluation steps;
- memory: no sequence (array, range) or string in it may pass `items` members or characters;
- cancellation: a worker-thread evaluation ends at its next step once the coroutine awaiting it
  is cancelled (StopExecution, the machine's TimeoutSeconds).

Going over a limit raises jsonata's own JException (D1012 for time and steps, D2014 for size),
which `engine.jsonata_mode` turns into States.QueryEvaluationError like any evaluation failure,
so Catch and Retry see it. Intrinsic functions check the size of what they build the same way
(States.Runtime, their error).

Off the loop: `run_sync_handler` runs a JSONata Pass/Choice/Succeed/Fail handler in place for
one short slice (`slice_seconds`); if its evaluation takes longer, the handler is abandoned
(they change nothing before their last step) and run again on a worker thread while the loop
serves the other executions. AWS documents no figures for these limits; the defaults allow far
more than any payload within the 256 KiB limit needs.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from jsonata.jexception import JException


@dataclass(frozen=True)
class Limits:
    seconds: float = 10.0
    inline_seconds: float = 1.0
    slice_seconds: float = 0.05
    steps: int = 5_000_000
    items: int = 1_000_000
    workers: int = 4


_limits = Limits()
_local = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def configure(**changes: Any) -> Limits:
    """Change the limits (designer: STATECRAFT_EVAL_* settings); returns the new ones."""
    global _limits, _pool
    _limits = replace(_limits, **{k: v for k, v in changes.items() if v is not None})
    with _pool_lock:
        if _pool is not None and _pool._max_workers != _limits.workers:
            _pool.shutdown(wait=False)
            _pool = None
    return _limits


def limits() -> Limits:
    return _limits


class SliceExceeded(BaseException):
    """An in-place evaluation used up its slice: run the handler on a worker thread instead.

    A BaseException, so that no `except Exception` on the way turns it into a state failure.
    """


class Cancelled(BaseException):
    """The execution awaiting this worker-thread evaluation was stopped or timed out."""


_CHECK_EVERY = 256  # steps between clock reads


class Tracker:
    """The budget of one evaluation; JSONata calls `enter`/`leave` around every step."""

    __slots__ = ("deadline", "steps", "countdown", "stop", "slice_deadline", "items", "budget_ms")

    def __init__(self) -> None:
        limits = _limits
        now = time.monotonic()
        stop = getattr(_local, "stop", None)
        seconds = limits.seconds if stop is not None else limits.inline_seconds
        self.budget_ms = int(seconds * 1000)
        self.deadline = now + seconds
        slice_until = getattr(_local, "slice_deadline", None)
        self.slice_deadline = slice_until
        self.stop = stop
        self.steps = limits.steps
        self.countdown = _CHECK_EVERY
        self.items = limits.items

    def enter(self, expr: Any, input: Any, env: Any) -> None:
        self.countdown -= 1
        if self.countdown <= 0:
            self._check()

    def _check(self) -> None:
        self.steps -= _CHECK_EVERY
        self.countdown = _CHECK_EVERY
        if self.stop is not None and self.stop.is_set():
            raise Cancelled()
        now = time.monotonic()
        if self.slice_deadline is not None and now > self.slice_deadline:
            raise SliceExceeded()
        if now > self.deadline or self.steps <= 0:
            raise JException("D1012", -1, self.budget_ms)

    def leave(self, expr: Any, input: Any, env: Any, result: Any) -> None:
        t = type(result)
        if (t is str or isinstance(result, list)) and len(result) > self.items:
            raise JException("D2014", -1, len(result))

    def check_range(self, size: int) -> None:
        if size > self.items:
            raise JException("D2014", -1, size)


def too_big(value: Any) -> bool:
    """True when an intrinsic function's result passes the memory budget."""
    t = type(value)
    return (t is str or t is list) and len(value) > _limits.items


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_limits.workers, thread_name_prefix="statecraft-eval")
        return _pool


async def run_off_loop(function: Any, *args: Any) -> Any:
    """Run `function(*args)` on an evaluation thread; cancelling the await stops its evaluation."""
    stop = threading.Event()

    def work() -> Any:
        _local.stop = stop
        try:
            return function(*args)
        finally:
            _local.stop = None

    future = asyncio.get_running_loop().run_in_executor(_executor(), work)
    try:
        return await future
    except Cancelled:
        raise asyncio.CancelledError() from None
    except asyncio.CancelledError:
        stop.set()
        raise


async def run_sync_handler(handler: Any, *args: Any) -> Any:
    """A synchronous JSONata state handler: in place for one slice, else on a worker thread."""
    if getattr(_local, "slice_deadline", None) is not None:
        return handler(*args)  # already inside a slice (a nested call): share it
    _local.slice_deadline = time.monotonic() + _limits.slice_seconds
    try:
        return handler(*args)
    except SliceExceeded:
        pass
    finally:
        _local.slice_deadline = None
    return await run_off_loop(handler, *args)
