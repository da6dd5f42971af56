"""JSONata states in the interpreter, and the variable hooks every state uses.

- `annotate(machine)` decides each compiled state's query language (its own `QueryLanguage`,
  else the top-level one, which also reaches the states inside Parallel branches and Map
  processors) and gives JSONata states a `JsonataInfo` in `state.jsonata` (None for JSONPath).
- `JSONATA_HANDLERS` runs Pass, Choice, Wait, Succeed, Fail and Map in JSONata mode; Task and
  Parallel keep their `engine.states` handlers, which reach JSONata through the lifecycle
  hooks here: `arguments` (Arguments), `finish` (Output and Assign with `$states.result`),
  `catch_output` (a Catcher's Output/ResultPath and Assign) and `integer_field`.
- `assign_jsonpath` is Assign for JSONPath states: `$` is the state's result (after
  ResultSelector; the effective input for Choice and Wait), `$$` the context object, `$name` a
  variable, and `key.$` values may be intrinsic calls.

Assigned values reach the scope of the frame that ran the state (`frame.variables`), and the
history details wait in `VariableScope.pending` until the Exited event takes them.  Developer
guide: "Transforming data with JSONata in Step Functions", "Passing data between states with
variables".
"""

from __future__ import annotations

import json
from typing import Any

from engine.errors import NoChoiceMatched, StatesError
from engine.jsonata_mode import (
    UNDEFINED,
    CompiledField,
    JsonataEvaluationError,
    evaluate_typed,
    is_template,
    map_input_not_array,
    template_expression,
    to_json_text,
)
from engine.variables import VariableScope, evaluate_jsonpath_assign

JSONATA = "JSONata"
JSONPATH = "JSONPath"


class JsonataInfo:
    """The compiled JSONata fields of one state."""

    __slots__ = ("needs_context", "arguments", "output", "assign", "items", "item_selector",
                 "choices", "catchers")

    def __init__(self, raw: dict):
        # Building the context object costs more than most expressions: only states whose
        # text mentions it get one.
        self.needs_context = "context" in json.dumps(raw)
        self.arguments = _field(raw, "Arguments")
        self.output = _field(raw, "Output")
        self.assign = _assign(raw.get("Assign"), "Assign")
        self.items = _field(raw, "Items")
        self.item_selector = _field(raw, "ItemSelector")
        self.choices = tuple(
            (rule.get("Condition"), rule.get("Next"), _field(rule, "Output", f"Choices[{i}]/Output"),
             _assign(rule.get("Assign"), f"Choices[{i}]/Assign"))
            for i, rule in enumerate(raw.get("Choices") or ()) if isinstance(rule, dict)
        )
        self.catchers = tuple(
            (_field(c, "Output", f"Catch[{i}]/Output"), _assign(c.get("Assign"), f"Catch[{i}]/Assign"))
            for i, c in enumerate(raw.get("Catch") or ()) if isinstance(c, dict)
        )


def _field(raw: dict, key: str, location: str | None = None) -> CompiledField | None:
    return CompiledField(raw[key], location or key) if key in raw else None


def _assign(assign: Any, location: str) -> tuple[tuple[str, CompiledField], ...] | None:
    if not isinstance(assign, dict) or not assign:
        return None
    return tuple((name, CompiledField(value, f"{location}/{name}")) for name, value in assign.items())


def annotate(machine: Any, language: str | None = None) -> None:
    """Set `state.jsonata` on every state of a compiled machine (idempotent)."""
    if language is None:
        language = JSONATA if machine.query_language == JSONATA else JSONPATH
    for state in machine.states.values():
        own = state.raw.get("QueryLanguage")
        state_language = language if own is None else (JSONPATH if own == JSONPATH else JSONATA)
        state.jsonata = JsonataInfo(state.raw) if state_language == JSONATA else None
        for branch in getattr(state, "branches", None) or ():
            annotate(branch, language)
        processor = getattr(state, "processor", None)
        if processor is not None:
            annotate(processor, language)


# --- evaluation helpers --------------------------------------------------------------------

def states_of(info: JsonataInfo, raw: Any, scope: Any, **more: Any) -> dict:
    """`$states` for a state: input, context (when used), result / errorOutput when given."""
    states = {"input": raw, "context": scope.context() if info.needs_context else {}}
    for key, value in more.items():
        if value is not UNDEFINED:
            states[key] = value
    return states


def _variables(scope: Any) -> VariableScope:
    variables = scope.variables
    if variables is None:
        variables = scope.variables = VariableScope()
    return variables


def _evaluate_assign(assign: Any, states: dict, variables: VariableScope) -> dict | None:
    if assign is None:
        return None
    return {name: field.evaluate(states, variables) for name, field in assign}


def _complete(variables: VariableScope, assigned: dict | None) -> None:
    # Stored when the state exits (the interpreter calls take_pending for the Exited event).
    if assigned:
        variables.stage(assigned)


def _assign_and_output(assign: Any, output: CompiledField | None, states: dict,
                       variables: VariableScope, default: Any) -> Any:
    """Assign and Output of one state: both see the variables from before the state."""
    assigned = _evaluate_assign(assign, states, variables)
    value = output.evaluate(states, variables) if output is not None else default
    _complete(variables, assigned)
    return value


# --- lifecycle hooks (Task, Parallel, Map) ------------------------------------------------

def arguments(state: Any, raw: Any, scope: Any) -> Any:
    """A JSONata state's effective input: Arguments evaluated, else the state input."""
    info = state.jsonata
    if info.arguments is None:
        return raw
    return info.arguments.evaluate(states_of(info, raw, scope), _variables(scope))


def finish(state: Any, raw: Any, result: Any, scope: Any) -> Any:
    """A JSONata state's output: Assign and Output with `$states.result` (Output defaults to it)."""
    info = state.jsonata
    states = states_of(info, raw, scope, result=result)
    return _assign_and_output(info.assign, info.output, states, _variables(scope), result)


def catch_output(state: Any, catcher: Any, raw: Any, error_output: dict, scope: Any) -> Any:
    """What a matched Catcher passes on, after its Assign (both query languages)."""
    index = state.catchers.index(catcher)
    info = state.jsonata
    variables = _variables(scope)
    variables.discard_staged()      # the failed attempt's own Assign never happened
    if info is not None:
        output, assign = info.catchers[index]
        states = states_of(info, raw, scope, errorOutput=error_output)
        return _assign_and_output(assign, output, states, variables, error_output)
    raw_catcher = state.raw["Catch"][index]
    if raw_catcher.get("Assign"):
        assign_jsonpath(raw_catcher["Assign"], error_output, scope)
    from engine.lifecycle import apply_result_path
    return apply_result_path(catcher.result_path, raw, error_output)


def integer_field(state: Any, value: Any, field: str, raw: Any, scope: Any) -> Any:
    """A numeric field written as a JSONata expression (TimeoutSeconds, HeartbeatSeconds, …)."""
    info = state.jsonata
    if info is None or not is_template(value):
        return value
    return evaluate_typed(value, states_of(info, raw, scope), _variables(scope), field=field)


def assign_jsonpath(assign: dict | None, result: Any, scope: Any) -> None:
    """Assign in a JSONPath state: paths and intrinsics read `result`, `$$` and variables."""
    if not assign:
        return
    from engine.payload import Scope, evaluate_intrinsic

    variables = _variables(scope)
    view = Scope(result, scope.context, variables)

    def intrinsic(expression: str) -> Any:
        return evaluate_intrinsic(expression, view.resolve)

    from engine.errors import PathNotFound, Runtime
    try:
        assigned = evaluate_jsonpath_assign(assign, view.resolve, intrinsic)
    except PathNotFound as exc:
        # Worded like Parameters' error (engine.payload), naming the `key.$` field.
        raise Runtime(
            f"The JSONPath '{exc.path}' specified for the field '{getattr(exc, 'field', 'Assign')}' "
            f"could not be found in the input '{to_json_text(result)}'") from None
    _complete(variables, assigned)


# --- EvaluationFailed ----------------------------------------------------------------------

def record_evaluation_failed(frame: Any, state: Any, exc: StatesError) -> None:
    """Add AWS's EvaluationFailed event for a JSONata failure (once per error).

    AWS links it to the event before the state's Entered event, and quotes the prefixed
    cause; `location` is the field, absent when the failure is not a field's.
    """
    if not isinstance(exc, JsonataEvaluationError) or getattr(exc, "recorded", False):
        return
    from engine.lifecycle import prefix_cause

    prefix_cause(exc, state.name, frame.entered)
    history = frame.history
    prev = frame.entered - 1
    events = getattr(history, "events", None)
    if getattr(exc, "follows_entered", False):
        prev = frame.entered
    elif events and len(events) >= frame.entered and events[frame.entered - 1].get("id") == frame.entered:
        prev = events[frame.entered - 1]["previousEventId"]
    details = {"cause": exc.cause, "error": exc.error}
    if exc.location is not None:
        details["location"] = exc.location
    details["state"] = state.name
    frame.prev = history.add("EvaluationFailed", prev, "evaluationFailedEventDetails", details)
    exc.recorded = True


def _recording(handler):
    def run(ex: Any, state: Any, raw: Any, frame: Any):
        try:
            return handler(ex, state, raw, frame)
        except JsonataEvaluationError as exc:
            record_evaluation_failed(frame, state, exc)
            raise
    run.__name__ = handler.__name__
    return run


# --- handlers ------------------------------------------------------------------------------

def _scope(ex: Any, state: Any, frame: Any, raw: Any) -> Any:
    return state_scope(ex, state, frame, raw)


def _next(state: Any) -> str | None:
    return None if state.end else state.next


@_recording
def handle_pass(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    info = state.jsonata
    scope = _scope(ex, state, frame, raw)
    states = states_of(info, raw, scope)
    return _next(state), _assign_and_output(info.assign, info.output, states, frame.variables, raw)


@_recording
def handle_succeed(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    info = state.jsonata
    scope = _scope(ex, state, frame, raw)
    states = states_of(info, raw, scope)
    return None, _assign_and_output(None, info.output, states, frame.variables, raw)


@_recording
def handle_choice(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    info = state.jsonata
    scope = _scope(ex, state, frame, raw)
    states = states_of(info, raw, scope)
    variables = frame.variables
    for index, (condition, target, output, assign) in enumerate(info.choices):
        if is_template(condition):
            matched = evaluate_typed(condition, states, variables, field=f"Choices[{index}]/Condition",
                                     kind="Condition")
        else:
            matched = condition is True
        if matched:
            # Assumption: a matched rule's own Output/Assign apply, the state's do not.
            return target, _assign_and_output(assign, output, states, variables, raw)
    default = state.default
    if default is None:
        raise NoChoiceMatched("No Matches!")
    return default, _assign_and_output(info.assign, info.output, states, variables, raw)


def _fail_field(value: Any, field: str, states: dict, variables: Any) -> Any:
    if is_template(value):
        return evaluate_typed(value, states, variables, field=field)
    return value


@_recording
def handle_fail(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    from engine.states import FailError

    info = state.jsonata
    scope = _scope(ex, state, frame, raw)
    states = states_of(info, raw, scope)
    error = _fail_field(state.error, "Error", states, frame.variables)
    cause = _fail_field(state.cause, "Cause", states, frame.variables)
    raise FailError(error, cause)


async def handle_wait(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    try:
        return await _wait(ex, state, raw, frame)
    except JsonataEvaluationError as exc:
        record_evaluation_failed(frame, state, exc)
        raise


async def _wait(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    from engine.states import _parse_time

    info = state.jsonata
    scope = _scope(ex, state, frame, raw)
    states = states_of(info, raw, scope)
    variables = frame.variables
    if state.seconds is not None:
        seconds = evaluate_typed(state.seconds, states, variables, field="Seconds")
    else:
        text = evaluate_typed(state.timestamp, states, variables, field="Timestamp")
        moment = _parse_time(text)
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
        seconds = max(0.0, (moment - ex.clock.now()).total_seconds())
    # Output and Assign are evaluated before waiting, with the variables from before the state.
    assigned = _evaluate_assign(info.assign, states, variables)
    output = info.output.evaluate(states, variables) if info.output is not None else raw
    await ex.sleep(seconds)
    _complete(variables, assigned)
    return _next(state), output


async def handle_map(ex: Any, state: Any, raw: Any, frame: Any) -> tuple[str | None, Any]:
    from engine.lifecycle import with_retry
    return await with_retry(ex, state, raw, frame, _map_attempt)


def _map_number(state: Any, key: str, default: Any, states: dict, variables: Any) -> Any:
    value = state.raw.get(key, default)
    return evaluate_typed(value, states, variables, field=key) if is_template(value) else value


async def _map_attempt(ex: Any, state: Any, raw: Any, frame: Any, scope: Any) -> Any:

    info = state.jsonata
    states = states_of(info, raw, scope)
    variables = _variables(scope)
    try:
        if info.items is not None:
            items = state.raw["Items"]
            if is_template(items):
                items = evaluate_typed(items, states, variables, field="Items")
            else:
                items = info.items.evaluate(states, variables)
        else:
            items = raw
        if type(items) is not list:
            raise map_input_not_array(items)
        max_concurrency = _map_number(state, "MaxConcurrency", 0, states, variables)
        tolerated_count = _map_number(state, "ToleratedFailureCount", None, states, variables)
        tolerated_percentage = _map_number(state, "ToleratedFailurePercentage", None, states, variables)
    except JsonataEvaluationError as exc:
        record_evaluation_failed(frame, state, exc)
        exc.from_children = True    # AWS: MapStateFailed follows EvaluationFailed
        raise
    frame.history.link(frame, "MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    run = _JsonataMapRun(ex, state, frame, items, raw, tolerated_count, tolerated_percentage)
    if state.distributed:
        return await run.distributed(max_concurrency)
    return await run.inline(max_concurrency)


_map_run_class: Any = None


def _JsonataMapRun(*args: Any) -> Any:  # noqa: N802 - used like the class it builds
    """A MapRun whose ItemSelector is a JSONata field (the class is built on first use:
    engine.branches imports this module through engine.lifecycle)."""
    global _map_run_class
    if _map_run_class is None:
        from engine.branches import MapRun

        class JsonataMapRun(MapRun):
            def item_input(self, index: int) -> Any:
                selector = self.state.jsonata.item_selector
                if selector is None:
                    return self.items[index]
                ex, state, frame = self.ex, self.state, self.frame
                extra = {"Map": {"Item": {"Index": index, "Value": self.items[index]}}}
                states = {"input": self.value, "context": ex.context(state, frame, extra)}
                try:
                    return selector.evaluate(states, frame.variables)
                except JsonataEvaluationError as exc:
                    record_evaluation_failed(frame, state, exc)    # before MapStateFailed
                    raise

        _map_run_class = JsonataMapRun
    return _map_run_class(*args)


def _handlers() -> dict:
    from engine.branches import handle_parallel
    from engine.tasks import handle_task

    return {
        "Pass": handle_pass, "Choice": handle_choice, "Succeed": handle_succeed, "Fail": handle_fail,
        "Wait": handle_wait, "Map": handle_map, "Task": handle_task, "Parallel": handle_parallel,
    }


class _HandlerTable(dict):
    """JSONATA_HANDLERS, filled on first use (engine.states imports this module's hooks)."""

    def __missing__(self, key: str) -> Any:
        self.update(_handlers())
        return dict.__getitem__(self, key)


JSONATA_HANDLERS: dict = _HandlerTable()

__all__ = [
    "JSONATA_HANDLERS", "JsonataInfo", "annotate", "arguments", "assign_jsonpath", "catch_output",
    "finish", "integer_field", "record_evaluation_failed",
]


def choice_assign_jsonpath(state: Any, value: Any, scope: Any) -> None:
    """Assign of a JSONPath Choice state: the matched rule's, else (Default) the state's."""
    raw = state.raw
    rules = raw.get("Choices") or ()
    if "Assign" not in raw and not any("Assign" in rule for rule in rules):
        return
    from engine.choice_rules import matching_rule

    rule = matching_rule(raw, scope.resolve)
    # Assumption: a matched rule's Assign replaces the state's, which applies on Default.
    assign_jsonpath((rule if rule is not None else raw).get("Assign"), value, scope)


def state_scope(ex: Any, state: Any, frame: Any, raw: Any) -> Any:
    """The Scope a state's templates and paths see, with the frame's variables.

    The context callable carries the variables too, so `lifecycle.select` can resolve `$name`
    paths (InputPath, ItemsPath, MaxConcurrencyPath, …) without another parameter.
    """
    from engine.payload import Scope

    def context() -> dict:
        return ex.context(state, frame)

    context.variables = frame.variables
    return Scope(raw, context, frame.variables)
