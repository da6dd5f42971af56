"""Checks of Retry and Catch ("Errors" in the ASL specification): retrier and catcher fields,
ErrorEquals, and States.ALL alone and last."""

from __future__ import annotations

from engine.validation.checks import Checks
from engine.validation.diagnostics import ptr
from engine.validation.fields import CATCHER_FIELDS, JSONATA, JSONPATH, MAX_DELAY_SECONDS, MAX_INTEGER, RETRIER_FIELDS


class RetryCatchChecks(Checks):
    def retry_catch(self, state: dict, path: str, language: str) -> None:
        for field in ("Retry", "Catch"):
            if field not in state:
                continue
            items = state[field]
            items_path = ptr(path, field)
            if not self.expect_type(items, items_path, list):
                continue
            for i, item in enumerate(items):
                item_path = ptr(items_path, i)
                if not self.expect_type(item, item_path, dict):
                    continue
                if field == "Retry":
                    self.retrier(item, item_path)
                else:
                    self.catcher(item, item_path, language)
                errors = item.get("ErrorEquals")
                if isinstance(errors, list) and "States.ALL" in errors and i != len(items) - 1:
                    kind = "retrier" if field == "Retry" else "catcher"
                    self.error(ptr(item_path, "ErrorEquals"), f"States.ALL must appear only in the last {kind}")

    def error_equals(self, item: dict, path: str) -> None:
        found = self.required_list(item, "ErrorEquals", path)
        if found is None:
            return
        errors, where = found
        for i, name in enumerate(errors):
            self.expect_type(name, ptr(where, i), str)
        if "States.ALL" in errors and len(errors) > 1:
            self.error(where, "States.ALL must appear alone in ErrorEquals")

    def retrier(self, retrier: dict, path: str) -> None:
        self.unsupported(retrier, path, RETRIER_FIELDS)
        self.error_equals(retrier, path)
        if "IntervalSeconds" in retrier:
            self.expect_int(retrier["IntervalSeconds"], ptr(path, "IntervalSeconds"), 1, MAX_INTEGER)
        if "MaxAttempts" in retrier:
            self.expect_int(retrier["MaxAttempts"], ptr(path, "MaxAttempts"), 0, MAX_INTEGER)
        if "BackoffRate" in retrier:
            self.expect_number(retrier["BackoffRate"], ptr(path, "BackoffRate"), 1.0)
        if "MaxDelaySeconds" in retrier:
            self.expect_int(retrier["MaxDelaySeconds"], ptr(path, "MaxDelaySeconds"), 1, MAX_DELAY_SECONDS)
        if "JitterStrategy" in retrier:
            self.expect_enum(retrier["JitterStrategy"], ptr(path, "JitterStrategy"), ("FULL", "NONE"))
        if "Comment" in retrier:
            self.expect_type(retrier["Comment"], ptr(path, "Comment"), str)

    def catcher(self, catcher: dict, path: str, language: str) -> None:
        allowed = CATCHER_FIELDS[language]
        other = CATCHER_FIELDS[JSONATA if language == JSONPATH else JSONPATH]
        for key in catcher:
            if key in allowed:
                continue
            if key in other:
                self.wrong_language(path, language, key)
            else:
                self.error(path, f"Field '{key}' is not supported")
        self.error_equals(catcher, path)
        if self.require(catcher, path, "Next"):
            self.expect_type(catcher["Next"], ptr(path, "Next"), str)
        if language == JSONPATH:
            self.expect_path(catcher, "ResultPath", path, context=False, variables=False, nullable=True)
        self.assign(catcher, path, language)
