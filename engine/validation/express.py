"""What an EXPRESS state machine may not contain, checked at CreateStateMachine,
UpdateStateMachine and ValidateStateMachineDefinition.

Express workflows only support the Request Response integration pattern: no Run a Job
(`.sync`, `.sync:2`), no Wait for Callback (`.waitForTaskToken`) and no activities
(https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html and
https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html). The check walks
every Task, nested Parallel branches and Map processors included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.validation.diagnostics import Diagnostic, ptr

EXPRESS = "EXPRESS"
_ACTIVITY = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:activity:")
_PATTERN = re.compile(r"\.(sync|waitForTaskToken)(:\d+)?$")


def _tasks(states: object, path: str) -> Iterator[tuple[str, dict]]:
    """(JSON pointer, state) for every Task under a `States` object, at any nesting depth."""
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = ptr(path, "States", name)
        if state.get("Type") == "Task":
            yield here, state
        for index, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                yield from _tasks(branch.get("States"), ptr(here, "Branches", index))
        for key in ("ItemProcessor", "Iterator"):
            processor = state.get(key)
            if isinstance(processor, dict):
                yield from _tasks(processor.get("States"), ptr(here, key))


def express_diagnostics(definition: object) -> list[Diagnostic]:
    """The integration patterns and activities an EXPRESS machine's definition may not use."""
    if not isinstance(definition, dict):
        return []
    found = []
    for path, state in _tasks(definition.get("States"), ""):
        resource = state.get("Resource")
        if not isinstance(resource, str):
            continue
        where = ptr(path, "Resource")
        if _ACTIVITY.match(resource):
            found.append(Diagnostic(where, "SCHEMA_VALIDATION_FAILED",
                                    "Express state machine does not support Activity ARN"))
            continue
        pattern = _PATTERN.search(resource)
        if pattern is not None and resource.startswith("arn:") and ":states:::" in resource:
            found.append(Diagnostic(
                where, "SCHEMA_VALIDATION_FAILED",
                f"Express state machine does not support '.{pattern.group(1)}' service integration"))
    return found
