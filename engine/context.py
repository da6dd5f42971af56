"""`StateContext`: the narrow, typed view of the execution a state's handler and io receive.

A handler (engine.states) gets its effective input and this context, never the interpreter:

- the context object (`context()`, `$$`), the variables in scope (`variables`);
- the clock (`now()`, `sleep()`, `clock`), cancellation-aware waiting (`interruptible()`);
- the Task port (`invoker`) and where the execution runs (`region`, `account`, `machine_name`);
- history events on the state's own sequence (`event()`, `frame`);
- running a branch or iteration (`branch_frame()`, `run_branch()`), progress points, and the
  checkpoint bookkeeping of a Parallel/Map (`track()`, `resume`, engine.checkpoint).

It also serves as the `Scope` that payload templates and paths read (`input`, `context()`,
`variables`, `resolve()`), so the io layer needs nothing else.
"""

from __future__ import annotations

from typing import Any

from engine.checkpoint import Progress
from engine.errors import StatesError
from engine.history import Frame
from engine.payload import Scope

_PREFIXED_ERRORS = ("States.Runtime", "States.QueryEvaluationError")


def prefix_cause(error: StatesError, state_name: str, entered_id: int) -> StatesError:
    """AWS: runtime failures quote the state and its Entered event id before the cause."""
    if error.error in _PREFIXED_ERRORS and not getattr(error, "prefixed", False):
        error.cause = (
            f"An error occurred while executing the state '{state_name}' "
            f"(entered at the event id #{entered_id}). {error.cause}"
        )
        error.prefixed = True
        error.args = (error.cause,)
    return error


class StateContext:
    """One state's run: see the module docstring."""

    # Made for every state, so only what each needs is set per instance; the rest are defaults.
    rule: int | None = None         # a Choice state's matched rule (None: Default)
    retries: list | None = None     # the retriers that fired (for the after-state hook)
    catcher: int | None = None      # the catcher that caught
    reentered = False               # resumed from a checkpoint inside this state (Entered recorded)

    resolve = Scope.resolve

    def __init__(self, runner: Any, state: Any, frame: Frame, raw: Any, resume: dict | None = None):
        self.runner = runner
        self.state = state
        self.frame = frame
        self.input = raw                # what templates and paths read as `$` (moves with the steps)
        self.variables = frame.variables
        self.inspect = runner.inspect   # TestState's inspection hook: inspect(step, value)
        self.resume = resume            # a Parallel/Map's saved progress, when resuming inside it

    # -- the execution --------------------------------------------------------------------

    def context(self, extra: dict | None = None) -> dict:
        """The context object ($$) as seen from this state."""
        return self.runner.context(self.state, self.frame, extra)

    @property
    def clock(self) -> Any:
        return self.runner.clock

    def now(self) -> Any:
        return self.runner.clock.now()

    async def sleep(self, seconds: float) -> None:
        """Wait on the clock; a cancellation interrupts the wait."""
        await self.runner.sleep(seconds)

    def interruptible(self, awaitable: Any) -> Any:
        return self.runner.interruptible(awaitable)

    @property
    def invoker(self) -> Any:
        return self.runner.invoker

    @property
    def region(self) -> str:
        return self.runner.region

    @property
    def account(self) -> str:
        return self.runner.account

    @property
    def machine_name(self) -> str:
        return self.runner.state_machine_name

    def prefix_cause(self, error: StatesError) -> StatesError:
        return prefix_cause(error, self.state.name, self.frame.entered)

    # -- history --------------------------------------------------------------------------

    def event(self, type_: str, details_key: str | None = None, details: Any = None) -> int:
        """Record an event linked to this state's sequence, and move its pointer there."""
        return self.frame.history.link(self.frame, type_, details_key, details)

    # -- branches and iterations ----------------------------------------------------------

    def branch_frame(self, prev: int, key: int, history: Any = None) -> Frame:
        """A frame for branch or iteration `key`: its own variable scope and path."""
        frame = self.frame
        return Frame(prev, history or frame.history, frame.variables.child(), frame.path + (self.state.name, key))

    async def run_branch(self, machine: Any, value: Any, frame: Frame) -> Any:
        """Run a branch or iteration (a StateMachine) in `frame`; return its output."""
        start = frame.state if frame.resume is not None and frame.state else machine.start_at
        if frame.resume is not None and frame.input is not None:
            value = frame.input
        return await self.runner.run_states(machine, start, value, frame)

    def track(self, **extra: Any) -> Progress | None:
        """Start the checkpoint bookkeeping of this Parallel/Map (None when nobody can checkpoint)."""
        if not self.runner.tracking:
            return None
        return Progress(self.runner, self.state, self.frame, self.resume, **extra)

    @property
    def progress_interval(self) -> float | None:
        return self.runner.progress_interval

    async def progress_point(self) -> None:
        await self.runner.progress_point()

    def defer_progress(self) -> None:
        self.runner.defer_progress()

    def count_map_run(self, arn: str, counts: dict) -> None:
        """Keep a finished Distributed Map run's item counts (DescribeMapRun)."""
        self.runner.map_runs[arn] = counts
