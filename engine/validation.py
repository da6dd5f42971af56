"""Static validation of a state machine definition: every problem AWS rejects at create time.

Implements the structural rules of the ASL specification ("Top-level fields", "States",
"Transitions", the per-type field lists, "Choice Rules", "Errors") and the extra checks that
CreateStateMachine / ValidateStateMachineDefinition perform (reachability, terminal state,
JSONPath syntax, intrinsic syntax, QueryLanguage mixing, limits).

`validate(definition)` never raises; it returns one `Diagnostic` per problem, each located by
a JSON pointer (`/States/Charge/Retry/0/ErrorEquals`).  Codes and messages are AWS's where AWS's
are known (SCHEMA_VALIDATION_FAILED "Field 'X' is not supported", MISSING_TRANSITION_TARGET
"Missing 'Next' target: X", `State "X" is not reachable.`, MISSING_END_STATE, …).
`format_invalid_definition` renders them as the InvalidDefinition message of CreateStateMachine.

JSONata states get the language-mixing checks here; validating the expressions themselves is
the job of `_validate_jsonata_state` (a hook for engine.jsonata_mode).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.choice_rules import (
    CHOICE_OPERATORS,
    PATH_OPERATORS,
    is_timestamp,
)

JSONPATH, JSONATA = "JSONPath", "JSONata"
STATE_TYPES = ("Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait")
MAX_STATE_NAME_LENGTH = 80
MAX_LABEL_LENGTH = 40
MAX_INTEGER = 99_999_999
MAX_DELAY_SECONDS = 31_622_400

ERROR = "ERROR"
WARNING = "WARNING"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a definition, located by a JSON pointer into it."""

    path: str
    code: str
    message: str
    severity: str = ERROR
    # The definition text, kept only on Map Label problems, whose AWS message quotes it.
    definition_text: str | None = dataclasses.field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message, "severity": self.severity}


# --- field tables --------------------------------------------------------------------------------
# Which fields each state type accepts, split by query language.  A field of the other language
# gets AWS's "only supported for the '…' QueryLanguage" message; any other unknown field gets
# "Field '…' is not supported" (AWS locates both at the state, not at the field).

_COMMON = ("Type", "Comment", "QueryLanguage")
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "Pass": ("Next", "End", "Assign"),
    "Task": ("Resource", "Next", "End", "Assign", "Retry", "Catch", "TimeoutSeconds",
             "HeartbeatSeconds", "Credentials"),
    "Choice": ("Choices", "Default", "Assign"),
    "Wait": ("Next", "End", "Assign", "Seconds", "Timestamp"),
    "Succeed": (),
    "Fail": ("Error", "Cause"),
    "Parallel": ("Branches", "Next", "End", "Assign", "Retry", "Catch"),
    "Map": ("ItemProcessor", "Iterator", "ItemSelector", "ItemReader", "ResultWriter",
            "ItemBatcher", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage",
            "Label", "Next", "End", "Assign", "Retry", "Catch"),
}
_JSONPATH_ONLY: dict[str, tuple[str, ...]] = {
    "Pass": ("InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
    "Task": ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
             "TimeoutSecondsPath", "HeartbeatSecondsPath"),
    "Choice": ("InputPath", "OutputPath"),
    "Wait": ("InputPath", "OutputPath", "SecondsPath", "TimestampPath"),
    "Succeed": ("InputPath", "OutputPath"),
    "Fail": ("ErrorPath", "CausePath"),
    "Parallel": ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector"),
    "Map": ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath",
            "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"),
}
_JSONATA_ONLY: dict[str, tuple[str, ...]] = {
    "Pass": ("Output",),
    "Task": ("Output", "Arguments"),
    "Choice": ("Output",),
    "Wait": ("Output",),
    "Succeed": ("Output",),
    "Fail": (),
    "Parallel": ("Output", "Arguments"),
    "Map": ("Output", "Items"),
}
# Diagnostics about fields come out in this order whatever the order in the definition, so the
# list is stable (AWS's own order for these is not observable).
_FIELD_ORDER = (
    "Output", "Arguments", "Items", "Condition", "InputPath", "OutputPath", "ResultPath",
    "Parameters", "ResultSelector", "Result", "ItemsPath", "SecondsPath", "TimestampPath",
    "ErrorPath", "CausePath", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
    "HeartbeatSecondsPath", "MaxConcurrencyPath", "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath", "Catch", "Retry",
)
_MACHINE_FIELDS = {
    "top": ("StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"),
    "branch": ("StartAt", "States", "Comment"),
    "processor": ("StartAt", "States", "Comment", "ProcessorConfig"),
}
_RETRIER_FIELDS = ("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                   "MaxDelaySeconds", "JitterStrategy", "Comment")
_CATCHER_FIELDS = {JSONPATH: ("ErrorEquals", "Next", "ResultPath", "Assign", "Comment"),
                   JSONATA: ("ErrorEquals", "Next", "Output", "Assign", "Comment")}
_ARRAY_FIELDS = frozenset({"Branches", "Choices", "Catch", "Retry", "ErrorEquals", "And", "Or"})

# AWS (recorded): a Map Label may not contain these characters, checked in this order.
_LABEL_INVALID = list(' ?*<>{}[]:;,\\|^~$#%&`"') + [chr(i) for i in (*range(0x00, 0x20), *range(0x7F, 0xA0))]

_TYPE_NAMES = {str: "STRING", int: "INTEGER", float: "NUMBER", bool: "BOOLEAN", dict: "OBJECT", list: "ARRAY"}


# --- JSON pointers and AWS locations -------------------------------------------------------------

def _ptr(base: str, *parts: Any) -> str:
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


def aws_location(path: str) -> str:
    """A JSON pointer in the form AWS prints locations: unescaped names, `Choices[0]` indices."""
    if path == "":
        return "null"
    out, expect_name, after_array = "", False, False
    for raw in path.split("/")[1:]:
        seg = raw.replace("~1", "/").replace("~0", "~")
        if expect_name:
            out += "/" + seg
            expect_name = False
        elif after_array and seg.isdigit():
            out += f"[{seg}]"
            after_array = False
            continue
        else:
            out += "/" + seg
            expect_name = seg == "States"
        after_array = seg in _ARRAY_FIELDS and not expect_name
    return out


# --- paths and intrinsics ------------------------------------------------------------------------

_VARIABLE_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_REFERENCE_STEP = re.compile(r"\.([^.\[\]'\"*?@()\s,:]+)|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]|\[(\d+)\]")


@lru_cache(maxsize=4096)
def _split_root(path: str) -> tuple[str, str] | None:
    """('context' | 'variable' | 'input', the path with its root normalised to `$`), or None."""
    if not isinstance(path, str) or not path.startswith("$"):
        return None
    if path.startswith("$$"):
        return "context", path[1:]
    m = _VARIABLE_RE.match(path)
    if m and m.group(1) and path[1:2] not in (".", "["):
        return "variable", "$" + path[m.end():]
    return "input", path


@lru_cache(maxsize=4096)
def _is_reference_body(body: str) -> bool:
    pos, n = 1, len(body)
    while pos < n:
        m = _REFERENCE_STEP.match(body, pos)
        if m is None:
            return False
        pos = m.end()
    return True


@lru_cache(maxsize=4096)
def _is_jsonpath_body(body: str) -> bool:
    if _is_reference_body(body):
        return True
    try:
        from jsonpath_ng.ext import parse
        parse(body)
    except Exception:
        return False
    return True


def is_valid_path(path: Any, *, reference: bool = False, context: bool = True,
                  variables: bool = True) -> bool:
    """A JSONPath (or, with `reference`, a reference path: names and indices only).

    `$$…` addresses the context object and `$name…` a workflow variable; either can be refused.
    """
    if not isinstance(path, str):
        return False
    root = _split_root(path)
    if root is None:
        return False
    kind, body = root
    if (kind == "context" and not context) or (kind == "variable" and not variables):
        return False
    return _is_reference_body(body) if reference else _is_jsonpath_body(body)


def _intrinsic_error(expression: str) -> str | None:
    """None when `expression` is a well-formed intrinsic call, else the parser's complaint."""
    try:
        from engine.intrinsics import IntrinsicSyntaxError, parse_intrinsic
    except ImportError:  # intrinsics.py not there yet: a shape check only
        ok = re.fullmatch(r"States\.[A-Za-z0-9]+\(.*\)\s*", expression, re.DOTALL)
        return None if ok else "invalid intrinsic function call"
    try:
        parse_intrinsic(expression)
    except IntrinsicSyntaxError as exc:
        return str(exc) or "invalid intrinsic function call"
    except Exception as exc:  # a parser bug must not turn into a validation crash
        return str(exc) or "invalid intrinsic function call"
    return None


def _is_expression(value: Any) -> bool:
    """A JSONata `{% … %}` string."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def _has_type(value: Any, kind: type) -> bool:
    """JSON typing: bool is not a number, an int is a valid float, dict/list subclasses count."""
    if kind is bool or kind is int:
        return type(value) is kind
    if kind is float:
        return type(value) in (int, float)
    return isinstance(value, kind)


def _is_int(value: Any) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


# --- the validator -------------------------------------------------------------------------------

class _Duplicates(dict):
    """A JSON object from text that remembers keys it saw more than once."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj = _Duplicates()
    dups = []
    for key, value in pairs:
        if key in obj:
            dups.append(key)
        obj[key] = value
    if dups:
        obj.duplicates = tuple(dups)
    return obj


class _Validator:
    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []
        self.top_language = JSONPATH
        self.state_names: dict[str, str] = {}      # name -> pointer of its first definition

    def error(self, path: str, message: str, code: str = "SCHEMA_VALIDATION_FAILED") -> None:
        self.diags.append(Diagnostic(path, code, message))

    # - generic value checks -

    def expect_type(self, value: Any, path: str, *types: type) -> bool:
        if any(_has_type(value, t) for t in types):
            return True
        names = ", ".join(_TYPE_NAMES[t] for t in types)
        self.error(path, f"Expected value of type [{names}]")
        return False

    def expect_int(self, value: Any, path: str, minimum: int | None = None,
                   maximum: int | None = None, *, expression_ok: bool = False) -> None:
        if expression_ok and _is_expression(value):
            return
        if not _is_int(value):
            self.error(path, "Expected value of type [INTEGER]")
            return
        self.expect_range(value, path, minimum, maximum)

    def expect_number(self, value: Any, path: str, minimum: float | None = None,
                      maximum: float | None = None, *, expression_ok: bool = False) -> None:
        if expression_ok and _is_expression(value):
            return
        if not _is_number(value):
            self.error(path, "Expected value of type [NUMBER]")
            return
        self.expect_range(value, path, minimum, maximum)

    def expect_range(self, value: Any, path: str, minimum: Any, maximum: Any) -> None:
        if minimum is not None and value < minimum:
            self.error(path, f"Minimum value is {minimum}")
        elif maximum is not None and value > maximum:
            self.error(path, f"Maximum value is {maximum}")

    def expect_enum(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(value, str):
            self.error(path, "Expected value of type [STRING]")
        elif value not in allowed:
            self.error(path, f"Value should be one of the following: [{', '.join(allowed)}]")

    def expect_path(self, obj: dict, field: str, path: str, *, reference: bool = True,
                    context: bool = True, variables: bool = True, intrinsic: bool = False,
                    nullable: bool = False) -> None:
        if field not in obj:
            return
        value = obj[field]
        if value is None and nullable:
            return
        if intrinsic and isinstance(value, str) and value.startswith("States."):
            problem = _intrinsic_error(value)
            if problem is not None:
                self.error(_ptr(path, field),
                           f"The value for the field '{field}' must be a valid JSONPath or a valid "
                           f"intrinsic function call ({problem})")
            return
        if is_valid_path(value, reference=reference, context=context, variables=variables):
            return
        kind = "ReferencePath" if reference else "JSONPath"
        self.error(_ptr(path, field), f"The value for the field '{field}' must be a valid {kind}")

    def exclusive(self, obj: dict, path: str, *fields: str) -> None:
        present = [f for f in fields if f in obj]
        if len(present) > 1:
            self.error(_ptr(path, present[0]),
                       f"Only one of the following fields can be set: [{', '.join(fields)}]")

    def require(self, obj: dict, path: str, *fields: str) -> bool:
        ok = True
        for field in fields:
            if field not in obj:
                self.error(path, f"The field '{field}' is required but was missing")
                ok = False
        return ok

    def templates(self, value: Any, path: str) -> None:
        """Parameters / ResultSelector / ItemSelector / Assign: every `key.$` holds a path or an
        intrinsic call."""
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and key.endswith(".$"):
                    self.dollar_value(key, item, _ptr(path, key))
                else:
                    self.templates(item, _ptr(path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.templates(item, _ptr(path, i))

    def dollar_value(self, key: str, value: Any, path: str) -> None:
        message = f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"
        if not isinstance(value, str):
            self.error(path, message)
        elif value.startswith("States."):
            problem = _intrinsic_error(value)
            if problem is not None:
                self.error(path, f"{message} ({problem})")
        elif not is_valid_path(value):
            self.error(path, message)

    # - machines -

    def machine(self, obj: Any, path: str, kind: str) -> None:
        if not isinstance(obj, dict):
            self.error(path, "Expected value of type [OBJECT]")
            return
        allowed = _MACHINE_FIELDS[kind]
        for key in obj:
            if key not in allowed:
                self.error(path, f"Field '{key}' is not supported")
        if kind == "top":
            self.top_fields(obj)
        elif kind == "processor" and "ProcessorConfig" in obj:
            self.processor_config(obj["ProcessorConfig"], _ptr(path, "ProcessorConfig"))
        if "Comment" in obj:
            self.expect_type(obj["Comment"], _ptr(path, "Comment"), str)
        self.require(obj, path, "StartAt", "States")
        start_at = obj.get("StartAt")
        if "StartAt" in obj:
            self.expect_type(start_at, _ptr(path, "StartAt"), str)
        states = obj.get("States")
        if "States" in obj and not self.expect_type(states, _ptr(path, "States"), dict):
            return
        if not isinstance(states, dict):
            return
        states_path = _ptr(path, "States")
        for name in getattr(states, "duplicates", ()):
            self.error(_ptr(states_path, name), f"Duplicate State name: {name}", "DUPLICATE_STATE_NAME")
        for name, state in states.items():
            self.state(name, state, _ptr(states_path, name))
        self.transitions(obj, path, states, start_at, top=kind == "top")

    def top_fields(self, obj: dict) -> None:
        ql = obj.get("QueryLanguage")
        if "QueryLanguage" in obj:
            # AWS (measured): only the exact string "JSONPath" means JSONPath; any other value is
            # reported against the enum and the machine is treated as JSONata.
            self.expect_enum(ql, "/QueryLanguage", (JSONPATH, JSONATA))
            self.top_language = JSONPATH if ql == JSONPATH else JSONATA
        if "Version" in obj:
            self.expect_type(obj["Version"], "/Version", str)
        if "TimeoutSeconds" in obj:
            self.expect_int(obj["TimeoutSeconds"], "/TimeoutSeconds", 1, MAX_INTEGER)

    def processor_config(self, config: Any, path: str) -> None:
        if not self.expect_type(config, path, dict):
            return
        for key in config:
            if key not in ("Mode", "ExecutionType"):
                self.error(path, f"Field '{key}' is not supported")
        if "Mode" in config:
            self.expect_enum(config["Mode"], _ptr(path, "Mode"), ("INLINE", "DISTRIBUTED"))
        if "ExecutionType" in config:
            self.expect_enum(config["ExecutionType"], _ptr(path, "ExecutionType"), ("STANDARD", "EXPRESS"))
        elif config.get("Mode") == "DISTRIBUTED":
            self.require(config, path, "ExecutionType")

    def transitions(self, obj: dict, path: str, states: dict, start_at: Any, *, top: bool) -> None:
        edges: dict[str, list[str]] = {}
        for name, state in states.items():
            targets: list[str] = []
            edges[name] = targets
            if not isinstance(state, dict):
                continue
            state_path = _ptr(path, "States", name)
            found: list[tuple[str, Any]] = []
            if state.get("Type") == "Choice":
                rules = state.get("Choices")
                for i, rule in enumerate(rules if isinstance(rules, list) else ()):
                    if isinstance(rule, dict) and "Next" in rule:
                        found.append((_ptr(state_path, "Choices", i, "Next"), rule["Next"]))
                if "Default" in state:
                    found.append((_ptr(state_path, "Default"), state["Default"]))
            elif "Next" in state:
                found.append((_ptr(state_path, "Next"), state["Next"]))
            catchers = state.get("Catch")
            if isinstance(catchers, list):
                for i, catcher in enumerate(catchers):
                    if isinstance(catcher, dict) and "Next" in catcher:
                        found.append((_ptr(state_path, "Catch", i, "Next"), catcher["Next"]))
            for where, target in found:
                if not isinstance(target, str):
                    continue  # reported as a type error by the state's own checks
                if target in states:
                    targets.append(target)
                else:
                    self.error(where, f"Missing 'Next' target: {target}", "MISSING_TRANSITION_TARGET")

        start_known = isinstance(start_at, str) and start_at in states
        if isinstance(start_at, str) and not start_known:
            self.error(_ptr(path, "StartAt"), f"Missing 'Next' target: {start_at}", "MISSING_TRANSITION_TARGET")

        if top and states and not any(_is_terminal(s) for s in states.values()):
            # AWS (measured): a top-level machine with no terminal state gets MISSING_END_STATE
            # (location null) instead of any unreachable-state diagnostics.
            self.error("", "Workflow has no terminal state", "MISSING_END_STATE")
            return
        if not isinstance(start_at, str):
            return
        reached: set[str] = set()
        todo = [start_at] if start_known else []
        while todo:
            name = todo.pop()
            if name in reached:
                continue
            reached.add(name)
            todo.extend(edges.get(name, ()))
        for name in states:
            if name not in reached:
                self.error(_ptr(path, "States", name), f'State "{name}" is not reachable.',
                           "MISSING_TRANSITION_TARGET")

    # - states -

    def state(self, name: str, state: Any, path: str) -> None:
        if len(name) > MAX_STATE_NAME_LENGTH:
            self.error(path, f"State name '{name}' exceeds the maximum length of "
                             f"{MAX_STATE_NAME_LENGTH} characters", "INVALID_STATE_NAME")
        elif not name:
            self.error(path, "State name cannot be empty", "INVALID_STATE_NAME")
        if name in self.state_names and self.state_names[name] != path:
            self.error(path, f"Duplicate State name: {name}", "DUPLICATE_STATE_NAME")
        else:
            self.state_names.setdefault(name, path)

        if not isinstance(state, dict):
            self.error(path, "Expected value of type [OBJECT]")
            return
        if "Type" not in state:
            self.require(state, path, "Type")
            return
        state_type = state["Type"]
        if state_type not in STATE_TYPES:
            self.expect_enum(state_type, _ptr(path, "Type"), STATE_TYPES)
            return

        language, mixing_ok = self.state_language(state, path)
        self.fields(state, path, state_type, language, check_language=mixing_ok)
        if "QueryLanguage" in state:
            self.expect_enum(state["QueryLanguage"], _ptr(path, "QueryLanguage"), (JSONPATH, JSONATA))
        if "Comment" in state:
            self.expect_type(state["Comment"], _ptr(path, "Comment"), str)
        if state_type in ("Pass", "Task", "Wait", "Parallel", "Map"):
            self.next_or_end(state, path)
        if language == JSONPATH:
            self.jsonpath_io(state, path)
        else:
            _validate_jsonata_state(state, path, self)
        if "Assign" in state and self.expect_type(state["Assign"], _ptr(path, "Assign"), dict):
            if language == JSONPATH:
                self.templates(state["Assign"], _ptr(path, "Assign"))
        getattr(self, f"state_{state_type.lower()}")(state, path, language)

    def state_language(self, state: dict, path: str) -> tuple[str, bool]:
        """The state's effective QueryLanguage, and whether to report other-language fields.

        AWS (measured): a state's language is its own QueryLanguage when present (only the exact
        "JSONPath" means JSONPath), else the machine's top-level one; a Map's or Parallel's
        language does not reach the states inside it.
        """
        if "QueryLanguage" not in state:
            return self.top_language, True
        ql = state["QueryLanguage"]
        language = JSONPATH if ql == JSONPATH else JSONATA
        mixing_ok = True
        if ql == JSONPATH and self.top_language == JSONATA:
            self.error(path, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
            mixing_ok = False
        return language, mixing_ok

    def fields(self, state: dict, path: str, state_type: str, language: str, *, check_language: bool) -> None:
        own = _JSONPATH_ONLY[state_type] if language == JSONPATH else _JSONATA_ONLY[state_type]
        other = _JSONATA_ONLY[state_type] if language == JSONPATH else _JSONPATH_ONLY[state_type]
        allowed = set(_COMMON) | set(_TYPE_FIELDS[state_type]) | set(own)
        rank = {f: i for i, f in enumerate(_FIELD_ORDER)}
        unknown = sorted((k for k in state if k not in allowed), key=lambda k: rank.get(k, len(rank)))
        for key in unknown:
            if key in other:
                if check_language:
                    self.error(path, f"The QueryLanguage is set to '{language}', but field '{key}' is "
                                     f"only supported for the '{JSONATA if language == JSONPATH else JSONPATH}' "
                                     "QueryLanguage")
            else:
                self.error(path, f"Field '{key}' is not supported")

    def next_or_end(self, state: dict, path: str) -> None:
        has_next = "Next" in state
        end = state.get("End")
        if "End" in state and not isinstance(end, bool):
            self.error(_ptr(path, "End"), "Expected value of type [BOOLEAN]")
        if has_next:
            self.expect_type(state["Next"], _ptr(path, "Next"), str)
        if has_next and end is True:
            self.error(path, "Only one of the following fields can be set: [Next, End]")
        elif not has_next and end is not True:
            self.error(path, "The field 'Next' or 'End' is required but was missing")

    def jsonpath_io(self, state: dict, path: str) -> None:
        self.expect_path(state, "InputPath", path, reference=False, nullable=True)
        self.expect_path(state, "OutputPath", path, reference=False, nullable=True)
        self.expect_path(state, "ResultPath", path, context=False, variables=False, nullable=True)
        for field in ("Parameters", "ResultSelector"):
            if field in state:
                self.templates(state[field], _ptr(path, field))

    def state_pass(self, state: dict, path: str, language: str) -> None:
        pass  # Result is any JSON; Parameters and paths are checked in jsonpath_io

    def state_succeed(self, state: dict, path: str, language: str) -> None:
        pass

    def state_task(self, state: dict, path: str, language: str) -> None:
        if self.require(state, path, "Resource"):
            self.expect_type(state["Resource"], _ptr(path, "Resource"), str)
        timeout = state.get("TimeoutSeconds")
        heartbeat = state.get("HeartbeatSeconds")
        jsonata = language == JSONATA
        if "TimeoutSeconds" in state:
            self.expect_int(timeout, _ptr(path, "TimeoutSeconds"), 1, MAX_INTEGER, expression_ok=jsonata)
        if "HeartbeatSeconds" in state:
            self.expect_int(heartbeat, _ptr(path, "HeartbeatSeconds"), 1, MAX_INTEGER, expression_ok=jsonata)
            if _is_int(timeout) and _is_int(heartbeat) and heartbeat >= timeout:
                self.error(_ptr(path, "HeartbeatSeconds"),
                           "The value for the field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'")
        self.exclusive(state, path, "TimeoutSeconds", "TimeoutSecondsPath")
        self.exclusive(state, path, "HeartbeatSeconds", "HeartbeatSecondsPath")
        self.expect_path(state, "TimeoutSecondsPath", path)
        self.expect_path(state, "HeartbeatSecondsPath", path)
        if "Credentials" in state and self.expect_type(state["Credentials"], _ptr(path, "Credentials"), dict):
            credentials = state["Credentials"]
            if "RoleArn" not in credentials and "RoleArn.$" not in credentials:
                self.require(credentials, _ptr(path, "Credentials"), "RoleArn")
            if language == JSONPATH:
                self.templates(credentials, _ptr(path, "Credentials"))
        self.retry_catch(state, path, language)

    def state_choice(self, state: dict, path: str, language: str) -> None:
        if "Default" in state:
            self.expect_type(state["Default"], _ptr(path, "Default"), str)
        if not self.require(state, path, "Choices"):
            return
        choices = state["Choices"]
        choices_path = _ptr(path, "Choices")
        if not self.expect_type(choices, choices_path, list):
            return
        if not choices:
            self.error(choices_path, "Value cannot be empty")
        for i, rule in enumerate(choices):
            self.choice_rule(rule, _ptr(choices_path, i), language, top=True)

    def choice_rule(self, rule: Any, path: str, language: str, *, top: bool) -> None:
        if not self.expect_type(rule, path, dict):
            return
        if top:
            if self.require(rule, path, "Next"):
                self.expect_type(rule["Next"], _ptr(path, "Next"), str)
            if "Assign" in rule and self.expect_type(rule["Assign"], _ptr(path, "Assign"), dict):
                if language == JSONPATH:
                    self.templates(rule["Assign"], _ptr(path, "Assign"))
        extra = {"Next", "Assign", "Comment"} if top else {"Comment"}
        if language == JSONATA:
            self.jsonata_rule(rule, path, extra | {"Output"} if top else extra)
            return

        combinators = [k for k in ("And", "Or", "Not") if k in rule]
        operators = [k for k in rule if k in CHOICE_OPERATORS or k in PATH_OPERATORS]
        for key in rule:
            if key == "Condition" or (key == "Output" and top):
                self.error(path, f"The QueryLanguage is set to 'JSONPath', but field '{key}' is only "
                                 "supported for the 'JSONata' QueryLanguage")
            elif key not in extra and key not in ("Variable", "And", "Or", "Not") and key not in operators:
                self.error(path, f"Field '{key}' is not supported")
        if combinators:
            if len(combinators) > 1 or operators or "Variable" in rule:
                self.error(path, "A Choice rule must have exactly one of: a comparison operator with "
                                 "'Variable', 'And', 'Or' or 'Not'")
            for key in combinators:
                value = rule[key]
                key_path = _ptr(path, key)
                if key == "Not":
                    self.choice_rule(value, key_path, language, top=False)
                elif self.expect_type(value, key_path, list):
                    if not value:
                        self.error(key_path, "Value cannot be empty")
                    for i, child in enumerate(value):
                        self.choice_rule(child, _ptr(key_path, i), language, top=False)
            return
        if "Variable" not in rule:
            self.require(rule, path, "Variable")
        else:
            self.expect_path(rule, "Variable", path)
        if len(operators) != 1:
            self.error(path, "A Choice rule must have exactly one comparison operator"
                       if operators else "A Choice rule must have a comparison operator, 'And', 'Or' or 'Not'")
        for name in operators:
            self.choice_operand(rule, name, path)

    def choice_operand(self, rule: dict, name: str, path: str) -> None:
        value = rule[name]
        where = _ptr(path, name)
        if name in PATH_OPERATORS:
            self.expect_path(rule, name, path)
            return
        op = CHOICE_OPERATORS[name]
        if op.operand_type == "timestamp":
            if not isinstance(value, str):
                self.error(where, "Expected value of type [STRING]")
            elif not is_timestamp(value):
                self.error(where, f"The value for the field '{name}' must be a valid timestamp "
                                  "(ISO-8601 extended offset date-time)")
        elif not op.accepts(value):
            expected = {"string": "STRING", "number": "NUMBER", "boolean": "BOOLEAN"}[op.operand_type]
            self.error(where, f"Expected value of type [{expected}]")

    def jsonata_rule(self, rule: dict, path: str, extra: set[str]) -> None:
        for key in rule:
            if key == "Variable" or key in CHOICE_OPERATORS or key in PATH_OPERATORS or key in ("And", "Or", "Not"):
                self.error(path, f"The QueryLanguage is set to 'JSONata', but field '{key}' is only "
                                 "supported for the 'JSONPath' QueryLanguage")
            elif key != "Condition" and key not in extra:
                self.error(path, f"Field '{key}' is not supported")
        if self.require(rule, path, "Condition"):
            condition = rule["Condition"]
            if not isinstance(condition, bool) and not _is_expression(condition):
                self.error(_ptr(path, "Condition"),
                           "The value for the field 'Condition' must be a boolean or a JSONata expression")

    def state_wait(self, state: dict, path: str, language: str) -> None:
        fields = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
        present = [f for f in fields if f in state]
        if not present:
            self.error(path, "Exactly one of the following fields is required: [Seconds, Timestamp, "
                             "SecondsPath, TimestampPath]")
        elif len(present) > 1:
            self.error(_ptr(path, present[1]), "Only one of the following fields can be set: [Seconds, "
                                               "Timestamp, SecondsPath, TimestampPath]")
        jsonata = language == JSONATA
        if "Seconds" in state:
            self.expect_int(state["Seconds"], _ptr(path, "Seconds"), 0, MAX_INTEGER, expression_ok=jsonata)
        if "Timestamp" in state:
            value = state["Timestamp"]
            if not (jsonata and _is_expression(value)):
                if not isinstance(value, str):
                    self.error(_ptr(path, "Timestamp"), "Expected value of type [STRING]")
                elif not is_timestamp(value):
                    self.error(_ptr(path, "Timestamp"), "The value for the field 'Timestamp' must be a "
                                                        "valid ISO-8601 extended offset date-time format string")
        self.expect_path(state, "SecondsPath", path)
        self.expect_path(state, "TimestampPath", path)

    def state_fail(self, state: dict, path: str, language: str) -> None:
        self.exclusive(state, path, "Error", "ErrorPath")
        self.exclusive(state, path, "Cause", "CausePath")
        for field in ("Error", "Cause"):
            if field in state:
                self.expect_type(state[field], _ptr(path, field), str)
        self.expect_path(state, "ErrorPath", path, intrinsic=True)
        self.expect_path(state, "CausePath", path, intrinsic=True)

    def state_parallel(self, state: dict, path: str, language: str) -> None:
        self.retry_catch(state, path, language)
        if not self.require(state, path, "Branches"):
            return
        branches = state["Branches"]
        branches_path = _ptr(path, "Branches")
        if not self.expect_type(branches, branches_path, list):
            return
        if not branches:
            self.error(branches_path, "Value cannot be empty")
        for i, branch in enumerate(branches):
            self.machine(branch, _ptr(branches_path, i), "branch")

    def state_map(self, state: dict, path: str, language: str) -> None:
        self.retry_catch(state, path, language)
        jsonata = language == JSONATA
        if "ItemProcessor" in state and "Iterator" in state:
            self.error(path, "Only one of the following fields can be set: [ItemProcessor, Iterator]")
        elif "ItemProcessor" not in state and "Iterator" not in state:
            self.require(state, path, "ItemProcessor")
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                self.machine(state[field], _ptr(path, field), "processor")
        if language == JSONPATH:
            self.expect_path(state, "ItemsPath", path)
            if "ItemSelector" in state:
                self.templates(state["ItemSelector"], _ptr(path, "ItemSelector"))
        if "MaxConcurrency" in state:
            self.expect_int(state["MaxConcurrency"], _ptr(path, "MaxConcurrency"), 0, expression_ok=jsonata)
        if "MaxConcurrency" in state and "MaxConcurrencyPath" in state:
            self.error(_ptr(path, "MaxConcurrency"),
                       "Only one of the following fields can be set: [MaxConcurrency, MaxConcurrencyPath]")
        if "ToleratedFailureCount" in state:
            self.expect_int(state["ToleratedFailureCount"], _ptr(path, "ToleratedFailureCount"), 0,
                            expression_ok=jsonata)
        if "ToleratedFailurePercentage" in state:
            self.expect_number(state["ToleratedFailurePercentage"], _ptr(path, "ToleratedFailurePercentage"),
                               0, 100, expression_ok=jsonata)
        self.exclusive(state, path, "ToleratedFailureCount", "ToleratedFailureCountPath")
        self.exclusive(state, path, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath")
        for field in ("MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"):
            self.expect_path(state, field, path)
        for field in ("ItemReader", "ResultWriter", "ItemBatcher"):
            if field in state:
                self.expect_type(state[field], _ptr(path, field), dict)
        if "Label" in state:
            self.label(state["Label"], _ptr(path, "Label"))

    def label(self, label: Any, path: str) -> None:
        if not isinstance(label, str):
            self.error(path, "Expected value of type [STRING]")
            return
        if not label:
            self.error(path, "Label cannot be empty")
            return
        if len(label) > MAX_LABEL_LENGTH:
            self.error(path, f"Label cannot exceed {MAX_LABEL_LENGTH} characters")
            return
        for ch in _LABEL_INVALID:
            if ch in label:
                escaped = ch.encode("unicode-escape").decode()
                self.error(path, f"Label contains invalid character: '{escaped}'")
                return

    # - Retry and Catch -

    def retry_catch(self, state: dict, path: str, language: str) -> None:
        for field in ("Retry", "Catch"):
            if field not in state:
                continue
            items = state[field]
            items_path = _ptr(path, field)
            if not self.expect_type(items, items_path, list):
                continue
            for i, item in enumerate(items):
                item_path = _ptr(items_path, i)
                if not self.expect_type(item, item_path, dict):
                    continue
                if field == "Retry":
                    self.retrier(item, item_path)
                else:
                    self.catcher(item, item_path, language)
                errors = item.get("ErrorEquals")
                if isinstance(errors, list) and "States.ALL" in errors and i != len(items) - 1:
                    kind = "retrier" if field == "Retry" else "catcher"
                    self.error(_ptr(item_path, "ErrorEquals"), f"States.ALL must appear only in the last {kind}")

    def error_equals(self, item: dict, path: str) -> None:
        if not self.require(item, path, "ErrorEquals"):
            return
        errors = item["ErrorEquals"]
        where = _ptr(path, "ErrorEquals")
        if not self.expect_type(errors, where, list):
            return
        if not errors:
            self.error(where, "Value cannot be empty")
        for i, name in enumerate(errors):
            self.expect_type(name, _ptr(where, i), str)
        if "States.ALL" in errors and len(errors) > 1:
            self.error(where, "States.ALL must appear alone in ErrorEquals")

    def retrier(self, retrier: dict, path: str) -> None:
        for key in retrier:
            if key not in _RETRIER_FIELDS:
                self.error(path, f"Field '{key}' is not supported")
        self.error_equals(retrier, path)
        if "IntervalSeconds" in retrier:
            self.expect_int(retrier["IntervalSeconds"], _ptr(path, "IntervalSeconds"), 1, MAX_INTEGER)
        if "MaxAttempts" in retrier:
            self.expect_int(retrier["MaxAttempts"], _ptr(path, "MaxAttempts"), 0, MAX_INTEGER)
        if "BackoffRate" in retrier:
            self.expect_number(retrier["BackoffRate"], _ptr(path, "BackoffRate"), 1.0)
        if "MaxDelaySeconds" in retrier:
            self.expect_int(retrier["MaxDelaySeconds"], _ptr(path, "MaxDelaySeconds"), 1, MAX_DELAY_SECONDS)
        if "JitterStrategy" in retrier:
            self.expect_enum(retrier["JitterStrategy"], _ptr(path, "JitterStrategy"), ("FULL", "NONE"))
        if "Comment" in retrier:
            self.expect_type(retrier["Comment"], _ptr(path, "Comment"), str)

    def catcher(self, catcher: dict, path: str, language: str) -> None:
        allowed = _CATCHER_FIELDS[language]
        other = _CATCHER_FIELDS[JSONATA if language == JSONPATH else JSONPATH]
        for key in catcher:
            if key in allowed:
                continue
            if key in other:
                self.error(path, f"The QueryLanguage is set to '{language}', but field '{key}' is only "
                                 f"supported for the '{JSONATA if language == JSONPATH else JSONPATH}' "
                                 "QueryLanguage")
            else:
                self.error(path, f"Field '{key}' is not supported")
        self.error_equals(catcher, path)
        if self.require(catcher, path, "Next"):
            self.expect_type(catcher["Next"], _ptr(path, "Next"), str)
        if language == JSONPATH:
            self.expect_path(catcher, "ResultPath", path, context=False, variables=False, nullable=True)
        if "Assign" in catcher and self.expect_type(catcher["Assign"], _ptr(path, "Assign"), dict):
            if language == JSONPATH:
                self.templates(catcher["Assign"], _ptr(path, "Assign"))


def _is_terminal(state: Any) -> bool:
    return isinstance(state, dict) and (state.get("End") is True or state.get("Type") in ("Succeed", "Fail"))


def _validate_jsonata_state(state: dict, path: str, validator: _Validator) -> None:
    """Hook for JSONata states (engine.jsonata_mode extends it).

    Accepts the JSONata fields Arguments, Output, Assign, Condition (in Choice rules) and Items.
    What is checked here is shape only: a `{%` string must close with `%}`, and Items must be
    an array, an object or an expression.  Parsing the expressions (AWS's INVALID_JSONATA_EXPRESSION) is
    left to the JSONata module.
    """
    for field in ("Arguments", "Output", "Assign", "Items"):
        if field in state:
            _check_expressions(state[field], _ptr(path, field), validator)
    items = state.get("Items")
    if "Items" in state and not isinstance(items, (list, dict)) and not _is_expression(items):
        validator.error(_ptr(path, "Items"), "Expected value of type [ARRAY] or a JSONata expression")


def _check_expressions(value: Any, path: str, validator: _Validator) -> None:
    if isinstance(value, str):
        if value.startswith("{%") and not value.rstrip().endswith("%}"):
            validator.error(path, "The JSONata expression must end with '%}'", "INVALID_JSONATA_EXPRESSION")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_expressions(item, _ptr(path, key), validator)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_expressions(item, _ptr(path, i), validator)


def _add_jsonata_checks(definition: Any, validator: _Validator) -> None:
    """Expression and variable checks from engine.jsonata_checks (issue #4), when present."""
    try:
        from engine.jsonata_checks import jsonata_diagnostics
    except ImportError:
        return
    try:
        extra = jsonata_diagnostics(definition)
    except Exception:  # a bug there must not hide the structural diagnostics found here
        return
    seen = {(d.path, d.code) for d in validator.diags}
    for d in extra:
        if isinstance(d, Diagnostic) and (d.path, d.code) not in seen:
            validator.diags.append(d)
            seen.add((d.path, d.code))


# --- entry points --------------------------------------------------------------------------------

def parse_definition(text: str) -> Any:
    """JSON text to a definition, remembering duplicate keys (raises ValueError on bad JSON)."""
    return json.loads(text, object_pairs_hook=_object_pairs)


def validate(definition: dict | str) -> list[Diagnostic]:
    """Every problem in `definition` (a dict or JSON text); an empty list means valid."""
    text = definition if isinstance(definition, str) else None
    try:
        if definition is None or (isinstance(definition, str) and not definition.strip()):
            return [Diagnostic("", "MISSING_DESCRIPTION", "Received a null or empty workflow input")]
        if isinstance(definition, (str, bytes, bytearray)):
            try:
                definition = parse_definition(definition)
            except ValueError as exc:
                return [Diagnostic("", "INVALID_JSON_DESCRIPTION", str(exc))]
        validator = _Validator()
        validator.machine(definition, "", "top")
        _add_jsonata_checks(definition, validator)
        if any(_is_label_problem(d) for d in validator.diags):
            if text is None:
                text = json.dumps(definition)
            return [dataclasses.replace(d, definition_text=text) if _is_label_problem(d) else d
                    for d in validator.diags]
        return validator.diags
    except Exception as exc:  # validation must never take the caller down
        return [Diagnostic("", "SCHEMA_VALIDATION_FAILED", f"Could not validate the definition: {exc!r}")]


def validate_state(state: dict, name: str = "StateName") -> list[Diagnostic]:
    """Diagnostics for one state on its own (TestState): its transitions are not checked.

    Paths read `/States/<name>/…`, as AWS reports them for TestState.
    """
    diagnostics = validate({"StartAt": name, "States": {name: state}})
    return [d for d in diagnostics if d.code not in ("MISSING_TRANSITION_TARGET", "MISSING_END_STATE")]


def errors_only(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == ERROR]


def _is_label_problem(d: Diagnostic) -> bool:
    return d.path.endswith("/Label") and d.message.startswith("Label ")


def format_invalid_definition(diagnostics: list[Diagnostic], definition: str | None = None) -> str:
    """The message of AWS's InvalidDefinition error for these diagnostics.

    `definition` (the text as sent) is only used for the Map Label form, and defaults to the
    text that `validate` saw.
    """
    errors = errors_only(diagnostics)
    label = next((d for d in errors if _is_label_problem(d)), None)
    if label is not None and definition is None:
        definition = label.definition_text
    if label is not None and definition is not None:
        # AWS (recorded): an invalid Map Label is reported as the raw parser exception, quoting
        # the definition, instead of the usual list of coded diagnostics.
        return f"Error=ValueError Args={[label.message]!r} in definition '{definition}'."
    parts = []
    for d in errors:
        if d.code in ("INVALID_JSON_DESCRIPTION", "MISSING_DESCRIPTION"):
            parts.append(f"{d.code}: {d.message}")
        else:
            parts.append(f"{d.code}: {d.message} at {aws_location(d.path)}")
    return "Invalid State Machine Definition: '" + ", ".join(parts) + "'"
