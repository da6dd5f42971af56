"""Checks of one state: its name, Type, QueryLanguage, which fields its type accepts in its
language, Next/End, JSONPath input and output fields, and the checks particular to each type
(Choice rules and Retry/Catch have modules of their own)."""

from __future__ import annotations

from typing import Any

from engine.choice_rules import is_timestamp
from engine.validation.checks import Checks
from engine.validation.diagnostics import ptr
from engine.validation.fields import (
    COMMON_FIELDS,
    FIELD_ORDER,
    JSONATA,
    JSONATA_ONLY,
    JSONPATH,
    JSONPATH_ONLY,
    LABEL_INVALID,
    MAX_INTEGER,
    MAX_LABEL_LENGTH,
    MAX_STATE_NAME_LENGTH,
    STATE_TYPES,
    TYPE_FIELDS,
)
from engine.validation.jsonata import _validate_jsonata_state
from engine.validation.resources import problem as integration_problem
from engine.validation.syntax import is_expression, is_int


class StateChecks(Checks):
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
            self.expect_enum(state_type, ptr(path, "Type"), STATE_TYPES)
            return

        language, mixing_ok = self.state_language(state, path)
        self.fields(state, path, state_type, language, check_language=mixing_ok)
        if "QueryLanguage" in state:
            self.expect_enum(state["QueryLanguage"], ptr(path, "QueryLanguage"), (JSONPATH, JSONATA))
        if "Comment" in state:
            self.expect_type(state["Comment"], ptr(path, "Comment"), str)
        if state_type in ("Pass", "Task", "Wait", "Parallel", "Map"):
            self.next_or_end(state, path)
        if language == JSONPATH:
            self.jsonpath_io(state, path)
        else:
            _validate_jsonata_state(state, path, self)
        self.assign(state, path, language)
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
        own = JSONPATH_ONLY[state_type] if language == JSONPATH else JSONATA_ONLY[state_type]
        other = JSONATA_ONLY[state_type] if language == JSONPATH else JSONPATH_ONLY[state_type]
        allowed = set(COMMON_FIELDS) | set(TYPE_FIELDS[state_type]) | set(own)
        rank = {f: i for i, f in enumerate(FIELD_ORDER)}
        unknown = sorted((k for k in state if k not in allowed), key=lambda k: rank.get(k, len(rank)))
        for key in unknown:
            if key in other:
                if check_language:
                    self.wrong_language(path, language, key)
            else:
                self.error(path, f"Field '{key}' is not supported")

    def next_or_end(self, state: dict, path: str) -> None:
        has_next = "Next" in state
        end = state.get("End")
        if "End" in state and not isinstance(end, bool):
            self.error(ptr(path, "End"), "Expected value of type [BOOLEAN]")
        if has_next:
            self.expect_type(state["Next"], ptr(path, "Next"), str)
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
                self.templates(state[field], ptr(path, field))

    def state_pass(self, state: dict, path: str, language: str) -> None:
        pass  # Result is any JSON; Parameters and paths are checked in jsonpath_io

    def state_succeed(self, state: dict, path: str, language: str) -> None:
        pass

    def state_task(self, state: dict, path: str, language: str) -> None:
        if self.require(state, path, "Resource"):
            self.expect_type(state["Resource"], ptr(path, "Resource"), str)
            if isinstance(state["Resource"], str) and (problem := integration_problem(state["Resource"])):
                self.error(ptr(path, "Resource"), problem)
        timeout = state.get("TimeoutSeconds")
        heartbeat = state.get("HeartbeatSeconds")
        jsonata = language == JSONATA
        if "TimeoutSeconds" in state:
            self.expect_int(timeout, ptr(path, "TimeoutSeconds"), 1, MAX_INTEGER, expression_ok=jsonata)
        if "HeartbeatSeconds" in state:
            self.expect_int(heartbeat, ptr(path, "HeartbeatSeconds"), 1, MAX_INTEGER, expression_ok=jsonata)
            if is_int(timeout) and is_int(heartbeat) and heartbeat >= timeout:
                self.error(ptr(path, "HeartbeatSeconds"),
                           "The value for the field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'")
        self.exclusive(state, path, "TimeoutSeconds", "TimeoutSecondsPath")
        self.exclusive(state, path, "HeartbeatSeconds", "HeartbeatSecondsPath")
        self.expect_path(state, "TimeoutSecondsPath", path)
        self.expect_path(state, "HeartbeatSecondsPath", path)
        if "Credentials" in state and self.expect_type(state["Credentials"], ptr(path, "Credentials"), dict):
            credentials = state["Credentials"]
            if "RoleArn" not in credentials and "RoleArn.$" not in credentials:
                self.require(credentials, ptr(path, "Credentials"), "RoleArn")
            if language == JSONPATH:
                self.templates(credentials, ptr(path, "Credentials"))
        self.retry_catch(state, path, language)

    def state_wait(self, state: dict, path: str, language: str) -> None:
        fields = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
        present = [f for f in fields if f in state]
        if not present:
            self.error(path, "Exactly one of the following fields is required: [Seconds, Timestamp, "
                             "SecondsPath, TimestampPath]")
        elif len(present) > 1:
            self.error(ptr(path, present[1]), "Only one of the following fields can be set: [Seconds, "
                                              "Timestamp, SecondsPath, TimestampPath]")
        jsonata = language == JSONATA
        if "Seconds" in state:
            self.expect_int(state["Seconds"], ptr(path, "Seconds"), 0, MAX_INTEGER, expression_ok=jsonata)
        if "Timestamp" in state:
            value = state["Timestamp"]
            if not (jsonata and is_expression(value)):
                if not isinstance(value, str):
                    self.error(ptr(path, "Timestamp"), "Expected value of type [STRING]")
                elif not is_timestamp(value):
                    # AWS: recorded for CreateStateMachine with a missing T or Z, month 13, hour 25
                    # and a day-first date, in JSONPath and JSONata machines alike.
                    self.error(ptr(path, "Timestamp"), "String does not match RFC3339 timestamp")
        self.expect_path(state, "SecondsPath", path)
        self.expect_path(state, "TimestampPath", path)

    def state_fail(self, state: dict, path: str, language: str) -> None:
        self.exclusive(state, path, "Error", "ErrorPath")
        self.exclusive(state, path, "Cause", "CausePath")
        for field in ("Error", "Cause"):
            if field in state:
                self.expect_type(state[field], ptr(path, field), str)
        self.expect_path(state, "ErrorPath", path, intrinsic=True)
        self.expect_path(state, "CausePath", path, intrinsic=True)

    def state_parallel(self, state: dict, path: str, language: str) -> None:
        self.retry_catch(state, path, language)
        found = self.required_list(state, "Branches", path)
        if found is None:
            return
        branches, branches_path = found
        for i, branch in enumerate(branches):
            self.machine(branch, ptr(branches_path, i), "branch")

    def state_map(self, state: dict, path: str, language: str) -> None:
        self.retry_catch(state, path, language)
        jsonata = language == JSONATA
        if "ItemProcessor" in state and "Iterator" in state:
            self.error(path, "Only one of the following fields can be set: [ItemProcessor, Iterator]")
        elif "ItemProcessor" not in state and "Iterator" not in state:
            self.require(state, path, "ItemProcessor")
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                self.machine(state[field], ptr(path, field), "processor")
        if language == JSONPATH:
            self.expect_path(state, "ItemsPath", path)
            if "ItemSelector" in state:
                self.templates(state["ItemSelector"], ptr(path, "ItemSelector"))
        if "MaxConcurrency" in state:
            self.expect_int(state["MaxConcurrency"], ptr(path, "MaxConcurrency"), 0, expression_ok=jsonata)
        if "MaxConcurrency" in state and "MaxConcurrencyPath" in state:
            self.error(ptr(path, "MaxConcurrency"),
                       "Only one of the following fields can be set: [MaxConcurrency, MaxConcurrencyPath]")
        if "ToleratedFailureCount" in state:
            self.expect_int(state["ToleratedFailureCount"], ptr(path, "ToleratedFailureCount"), 0,
                            expression_ok=jsonata)
        if "ToleratedFailurePercentage" in state:
            self.expect_number(state["ToleratedFailurePercentage"], ptr(path, "ToleratedFailurePercentage"),
                               0, 100, expression_ok=jsonata)
        self.exclusive(state, path, "ToleratedFailureCount", "ToleratedFailureCountPath")
        self.exclusive(state, path, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath")
        for field in ("MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"):
            self.expect_path(state, field, path)
        for field in ("ItemReader", "ResultWriter", "ItemBatcher"):
            if field in state:
                self.expect_type(state[field], ptr(path, field), dict)
        if "Label" in state:
            self.label(state["Label"], ptr(path, "Label"))

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
        for ch in LABEL_INVALID:
            if ch in label:
                escaped = ch.encode("unicode-escape").decode()
                self.error(path, f"Label contains invalid character: '{escaped}'")
                return
