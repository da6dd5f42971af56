"""The asynchronous interpreter: start, step, checkpoint and resume an execution.

`Interpreter` runs one execution of a compiled state machine.  Its outside world comes through
`engine.ports` (EventSink, TaskInvoker, Clock, Cancellation).  The loop in `run_states` is the
hot path: it runs synchronous states (Pass, Choice, Succeed, Fail) without awaiting anything
and only awaits the handlers of states that can really suspend (Task, Wait, Parallel, Map).

Checkpoints: after ExecutionStarted and after every top-level state, `checkpoint()` describes
where the execution stands (next state, its input, the last event id and the previousEventId
pointer) as plain JSON values.  A server persists it together with the events emitted up to
that point; `Interpreter(..., checkpoint=cp)` continues from there without re-running finished
states (a state that was in flight, such as a Task, runs again from its Entered event).
Inside a top-level Parallel or Map, every finished branch or iteration is checkpointed too
(`nested`), and a resumed execution runs only the unfinished ones (engine.branches).

Progress points: with `progress_interval=seconds`, a Map's iterations and a Parallel's branches
let the event loop run (`await asyncio.sleep(0)`) at most that often, even when every state in
them is synchronous, so that a server can persist and publish the events so far while a long
Map runs.  `checkpoint()` is exact at every point where the interpreter awaits: inside a
top-level Parallel or Map it lists the branches/iterations finished so far and those in flight
(`running`), so it agrees with every event emitted up to that point.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.definition import StateMachine, load
from engine.errors import StatesError, Timeout
from engine.history import DEFAULT_HISTORY_LIMIT, STATE_ENTERED, STATE_EXITED, Frame, History
from engine.lifecycle import MAX_PAYLOAD_BYTES, check_size, prefix_cause
from engine.paths import to_json, to_json_sharing
from engine.ports import Cancellation, Clock, EventSink, SystemClock, TaskInvoker
from engine.result import ExecutionResult, iso_time
from engine.variables import VariableScope

CHECKPOINT_VERSION = 1
# Output texts up to this many characters cannot pass the payload limit (4 bytes per character).
SMALL_PAYLOAD = MAX_PAYLOAD_BYTES // 4
# After a state whose input text was this long, build the output text reusing big subtrees.
BIG_TEXT = 16 * 1024


class ExecutionAborted(BaseException):
    """Raised inside the interpreter when the Cancellation fires.

    A BaseException, like asyncio.CancelledError: no `except Exception` on the way up (a task's
    failure handling, say) may turn a stop into a failure.
    """


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
        self.variables: dict | None = None
        self.resume_from: dict | None = checkpoint
        # Progress inside the top-level Parallel or Map state in flight (engine.branches), and
        # the progress to resume from.
        self.nested: dict | None = None
        # Builds an exact copy of `nested` as it stands (set by engine.branches while it runs).
        self.live_nested: Callable[[], dict] | None = None
        # Seconds of wall time between progress points (None: never yield only for progress).
        self.progress_interval = progress_interval
        self._progress_at = 0.0
        self._progress_gate: asyncio.Event | None = None
        self.resume_nested: dict | None = checkpoint.get("nested") if checkpoint else None
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
        # Item counts of finished Distributed Map runs by map run ARN (engine.branches.MapRun).
        self.map_runs: dict[str, dict] = dict(checkpoint.get("map_runs") or {}) if checkpoint else {}
        if checkpoint is not None:
            self.next_state = checkpoint["state"]
            self.current_input = checkpoint["input"]
            if redrive:
                if checkpoint["status"] not in ("FAILED", "TIMED_OUT", "ABORTED") or self.next_state is None:
                    raise ValueError("only a FAILED, TIMED_OUT or ABORTED execution can be redriven")
                self.resume_nested = None

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

    async def with_timeout(self, awaitable: Any, seconds: float) -> Any:
        """Await `awaitable`, failing with States.Timeout after `seconds` on the clock."""
        task = asyncio.ensure_future(awaitable)
        timer = asyncio.ensure_future(self.clock.sleep(seconds))
        try:
            await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        if task.done():
            return task.result()
        task.cancel()
        raise Timeout(None)

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

    def checkpoint(self) -> dict:
        """Where the execution stands, as JSON-serialisable values (see the module docstring)."""
        live = self.live_nested
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
            "nested": live() if live is not None else self.nested,
            "variables": self.top.variables.to_checkpoint(),
            **({"map_runs": self.map_runs} if self.map_runs else {}),
        }

    def save_nested(self, nested: dict) -> None:
        """Record progress inside the top-level Parallel/Map state and checkpoint it."""
        # A copy: the branch/iteration code keeps adding to its own dicts.
        self.nested = {**nested, "done": dict(nested["done"]), "branch_prev": dict(nested.get("branch_prev", {}))}
        if self.on_checkpoint is not None:
            self.on_checkpoint(self.checkpoint())

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
        on_checkpoint = self.on_checkpoint
        output = await self.run_states(self.machine, self.next_state, self.current_input, self.top,
                                       on_checkpoint)
        return output

    def result(self) -> ExecutionResult:
        return ExecutionResult(
            status=self.status, output=self.output_text if self.status == "SUCCEEDED" else None,
            error=self.error, cause=self.cause, history=self.history.events,
            start_date=self.start_date, stop_date=self.stop_date, name=self.name,
            execution_arn=self.execution_arn, state_machine_arn=self.state_machine_arn,
            input=self.input_text, transitions=self.transitions,
        )

    async def run_states(self, machine: StateMachine, name: str, value: Any, frame: Frame,
                         on_checkpoint: Callable[[dict], None] | None = None) -> Any:
        """Run states from `name` until one ends the sequence; return the sequence's output.

        Each iteration: Entered event → handler → size check → Exited event → next.  The JSON
        text of a state's output is made once and reused as the next state's input text.
        """
        handlers = _handlers or _load_handlers()
        STATE_HANDLERS, JSONATA_HANDLERS, record_evaluation_failed = handlers  # noqa: N806
        states = machine.states
        history = frame.history or self.history
        now = self.clock.now
        cancellation = self.cancellation
        text = frame.text if frame.value is value and frame.text is not None else to_json(value)
        is_top = frame is self.top
        resume = self.resume_nested if is_top else None
        while True:
            if cancellation is not None and cancellation.cancelled:
                raise ExecutionAborted()
            state = states[name]
            if resume is not None and resume["state"] == name:
                # Resuming inside a Parallel or Map: its Entered event is already recorded.
                frame.entered_time = datetime.fromisoformat(resume["entered_time"])
                frame.retry_count = resume["retry_count"]
                frame.entered = resume["entered"]
                resume = None
            else:
                frame.entered_time = now()
                frame.retry_count = 0
                frame.task_token = None
                frame.entered = frame.prev = history.add(
                    state.entered_event, frame.prev, STATE_ENTERED,
                    {"name": name, "input": text, "inputDetails": {"truncated": False}})
            self.transitions += 1
            if frame.interleave:
                # AWS: concurrent branches enter their states together (recorded: both branches'
                # Entered events come before either's Exited), so branches take turns here.
                await asyncio.sleep(0)
            handler = state.handler
            if handler is None:
                table = STATE_HANDLERS if state.jsonata is None else JSONATA_HANDLERS
                handler = state.handler = table[state.type]
            try:
                if state.is_async:
                    name, value = await handler(self, state, value, frame)
                else:
                    name, value = handler(self, state, value, frame)
                text = to_json(value) if len(text) < BIG_TEXT else to_json_sharing(value)
                if len(text) > SMALL_PAYLOAD:
                    check_size(text, state.name)
            except StatesError as exc:
                if state.jsonata is not None:
                    record_evaluation_failed(frame, state, exc)
                raise prefix_cause(exc, state.name, frame.entered) from None
            except asyncio.CancelledError:
                # A sibling branch or iteration failed and this one is being stopped: AWS
                # records the state in flight as aborted (TaskStateAborted, WaitStateAborted,
                # MapStateAborted, ParallelStateAborted).  Not when the whole execution stops.
                if not self.stopping and not (cancellation is not None and cancellation.cancelled):
                    history.link(frame, state.type + "StateAborted")
                raise
            details = {"name": state.name, "output": text, "outputDetails": {"truncated": False}}
            variables = frame.variables
            if variables.pending is not None:
                details.update(variables.take_pending())
            frame.prev = history.add(state.exited_event, frame.prev, STATE_EXITED, details)
            if name is None:
                if is_top:
                    self.live_nested = None
                    self.output_text = text
                    self.current_input = value
                    self.next_state = None
                frame.value, frame.text = value, text
                return value
            if is_top:
                self.next_state, self.current_input = name, value
                self.nested = self.live_nested = None
                if on_checkpoint is not None:
                    on_checkpoint(self.checkpoint())


_handlers: tuple = ()


def _load_handlers() -> tuple:
    """The handler tables, imported once (engine.states imports this module)."""
    global _handlers
    from engine.jsonata_states import JSONATA_HANDLERS, record_evaluation_failed
    from engine.states import STATE_HANDLERS

    _handlers = (STATE_HANDLERS, JSONATA_HANDLERS, record_evaluation_failed)
    return _handlers


class _MachineTimedOut(Exception):
    pass


__all__ = ["ExecutionResult", "Interpreter", "ExecutionAborted", "Timeout", "iso_time"]
