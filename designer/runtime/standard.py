"""A Standard execution as the runtime runs it: resume point, interpreter, flusher, parking.

`run_standard(runtime, run, record)` runs one claimed execution (`designer.runtime.core`): it
finds where to continue (`resume_point`: a fresh start, a checkpoint after a restart, or the
redrive anchor), runs a `DurableInterpreter`, and writes whenever the interpreter awaits: the
events emitted since the last write with a checkpoint, in one transaction (`store.save_step`,
grouped with other executions' writes by `runtime.write`), and the end with the final status.
Inside a Parallel or Map the engine also awaits at progress points (every PROGRESS_SECONDS of
wall time, even when every state in it is synchronous), so a long Map's events reach the
database and the live view while it runs. Once PROGRESS_BIG iterations have finished, writes
are spaced at least PROGRESS_WRITE_SECONDS apart (more when building the checkpoint, which
carries every finished iteration's output, gets slow), and the engine waits at a progress point
while more than PROGRESS_BACKLOG events wait to be written.
A top-level Wait longer than the runtime's `park_seconds` parks (`designer.runtime.durable`):
the events so far, the checkpoint and the wake-up time are stored (`store.park`) and this copy
of the execution ends; the timer loop resumes it when it is due.
"""

from __future__ import annotations

import asyncio
import copy
import json

from django.utils import timezone

from designer.runtime import store
from designer.runtime.debug import PAUSED_UNTIL, DebugHooks
from designer.runtime.durable import FLIGHT, BufferSink, DurableInterpreter
from engine.interpreter import iso_time

# Inside a Parallel/Map: how often the engine lets the flusher run, and the least time between
# two writes (STATECRAFT_PROGRESS_SECONDS sets the latter).
PROGRESS_SECONDS = 0.01
PROGRESS_WRITE_SECONDS = 0.1
PROGRESS_BACKLOG = 2000
PROGRESS_BIG = 100  # finished branches/iterations from which writes are spaced


def invoker(runtime, record, interpreter_ref: list, test_case: str | None):
    """The TaskInvoker for one execution's Task states."""
    from designer.resources import ExecutionScope, ServerInvoker

    scope = ExecutionScope(
        execution_id=record.id, owner_id=record.owner_id, region=record.region,
        machine_name=record.machine_name, test_case=test_case, interpreter_ref=interpreter_ref,
    )
    return ServerInvoker(runtime, scope)


def resume_point(record, events: list[dict]) -> dict | None:
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


async def run_standard(runtime, run, record) -> None:
    pre_events: list[dict] = []
    resume = resume_point(record, pre_events)
    test_case = (record.checkpoint or {}).get("test_case")
    # Debug executions and "run from here" carry their settings in the checkpoint from the start.
    debug = bool((record.checkpoint or {}).get("debug"))
    start = (record.checkpoint or {}).get("start_at") if resume is None else None
    extra = {k: v for k, v in (("test_case", test_case), ("debug", debug)) if v}
    if resume is not None and resume.get("status") != "RUNNING":
        # Finished but not recorded as such (cannot happen with atomic writes): record it now.
        await runtime.db(store.finish, record.id, runtime.owner, [], resume, status=resume["status"],
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
        account=record.arn.split(":")[4], role_arn=record.role_arn or None,
        invoker=invoker(runtime, record, interpreter_ref, test_case), sink=sink,
        cancellation=run.cancellation, checkpoint=resume, on_checkpoint=on_checkpoint,
        extra_checkpoint=extra or None,
        hooks=DebugHooks(runtime, record.id) if debug else None,
        start_at=start["state"] if start else None, variables=start.get("variables") if start else None,
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

    loop = runtime.loop
    written = asyncio.Event()

    async def progress_wait() -> None:
        while len(sink.events) > PROGRESS_BACKLOG and not run.lost and not run.cancellation.cancelled:
            written.clear()
            await written.wait()

    interpreter.progress_wait = progress_wait

    async def park(due, replay: bool) -> None:
        async with write_lock:
            if run.lost or run.cancellation.cancelled:
                return
            # As in a step: the events so far and the checkpoint of this very point, together.
            events = sink.drain()
            cp = interpreter.flight_checkpoint(replay)
            ok = await runtime.write(store.park, record.id, runtime.owner, events, cp, due)
            run.parked = ok
        if not ok:
            run.lost = True
            run.cancel()
            return
        # No *StateAborted events, and the task token stays open: the wait goes on in the database.
        interpreter.stopping = interpreter.parked = True
        raise asyncio.CancelledError()

    if runtime.background:
        interpreter.park, interpreter.park_after = park, runtime.park_seconds

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
                ok = await runtime.write(store.save_step, record.id, runtime.owner, events, cp, runtime.lease_seconds)
                next_write = began + max(runtime.progress_write_seconds if big else 0.0, 4 * build)
            written.set()
            if not ok:
                run.lost = True
                run.cancel()
                return

    flush_task = runtime.loop.create_task(flusher())
    run.body = runtime.loop.create_task(interpreter.run())
    try:
        result = await run.body
    except asyncio.CancelledError:
        result = None
    if result is None or run.lost or run.parked or run.cancellation.cancelled:
        flush_task.cancel()
        return  # stopped, parked or taken over: the row is someone else's now
    if result.status == "PAUSED":
        # A debug pause: parked with no wake-up time until Continue or Step.
        async with write_lock:
            flush_task.cancel()
            await runtime.write(store.park, record.id, runtime.owner, sink.drain(), result.checkpoint, PAUSED_UNTIL)
        return
    async with write_lock:
        # A step write in progress has finished (it holds the lock while writing); the
        # flusher may go now, and the rest is written with the final status.
        flush_task.cancel()
        events = sink.drain()
        final = interpreter.checkpoint()
        if result.status != "SUCCEEDED" and anchor[0] is not None:
            final["redrive"] = anchor[0]
        await runtime.write(
            store.finish, record.id, runtime.owner, events, final, status=result.status,
            output=result.output, error=result.error, cause=result.cause, stop_date=result.stop_date,
        )
