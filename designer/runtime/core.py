"""The execution runtime: one asyncio loop in a daemon thread running many executions at once.

- Standard executions: claimed with a database lease and run by `standard.run_standard`
  (a `DurableInterpreter` whose events and checkpoints are written whenever it awaits; see
  there). A reaper claims RUNNING executions whose lease is empty or expired (at startup too)
  and resumes them from their checkpoint; leases are renewed while running.
- Parked executions (a long Wait) are stored with their wake-up time and leave memory; the
  timer loop (`_timers`) claims those due within TIMER_HORIZON seconds, and those whose lease
  expired with a killed worker, and starts each at its due time.
- Express executions run in memory (`express`): StartSyncExecution returns the result; an asynchronous
  Express execution keeps only its row's final status (AWS records no Express history). It is
  leased too, so a crash restarts it from the beginning (AWS: at-least-once).
- StopExecution (services write ExecutionAborted) cancels the interpreter; what it emits after
  that is dropped, so the stop's event stays the last one.
- RedriveExecution continues from the checkpoint taken before the failed state, after an
  ExecutionRedriven event; `$$.Execution.RedriveCount` is the row's redrive count.
Database calls run on a small thread pool (one thread with SQLite, whose writes are serial).
Writes (claims, steps, final rows) go through `write()`: those queued while a transaction is
being written are written together in the next one (group commit, `store.group_commit`).
A new execution started in this process arrives with its row (`dispatch(id, record)`): the
runtime claims it in the next group commit and runs it without reading it back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from designer.runtime import express, standard, store, wake
from engine.ports import Cancellation

logger = logging.getLogger(__name__)

REAPER_BATCH = 50
# Parked executions: a Wait longer than PARK_SECONDS parks; the timer loop looks for parked rows
# due within TIMER_HORIZON seconds every TIMER_POLL seconds, claims them and starts each on time.
PARK_SECONDS = 2.0
TIMER_POLL = 0.2
TIMER_HORIZON = 1.0
TIMER_BATCH = 500
WRITE_BATCH = 200  # writes per group commit at most


def _setting(name: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return default if value in (None, "") else value


class Run:
    """One execution this process is running."""

    def __init__(self, execution_id: int):
        self.execution_id = execution_id
        self.cancellation = Cancellation()
        self.task: asyncio.Task | None = None
        self.body: asyncio.Task | None = None
        self.lost = False
        self.parked = False  # stored with its wake-up time: this copy writes nothing more

    def cancel(self) -> None:
        self.cancellation.cancel()
        if self.body is not None:
            self.body.cancel()


class Runtime:
    """The loop, its database threads, the reaper and the lease renewer."""

    def __init__(self, *, lease_seconds: float | None = None, poll_seconds: float | None = None,
                 background: bool = True):
        worker = _setting("STATECRAFT_WORKER_ID", socket.gethostname())
        self.owner = f"{worker}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]
        self.lease_seconds = float(lease_seconds or _setting("STATECRAFT_LEASE_SECONDS", 15))
        default_poll = 5.0 if wake.redis_url() else 1.0
        self.poll_seconds = float(poll_seconds or _setting("STATECRAFT_POLL_SECONDS", default_poll))
        sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        self.db_pool = ThreadPoolExecutor(1 if sqlite else 8, thread_name_prefix="statecraft-db")
        self.io_pool = ThreadPoolExecutor(32, thread_name_prefix="statecraft-io")
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.running: dict[int, Run] = {}
        self.token_waiters: dict[str, set[asyncio.Event]] = {}
        self.finish_waiters: dict[int, set[asyncio.Event]] = {}
        self.listener: wake.Listener | None = None
        self._ready = threading.Event()
        self._stopping = False
        self.executions_finished = 0
        self.background = background  # False: no reaper, renewer or wake-ups (StartSyncExecution only)
        # The reaper leaves executions to other workers beyond this many at once in this process.
        self.max_running = int(_setting("STATECRAFT_MAX_RUNNING", 2000))
        self.progress_write_seconds = float(_setting("STATECRAFT_PROGRESS_SECONDS", standard.PROGRESS_WRITE_SECONDS))
        self.park_seconds = float(_setting("STATECRAFT_PARK_SECONDS", PARK_SECONDS))
        self.timers_pending = 0  # claimed by the timer loop, not yet started
        self.executions_parked = 0
        self.write_queue: list[tuple] = []
        self.writer_busy = False

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Runtime:
        if self.thread is not None:
            return self
        self.thread = threading.Thread(target=self._main, name="statecraft-runtime", daemon=True)
        self.thread.start()
        self._ready.wait(10)
        if wake.redis_url() and self.background:
            self.listener = wake.Listener(self._on_wake)
            self.listener.start()
        logger.info("execution runtime %s started", self.owner)
        return self

    def _main(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        if self.background:
            self.loop.create_task(self._reaper())
            self.loop.create_task(self._renewer())
            self.loop.create_task(self._timers())
        self.loop.run_forever()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop running executions and give their leases back (run_worker's shutdown)."""
        if self.loop is None:
            return
        self._stopping = True

        async def shutdown():
            runs = list(self.running.values())
            for run in runs:
                run.lost = True
                if run.task is not None:
                    run.task.cancel()
            await asyncio.gather(*(r.task for r in runs if r.task is not None), return_exceptions=True)
            for run in runs:
                await self.db(store.release, self.owner, run.execution_id)

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout)
        except Exception:
            logger.warning("runtime shutdown did not finish cleanly", exc_info=True)
        if self.listener is not None:
            self.listener.stopped.set()
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def run_sync(self, request: dict) -> dict:
        """StartSyncExecution's body (`designer.runtime.express.run_sync`)."""
        return await express.run_sync(self, request)

    def call(self, coroutine) -> Any:
        """Run a coroutine on the loop from another thread and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    async def db(self, function, *args, **kwargs) -> Any:
        """Run a sync ORM function on the database threads."""
        def call():
            try:
                return function(*args, **kwargs)
            except Exception:
                if connection.connection is not None and not connection.in_atomic_block:
                    connection.close()  # a broken connection is reopened by the next call
                raise

        return await self.loop.run_in_executor(self.db_pool, call)

    async def write(self, function, *args, **kwargs) -> Any:
        """Run a store write in the next group commit and return its result."""
        future = self.loop.create_future()
        self.write_queue.append((function, args, kwargs, future))
        if not self.writer_busy:
            self.writer_busy = True
            self.loop.create_task(self._write_groups())
        return await future

    async def _write_groups(self) -> None:
        try:
            while self.write_queue:
                group, self.write_queue = self.write_queue[:WRITE_BATCH], self.write_queue[WRITE_BATCH:]
                calls = [(function, args, kwargs) for function, args, kwargs, _ in group]
                try:
                    results = await self.db(store.group_commit, calls)
                except Exception as exc:
                    results = [(False, exc)] * len(group)
                for (_, _, _, future), (ok, value) in zip(group, results, strict=True):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            self.writer_busy = False
            if self.write_queue:  # queued after the loop's last look
                self.writer_busy = True
                self.loop.create_task(self._write_groups())

    async def io(self, function, *args) -> Any:
        """Run blocking work (a Python handler, an HTTP request) off the loop."""
        return await self.loop.run_in_executor(self.io_pool, function, *args)

    # -- wake-ups from other threads and processes -----------------------------------------

    def dispatch(self, execution_id: int, record: store.ExecutionRecord | None = None) -> None:
        """Run a new execution (with its `record` when the caller has the fresh row)."""
        self.loop.call_soon_threadsafe(lambda: self.loop.create_task(self._claim_and_run(execution_id, record)))

    def cancel(self, execution_id: int) -> None:
        self.loop.call_soon_threadsafe(self._cancel_local, execution_id)

    def _cancel_local(self, execution_id: int) -> None:
        run = self.running.get(execution_id)
        if run is not None:
            run.cancel()

    def notify_token(self, token: str) -> None:
        self.loop.call_soon_threadsafe(self._set_all, self.token_waiters.get(token))

    def notify_finished(self, execution_id: int) -> None:
        self.loop.call_soon_threadsafe(self._set_all, self.finish_waiters.get(execution_id))

    @staticmethod
    def _set_all(events) -> None:
        for event in list(events or ()):
            event.set()

    def _on_wake(self, message: dict) -> None:
        kind = message.get("kind")
        if kind == "dispatch":
            self.dispatch(int(message["id"]))
        elif kind == "cancel":
            self.cancel(int(message["id"]))
        elif kind == "token":
            self.notify_token(str(message["token"]))
            if message.get("id"):
                self.dispatch(int(message["id"]))  # parked: claim it now
        elif kind == "finished":
            self.notify_finished(int(message["id"]))

    async def wait_signal(self, registry: dict, key: Any, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a notification on `key`; True when one came."""
        event = asyncio.Event()
        registry.setdefault(key, set()).add(event)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiters = registry.get(key)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    registry.pop(key, None)

    # -- claiming ---------------------------------------------------------------------------

    async def _claim_and_run(self, execution_id: int, record: store.ExecutionRecord | None = None) -> None:
        if execution_id in self.running or self._stopping:
            return
        if len(self.running) >= self.max_running:
            # At capacity: leave it to another worker, or to this one's reaper once there is room.
            return
        try:
            claimed = await self.write(store.claim, execution_id, self.owner, self.lease_seconds)
        except Exception:
            logger.exception("claiming execution %s failed", execution_id)
            return
        if claimed:
            self._spawn(execution_id, record)

    def _spawn(self, execution_id: int, record: store.ExecutionRecord | None = None) -> None:
        if execution_id in self.running:
            return
        run = Run(execution_id)
        self.running[execution_id] = run
        run.task = self.loop.create_task(self._execute(run, record))

    async def _reaper(self) -> None:
        from django.apps import apps

        while not apps.ready:  # started from AppConfig.ready(): let Django finish setting up
            await asyncio.sleep(0.05)
        while True:
            claimed: list[int] = []
            room = min(REAPER_BATCH, self.max_running - len(self.running))
            if not self._stopping and room > 0:
                try:
                    claimed = await self.db(store.claim_expired, self.owner, self.lease_seconds, room)
                    for execution_id in claimed:
                        self._spawn(execution_id)
                except Exception:
                    logger.exception("the reaper failed; retrying")
            # A full batch means more are waiting (after a restart): claim the next batch at once.
            await asyncio.sleep(0 if claimed and len(claimed) >= room else self.poll_seconds)

    async def _timers(self) -> None:
        """Claim parked executions about to fall due and start each at its due time."""
        from django.apps import apps

        while not apps.ready:
            await asyncio.sleep(0.05)
        while True:
            room = min(TIMER_BATCH, self.max_running - len(self.running) - self.timers_pending)
            due: list = []
            if not self._stopping and room > 0:
                try:
                    due = await self.db(store.claim_due, self.owner, self.lease_seconds, TIMER_HORIZON, room)
                except Exception:
                    logger.exception("claiming due timers failed; retrying")
            records = {}
            if due:
                try:  # read them now, in two queries, rather than one by one when each is due
                    records = await self.db(store.load_many, [execution_id for execution_id, _ in due])
                except Exception:
                    logger.exception("loading due executions failed; each loads itself")
            now = timezone.now()
            for execution_id, when in due:
                delay = (when - now).total_seconds()
                record = records.get(execution_id)
                if delay <= 0:
                    self._spawn(execution_id, record)
                else:
                    self.timers_pending += 1
                    self.loop.call_later(delay, self._start_due, execution_id, record)
            await asyncio.sleep(0 if due and len(due) >= room else TIMER_POLL)

    def _start_due(self, execution_id: int, record: store.ExecutionRecord | None) -> None:
        self.timers_pending -= 1
        if not self._stopping:
            self._spawn(execution_id, record)

    async def _renewer(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            ids = list(self.running)
            if not ids:
                continue
            try:
                held = await self.db(store.renew, self.owner, ids, self.lease_seconds)
            except Exception:
                logger.exception("renewing leases failed")
                continue
            for execution_id in ids:
                run = self.running.get(execution_id)
                if run is not None and execution_id not in held:
                    # Stopped (maybe by another process) or taken over: this copy must not write.
                    run.lost = True
                    run.cancel()

    # -- running ----------------------------------------------------------------------------

    async def _execute(self, run: Run, record: store.ExecutionRecord | None = None) -> None:
        execution_id = run.execution_id
        try:
            if record is None:
                record = await self.db(store.load, execution_id)
            if record is None:
                return
            if record.type == "EXPRESS":
                await express.run_express_row(self, run, record)
            else:
                await standard.run_standard(self, run, record)
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            # Not the workflow's failure but ours (a corrupt checkpoint, a bug): fail the execution
            # rather than let the reaper retry it forever.
            logger.exception("execution %s failed inside the runtime", execution_id)
            # A database outage is not the execution's fault: its lease expires and it resumes later.
            if not run.lost and not run.cancellation.cancelled and not isinstance(exc, DatabaseError):
                try:
                    await self.db(store.fail, execution_id, self.owner, f"Internal error: {type(exc).__name__}: {exc}")
                except Exception:
                    logger.exception("could not record the failure of execution %s", execution_id)
        finally:
            self.running.pop(execution_id, None)
            if run.parked:
                self.executions_parked += 1
            else:
                self.executions_finished += 1
                self.notify_finished(execution_id)
                if wake.redis_url():  # for a .sync parent in another process; off the loop
                    self.io_pool.submit(wake.publish, "finished", id=execution_id)
