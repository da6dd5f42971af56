"""The execution runtime: one asyncio loop in a daemon thread running many executions at once.

- Standard executions: claimed with a database lease, run by a `DurableInterpreter`; whenever
  the interpreter awaits, a flusher writes the events emitted since the last write together with
  a checkpoint in one transaction (`store.save_step`), and the end writes the final status.
  The checkpoint is exact at every await (engine.interpreter), so the pair always agrees.
  Inside a Parallel or Map the engine also awaits at progress points (every PROGRESS_SECONDS of
  wall time, even when every state in it is synchronous), so a long Map's events reach the
  database and the live view while it runs. Once PROGRESS_BIG iterations have finished, writes
  are spaced at least PROGRESS_WRITE_SECONDS apart (more when building the checkpoint, which
  carries every finished iteration's output, gets slow), and the engine waits at a progress point while more than
  PROGRESS_BACKLOG events wait to be written: an execution runs no further ahead of its
  durable history than that, and a watcher sees a 5,000-item Map advance in steps.
  A reaper claims RUNNING executions whose lease is empty or expired (at startup too) and
  resumes them from their checkpoint; leases are renewed while running.
- Express executions run in memory: StartSyncExecution returns the result; an asynchronous
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
import copy
import json
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

from designer.runtime import store, wake
from designer.runtime.durable import FLIGHT, BufferSink, DurableInterpreter
from engine.interpreter import Interpreter, iso_time
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
# Inside a Parallel/Map: how often the engine lets the flusher run, and the least time between
# two writes (STATECRAFT_PROGRESS_SECONDS sets the latter).
PROGRESS_SECONDS = 0.01
PROGRESS_WRITE_SECONDS = 0.1
PROGRESS_BACKLOG = 2000
PROGRESS_BIG = 100  # finished branches/iterations from which writes are spaced


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
        self.progress_write_seconds = float(_setting("STATECRAFT_PROGRESS_SECONDS", PROGRESS_WRITE_SECONDS))
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
            now = timezone.now()
            for execution_id, when in due:
                delay = (when - now).total_seconds()
                if delay <= 0:
                    self._spawn(execution_id)
                else:
                    self.timers_pending += 1
                    self.loop.call_later(delay, self._start_due, execution_id)
            await asyncio.sleep(0 if due and len(due) >= room else TIMER_POLL)

    def _start_due(self, execution_id: int) -> None:
        self.timers_pending -= 1
        if not self._stopping:
            self._spawn(execution_id)

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
                await self._run_express_row(run, record)
            else:
                await self._run_standard(run, record)
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

    def _invoker(self, record, interpreter_ref: list, test_case: str | None):
        from designer.resources import ExecutionScope, ServerInvoker

        scope = ExecutionScope(
            execution_id=record.id, owner_id=record.owner_id, region=record.region,
            machine_name=record.machine_name, test_case=test_case, interpreter_ref=interpreter_ref,
        )
        return ServerInvoker(self, scope)

    def _resume_point(self, record, events: list[dict]) -> dict | None:
        """The checkpoint to continue from (None: a fresh start); adds ExecutionRedriven to `events`."""
        cp = record.checkpoint
        if not cp or "execution" not in cp:
            return None
        cp = copy.deepcopy(cp)
        if record.redrive_count > cp["execution"].get("redrive_count", 0):
            anchor = cp.get("redrive") if cp.get("status") != "RUNNING" else cp
            if anchor is None:
                return None
            anchor = copy.deepcopy(anchor)
            anchor.pop("redrive", None)
            if (anchor.get("nested") or {}).get(FLIGHT):
                anchor["nested"] = None  # the failed Task runs again from its Entered event
            elif anchor.get("nested"):
                # Iterations/branches in flight then were aborted since: they start afresh.
                anchor["nested"].pop("running", None)
            # A Parallel/Map record stays: only its failed or unfinished branches and iterations run.
            anchor["status"] = "RUNNING"
            anchor["execution"]["redrive_count"] = record.redrive_count
            redriven = record.last_event_id + 1
            events.append({
                "timestamp": timezone.now(), "type": "ExecutionRedriven", "id": redriven,
                "previousEventId": record.last_event_id,
                "executionRedrivenEventDetails": {"redriveCount": record.redrive_count},
            })
            anchor["last_event_id"] = anchor["prev"] = redriven
            return anchor
        if cp.get("status") != "RUNNING":
            return cp
        # The events and the checkpoint are written together, so they agree; be safe anyway.
        cp["last_event_id"] = record.last_event_id
        return cp

    async def _run_standard(self, run: Run, record) -> None:
        pre_events: list[dict] = []
        resume = self._resume_point(record, pre_events)
        test_case = (record.checkpoint or {}).get("test_case")
        if resume is not None and resume.get("status") != "RUNNING":
            # Finished but not recorded as such (cannot happen with atomic writes): record it now.
            await self.db(store.finish, record.id, self.owner, [], resume, status=resume["status"],
                          output=None, error=None, cause=None, stop_date=timezone.now())
            return
        sink = BufferSink()
        interpreter_ref: list = []
        anchor: list = [resume]

        def on_checkpoint(cp: dict) -> None:
            if cp.get("status") == "RUNNING":
                anchor[0] = cp

        interpreter = DurableInterpreter(
            record.definition, None if resume else json.loads(record.input),
            input_text=None if resume else record.input, name=record.name,
            state_machine_name=record.machine_name, region=record.region,
            account=settings.STATECRAFT_ACCOUNT_ID, role_arn=record.role_arn or None,
            invoker=self._invoker(record, interpreter_ref, test_case), sink=sink,
            cancellation=run.cancellation, checkpoint=resume, on_checkpoint=on_checkpoint,
            extra_checkpoint={"test_case": test_case} if test_case else None,
            # AWS: a redriven execution gets its TimeoutSeconds anew; a resumed one keeps counting.
            timeout_from=record.start_date if resume is not None and not pre_events else None,
            progress_interval=PROGRESS_SECONDS,
        )
        interpreter_ref.append(interpreter)
        if resume is None:
            interpreter.start_date = record.start_date
            interpreter.ctx_execution["StartTime"] = iso_time(record.start_date)
        interpreter.execution_arn = record.arn
        interpreter.ctx_execution["Id"] = record.arn
        interpreter.ctx_execution["RedriveCount"] = record.redrive_count

        write_lock = asyncio.Lock()
        dirty = asyncio.Event()
        sink.events.extend(pre_events)
        sink.notify = dirty.set
        if pre_events:
            dirty.set()

        loop = self.loop
        written = asyncio.Event()

        async def progress_wait() -> None:
            while len(sink.events) > PROGRESS_BACKLOG and not run.lost and not run.cancellation.cancelled:
                written.clear()
                await written.wait()

        interpreter.progress_wait = progress_wait

        async def park(due) -> None:
            async with write_lock:
                if run.lost or run.cancellation.cancelled:
                    return
                # As in a step: the events so far and the checkpoint of this very point, together.
                events = sink.drain()
                cp = interpreter.flight_checkpoint()
                ok = await self.write(store.park, record.id, self.owner, events, cp, due)
                run.parked = ok
            if not ok:
                run.lost = True
                run.cancel()
                return
            interpreter.stopping = True  # no WaitStateAborted: the Wait goes on in the database
            raise asyncio.CancelledError()

        if self.background:
            interpreter.park, interpreter.park_after = park, self.park_seconds

        async def flusher() -> None:
            try:
                await flush_loop()
            finally:
                written.set()  # never leave the engine waiting on a flusher that has gone

        async def flush_loop() -> None:
            next_write = 0.0
            while True:
                await dirty.wait()
                if interpreter.nested is not None:
                    # Inside a Parallel/Map: its checkpoint grows with each finished iteration.
                    delay = next_write - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                dirty.clear()
                async with write_lock:
                    if not sink.events or run.lost or run.parked or run.cancellation.cancelled:
                        continue
                    began = loop.time()
                    # Taken together, with no await between: the checkpoint describes exactly
                    # the point after the last of these events.
                    events = sink.drain()
                    cp = interpreter.flight_checkpoint()
                    # Copying the checkpoint stands for the cost of encoding it in the write too.
                    build = loop.time() - began
                    big = len((cp.get("nested") or {}).get("done") or ()) >= PROGRESS_BIG
                    ok = await self.write(store.save_step, record.id, self.owner, events, cp, self.lease_seconds)
                    next_write = began + max(self.progress_write_seconds if big else 0.0, 4 * build)
                written.set()
                if not ok:
                    run.lost = True
                    run.cancel()
                    return

        flush_task = self.loop.create_task(flusher())
        run.body = self.loop.create_task(interpreter.run())
        try:
            result = await run.body
        except asyncio.CancelledError:
            result = None
        if result is None or run.lost or run.parked or run.cancellation.cancelled:
            flush_task.cancel()
            return  # stopped, parked or taken over: the row is someone else's now
        async with write_lock:
            # A step write in progress has finished (it holds the lock while writing); the
            # flusher may go now, and the rest is written with the final status.
            flush_task.cancel()
            events = sink.drain()
            final = interpreter.checkpoint()
            if result.status != "SUCCEEDED" and anchor[0] is not None:
                final["redrive"] = anchor[0]
            await self.write(
                store.finish, record.id, self.owner, events, final, status=result.status,
                output=result.output, error=result.error, cause=result.cause, stop_date=result.stop_date,
            )

    async def _run_express_row(self, run: Run, record) -> None:
        interpreter_ref: list = []
        interpreter = Interpreter(
            record.definition, json.loads(record.input), input_text=record.input, name=record.name,
            state_machine_name=record.machine_name, region=record.region,
            account=settings.STATECRAFT_ACCOUNT_ID, role_arn=record.role_arn or None,
            invoker=self._invoker(record, interpreter_ref, None), cancellation=run.cancellation,
            keep_history=False,
        )
        interpreter_ref.append(interpreter)
        interpreter.execution_arn = record.arn
        interpreter.ctx_execution["Id"] = record.arn
        run.body = self.loop.create_task(interpreter.run())
        try:
            result = await run.body
        except asyncio.CancelledError:
            return
        if run.lost or run.cancellation.cancelled:
            return
        await self.write(store.finish, record.id, self.owner, [], None, status=result.status,
                      output=result.output, error=result.error, cause=result.cause, stop_date=result.stop_date)

    async def run_sync(self, request: dict) -> dict:
        """StartSyncExecution: run an Express execution in memory and answer AWS's response body."""
        from designer.resources import ExecutionScope, ServerInvoker
        from designer.services import outcome_members

        machine, version = request["machine"], request.get("version")
        interpreter_ref: list = []
        scope = ExecutionScope(
            execution_id=None, owner_id=machine.owner_id, region=machine.region, machine_name=machine.name,
            test_case=request.get("test_case"), interpreter_ref=interpreter_ref,
        )
        interpreter = Interpreter(
            request["definition"], json.loads(request["input"]), input_text=request["input"],
            name=request["name"], state_machine_name=machine.name, region=machine.region,
            account=settings.STATECRAFT_ACCOUNT_ID, role_arn=machine.role_arn or None,
            invoker=ServerInvoker(self, scope), keep_history=False,
        )
        interpreter_ref.append(interpreter)
        interpreter.execution_arn = request["execution_arn"]
        interpreter.ctx_execution["Id"] = request["execution_arn"]
        # AWS (recorded): a synchronous Express execution cannot be redriven, and its context
        # object has no Execution.RedriveCount (asynchronous executions have one).
        interpreter.ctx_execution.pop("RedriveCount", None)
        result = await interpreter.run()
        body = {
            "executionArn": request["execution_arn"],
            "stateMachineArn": version.arn if version is not None else machine.arn,
            "name": request["name"],
            "startDate": result.start_date,
            "stopDate": result.stop_date,
            "status": result.status,
            "input": request["input"],
            "inputDetails": {"included": True},
            "billingDetails": {
                "billedMemoryUsedInMB": 64,
                "billedDurationInMilliseconds": max(100, -(-int(
                    (result.stop_date - result.start_date).total_seconds() * 1000) // 100) * 100),
            },
        }
        body.update(outcome_members(output=result.output, error=result.error, cause=result.cause))
        if request.get("trace_header"):
            body["traceHeader"] = request["trace_header"]
        return body
