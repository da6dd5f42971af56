"""Progress points and exact checkpoints inside a top-level Map or Parallel.

A server persists, at any moment the interpreter awaits, the events emitted so far together with
`checkpoint()`; after a crash it resumes from that pair.  These tests take that pair at many
different await points ("the crash"), resume, and check the combined history: contiguous ids,
links to earlier events, every Map iteration started and closed exactly once, finished
iterations and branches never run again.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from engine.interpreter import Interpreter
from engine.ports import ListSink, VirtualClock
from engine.runner import HandlerInvoker
from tests.engine.helpers import machine

ITEMS = 600


async def _naps(x: int) -> int:
    for _ in range(x % 3 + 1):
        await asyncio.sleep(0)
    return x * 10


def _map_definition() -> dict:
    processor = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "Next": "P"},
                                            "P": {"Type": "Pass", "End": True}}}
    return machine(("Before", {"Type": "Pass"}),
                   ("M", {"Type": "Map", "MaxConcurrency": 5, "ItemProcessor": processor}),
                   ("After", {"Type": "Pass"}))


def _crash_at(definition: dict, input, handler, turns: int, **kwargs) -> tuple[dict, list[dict]]:
    """Run `turns` turns of the event loop, then take what a server would have stored."""
    sink = ListSink()
    interpreter = Interpreter(definition, input, invoker=HandlerInvoker({"fn": handler}), sink=sink,
                              clock=VirtualClock(), on_checkpoint=lambda cp: None, **kwargs)

    async def main():
        body = asyncio.ensure_future(interpreter.run())
        for _ in range(turns):
            await asyncio.sleep(0)
            if body.done():
                break
        stored = (json.loads(json.dumps(interpreter.checkpoint())), list(sink.events))
        body.cancel()  # SIGKILL: nothing after this point is stored
        await asyncio.gather(body, return_exceptions=True)
        return stored

    return asyncio.run(main())


def _resume(definition: dict, checkpoint: dict, handler) -> list[dict]:
    sink = ListSink()
    interpreter = Interpreter(definition, invoker=HandlerInvoker({"fn": handler}), sink=sink,
                              clock=VirtualClock(), checkpoint=checkpoint, on_checkpoint=lambda cp: None)
    result = asyncio.run(interpreter.run())
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    return sink.events


def _assert_intact(events: list[dict]) -> None:
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert all(0 <= e["previousEventId"] < e["id"] for e in events)


@pytest.mark.parametrize("turns", [3, 7, 12, 20, 33, 50, 80, 120, 200, 300])
def test_a_map_resumed_from_any_await_point_starts_and_closes_each_iteration_exactly_once(turns):
    definition = _map_definition()
    calls: list[int] = []

    async def fn(x):
        calls.append(x)
        return await _naps(x)

    checkpoint, stored = _crash_at(definition, list(range(ITEMS)), fn, turns, progress_interval=0)
    assert checkpoint["status"] == "RUNNING" and checkpoint["nested"] is not None
    finished_before = {e["mapIterationSucceededEventDetails"]["index"] for e in stored
                       if e["type"] == "MapIterationSucceeded"}
    calls.clear()
    events = stored + _resume(definition, checkpoint, fn)
    _assert_intact(events)
    kinds = Counter(e["type"] for e in events)
    assert kinds["ExecutionStarted"] == 1 and kinds["MapStateEntered"] == 1 and kinds["MapStateStarted"] == 1
    started = Counter(e["mapIterationStartedEventDetails"]["index"] for e in events
                      if e["type"] == "MapIterationStarted")
    succeeded = Counter(e["mapIterationSucceededEventDetails"]["index"] for e in events
                        if e["type"] == "MapIterationSucceeded")
    assert started == succeeded == Counter(range(ITEMS))
    assert not finished_before & set(calls)  # finished iterations never run again
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == [x * 10 for x in range(ITEMS)]


@pytest.mark.parametrize("turns", [2, 4, 6, 9])
def test_a_parallel_resumed_from_any_await_point_runs_only_unfinished_branches(turns):
    calls: list[int] = []

    async def fn(event):
        calls.append(event["b"])
        for _ in range(event["b"] + 1):
            await asyncio.sleep(0)
        return event["b"]

    branches = [machine(("T", {"Type": "Task", "Resource": "fn", "Parameters": {"b": i}}),
                        ("P", {"Type": "Pass"})) for i in range(4)]
    definition = machine(("Par", {"Type": "Parallel", "Branches": branches}))
    checkpoint, stored = _crash_at(definition, {}, fn, turns)
    done_before = set(checkpoint["nested"]["done"]) if checkpoint.get("nested") else set()
    calls.clear()
    events = stored + _resume(definition, checkpoint, fn)
    _assert_intact(events)
    kinds = Counter(e["type"] for e in events)
    assert kinds["ParallelStateStarted"] == 1 and kinds["ParallelStateSucceeded"] == 1
    assert not {int(b) for b in done_before} & set(calls)
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == [0, 1, 2, 3]


def test_progress_points_let_the_loop_run_while_a_synchronous_map_runs():
    definition = machine(("M", {"Type": "Map", "ItemProcessor": {
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}))
    sink = ListSink()
    seen: list[int] = []

    async def main(interval):
        interpreter = Interpreter(definition, list(range(3000)), sink=sink, clock=VirtualClock(),
                                  progress_interval=interval)
        body = asyncio.ensure_future(interpreter.run())
        while not body.done():
            seen.append(len(sink.events))
            await asyncio.sleep(0)
        return await body

    assert asyncio.run(main(None)).status == "SUCCEEDED"
    # Without: the loop sees the Map's start and then its end (the workers' tasks starting, ending).
    assert len({n for n in seen if 0 < n < len(sink.events)}) <= 2
    sink.events.clear()
    seen.clear()
    assert asyncio.run(main(0)).status == "SUCCEEDED"
    assert len({n for n in seen if 0 < n < len(sink.events)}) > 50  # with: it grew turn by turn
