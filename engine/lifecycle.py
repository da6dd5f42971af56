"""The template every state runs through, and Retry/Catch around Task, Parallel and Map.

Input and output processing follows the developer guide's "Processing input and output"
(InputPath → Parameters → task → ResultSelector → ResultPath → OutputPath) and the ASL
specification's "Errors" section (Retry, Catch, the predefined error names).  The interpreter
(`engine.interpreter`) emits the Entered/Exited events around the handlers in `engine.states`;
the helpers here do the data processing and the error routing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from engine import jsonata_states
from engine.definition import Catcher, Retrier, State
from engine.errors import PathNotFound, Runtime, StatesError, error_matches
from engine.paths import compile_path, set_path, to_json
from engine.payload import Scope, resolve_variable

MAX_PAYLOAD_BYTES = 256 * 1024

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


def apply_input_path(state: State, raw_input: Any, context: Callable[[], dict]) -> Any:
    """InputPath: "$" keeps the input, null gives {}, a path selects a part of it."""
    path = state.input_path
    if path == "$":
        return raw_input
    if path is None:
        return {}
    return select(path, raw_input, context)


def apply_output_path(state: State, output: Any, context: Callable[[], dict]) -> Any:
    path = state.output_path
    if path == "$":
        return output
    if path is None:
        return {}
    return select(path, output, context)


def select(path: str, value: Any, context: Callable[[], dict]) -> Any:
    """A path used as a filter (InputPath, OutputPath, ItemsPath)."""
    if len(path) > 1 and path[1] not in ".[$":
        # `$name…`: a workflow variable; states.py's context callable carries the scope.
        try:
            return resolve_variable(path, getattr(context, "variables", None))
        except PathNotFound as exc:
            raise Runtime(exc.cause) from None
    compiled = compile_path(path)
    try:
        return compiled.get(context() if compiled.context else value)
    except PathNotFound as exc:
        # AWS: "Invalid path '$.x' : No results for path: $['x']"
        raise Runtime(exc.cause) from None


def apply_result_path(state_or_path: Any, raw_input: Any, result: Any) -> Any:
    """ResultPath: "$" replaces the input, null discards the result, a path merges it in."""
    path = state_or_path if isinstance(state_or_path, str) or state_or_path is None else state_or_path.result_path
    if path == "$":
        return result
    if path is None:
        return raw_input
    return set_path(raw_input, path, result)


def error_output(error: StatesError) -> dict:
    """What a Catcher passes on: {"Error": …, "Cause": …} (Cause omitted when there is none)."""
    out = {"Error": error.error}
    if error.cause is not None:
        out["Cause"] = error.cause
    return out


def find_retrier(retriers: tuple[Retrier, ...], error: str) -> int | None:
    for i, retrier in enumerate(retriers):
        if error_matches(list(retrier.error_equals), error):
            return i
    return None


def find_catcher(catchers: tuple[Catcher, ...], error: str) -> Catcher | None:
    for catcher in catchers:
        if error_matches(list(catcher.error_equals), error):
            return catcher
    return None


def retry_delay(retrier: Retrier, attempt: int) -> float:
    """Seconds before retry number `attempt` (0-based) of `retrier`."""
    delay = retrier.interval_seconds * (retrier.backoff_rate ** attempt)
    if retrier.max_delay_seconds is not None:
        delay = min(delay, retrier.max_delay_seconds)
    if retrier.jitter_strategy == "FULL":
        delay = random.uniform(0, delay)
    return delay


def check_size(text: str, state_name: str) -> None:
    """States.DataLimitExceeded when a state's output passes 256 KiB of UTF-8."""
    n = len(text)
    if n * 4 <= MAX_PAYLOAD_BYTES:
        return
    if n > MAX_PAYLOAD_BYTES or len(text.encode()) > MAX_PAYLOAD_BYTES:
        from engine.errors import DataLimitExceeded

        raise DataLimitExceeded(
            f"The state/task '{state_name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit."
        )


def effective_input(state: State, raw_input: Any, scope: Scope) -> Any:
    """InputPath then Parameters (JSONata states: Arguments)."""
    if state.jsonata is not None:
        return jsonata_states.arguments(state, raw_input, scope)
    value = apply_input_path(state, raw_input, scope.context)
    if state.parameters is not None:
        scope.input = value
        value = state.parameters(scope)
    return value


def process_result(state: State, raw_input: Any, result: Any, scope: Scope) -> Any:
    """ResultSelector, Assign, ResultPath, OutputPath (JSONata states: Assign and Output)."""
    if state.jsonata is not None:
        return jsonata_states.finish(state, raw_input, result, scope)
    if state.result_selector is not None:
        scope.input = result
        result = state.result_selector(scope)
    if "Assign" in state.raw:
        jsonata_states.assign_jsonpath(state.raw["Assign"], result, scope)
    return apply_output_path(state, apply_result_path(state, raw_input, result), scope.context)


async def with_retry(ex: Any, state: Any, raw: Any, frame: Any, attempt: Any) -> tuple[str | None, Any]:
    """Run `attempt` under the state's Retry and Catch; return (next, output)."""
    counts = [0] * len(state.retriers)
    while True:
        try:
            scope = jsonata_states.state_scope(ex, state, frame, raw)
            result = await attempt(ex, state, raw, frame, scope)
            return (None if state.end else state.next), process_result(state, raw, result, scope)
        except StatesError as exc:
            error = exc.error or ""
            index = find_retrier(state.retriers, error)
            if index is not None and counts[index] < state.retriers[index].max_attempts:
                delay = retry_delay(state.retriers[index], counts[index])
                counts[index] += 1
                frame.retry_count += 1
                frame.task_token = None
                await ex.sleep(delay)
                continue
            if getattr(exc, "from_children", False):
                frame.history.link(frame, state.type + "StateFailed")
            catcher = find_catcher(state.catchers, error)
            if catcher is None:
                raise
            prefix_cause(exc, state.name, frame.entered)
            return catcher.next, jsonata_states.catch_output(state, catcher, raw, error_output(exc), scope)


__all__ = [
    "apply_input_path", "apply_output_path", "apply_result_path", "check_size", "effective_input",
    "error_output", "find_catcher", "find_retrier", "prefix_cause", "process_result",
    "retry_delay", "select", "to_json", "with_retry",
]
