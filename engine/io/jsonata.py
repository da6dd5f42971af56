"""JSONata states: Arguments, Output, Assign and the typed fields, with `{% %}` expressions.

Developer guide, "Transforming data with JSONata in Step Functions": a state's effective input
is its Arguments (else its input); its output is Output (else its result, or its input for
states without one), evaluated with `$states` = {input, result, errorOutput, context}; Assign
sees the variables from before the state, and its values reach the scope when the state exits.
A failing expression is States.QueryEvaluationError, recorded in an EvaluationFailed event.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.errors import StatesError
from engine.io.jsonpath import parse_time
from engine.jsonata_mode import (
    UNDEFINED,
    CompiledField,
    JsonataEvaluationError,
    evaluate_field,
    evaluate_typed,
    is_template,
    map_input_not_array,
    template_expression,
)

_WHOLE_STATES = re.compile(r"\$states(?![.\w])")


class JsonataInfo:
    """The compiled JSONata fields of one state."""

    __slots__ = ("needs_context", "arguments", "output", "assign", "items", "item_selector",
                 "choices", "catchers")

    def __init__(self, raw: dict):
        # Building the context object costs more than most expressions: only states whose
        # text mentions it (or `$states` as a whole) get one.
        text = json.dumps(raw)
        self.needs_context = "context" in text or _WHOLE_STATES.search(text) is not None
        self.arguments = _field(raw, "Arguments")
        self.output = _field(raw, "Output")
        self.assign = _assign(raw.get("Assign"), "Assign")
        self.items = _field(raw, "Items")
        self.item_selector = _field(raw, "ItemSelector")
        self.choices = tuple(
            (rule.get("Condition"), _field(rule, "Output", f"Choices[{i}]/Output"),
             _assign(rule.get("Assign"), f"Choices[{i}]/Assign"))
            for i, rule in enumerate(raw.get("Choices") or ()) if isinstance(rule, dict)
        )
        self.catchers = tuple(
            (_field(c, "Output", f"Catch[{i}]/Output"), _assign(c.get("Assign"), f"Catch[{i}]/Assign"))
            for i, c in enumerate(raw.get("Catch") or ()) if isinstance(c, dict)
        )


def _field(raw: dict, key: str, location: str | None = None) -> CompiledField | None:
    return CompiledField(raw[key], location or key) if key in raw else None


def _assign(block: Any, location: str) -> tuple[tuple[str, CompiledField], ...] | None:
    if not isinstance(block, dict) or not block:
        return None
    return tuple((name, CompiledField(value, f"{location}/{name}")) for name, value in block.items())


def _states(ctx: Any, raw: Any, **more: Any) -> dict:
    """`$states` for a state: input, context (when used), result / errorOutput when given."""
    states = {"input": raw, "context": ctx.context() if ctx.state.jsonata.needs_context else {}}
    for key, value in more.items():
        if value is not UNDEFINED:
            states[key] = value
    return states


def _assign_and_output(assign: Any, output: CompiledField | None, states: dict, variables: Any,
                       default: Any) -> Any:
    """Assign and Output of one state: both see the variables from before the state."""
    assigned = {name: field.evaluate(states, variables) for name, field in assign} if assign else None
    value = output.evaluate(states, variables) if output is not None else default
    if assigned:
        variables.stage(assigned)
    return value


def _typed(value: Any, key: str, ctx: Any, states: dict) -> Any:
    return evaluate_typed(value, states, ctx.variables, field=key) if is_template(value) else value


class JsonataIO:
    """The JSONata implementation of the io interface (engine.io)."""

    name = "JSONata"

    def input(self, ctx: Any, raw: Any) -> Any:
        info = ctx.state.jsonata
        if info.arguments is None:
            return raw
        value = info.arguments.evaluate(_states(ctx, raw), ctx.variables)
        if ctx.inspect is not None:
            ctx.inspect("afterArguments", value)
        return value

    def output(self, ctx: Any, raw: Any, result: Any, rule: int | None) -> Any:
        state = ctx.state
        info = state.jsonata
        if ctx.inspect is not None:
            ctx.inspect("result", result)
        if rule is not None:
            _, output, assign = info.choices[rule]
        else:
            output, assign = info.output, info.assign
        if state.has_result:
            return _assign_and_output(assign, output, _states(ctx, raw, result=result), ctx.variables, result)
        return _assign_and_output(assign, output, _states(ctx, raw), ctx.variables, raw)

    def catch_output(self, ctx: Any, raw: Any, index: int, error_output: dict) -> Any:
        output, assign = ctx.state.jsonata.catchers[index]
        states = _states(ctx, raw, errorOutput=error_output)
        return _assign_and_output(assign, output, states, ctx.variables, error_output)

    def choose(self, ctx: Any, value: Any) -> int | None:
        states = _states(ctx, value)
        for index, (condition, _, _) in enumerate(ctx.state.jsonata.choices):
            if is_template(condition):
                matched = evaluate_typed(condition, states, ctx.variables, field=f"Choices[{index}]/Condition",
                                         kind="Condition")
            else:
                matched = condition is True
            if matched:
                return index
        return None

    def wait_seconds(self, ctx: Any, value: Any) -> float:
        state = ctx.state
        states = _states(ctx, value)
        if state.seconds is not None:
            return evaluate_typed(state.seconds, states, ctx.variables, field="Seconds")
        text = evaluate_typed(state.timestamp, states, ctx.variables, field="Timestamp")
        moment = parse_time(text)
        if moment is None:
            source = template_expression(state.timestamp) if is_template(state.timestamp) else state.timestamp
            # AWS: a string that is not a timestamp is reported without the expression, the text
            # unquoted, and its EvaluationFailed event follows the Entered event (recorded for
            # a missing T or Z, month 13, hour 25 and a day-first date).
            error = JsonataEvaluationError(
                f"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {text}", location="Timestamp", expression=source)
            error.follows_entered = True
            raise error
        return max(0.0, (moment - ctx.now()).total_seconds())

    def fail_fields(self, ctx: Any, value: Any) -> tuple[Any, Any]:
        state = ctx.state
        states = _states(ctx, value)
        return _typed(state.error, "Error", ctx, states), _typed(state.cause, "Cause", ctx, states)

    def task_limits(self, ctx: Any, raw: Any) -> tuple[Any, Any]:
        state = ctx.state
        states = _states(ctx, raw)
        return (_typed(state.timeout_seconds, "TimeoutSeconds", ctx, states),
                _typed(state.heartbeat_seconds, "HeartbeatSeconds", ctx, states))

    def map_settings(self, ctx: Any, value: Any, items_required: bool = True) -> tuple[list | None, Any, Any]:
        state = ctx.state
        info = state.jsonata
        states = _states(ctx, value)
        try:
            if not items_required:  # an ItemReader: the items come from S3
                items = None
            elif info.items is not None:
                items = state.raw["Items"]
                if is_template(items):
                    items = evaluate_typed(items, states, ctx.variables, field="Items")
                else:
                    items = info.items.evaluate(states, ctx.variables)
            else:
                items = value
            if items_required and type(items) is not list:
                raise map_input_not_array(items)
            raw = state.raw
            max_concurrency = _typed(raw.get("MaxConcurrency", 0), "MaxConcurrency", ctx, states)
            count = _typed(raw.get("ToleratedFailureCount"), "ToleratedFailureCount", ctx, states)
            percentage = _typed(raw.get("ToleratedFailurePercentage"), "ToleratedFailurePercentage", ctx, states)
        except JsonataEvaluationError as exc:
            self.evaluation_failed(ctx, exc)
            exc.from_children = True    # AWS: MapStateFailed follows EvaluationFailed
            raise
        return items, max_concurrency, lambda: (count, percentage)

    def map_fields(self, ctx: Any, value: Any) -> tuple[Any, Any]:
        """(evaluate an Arguments template, read a *Path) for ItemReader, ItemBatcher, ResultWriter."""
        states = _states(ctx, value)

        def evaluate(template: Any) -> Any:
            return evaluate_field(template, states, ctx.variables, field="ItemReader")

        def no_paths(path: str) -> Any:
            raise StatesError(f"JSONata states take no *Path fields: {path}", error="States.Runtime")

        return evaluate, no_paths

    def item_input(self, ctx: Any, value: Any, index: int, item: Any) -> Any:
        selector = ctx.state.jsonata.item_selector
        if selector is None:
            return item
        states = {"input": value, "context": ctx.context({"Map": {"Item": {"Index": index, "Value": item}}})}
        try:
            return selector.evaluate(states, ctx.variables)
        except JsonataEvaluationError as exc:
            self.evaluation_failed(ctx, exc)    # before MapStateFailed
            raise

    def evaluation_failed(self, ctx: Any, error: StatesError) -> None:
        """Add AWS's EvaluationFailed event for a JSONata failure (once per error).

        AWS links it to the event before the state's Entered event, and quotes the prefixed
        cause; `location` is the field, absent when the failure is not a field's.
        """
        if not isinstance(error, JsonataEvaluationError) or getattr(error, "recorded", False):
            return
        ctx.prefix_cause(error)
        frame = ctx.frame
        history = frame.history
        prev = frame.entered - 1
        events = history.events
        if getattr(error, "follows_entered", False):
            prev = frame.entered
        elif events and len(events) >= frame.entered and events[frame.entered - 1].get("id") == frame.entered:
            prev = events[frame.entered - 1]["previousEventId"]
        details = {"cause": error.cause, "error": error.error}
        if error.location is not None:
            details["location"] = error.location
        details["state"] = ctx.state.name
        frame.prev = history.add("EvaluationFailed", prev, "evaluationFailedEventDetails", details)
        error.recorded = True


JSONATA = JsonataIO()
