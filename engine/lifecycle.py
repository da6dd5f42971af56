"""The one template every state runs through, at every depth, in both query languages.

For each state of a sequence (`run_states`):

1. the before-state hook, when there is one (engine.hooks): it may edit the input and the
   variables, or pause the execution before the state;
2. the Entered event (not again when a checkpoint resumes inside the state);
3. the attempt: input processing (`io.input`: InputPath → Parameters, or Arguments) → the
   state's handler (engine.states), given its effective input and a `StateContext`, returning
   its result and next state → result processing (`io.output`: ResultSelector → Assign →
   ResultPath → OutputPath, or Assign and Output);
4. Retry and Catch around the attempt, for the types that have them (Task, Parallel, Map):
   `decide` says what a failure leads to;
5. the size check of the output (256 KiB), then the Exited event with the assigned variables;
6. the after-state hook, which learns the Choice rule, the retries and the catcher.

Developer guide: "Processing input and output", "Error handling in Step Functions".  TestState
(engine.test_state) runs the same attempt with an inspection hook and reports Retry/Catch.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from engine.checkpoint import re_enter
from engine.context import StateContext, prefix_cause
from engine.errors import DataLimitExceeded, StatesError, error_matches
from engine.evaluation_budget import run_sync_handler
from engine.history import STATE_ENTERED, STATE_EXITED
from engine.hooks import UNCHANGED, StatePoint, StateReport
from engine.paths import to_json, to_json_sharing
from engine.states import HANDLERS

MAX_PAYLOAD_BYTES = 256 * 1024
# Output texts up to this many characters cannot pass the payload limit (4 bytes per character).
SMALL_PAYLOAD = MAX_PAYLOAD_BYTES // 4
# After a state whose input text was this long, build the output text reusing big subtrees.
BIG_TEXT = 16 * 1024


class ExecutionAborted(BaseException):
    """Raised inside the interpreter when the Cancellation fires.

    A BaseException, like asyncio.CancelledError: no `except Exception` on the way up (a task's
    failure handling, say) may turn a stop into a failure.
    """


class ExecutionPaused(BaseException):
    """Raised by a before-state hook's pause, once the checkpoint is taken (unwinds everything)."""


def check_size(text: str, state_name: str) -> None:
    """States.DataLimitExceeded when a state's output passes 256 KiB of UTF-8."""
    n = len(text)
    if n * 4 <= MAX_PAYLOAD_BYTES:
        return
    if n > MAX_PAYLOAD_BYTES or len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise DataLimitExceeded(
            f"The state/task '{state_name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit."
        )


def error_output(error: StatesError) -> dict:
    """What a Catcher passes on: {"Error": …, "Cause": …} (Cause omitted when there is none)."""
    out = {"Error": error.error}
    if error.cause is not None:
        out["Cause"] = error.cause
    return out


def retry_delay(retrier: Any, attempt: int, jitter: bool = True) -> float:
    """Seconds before retry number `attempt` (0-based) of `retrier`."""
    delay = retrier.interval_seconds * (retrier.backoff_rate ** attempt)
    if retrier.max_delay_seconds is not None:
        delay = min(delay, retrier.max_delay_seconds)
    if jitter and retrier.jitter_strategy == "FULL":
        delay = random.uniform(0, delay)
    return delay


def decide(state: Any, error: str, counts: list[int]) -> tuple[str, int]:
    """What a failure leads to: ("retry", retrier), ("catch", catcher) or ("fail", -1).

    `counts[i]` is how often retrier i has fired; the first retrier whose ErrorEquals matches
    decides, and once it is exhausted the catchers are looked at.
    """
    for index, retrier in enumerate(state.retriers):
        if error_matches(list(retrier.error_equals), error):
            if counts[index] < retrier.max_attempts:
                return "retry", index
            break
    for index, catcher in enumerate(state.catchers):
        if error_matches(list(catcher.error_equals), error):
            return "catch", index
    return "fail", -1


def attempt(ctx: StateContext, raw: Any) -> tuple[str | None, Any]:
    """Input processing → handler → result processing, for a state that cannot suspend."""
    state = ctx.state
    io = state.io
    name, result = (state.handler or _handler(state))(ctx, io.input(ctx, raw))
    return name, io.output(ctx, raw, result, ctx.rule)


def _handler(state: Any) -> Any:
    state.handler = HANDLERS[state.type]
    return state.handler


async def attempt_async(ctx: StateContext, raw: Any, handler: Any = None) -> tuple[str | None, Any]:
    """The same for a state whose handler can suspend (Task, Wait, Parallel, Map).

    TestState passes its own `handler` for a mocked Task, Parallel or Map."""
    state = ctx.state
    if state.type == "Task" and state.needs_token:
        # A new token for every attempt (a retry clears it); a resumed execution may have
        # restored the token it had handed out.
        frame = ctx.frame
        frame.task_token = frame.task_token or ctx.runner.new_token()
    io = state.io
    value = io.input(ctx, raw)
    if handler is not None:
        name, result = handler(ctx, value)
    else:
        name, result = await (state.handler or _handler(state))(ctx, value)
    return name, io.output(ctx, raw, result, ctx.rule)


async def with_retry(ctx: StateContext, raw: Any) -> tuple[str | None, Any]:
    """The attempt under the state's Retry and Catch; return (next, output)."""
    state, frame = ctx.state, ctx.frame
    counts = [0] * len(state.retriers)
    while True:
        try:
            return await attempt_async(ctx, raw)
        except StatesError as exc:
            action, index = decide(state, exc.error or "", counts)
            if action == "retry":
                delay = retry_delay(state.retriers[index], counts[index])
                counts[index] += 1
                frame.retry_count += 1
                frame.task_token = None
                ctx.retries = (ctx.retries or []) + [index]
                await ctx.sleep(delay)
                ctx.input, ctx.resume = raw, None
                continue
            if getattr(exc, "from_children", False):
                ctx.event(state.type + "StateFailed")
            if action == "fail":
                raise
            prefix_cause(exc, state.name, frame.entered)
            ctx.variables.discard_staged()      # the failed attempt's own Assign never happened
            ctx.catcher = index
            return state.catchers[index].next, state.io.catch_output(ctx, raw, index, error_output(exc))


async def before_state(runner: Any, hooks: Any, name: str, value: Any, frame: Any) -> Any:
    """Call the before-state hook; apply what it asks (new input, variables, a pause)."""
    resumed = frame.resume is not None and frame.resume.get("state") == name
    frame.resume = None
    point = StatePoint(name, frame.path, value, frame.variables.snapshot(), resumed)
    directive = await hooks.before(point)
    if directive is None:
        return value
    if directive.input is not UNCHANGED:
        value = frame.input = directive.input
    if directive.variables is not None:
        frame.variables.update(directive.variables)
    if directive.pause:
        runner.pause(frame, name, value)
    return value


def report(ctx: StateContext, status: str, next_state: str | None, error: str | None = None) -> StateReport:
    state = ctx.state
    rule = None
    if state.type == "Choice" and status == "SUCCEEDED":
        rule = "Default" if ctx.rule is None else ctx.rule
    return StateReport(state.name, ctx.frame.path, status, next_state, rule, ctx.retries or [], ctx.catcher, error)


async def run_states(runner: Any, machine: Any, name: str, value: Any, frame: Any) -> Any:
    """Run states from `name` until one ends the sequence; return the sequence's output.

    The JSON text of a state's output is made once and reused as the next state's input text.
    """
    states = machine.states
    history = frame.history
    now = runner.clock.now
    cancellation = runner.cancellation
    hooks = runner.hooks
    text = frame.text if frame.value is value and frame.text is not None else None
    is_top = frame is runner.top
    while True:
        if cancellation is not None and cancellation.cancelled:
            raise ExecutionAborted()
        state = states[name]
        frame.state, frame.input = name, value
        resume = frame.resume
        if resume is not None and resume.get("state") == name and resume.get("entered"):
            # Resuming inside this state: its Entered event is already recorded.
            frame.resume = None
            nested = re_enter(frame, resume)
            reentered = True
        else:
            reentered = False
            if hooks is not None:
                edited = await before_state(runner, hooks, name, value, frame)
                if edited is not value:
                    value, text = edited, None
            frame.resume = nested = None
            frame.entered_time = now()
            frame.retry_count = 0
            frame.task_token = None
            if text is None:
                text = to_json(value)
            frame.entered = frame.prev = history.add(
                state.entered_event, frame.prev, STATE_ENTERED,
                {"name": name, "input": text, "inputDetails": {"truncated": False}})
        runner.transitions += 1
        if frame.interleave:
            # AWS: concurrent branches enter their states together (recorded: both branches'
            # Entered events come before either's Exited), so branches take turns here.
            await asyncio.sleep(0)
        ctx = StateContext(runner, state, frame, value, nested)
        if reentered:
            ctx.reentered = True
        try:
            if state.has_result:
                name, value = await with_retry(ctx, value)
            elif state.is_async:
                name, value = await attempt_async(ctx, value)
            elif state.jsonata is not None:
                # A long JSONata evaluation moves off the loop (engine.evaluation_budget).
                name, value = await run_sync_handler(attempt, ctx, value)
            else:
                name, value = attempt(ctx, value)
            text = to_json(value) if text is None or len(text) < BIG_TEXT else to_json_sharing(value)
            if len(text) > SMALL_PAYLOAD:
                check_size(text, state.name)
        except StatesError as exc:
            state.io.evaluation_failed(ctx, exc)
            prefix_cause(exc, state.name, frame.entered)
            if hooks is not None:
                hooks.after(report(ctx, "FAILED", None, exc.error))
            raise
        except asyncio.CancelledError:
            # A sibling branch or iteration failed and this one is being stopped: AWS
            # records the state in flight as aborted (TaskStateAborted, WaitStateAborted,
            # MapStateAborted, ParallelStateAborted).  Not when the whole execution stops.
            if not runner.stopping and not (cancellation is not None and cancellation.cancelled):
                history.link(frame, state.type + "StateAborted")
            raise
        details = {"name": state.name, "output": text, "outputDetails": {"truncated": False}}
        variables = frame.variables
        if variables.pending is not None:
            details.update(variables.take_pending())
        frame.prev = history.add(state.exited_event, frame.prev, STATE_EXITED, details)
        frame.entered = 0
        if hooks is not None:
            hooks.after(report(ctx, "CAUGHT" if ctx.catcher is not None else "SUCCEEDED", name))
        if name is None:
            if is_top:
                runner.output_text, runner.current_input, runner.next_state = text, value, None
            frame.value, frame.text = value, text
            return value
        if is_top:
            runner.next_state, runner.current_input = name, value
            if runner.on_checkpoint is not None:
                runner.on_checkpoint(runner.checkpoint())
