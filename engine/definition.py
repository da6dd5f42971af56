"""Definition JSON → compiled state objects the interpreter runs.

Implements the structure of the ASL specification ("States", "Common State Fields", each state
type's own fields, "Retrying after error", "Fallback states").  Everything that can be decided
once per definition is decided here: paths are parsed, payload templates compiled, Retry and
Catch normalised with their defaults.  Static validation lives in `engine.validation`; this
module assumes a definition that passed it and only raises for what it cannot compile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.io import JSONATA, language_for
from engine.io.jsonata import JsonataInfo
from engine.paths import compile_path
from engine.payload import compile_template

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_strategy: str = "NONE"

    @classmethod
    def parse(cls, raw: dict) -> Retrier:
        return cls(
            error_equals=tuple(raw.get("ErrorEquals", ())),
            interval_seconds=raw.get("IntervalSeconds", 1),
            max_attempts=raw.get("MaxAttempts", 3),
            backoff_rate=raw.get("BackoffRate", 2.0),
            max_delay_seconds=raw.get("MaxDelaySeconds"),
            jitter_strategy=raw.get("JitterStrategy", "NONE"),
        )


@dataclass(frozen=True, slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: str | None = "$"

    @classmethod
    def parse(cls, raw: dict) -> Catcher:
        return cls(tuple(raw.get("ErrorEquals", ())), raw["Next"], raw.get("ResultPath", "$"))


class State:
    """Fields common to every state type (ASL "Common State Fields" and the I/O filters)."""

    __slots__ = ("name", "type", "raw", "next", "end", "input_path", "output_path", "result_path",
                 "parameters", "result_selector", "retriers", "catchers", "is_async", "comment",
                 "jsonata", "entered_event", "exited_event", "io", "assign", "rule_assign", "handler")

    is_async_type = False
    # Task, Parallel and Map: a result of their own (`$states.result`), and Retry/Catch.
    has_result = False

    def __init__(self, name: str, raw: dict):
        self.name = name
        self.type = raw["Type"]
        self.raw = raw
        self.comment = raw.get("Comment")
        self.next = raw.get("Next")
        self.end = bool(raw.get("End", False))
        self.input_path = _path_field(raw, "InputPath")
        self.output_path = _path_field(raw, "OutputPath")
        self.result_path = raw.get("ResultPath", "$")
        if self.result_path is not None:
            compile_path(self.result_path)
        self.parameters = compile_template(raw["Parameters"]) if "Parameters" in raw else None
        self.result_selector = compile_template(raw["ResultSelector"]) if "ResultSelector" in raw else None
        self.retriers = tuple(Retrier.parse(r) for r in raw.get("Retry", ()))
        self.catchers = tuple(Catcher.parse(c) for c in raw.get("Catch", ()))
        self.is_async = self.is_async_type
        self.entered_event = self.type + "StateEntered"
        self.exited_event = self.type + "StateExited"
        self.assign = raw.get("Assign") or None
        self.rule_assign: tuple = ()
        self.io: Any = None     # the query language's io (engine.io), set by `load`
        self.handler: Any = None  # its engine.states handler, cached by engine.lifecycle
        self.jsonata = None     # JSONata states: their compiled fields (engine.io.jsonata.JsonataInfo)


def _path_field(raw: dict, key: str) -> Any:
    """A path field: its text ("$" when absent) or None when explicitly null."""
    value = raw.get(key, "$")
    if value is not None and value != "$" and not _is_variable_path(value):
        compile_path(value)
    return value


def _is_variable_path(value: Any) -> bool:
    """`$name…`: a path into a workflow variable, resolved at run time (issue #4)."""
    return isinstance(value, str) and len(value) > 1 and value[0] == "$" and value[1] not in ".[$"


class PassState(State):
    __slots__ = ("result",)

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        self.result = raw.get("Result", _UNSET)
        if self.result is not _UNSET:
            self.parameters = None  # Result wins: Parameters is never evaluated


class TaskState(State):
    __slots__ = ("resource", "timeout_seconds", "timeout_seconds_path", "heartbeat_seconds",
                 "heartbeat_seconds_path", "credentials", "needs_token")
    is_async_type = True
    has_result = True

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        self.resource = raw.get("Resource", "")
        self.timeout_seconds = raw.get("TimeoutSeconds")
        self.timeout_seconds_path = raw.get("TimeoutSecondsPath")
        self.heartbeat_seconds = raw.get("HeartbeatSeconds")
        self.heartbeat_seconds_path = raw.get("HeartbeatSecondsPath")
        self.credentials = raw.get("Credentials")
        # Activities and `.waitForTaskToken` integrations hand out a task token ($$.Task.Token).
        resource = self.resource
        self.needs_token = resource.endswith(".waitForTaskToken") or (
            resource.startswith("arn:aws:states:") and ":activity:" in resource)


class ChoiceState(State):
    __slots__ = ("default",)

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        self.default = raw.get("Default")
        # Assumption: a matched rule's Assign replaces the state's, which applies on Default.
        self.rule_assign = tuple(rule.get("Assign") if isinstance(rule, dict) else None
                                 for rule in raw.get("Choices") or ())


class WaitState(State):
    __slots__ = ("seconds", "timestamp", "seconds_path", "timestamp_path")
    is_async_type = True

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        self.seconds = raw.get("Seconds")
        self.timestamp = raw.get("Timestamp")
        self.seconds_path = raw.get("SecondsPath")
        self.timestamp_path = raw.get("TimestampPath")


class SucceedState(State):
    __slots__ = ()


class FailState(State):
    __slots__ = ("error", "cause", "error_path", "cause_path")

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        self.error = raw.get("Error")
        self.cause = raw.get("Cause")
        self.error_path = raw.get("ErrorPath")
        self.cause_path = raw.get("CausePath")


class ParallelState(State):
    __slots__ = ("branches",)
    is_async_type = True
    has_result = True

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        self.branches = tuple(StateMachine(b) for b in raw.get("Branches", ()))


class MapState(State):
    __slots__ = ("processor", "items_path", "item_selector", "max_concurrency",
                 "max_concurrency_path", "tolerated_failure_count", "tolerated_failure_count_path",
                 "tolerated_failure_percentage", "tolerated_failure_percentage_path", "label",
                 "distributed", "execution_type")
    is_async_type = True
    has_result = True

    def __init__(self, name: str, raw: dict):
        super().__init__(name, raw)
        processor = raw.get("ItemProcessor") or raw.get("Iterator") or {}
        self.processor = StateMachine(processor)
        config = processor.get("ProcessorConfig") or {}
        self.distributed = config.get("Mode") == "DISTRIBUTED"
        self.execution_type = config.get("ExecutionType", "STANDARD")
        self.items_path = _path_field(raw, "ItemsPath")
        # Legacy: Parameters on a Map state is what ItemSelector is now (applied per item).
        selector = raw.get("ItemSelector", raw.get("Parameters", _UNSET))
        self.item_selector = compile_template(selector) if selector is not _UNSET else None
        self.parameters = None
        self.max_concurrency = raw.get("MaxConcurrency", 0)
        self.max_concurrency_path = raw.get("MaxConcurrencyPath")
        self.tolerated_failure_count = raw.get("ToleratedFailureCount")
        self.tolerated_failure_count_path = raw.get("ToleratedFailureCountPath")
        self.tolerated_failure_percentage = raw.get("ToleratedFailurePercentage")
        self.tolerated_failure_percentage_path = raw.get("ToleratedFailurePercentagePath")
        self.label = raw.get("Label")


STATE_TYPES: dict[str, type[State]] = {
    "Pass": PassState, "Task": TaskState, "Choice": ChoiceState, "Wait": WaitState,
    "Succeed": SucceedState, "Fail": FailState, "Parallel": ParallelState, "Map": MapState,
}


class StateMachine:
    """A compiled `StartAt` + `States` (the top level, a Parallel branch or a Map processor)."""

    __slots__ = ("start_at", "states", "timeout_seconds", "comment", "query_language", "raw")

    def __init__(self, raw: dict):
        self.raw = raw
        self.start_at = raw.get("StartAt")
        self.timeout_seconds = raw.get("TimeoutSeconds")
        self.comment = raw.get("Comment")
        self.query_language = raw.get("QueryLanguage", "JSONPath")
        self.states: dict[str, State] = {
            name: STATE_TYPES[body["Type"]](name, body) for name, body in raw.get("States", {}).items()
        }


_compiled: dict[str, StateMachine] = {}


def load(definition: Any) -> StateMachine:
    """Compile a definition (dict or JSON text); identical texts share one compiled machine."""
    if isinstance(definition, StateMachine):
        return definition
    text = definition if isinstance(definition, str) else json.dumps(definition, sort_keys=True)
    machine = _compiled.get(text)
    if machine is None:
        raw = json.loads(definition) if isinstance(definition, str) else definition
        machine = StateMachine(raw)
        _choose_languages(machine, "JSONata" if machine.query_language == "JSONata" else "JSONPath")
        if len(_compiled) > 256:
            _compiled.clear()
        _compiled[text] = machine
    return machine


def _choose_languages(machine: StateMachine, language: str) -> None:
    """Give every state its io: its own QueryLanguage, else the top-level one (also inside
    Parallel branches and Map processors)."""
    for state in machine.states.values():
        state.io = language_for(state.raw, language)
        state.jsonata = JsonataInfo(state.raw) if state.io is JSONATA else None
        for inner in (*(getattr(state, "branches", None) or ()), getattr(state, "processor", None)):
            if inner is not None:
                _choose_languages(inner, language)
