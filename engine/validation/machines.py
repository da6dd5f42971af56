"""Checks of state machine objects (the top level, Parallel branches, Map processors): their
fields, StartAt, state names, and transitions - every target exists, every state is reachable,
the top level has a terminal state ("Transitions" in the ASL specification)."""

from __future__ import annotations

from typing import Any

from engine.validation.checks import Checks
from engine.validation.diagnostics import ptr
from engine.validation.fields import JSONATA, JSONPATH, MACHINE_FIELDS, MAX_INTEGER


class MachineChecks(Checks):
    def machine(self, obj: Any, path: str, kind: str) -> None:
        if not isinstance(obj, dict):
            self.error(path, "Expected value of type [OBJECT]")
            return
        self.unsupported(obj, path, MACHINE_FIELDS[kind])
        if kind == "top":
            self.top_fields(obj)
        elif kind == "processor" and "ProcessorConfig" in obj:
            self.processor_config(obj["ProcessorConfig"], ptr(path, "ProcessorConfig"))
        if "Comment" in obj:
            self.expect_type(obj["Comment"], ptr(path, "Comment"), str)
        self.require(obj, path, "StartAt", "States")
        start_at = obj.get("StartAt")
        if "StartAt" in obj:
            self.expect_type(start_at, ptr(path, "StartAt"), str)
        states = obj.get("States")
        if "States" in obj and not self.expect_type(states, ptr(path, "States"), dict):
            return
        if not isinstance(states, dict):
            return
        states_path = ptr(path, "States")
        for name in getattr(states, "duplicates", ()):
            self.error(ptr(states_path, name), f"Duplicate State name: {name}", "DUPLICATE_STATE_NAME")
        for name, state in states.items():
            self.state(name, state, ptr(states_path, name))
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
        self.unsupported(config, path, ("Mode", "ExecutionType"))
        if "Mode" in config:
            self.expect_enum(config["Mode"], ptr(path, "Mode"), ("INLINE", "DISTRIBUTED"))
        if "ExecutionType" in config:
            self.expect_enum(config["ExecutionType"], ptr(path, "ExecutionType"), ("STANDARD", "EXPRESS"))
        elif config.get("Mode") == "DISTRIBUTED":
            self.require(config, path, "ExecutionType")

    def transitions(self, obj: dict, path: str, states: dict, start_at: Any, *, top: bool) -> None:
        edges: dict[str, list[str]] = {}
        for name, state in states.items():
            targets: list[str] = []
            edges[name] = targets
            if not isinstance(state, dict):
                continue
            state_path = ptr(path, "States", name)
            found: list[tuple[str, Any]] = []
            if state.get("Type") == "Choice":
                rules = state.get("Choices")
                for i, rule in enumerate(rules if isinstance(rules, list) else ()):
                    if isinstance(rule, dict) and "Next" in rule:
                        found.append((ptr(state_path, "Choices", i, "Next"), rule["Next"]))
                if "Default" in state:
                    found.append((ptr(state_path, "Default"), state["Default"]))
            elif "Next" in state:
                found.append((ptr(state_path, "Next"), state["Next"]))
            catchers = state.get("Catch")
            if isinstance(catchers, list):
                for i, catcher in enumerate(catchers):
                    if isinstance(catcher, dict) and "Next" in catcher:
                        found.append((ptr(state_path, "Catch", i, "Next"), catcher["Next"]))
            for where, target in found:
                if not isinstance(target, str):
                    continue  # reported as a type error by the state's own checks
                if target in states:
                    targets.append(target)
                else:
                    self.error(where, f"Missing 'Next' target: {target}", "MISSING_TRANSITION_TARGET")

        start_known = isinstance(start_at, str) and start_at in states
        if isinstance(start_at, str) and not start_known:
            self.error(ptr(path, "StartAt"), f"Missing 'Next' target: {start_at}", "MISSING_TRANSITION_TARGET")

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
                self.error(ptr(path, "States", name), f'State "{name}" is not reachable.',
                           "MISSING_TRANSITION_TARGET")


def _is_terminal(state: Any) -> bool:
    return isinstance(state, dict) and (state.get("End") is True or state.get("Type") in ("Succeed", "Fail"))
