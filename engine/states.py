"""One handler per state `Type`, in the `STATE_HANDLERS` table.

A handler receives the interpreter, the compiled state, the state's raw input and its frame,
and *returns* `(next_state_or_None, output)`; failures are raised as `StatesError`.  The
interpreter emits the Entered/Exited events around it.  Pass, Choice, Succeed and Fail are
plain functions; Task, Wait, Parallel and Map are coroutines (they can suspend).

Sections of the ASL specification: "Pass State", "Task State", "Choice State", "Wait State",
"Succeed State", "Fail State", "Parallel State", "Map State"; the Map and Parallel history
events follow what AWS records (see the conformance cases).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine import jsonata_states
from engine.branches import MapRun, gather_or_cancel, handle_map, handle_parallel  # noqa: F401
from engine.choice_rules import evaluate_choice, parse_timestamp
from engine.definition import _UNSET, State
from engine.errors import (
    NoChoiceMatched,
    PathNotFound,
    Runtime,
    StatesError,
)
from engine.history import Frame
from engine.lifecycle import (
    apply_input_path,
    apply_output_path,
    apply_result_path,
    effective_input,
    select,
    with_retry,
)
from engine.paths import to_json
from engine.payload import Scope, evaluate_intrinsic, is_intrinsic
from engine.tasks import handle_task, lambda_invoke_result  # noqa: F401


def _scope(ex: Any, state: State, frame: Frame, raw: Any) -> Scope:
    def context() -> dict:
        return ex.context(state, frame)

    context.variables = frame.variables  # lifecycle.select resolves `$name` paths with it
    return Scope(raw, context, frame.variables)


def _next(state: State) -> str | None:
    return None if state.end else state.next


# -- Pass, Choice, Succeed, Fail --------------------------------------------------------------

def handle_pass(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    if state.result is not _UNSET:
        apply_input_path(state, raw, scope.context)
        result = state.result
    else:
        result = effective_input(state, raw, scope)
    assign = state.raw.get("Assign")
    if assign:
        jsonata_states.assign_jsonpath(assign, result, scope)
    return _next(state), apply_output_path(state, apply_result_path(state, raw, result), scope.context)


def handle_choice(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    value = apply_input_path(state, raw, scope.context)
    scope.input = value
    target = evaluate_choice(state.raw, scope.resolve)
    if target is None:
        # AWS: the recorded cause of States.NoChoiceMatched.
        raise NoChoiceMatched("No Matches!")
    jsonata_states.choice_assign_jsonpath(state, value, scope)
    return target, apply_output_path(state, value, scope.context)


def handle_succeed(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    value = apply_input_path(state, raw, scope.context)
    return None, apply_output_path(state, value, scope.context)


class FailError(StatesError):
    """A Fail state's failure: Error and Cause may each be absent (AWS then omits them)."""

    def __init__(self, error: str | None, cause: str | None):
        super().__init__(cause or "")
        self.error, self.cause = error, cause


def handle_fail(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    error = _string_field(state.error_path, "ErrorPath", scope) if state.error_path else state.error
    cause = _string_field(state.cause_path, "CausePath", scope) if state.cause_path else state.cause
    raise FailError(error, cause)


def _string_field(expression: str, field: str, scope: Scope) -> Any:
    """ErrorPath / CausePath: a path or an intrinsic function."""
    if is_intrinsic(expression):
        return evaluate_intrinsic(expression, scope.resolve)
    try:
        return scope.resolve(expression)
    except PathNotFound:
        raise Runtime(
            f"The JSONPath '{expression}' specified for the field '{field}' could not be found "
            f"in the input '{to_json(scope.input)}'"
        ) from None


# -- Wait -----------------------------------------------------------------------------------

async def handle_wait(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    scope = _scope(ex, state, frame, raw)
    value = apply_input_path(state, raw, scope.context)
    scope.input = value
    if state.seconds is not None:
        seconds = state.seconds
    elif state.seconds_path is not None:
        seconds = _seconds_from_path(state.seconds_path, value, scope)
    else:
        if state.timestamp is not None:
            moment = _parse_time(state.timestamp)
        else:
            path = state.timestamp_path
            text = select(path, value, scope.context)
            moment = _parse_time(text)
            if moment is None:
                raise Runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                    f"offset date-time format string: {path} == {text if isinstance(text, str) else to_json(text)}"
                )
        seconds = max(0.0, (moment - ex.clock.now()).total_seconds()) if moment else 0
    await ex.sleep(seconds)
    jsonata_states.assign_jsonpath(state.raw.get("Assign"), value, scope)
    return _next(state), apply_output_path(state, value, scope.context)


def _seconds_from_path(path: str, value: Any, scope: Scope) -> int:
    seconds = select(path, value, scope.context)
    shown = seconds if isinstance(seconds, str) else to_json(seconds)
    if type(seconds) is not int:
        raise Runtime(f"The SecondsPath parameter cannot be parsed as a long value: {path} == {shown}")
    if seconds < 0:
        raise Runtime(f"The SecondsPath parameter references a negative value: {path} == {shown}")
    return seconds


def _parse_time(text: Any) -> datetime | None:
    parsed = parse_timestamp(text)
    if parsed is None:
        return None
    seconds, nanos = parsed
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=nanos // 1000)


# Retry/Catch live in engine.lifecycle, Task in engine.tasks, Parallel and Map in
# engine.branches; the old names stay importable from here.
_with_retry = with_retry

STATE_HANDLERS = {
    "Pass": handle_pass,
    "Choice": handle_choice,
    "Succeed": handle_succeed,
    "Fail": handle_fail,
    "Wait": handle_wait,
    "Task": handle_task,
    "Parallel": handle_parallel,
    "Map": handle_map,
}

__all__ = ["STATE_HANDLERS", "FailError", "MapRun", "gather_or_cancel", "handle_map", "handle_parallel",
           "handle_task", "lambda_invoke_result", "with_retry"]
