"""Exact resume inside Parallel and Map states nested at any depth, in both query languages.

A server stores, at any point where the interpreter awaits, the events emitted so far together
with `checkpoint()`.  These tests take that pair after many different numbers of event-loop
turns ("the crash"), resume from it, and check that the stored events plus the resumed ones are
exactly the history of a run that was never interrupted: the same events, ids, links and
details (timestamps aside).  Nothing is recorded twice: no Entered, MapStateStarted,
ParallelStateStarted or MapIterationStarted event of a state or iteration that had begun.

Where two branches do work at the same time, the order in which they take turns after a resume
may differ from the uninterrupted run's (both are valid histories); there the test checks that
the same events happened, each exactly once, with contiguous ids.  Where the turns are decided
by the definition (one branch waits while the other works), the histories must be equal.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import pytest

from engine.interpreter import Interpreter
from engine.ports import ListSink, VirtualClock
from tests.engine.helpers import machine


def _jsonpath_definition(busy_sibling: bool = True) -> dict:
    inner = {"StartAt": "Double", "States": {
        "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.v, $.v)"}, "Next": "Tag"},
        "Tag": {"Type": "Pass", "Parameters": {"v.$": "$.v", "who.$": "$who"}, "End": True}}}
    branch = lambda k: machine(  # noqa: E731
        ("Name", {"Type": "Pass", "Assign": {"who": f"branch{k}"}}),
        ("Split", {"Type": "Map", "ItemsPath": "$.values", "MaxConcurrency": 1,
                   "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "ItemProcessor": inner}),
        ("Sum", {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($)", "who.$": "$who"}}))
    sibling = branch(1) if busy_sibling else machine(("Nap", {"Type": "Wait", "Seconds": 10}),
                                                     ("Woke", {"Type": "Pass", "Result": {"n": 0}}))
    iteration = machine(("Fan", {"Type": "Parallel", "Branches": [branch(0), sibling]}),
                        ("Join", {"Type": "Pass", "Parameters": {"both.$": "$"}}))
    return machine(("Start", {"Type": "Pass"}),
                   ("Outer", {"Type": "Map", "MaxConcurrency": 1, "ItemsPath": "$.groups",
                              "ItemProcessor": iteration}),
                   ("End", {"Type": "Pass"}))


def _jsonata_definition(busy_sibling: bool = True) -> dict:
    inner = {"StartAt": "Double", "States": {
        "Double": {"Type": "Pass", "Output": {"v": "{% $states.input.v * 2 %}"}, "Next": "Tag"},
        "Tag": {"Type": "Pass", "Output": {"v": "{% $states.input.v %}", "who": "{% $who %}"}, "End": True}}}
    branch = lambda k: machine(  # noqa: E731
        ("Name", {"Type": "Pass", "Assign": {"who": f"branch{k}"}}),
        ("Split", {"Type": "Map", "Items": "{% $states.input.values %}", "MaxConcurrency": 1,
                   "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}"}, "ItemProcessor": inner}),
        ("Sum", {"Type": "Pass", "Output": {"n": "{% $count($states.input) %}", "who": "{% $who %}"}}))
    sibling = branch(1) if busy_sibling else machine(("Nap", {"Type": "Wait", "Seconds": 10}),
                                                     ("Woke", {"Type": "Pass", "Output": {"n": 0}}))
    iteration = machine(("Fan", {"Type": "Parallel", "Branches": [branch(0), sibling]}),
                        ("Join", {"Type": "Pass", "Output": {"both": "{% $states.input %}"}}))
    return machine(("Start", {"Type": "Pass"}),
                   ("Outer", {"Type": "Map", "MaxConcurrency": 1, "Items": "{% $states.input.groups %}",
                              "ItemProcessor": iteration}),
                   ("End", {"Type": "Pass"}), QueryLanguage="JSONata")


INPUT = {"groups": [{"values": [1, 2, 3]}, {"values": [4]}, {"values": [5, 6]}]}
DEFINITIONS = {"JSONPath": _jsonpath_definition, "JSONata": _jsonata_definition}


def _comparable(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "timestamp"} for e in events]


def _run(definition: dict, *, checkpoint: dict | None = None, turns: int | None = None):
    """Run (or resume); with `turns`, stop after that many loop turns and return what a
    server would have stored: (checkpoint, events)."""
    sink = ListSink()
    interpreter = Interpreter(definition, None if checkpoint else INPUT, sink=sink, clock=VirtualClock(),
                              checkpoint=checkpoint, on_checkpoint=lambda cp: None, progress_interval=0,
                              name="exec")

    async def main():
        body = asyncio.ensure_future(interpreter.run())
        if turns is None:
            return await body
        for _ in range(turns):
            await asyncio.sleep(0)
            if body.done():
                break
        stored = (json.loads(json.dumps(interpreter.checkpoint())), list(sink.events))
        body.cancel()  # the crash: nothing after this point is stored
        await asyncio.gather(body, return_exceptions=True)
        return stored

    return asyncio.run(main()), sink.events


def _crash_and_resume(definition: dict):
    """(turns, stored + resumed events, resumed result) for every crash point inside the run."""
    for turns in range(1, 400):
        (checkpoint, stored), _ = _run(definition, turns=turns)
        if checkpoint["status"] != "RUNNING":
            return
        resumed, events = _run(definition, checkpoint=checkpoint)
        assert resumed.status == "SUCCEEDED", (turns, resumed.error, resumed.cause)
        yield turns, checkpoint, stored + events, resumed


@pytest.mark.parametrize("language", DEFINITIONS)
def test_resuming_at_any_await_point_at_any_depth_gives_the_uninterrupted_history(language):
    definition = DEFINITIONS[language](busy_sibling=False)
    result, full = _run(definition)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    output = json.loads(result.output)
    assert output[0]["both"] == [{"n": 3, "who": "branch0"}, {"n": 0}]
    crashes_inside = 0
    for turns, checkpoint, events, resumed in _crash_and_resume(definition):
        crashes_inside += checkpoint.get("nested") is not None
        assert json.loads(resumed.output) == output
        assert _comparable(events) == _comparable(full), f"crash after {turns} turns"
    assert crashes_inside > 20


@pytest.mark.parametrize("language", DEFINITIONS)
def test_resuming_busy_concurrent_branches_at_any_depth_records_each_event_once(language):
    definition = DEFINITIONS[language]()
    result, full = _run(definition)
    output = json.loads(result.output)
    assert output[0]["both"] == [{"n": 3, "who": "branch0"}, {"n": 3, "who": "branch1"}]
    expected = sorted(json.dumps({k: v for k, v in e.items() if k not in ("timestamp", "id", "previousEventId")},
                                 sort_keys=True) for e in full)
    crashes = 0
    for turns, _, events, resumed in _crash_and_resume(definition):
        crashes += 1
        assert json.loads(resumed.output) == output
        assert [e["id"] for e in events] == list(range(1, len(events) + 1))
        assert all(0 <= e["previousEventId"] < e["id"] for e in events)
        got = sorted(json.dumps({k: v for k, v in e.items() if k not in ("timestamp", "id", "previousEventId")},
                                sort_keys=True) for e in events)
        assert got == expected, f"crash after {turns} turns"
    assert crashes > 20


@pytest.mark.parametrize("language", DEFINITIONS)
def test_a_map_resumed_from_its_checkpoint_records_map_state_started_once(language):
    definition = DEFINITIONS[language]()
    (checkpoint, stored), _ = _run(definition, turns=20)
    assert checkpoint["nested"]["state"] == "Outer"
    _, events = _run(definition, checkpoint=checkpoint)
    started = [e for e in stored + events if e["type"] == "MapStateStarted"]
    entered = [e for e in stored + events if e["type"] == "MapStateEntered"]
    assert len(started) == len(entered)


def test_a_wait_inside_a_map_resumed_after_a_crash_waits_only_what_is_left():
    definition = machine(("Each", {"Type": "Map", "ItemProcessor": machine(
        ("Nap", {"Type": "Wait", "Seconds": 100}), ("Up", {"Type": "Pass"}))}))
    sink = ListSink()
    interpreter = Interpreter(definition, [1], sink=sink, clock=VirtualClock(), on_checkpoint=lambda cp: None)

    async def crash():
        body = asyncio.ensure_future(interpreter.run())
        for _ in range(5):
            await asyncio.sleep(0)
        checkpoint = json.loads(json.dumps(interpreter.checkpoint()))
        body.cancel()
        await asyncio.gather(body, return_exceptions=True)
        return checkpoint

    checkpoint = asyncio.run(crash())
    position = checkpoint["nested"]["running"]["0"]
    assert position["state"] == "Nap" and position["entered"]
    entered = datetime.fromisoformat(position["entered_time"])
    clock = VirtualClock(entered + timedelta(seconds=60))
    resumed = asyncio.run(Interpreter(definition, clock=clock, checkpoint=checkpoint).run())
    assert resumed.status == "SUCCEEDED"
    assert [e["type"] for e in resumed.history][:2] == ["WaitStateExited", "PassStateEntered"]
    assert clock.now() - entered == timedelta(seconds=100)
