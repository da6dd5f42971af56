"""Small builders shared by the engine tests."""

from __future__ import annotations

import json
from typing import Any

import engine
from engine.ports import VirtualClock


def machine(*states: tuple[str, dict], **top: Any) -> dict:
    """A definition whose states run in the order given (Next/End filled in when missing)."""
    body: dict[str, dict] = {}
    for i, (name, state) in enumerate(states):
        state = dict(state)
        if state["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in state and "End" not in state:
            if i + 1 < len(states):
                state["Next"] = states[i + 1][0]
            else:
                state["End"] = True
        body[name] = state
    return {"StartAt": states[0][0], "States": body, **top}


def execute(definition: dict, input: Any = None, **kwargs: Any) -> engine.ExecutionResult:
    kwargs.setdefault("clock", VirtualClock())
    if input is None and "input_text" not in kwargs:
        input = {}
    return engine.run(definition, input, **kwargs)


def output(result: engine.ExecutionResult) -> Any:
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    return json.loads(result.output)


def types(result: engine.ExecutionResult) -> list[str]:
    return [e["type"] for e in result.history]


def links(result: engine.ExecutionResult) -> list[tuple[int, int, str]]:
    return [(e["id"], e["previousEventId"], e["type"]) for e in result.history]
