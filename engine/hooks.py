"""Hook points before and after each state: for a debugger, for coverage, for TestState.

`Interpreter(..., hooks=h)` calls, for every state at any depth:

- `await h.before(point)` before the state's Entered event.  `point` (a `StatePoint`) names the
  state, its `path` (the enclosing Parallel/Map states with branch or iteration indexes), its
  raw input and the variables in scope.  Returning a `Directive` may replace the input and the
  variables, and `Directive(pause=True)` pauses the execution there: the interpreter stores an
  exact checkpoint positioned before that state (a resume runs it, with the edited input) and
  `run()` returns status "PAUSED" instead of finishing.
- `h.after(report)` when the state has exited or failed: a `StateReport` says how it ended,
  where it goes next, which Choice rule matched (an index, or "Default"), which retriers fired
  and which catcher caught.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNCHANGED: Any = type("Unchanged", (), {"__repr__": lambda self: "UNCHANGED"})()


@dataclass
class StatePoint:
    """A state about to be entered."""

    name: str
    path: tuple                 # ("Par", 1, "Map", 7): branch 1 of Par, iteration 7 of Map
    input: Any
    variables: dict
    resumed: bool = False       # the execution resumed right here (e.g. after pausing here)


@dataclass
class Directive:
    """What a before-hook asks for: new input/variables, and whether to pause."""

    pause: bool = False
    input: Any = UNCHANGED
    variables: dict | None = None


@dataclass
class StateReport:
    """How a state ended."""

    name: str
    path: tuple
    status: str                 # "SUCCEEDED", "CAUGHT" or "FAILED"
    next: str | None = None
    choice_rule: int | str | None = None    # the matched rule's index, or "Default"
    retries: list = field(default_factory=list)     # index of the retrier, once per retry
    catcher: int | None = None
    error: str | None = None


class Hooks:
    """The no-op hooks; subclass and override what you need."""

    async def before(self, point: StatePoint) -> Directive | None:
        return None

    def after(self, report: StateReport) -> None:
        return None
