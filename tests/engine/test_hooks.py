"""Hook points before and after each state (engine.hooks): pausing, editing, coverage, run-from."""

from __future__ import annotations

import asyncio
import json

import engine
from engine.hooks import Directive, Hooks
from engine.interpreter import Interpreter
from engine.ports import VirtualClock
from engine.runner import HandlerInvoker
from tests.engine.helpers import execute, machine, output


class Recorder(Hooks):
    """Records every point and report; pauses before the states named in `pause_at`."""

    def __init__(self, pause_at: tuple = (), edit: dict | None = None):
        self.points, self.reports, self.pause_at, self.edit = [], [], set(pause_at), edit or {}

    async def before(self, point):
        self.points.append(point)
        if point.resumed:
            return Directive(input=self.edit.get(point.name, point.input))
        if (point.name, point.path) in self.pause_at or point.name in self.pause_at:
            return Directive(pause=True)
        return None

    def after(self, report):
        self.reports.append(report)


def _run(definition, input=None, hooks=None, **kwargs):
    interpreter = Interpreter(definition, input, clock=VirtualClock(), hooks=hooks, **kwargs)
    return asyncio.run(interpreter.run())


NESTED = machine(
    ("Fan", {"Type": "Parallel", "Branches": [
        machine(("Each", {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": machine(
            ("Inc", {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, 1)"}}))})),
        machine(("Set", {"Type": "Pass", "Assign": {"seen": True}}),
                ("Read", {"Type": "Pass", "Parameters": {"seen.$": "$seen"}})),
    ]}),
)


def test_the_before_hook_sees_every_state_with_its_path_input_and_variables():
    hooks = Recorder()
    result = _run(NESTED, {"items": [1, 2]}, hooks)
    assert result.status == "SUCCEEDED"
    seen = {(p.name, p.path) for p in hooks.points}
    assert seen == {("Fan", ()), ("Each", ("Fan", 0)), ("Inc", ("Fan", 0, "Each", 0)),
                    ("Inc", ("Fan", 0, "Each", 1)), ("Set", ("Fan", 1)), ("Read", ("Fan", 1))}
    inc = next(p for p in hooks.points if p.path == ("Fan", 0, "Each", 1))
    assert inc.input == 2
    read = next(p for p in hooks.points if p.name == "Read")
    assert read.variables == {"seen": True}


def test_the_after_hook_reports_choice_rules_retries_and_catchers():
    calls = []

    def flaky(event):
        calls.append(event)
        if len(calls) < 3:
            raise RuntimeError("again")
        raise ValueError("give up")

    definition = machine(
        ("Pick", {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericEquals": 1, "Next": "One"},
            {"Variable": "$.n", "NumericEquals": 2, "Next": "Work"}], "Default": "One"}),
        ("One", {"Type": "Pass", "End": True}),
        ("Work", {"Type": "Task", "Resource": "fn", "Retry": [
            {"ErrorEquals": ["ValueError"], "MaxAttempts": 1},
            {"ErrorEquals": ["RuntimeError"], "MaxAttempts": 5, "IntervalSeconds": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "One"}], "End": True}),
    )
    hooks = Recorder()
    _run(definition, {"n": 2}, hooks, invoker=HandlerInvoker({"fn": flaky}))
    pick, work = hooks.reports[0], hooks.reports[1]
    assert (pick.name, pick.choice_rule, pick.next) == ("Pick", 1, "Work")
    assert (work.status, work.retries, work.catcher, work.next) == ("CAUGHT", [1, 1, 0], 0, "One")
    hooks = Recorder()
    _run(definition, {"n": 9}, hooks)
    assert hooks.reports[0].choice_rule == "Default"


def test_pausing_before_a_state_stores_a_checkpoint_and_resuming_runs_it_with_the_edited_input():
    definition = machine(("A", {"Type": "Pass", "Result": {"x": 1}}),
                         ("B", {"Type": "Pass", "Parameters": {"y.$": "$.x"}}))
    paused = _run(definition, {}, Recorder(pause_at={"B"}))
    assert paused.status == "PAUSED"
    checkpoint = json.loads(json.dumps(paused.checkpoint))
    assert (checkpoint["status"], checkpoint["state"], checkpoint["paused"]) == (
        "RUNNING", "B", {"state": "B", "path": []})
    assert [e["type"] for e in paused.history][-1] == "PassStateExited"
    resumed = _run(definition, hooks=Recorder(edit={"B": {"x": 42}}), checkpoint=checkpoint)
    assert output(resumed) == {"y": 42}
    assert resumed.history[0]["type"] == "PassStateEntered"
    assert resumed.history[0]["id"] == paused.history[-1]["id"] + 1


def test_pausing_inside_a_map_iteration_resumes_only_that_iteration_there():
    definition = machine(("Each", {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": machine(
        ("First", {"Type": "Pass"}), ("Second", {"Type": "Pass", "Parameters": {"v.$": "$"}}))}))
    hooks = Recorder(pause_at={("Second", ("Each", 1))})
    paused = _run(definition, [10, 20, 30], hooks)
    assert paused.status == "PAUSED"
    assert paused.checkpoint["paused"] == {"state": "Second", "path": ["Each", 1]}
    full = execute(definition, [10, 20, 30])
    resumed = _run(definition, hooks=Recorder(), checkpoint=json.loads(json.dumps(paused.checkpoint)))
    assert output(resumed) == [{"v": 10}, {"v": 20}, {"v": 30}]
    combined = paused.history + resumed.history
    assert [(e["type"], e["previousEventId"]) for e in combined] == \
        [(e["type"], e["previousEventId"]) for e in full.history]


def test_an_execution_can_start_at_any_top_level_state_with_input_and_variables():
    definition = machine(("A", {"Type": "Fail", "Error": "NotHere"}),
                         ("B", {"Type": "Pass", "Parameters": {"got.$": "$.v", "who.$": "$who"}}))
    result = engine.run(definition, {"v": 7}, start_at="B", variables={"who": "me"}, clock=VirtualClock())
    assert output(result) == {"got": 7, "who": "me"}
    assert [e["type"] for e in result.history] == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                                                   "ExecutionSucceeded"]
