"""The asynchronous interpreter: start, run, checkpoint, pause and resume an execution.

`Interpreter` runs one execution of a compiled state machine.  Its outside world comes through
`engine.ports` (EventSink, TaskInvoker, Clock, Cancellation).  Every state, at every depth, runs
through the template in `engine.lifecycle`; the interpreter supplies what that template and the
handlers' `StateContext` need (the context object, the clock, cancellation, progress points)
and the execution's own events (ExecutionStarted … ExecutionSucceeded/Failed/TimedOut/Aborted).

Checkpoints (engine.checkpoint): after ExecutionStarted and after every top-level state,
`on_checkpoint(checkpoint())` receives where the execution stands as plain JSON values, and
`checkpoint()` is exact at every point where the interpreter awaits, inside Parallel and Map
states at any depth.  `Interpreter(..., checkpoint=cp)` continues from there; `redrive=True`
restarts a failed execution at the state that failed.  `start_at=` with `input` and
`variables` starts an execution at any top-level state.

Hooks (engine.hooks): `hooks=` sees every state before it is entered and after it ends; a
before-hook may pause the execution, and `run()` then returns status "PAUSED" with the
checkpoint to resume from.  Progress points: with `progress_interval=seconds`, Map iterations
let the event loop run at most that often, so that a server can persist and publish the events
so far while a long Map runs.
"""


from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.checkpoint import CHECKPOINT_VERSION, top_position
from engine.definition import StateMachine, load
from engine.errors import StatesError, Timeout
from engine.history import DEFAULT_HISTORY_LIMIT, Frame, History
from engine.hooks import Hooks
from engine.lifecycle import ExecutionAborted, ExecutionPaused, run_states
from engine.paths import to_json
from engine.ports import Cancellation, Clock, EventSink, SystemClock, TaskInvoker
from engine.result import ExecutionResult, iso_time
from engine.variables import VariableScope


class Interpreter:
    """One execution.  Construct, then `await run()`; `checkpoint()` at any step boundary."""

    def __init__(
        self,
        definition: Any,
        input: Any = None,
        *,
        name: str | None = None,
        state_machine_name: str = "StateMachine",
        region: str = "us-east-1",
        account: str = "123456789012",
        role_arn: str | None = None,
        invoker: TaskInvoker | None = None,
        sink: EventSink | None = None,
        clock: Clock | None = None,
        cancellation: Cancellation | None = None,
        history_limit: int = DEFAULT_HISTORY_LIMIT,
        keep_history: bool = True,
        on_checkpoint: Callable[[dict], None] | None = None,
        checkpoint: dict | None = None,
        input_text: str | None = None,
        redrive: bool = False,
        state_machine_arn: str | None = None,
        execution_arn: str | None = None,
        variables: dict | None = None,
        progress_interval: float | None = None,
        hooks: Hooks | None = None,
        start_at: str | None = None,
    ):
        self.machine: StateMachine = load(definition)
        self.clock = clock or SystemClock()
        self.invoker = invoker
        self.cancellation = cancellation
        self.on_checkpoint = on_checkpoint
        self.region, self.account = region, account
        self.history = History(sink, self.clock.now, history_limit, keep_history)
        self.top = Frame(0, self.history)
        if variables:
            # Workflow variables to start with (TestState's `variables`); issue #4.
            self.top.variables.update(variables)
        self.resume_from: dict | None = checkpoint
        self.hooks = hooks
        # Parallel/Map progress is kept when someone can take a checkpoint (engine.checkpoint).
        self.tracking = on_checkpoint is not None or hooks is not None
        self.inspect = None     # TestState's inspection hook; never set in an execution
        self.paused: dict | None = None
        # Seconds of wall time between progress points (None: never yield only for progress).
        self.progress_interval = progress_interval
        self._progress_at = 0.0
        self._progress_gate: asyncio.Event | None = None
        if checkpoint is not None:
            meta = checkpoint["execution"]
            name, state_machine_name = meta["name"], meta["state_machine_name"]
            role_arn, input_text = meta["role_arn"], meta["input"]
            input = json.loads(input_text)
            self.start_date = datetime.fromisoformat(meta["start_date"])
            self.redrive_count = meta.get("redrive_count", 0)
            if redrive:
                # RedriveExecution: restart the state that failed, afresh (AWS counts redrives
                # in the context object and records ExecutionRedriven).
                self.redrive_count += 1
            self.history.last_id = checkpoint["last_event_id"]
            self.top.prev = checkpoint["prev"]
            self.top.variables = VariableScope.from_checkpoint(checkpoint.get("variables"))
        else:
            self.start_date = self.clock.now()
            self.redrive_count = 0
        self.name = name or str(uuid.uuid4())
        self.state_machine_name = state_machine_name
        # The server passes its own ARNs (versions, aliases); by default they follow AWS's form.
        self.state_machine_arn = state_machine_arn or (
            checkpoint["execution"].get("state_machine_arn") if checkpoint else None
        ) or f"arn:aws:states:{region}:{account}:stateMachine:{state_machine_name}"
        self.execution_arn = execution_arn or (
            checkpoint["execution"].get("execution_arn") if checkpoint else None
        ) or f"arn:aws:states:{region}:{account}:execution:{state_machine_name}:{self.name}"
        self.role_arn = role_arn or f"arn:aws:iam::{account}:role/StatecraftExecutionRole"
        self.input = input if input is not None or input_text is not None else {}
        self.input_text = input_text if input_text is not None else to_json(self.input)
        self.ctx_execution = {
            "Id": self.execution_arn, "Input": self.input, "StartTime": iso_time(self.start_date),
            "Name": self.name, "RoleArn": self.role_arn, "RedriveCount": self.redrive_count,
        }
        self.ctx_machine = {"Id": self.state_machine_arn, "Name": state_machine_name}
        self.status = "RUNNING"
        self.next_state: str | None = self.machine.start_at
        self.current_input: Any = self.input
        self.output_text: str | None = None
        self.error: str | None = None
        self.cause: str | None = None
        self.stop_date: datetime | None = None
        self.transitions = 0
        self.stopping = False   # the execution is being torn down (timeout): no *Aborted events
        self.redrive = redrive
        # Item counts of finished Distributed Map runs by map run ARN (engine.states.map).
        self.map_runs: dict[str, dict] = dict(checkpoint.get("map_runs") or {}) if checkpoint else {}
        if checkpoint is not None:
            self.next_state = checkpoint["state"]
            self.current_input = checkpoint["input"]
            if redrive:
                if checkpoint["status"] not in ("FAILED", "TIMED_OUT", "ABORTED") or self.next_state is None:
                    raise ValueError("only a FAILED, TIMED_OUT or ABORTED execution can be redriven")
            else:
                self.top.resume = top_position(checkpoint)
        elif start_at is not None:
            if start_at not in self.machine.states:
                raise ValueError(f"no top-level state named {start_at!r}")
            self.next_state = start_at     # "run from a state": start there with `input` and `variables`

    # -- the context object ($$) ------------------------------------------------------------

    def context(self, state: Any, frame: Frame, extra: dict | None = None) -> dict:
        """The context object as seen from `state` in `frame`."""
        state_ctx = {"EnteredTime": iso_time(frame.entered_time), "Name": state.name}
        if state.type in ("Task", "Parallel", "Map"):
            state_ctx["RetryCount"] = frame.retry_count
        ctx = {"Execution": self.ctx_execution, "State": state_ctx, "StateMachine": self.ctx_machine}
        if frame.task_token is not None:
            ctx["Task"] = {"Token": frame.task_token}
        if extra:
            ctx.update(extra)
        return ctx

    # -- waiting ----------------------------------------------------------------------------

    async def sleep(self, seconds: float) -> None:
        """Wait on the clock; a Cancellation interrupts the wait."""
        cancellation = self.cancellation
        if cancellation is None:
            await self.clock.sleep(seconds)
            return
        if cancellation.cancelled:
            raise ExecutionAborted()
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        stopper = asyncio.ensure_future(cancellation.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()
        if cancellation.cancelled:
            raise ExecutionAborted()

    async def interruptible(self, awaitable: Any) -> Any:
        """Await `awaitable` (a task's invocation); a Cancellation stops the wait."""
        cancellation = self.cancellation
        if cancellation is None:
            return await awaitable
        if cancellation.cancelled:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise ExecutionAborted()
        work = asyncio.ensure_future(awaitable)
        stopper = asyncio.ensure_future(cancellation.wait())
        try:
            await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        if work.done():
            return work.result()
        work.cancel()
        raise ExecutionAborted()

    # -- checkpoints ------------------------------------------------------------------------

    async def progress_point(self) -> None:
        """Run `progress()` if `progress_interval` has passed since the last progress point.

        Every branch or iteration that reaches a progress point while one is under way waits for
        it to end: otherwise the loop would run the other 39 workers of a Map, each for a whole
        interval, before whatever else was waiting (a server's flusher).
        """
        gate = self._progress_gate
        if gate is not None and not gate.is_set():
            await gate.wait()
            return
        if time.monotonic() < self._progress_at:
            return
        gate = self._progress_gate = asyncio.Event()
        try:
            await self.progress()
        finally:
            gate.set()
            self._progress_at = time.monotonic() + self.progress_interval

    def defer_progress(self) -> None:
        """No progress point before a full interval from now (a Map starting: a small one needs none)."""
        self._progress_at = max(self._progress_at, time.monotonic() + self.progress_interval)

    async def progress(self) -> None:
        """A progress point: let the event loop run once.  A server may also wait for its writes."""
        await asyncio.sleep(0)

    @property
    def nested(self) -> dict | None:
        """The progress record of the top-level Parallel/Map in flight (None between states)."""
        progress = self.top.progress
        return progress.record if progress is not None else None

    def new_token(self) -> str:
        return str(uuid.uuid4())

    def checkpoint(self) -> dict:
        """Where the execution stands, as JSON-serialisable values (engine.checkpoint)."""
        progress = self.top.progress
        return {
            "version": CHECKPOINT_VERSION,
            "execution": {
                "name": self.name, "state_machine_name": self.state_machine_name,
                "state_machine_arn": self.state_machine_arn, "execution_arn": self.execution_arn,
                "role_arn": self.role_arn, "input": self.input_text,
                "start_date": self.start_date.isoformat(), "redrive_count": self.redrive_count,
            },
            "status": self.status,
            "state": self.next_state,
            "input": self.current_input,
            "last_event_id": self.history.last_id,
            "prev": self.top.prev,
            "nested": progress.snapshot() if progress is not None else None,
            "variables": self.top.variables.to_checkpoint(),
            **({"map_runs": self.map_runs} if self.map_runs else {}),
        }

    def pause(self, frame: Frame, name: str, value: Any) -> None:
        """Pause before state `name` of `frame`: checkpoint there, record nothing more, unwind."""
        frame.state, frame.input, frame.entered = name, value, 0
        if frame is self.top:
            self.next_state, self.current_input = name, value
        cp = self.checkpoint()
        cp["paused"] = {"state": name, "path": list(frame.path)}
        self.paused = cp
        self.history.closed = True
        self.stopping = True
        if self.on_checkpoint is not None:
            self.on_checkpoint(cp)
        raise ExecutionPaused()

    # -- running ----------------------------------------------------------------------------

    async def run(self) -> ExecutionResult:
        """Run to a terminal status and return the result."""
        history = self.history
        if self.resume_from is None:
            history.add("ExecutionStarted", 0, "executionStartedEventDetails", {
                "input": self.input_text, "inputDetails": {"truncated": False}, "roleArn": self.role_arn,
            })
            if self.on_checkpoint is not None:
                self.on_checkpoint(self.checkpoint())
        elif self.redrive:
            self.top.prev = history.add("ExecutionRedriven", history.last_id, "executionRedrivenEventDetails",
                                        {"redriveCount": self.redrive_count})
            self.status = "RUNNING"
        try:
            if self.machine.timeout_seconds is not None:
                output = await self._with_machine_timeout()
            else:
                output = await self._run_top()
        except ExecutionPaused:
            self.status = "PAUSED"
            return self.result()
        except ExecutionAborted:
            self._finish_aborted()
        except asyncio.CancelledError:
            if self.cancellation is not None and self.cancellation.cancelled:
                self._finish_aborted()
            else:
                raise
        except _MachineTimedOut:
            self.status, self.error = "TIMED_OUT", "States.Timeout"
            details = {"error": "States.Timeout"}
            history.add("ExecutionTimedOut", self.top.prev, "executionTimedOutEventDetails", details)
        except Exception as failure:
            # A StatesError is the execution's failure; anything else is a fault in the engine
            # or its ports, which must still end the execution (as States.Runtime) rather than
            # leave it running forever.
            exc = failure if isinstance(failure, StatesError) else StatesError(
                f"Internal error: {type(failure).__name__}: {failure}", error="States.Runtime")
            self.status, self.error, self.cause = "FAILED", exc.error, exc.cause
            details = {}
            if exc.error is not None:
                details["error"] = exc.error
            if exc.cause is not None:
                details["cause"] = exc.cause
            history.add("ExecutionFailed", self.top.prev, "executionFailedEventDetails", details)
        else:
            self.status = "SUCCEEDED"
            history.add("ExecutionSucceeded", self.top.prev, "executionSucceededEventDetails", {
                "output": self.output_text, "outputDetails": {"truncated": False},
            })
            del output
        self.stop_date = self.clock.now()
        if self.status == "SUCCEEDED":
            self.next_state = None
        # Otherwise the checkpoint keeps the state that did not finish and its input, so that
        # the execution can be redriven from there.
        if self.on_checkpoint is not None:
            self.on_checkpoint(self.checkpoint())
        return self.result()

    def _finish_aborted(self) -> None:
        self.status = "ABORTED"
        details = {}
        if self.cancellation is not None:
            if self.cancellation.error is not None:
                details["error"] = self.cancellation.error
            if self.cancellation.cause is not None:
                details["cause"] = self.cancellation.cause
        self.error, self.cause = details.get("error"), details.get("cause")
        # AWS: the ExecutionAborted event of StopExecution links to no earlier event.
        self.history.add("ExecutionAborted", 0, "executionAbortedEventDetails", details)

    async def _with_machine_timeout(self) -> Any:
        body = asyncio.ensure_future(self._run_top())
        timer = asyncio.ensure_future(self.clock.sleep(self.machine.timeout_seconds))
        done, _ = await asyncio.wait({body, timer}, return_when=asyncio.FIRST_COMPLETED)
        if body in done:
            timer.cancel()
            return body.result()
        self.stopping = True
        body.cancel()
        try:
            await body
        except (asyncio.CancelledError, Exception):
            pass
        raise _MachineTimedOut()

    async def _run_top(self) -> Any:
        if self.next_state is None:
            return self.current_input
        return await run_states(self, self.machine, self.next_state, self.current_input, self.top)

    def result(self) -> ExecutionResult:
        return ExecutionResult(
            status=self.status, output=self.output_text if self.status == "SUCCEEDED" else None,
            error=self.error, cause=self.cause, history=self.history.events,
            start_date=self.start_date, stop_date=self.stop_date, name=self.name,
            execution_arn=self.execution_arn, state_machine_arn=self.state_machine_arn,
            input=self.input_text, transitions=self.transitions, checkpoint=self.paused,
        )

    async def run_states(self, machine: StateMachine, name: str, value: Any, frame: Frame) -> Any:
        """Run states from `name` in `frame` until one ends the sequence (engine.lifecycle)."""
        return await run_states(self, machine, name, value, frame)


class _MachineTimedOut(Exception):
    pass


__all__ = ["ExecutionAborted", "ExecutionResult", "Interpreter", "Timeout", "iso_time"]
