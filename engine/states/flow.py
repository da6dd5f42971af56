"""Pass, Choice, Wait, Succeed and Fail: the states that do their work on their input.

ASL specification: "Pass State", "Choice State", "Wait State", "Succeed State", "Fail State".
What a rule, a wait or an error field means in each query language is the io's (engine.io).
"""

from __future__ import annotations

from typing import Any

from engine.definition import _UNSET
from engine.errors import NoChoiceMatched, StatesError


def _next(state: Any) -> str | None:
    return None if state.end else state.next


def pass_(ctx: Any, value: Any) -> tuple[str | None, Any]:
    state = ctx.state
    return _next(state), (value if state.result is _UNSET else state.result)


def choice(ctx: Any, value: Any) -> tuple[str | None, Any]:
    state = ctx.state
    index = ctx.rule = state.io.choose(ctx, value)
    if index is not None:
        return state.raw["Choices"][index].get("Next"), value
    if state.default is None:
        # AWS: the recorded cause of States.NoChoiceMatched.
        raise NoChoiceMatched("No Matches!")
    return state.default, value


async def wait(ctx: Any, value: Any) -> tuple[str | None, Any]:
    state, frame = ctx.state, ctx.frame
    seconds = state.io.wait_seconds(ctx, value)
    if ctx.reentered and frame.path and state.timestamp is None and getattr(state, "timestamp_path", None) is None:
        # Resumed inside a Parallel/Map while waiting: only what is left of Entered + Seconds.
        # (A top-level Wait in flight is the server's to shorten: designer.runtime.durable.)
        seconds = max(0.0, seconds - (ctx.now() - frame.entered_time).total_seconds())
    await ctx.sleep(seconds)
    return _next(state), value


def succeed(ctx: Any, value: Any) -> tuple[str | None, Any]:
    return None, value


class FailError(StatesError):
    """A Fail state's failure: Error and Cause may each be absent (AWS then omits them)."""

    def __init__(self, error: str | None, cause: str | None):
        super().__init__(cause or "")
        self.error, self.cause = error, cause


def fail(ctx: Any, value: Any) -> tuple[str | None, Any]:
    error, cause = ctx.state.io.fail_fields(ctx, value)
    raise FailError(error, cause)
