"""JSONPath states: input and output processing, and the fields handlers read, with paths.

Developer guide, "Processing input and output" (InputPath → Parameters → the state's work →
ResultSelector → ResultPath → OutputPath) and "Passing data between states with variables"
(Assign: `$` is the result after ResultSelector, the effective input for Choice and Wait).
Paths are resolved by engine.paths and engine.payload; a path that selects nothing is
States.Runtime, worded as AWS words it for each field.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from engine.choice_rules import matching_rule, parse_timestamp
from engine.errors import PathNotFound, Runtime
from engine.intrinsics import evaluate_intrinsic, is_intrinsic
from engine.paths import compile_path, set_path, to_json
from engine.payload import Scope, compile_template, resolve_variable
from engine.variables import evaluate_jsonpath_assign


def select(path: str, value: Any, ctx: Any) -> Any:
    """A path used as a filter (InputPath, OutputPath, ItemsPath, the `*Path` fields)."""
    if len(path) > 1 and path[1] not in ".[$":
        try:
            return resolve_variable(path, ctx.variables)
        except PathNotFound as exc:
            raise Runtime(exc.cause) from None
    compiled = compile_path(path)
    try:
        return compiled.get(ctx.context() if compiled.context else value)
    except PathNotFound as exc:
        # AWS: "Invalid path '$.x' : No results for path: $['x']"
        raise Runtime(exc.cause) from None


def _filter(path: str | None, value: Any, ctx: Any) -> Any:
    """InputPath / OutputPath: "$" keeps the value, null gives {}, a path selects a part."""
    if path == "$":
        return value
    if path is None:
        return {}
    return select(path, value, ctx)


def result_path(path: str | None, raw: Any, result: Any) -> Any:
    """ResultPath: "$" replaces the input, null discards the result, a path merges it in."""
    if path == "$":
        return result
    if path is None:
        return raw
    return set_path(raw, path, result)


def assign(block: dict | None, value: Any, ctx: Any) -> None:
    """Assign: paths and intrinsics read `value`, `$$` and the variables; staged until Exited."""
    if not block:
        return
    view = Scope(value, ctx.context, ctx.variables)
    try:
        assigned = evaluate_jsonpath_assign(
            block, view.resolve, lambda expression: evaluate_intrinsic(expression, view.resolve))
    except PathNotFound as exc:
        # Worded like Parameters' error (engine.payload), naming the `key.$` field.
        raise Runtime(
            f"The JSONPath '{exc.path}' specified for the field '{getattr(exc, 'field', 'Assign')}' "
            f"could not be found in the input '{to_json(value)}'") from None
    if assigned:
        ctx.variables.stage(assigned)


def _integer_field(value: Any, path: str, field: str, ctx: Any, *, number: bool = False) -> Any:
    found = select(path, value, ctx)
    if type(found) is str:
        # AWS: a numeric string is accepted (recorded: MaxConcurrencyPath and
        # ToleratedFailure*Path reading a variable assigned "1").
        found = _numeric_text(found, number) or found
    if not (type(found) is int or (number and type(found) is float)):
        shown = found if isinstance(found, str) else to_json(found)
        # AWS: the percentage's message says "float" (recorded with ToleratedFailurePercentagePath).
        kind = "float" if number else "integer"
        raise Runtime(f'The {field} field refers to value "{shown}" which is not a valid {kind}: {path}')
    return found


def _numeric_text(text: str, number: bool) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    if number:
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def parse_time(text: Any) -> datetime | None:
    """An ISO-8601 timestamp as an aware datetime, or None."""
    parsed = parse_timestamp(text)
    if parsed is None:
        return None
    seconds, nanos = parsed
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=nanos // 1000)


class JsonPathIO:
    """The JSONPath implementation of the io interface (engine.io)."""

    name = "JSONPath"

    def input(self, ctx: Any, raw: Any) -> Any:
        state = ctx.state
        value = raw if state.input_path == "$" else _filter(state.input_path, raw, ctx)
        inspect = ctx.inspect
        if inspect is not None:
            inspect("afterInputPath", value)
        if state.parameters is not None:
            ctx.input = value
            value = state.parameters(ctx)
        if inspect is not None:
            inspect("afterParameters", value)
        return value

    def output(self, ctx: Any, raw: Any, result: Any, rule: int | None) -> Any:
        state = ctx.state
        inspect = ctx.inspect
        if inspect is not None:
            inspect("result", result)
        if state.result_selector is not None:
            ctx.input = result
            result = state.result_selector(ctx)
        if inspect is not None:
            inspect("afterResultSelector", result)
        block = state.assign if rule is None else state.rule_assign[rule]
        if block:
            assign(block, result, ctx)
        value = result_path(state.result_path, raw, result)
        if inspect is not None:
            inspect("afterResultPath", value)
        return value if state.output_path == "$" else _filter(state.output_path, value, ctx)

    def catch_output(self, ctx: Any, raw: Any, index: int, error_output: dict) -> Any:
        state = ctx.state
        block = state.raw["Catch"][index].get("Assign")
        if block:
            assign(block, error_output, ctx)
        return result_path(state.catchers[index].result_path, raw, error_output)

    def choose(self, ctx: Any, value: Any) -> int | None:
        ctx.input = value
        return matching_rule(ctx.state.raw, ctx.resolve)

    def wait_seconds(self, ctx: Any, value: Any) -> float:
        state = ctx.state
        if state.seconds is not None:
            return state.seconds
        if state.seconds_path is not None:
            return _seconds_from_path(state.seconds_path, value, ctx)
        if state.timestamp is not None:
            moment = parse_time(state.timestamp)
        else:
            path = state.timestamp_path
            text = select(path, value, ctx)
            moment = parse_time(text)
            if moment is None:
                raise Runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                    f"offset date-time format string: {path} == {text if isinstance(text, str) else to_json(text)}"
                )
        return max(0.0, (moment - ctx.now()).total_seconds()) if moment else 0

    def fail_fields(self, ctx: Any, value: Any) -> tuple[Any, Any]:
        state = ctx.state
        ctx.input = value
        error = _string_field(state.error_path, "ErrorPath", ctx) if state.error_path else state.error
        cause = _string_field(state.cause_path, "CausePath", ctx) if state.cause_path else state.cause
        return error, cause

    def task_limits(self, ctx: Any, raw: Any) -> tuple[Any, Any]:
        state = ctx.state
        return (_positive(raw, state.timeout_seconds_path, state.timeout_seconds, "TimeoutSeconds", ctx),
                _positive(raw, state.heartbeat_seconds_path, state.heartbeat_seconds, "HeartbeatSeconds", ctx))

    def map_settings(self, ctx: Any, value: Any, items_required: bool = True) -> tuple[list | None, Any, Any]:
        state = ctx.state
        items = None
        if items_required:  # not with an ItemReader: the items come from S3
            items = value if state.items_path == "$" else select(state.items_path, value, ctx)
            if type(items) is not list:
                raise Runtime(f"Map state input must be an array but was: {to_json(items)}")
        max_concurrency = state.max_concurrency
        if state.max_concurrency_path is not None:
            max_concurrency = _integer_field(value, state.max_concurrency_path, "MaxConcurrencyPath", ctx)

        def tolerance() -> tuple[Any, Any]:
            # AWS: values read through a path are range-checked after MapStateStarted
            # (recorded: -1 fails the execution with these causes).
            count = state.tolerated_failure_count
            if state.tolerated_failure_count_path is not None:
                count = _integer_field(value, state.tolerated_failure_count_path, "ToleratedFailureCountPath", ctx)
                if count < 0:
                    raise Runtime("ToleratedFailureCount cannot be negative.")
            percentage = state.tolerated_failure_percentage
            if state.tolerated_failure_percentage_path is not None:
                percentage = _integer_field(value, state.tolerated_failure_percentage_path,
                                            "ToleratedFailurePercentagePath", ctx, number=True)
                # AWS: recorded for -1, -1.1 and 100.1; 0 and 100 are accepted.
                if not 0 <= percentage <= 100:
                    raise Runtime("ToleratedFailurePercentage must be between 0 and 100.")
            return count, percentage
        return items, max_concurrency, tolerance

    def map_fields(self, ctx: Any, value: Any) -> tuple[Any, Any]:
        """(evaluate a Parameters template, read a *Path) for ItemReader, ItemBatcher, ResultWriter."""
        scope = Scope(value, lambda: ctx.context(), ctx.variables)
        return (lambda template: compile_template(template)(scope)), (lambda path: select(path, value, ctx))

    def item_input(self, ctx: Any, value: Any, index: int, item: Any) -> Any:
        selector = ctx.state.item_selector
        if selector is None:
            return item
        extra = {"Map": {"Item": {"Index": index, "Value": item}}}
        return selector(Scope(value, lambda: ctx.context(extra), ctx.variables))

    def evaluation_failed(self, ctx: Any, error: Any) -> None:
        """JSONPath failures record no EvaluationFailed event."""


def _positive(raw: Any, path: str | None, literal: Any, field: str, ctx: Any) -> Any:
    if path is None:
        return literal
    number = select(path, raw, ctx)
    if type(number) is not int or number <= 0:
        raise Runtime(f"The {field}Path parameter does not reference a positive integer: {path} == {to_json(number)}")
    return number


def _seconds_from_path(path: str, value: Any, ctx: Any) -> int:
    seconds = select(path, value, ctx)
    shown = seconds if isinstance(seconds, str) else to_json(seconds)
    if type(seconds) is not int:
        raise Runtime(f"The SecondsPath parameter cannot be parsed as a long value: {path} == {shown}")
    if seconds < 0:
        raise Runtime(f"The SecondsPath parameter references a negative value: {path} == {shown}")
    return seconds


def _string_field(expression: str, field: str, ctx: Any) -> Any:
    """ErrorPath / CausePath: a path or an intrinsic function."""
    if is_intrinsic(expression):
        return evaluate_intrinsic(expression, ctx.resolve)
    try:
        return ctx.resolve(expression)
    except PathNotFound:
        raise Runtime(
            f"The JSONPath '{expression}' specified for the field '{field}' could not be found "
            f"in the input '{to_json(ctx.input)}'"
        ) from None


JSONPATH = JsonPathIO()
