"""Evaluation budgets: a runaway JSONata expression fails its state (catchably), never stalls the
other executions on the loop, and stops when its execution is stopped or times out."""

from __future__ import annotations

import asyncio
import threading

import pytest

import engine
from engine import evaluation_budget
from engine.interpreter import Interpreter
from engine.ports import Cancellation

FOREVER = "{% ($f := function($n){ $f($n + 1) }; $f(0)) %}"


def jsonata(*states: tuple[str, dict], **top) -> dict:
    body = {}
    for i, (name, state) in enumerate(states):
        state = dict(state)
        if state["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in state and "End" not in state:
            state.update({"Next": states[i + 1][0]} if i + 1 < len(states) else {"End": True})
        body[name] = state
    return {"QueryLanguage": "JSONata", "StartAt": states[0][0], "States": body, **top}


@pytest.fixture
def small_budget():
    before = evaluation_budget.limits()
    evaluation_budget.configure(seconds=3.0, inline_seconds=0.5)
    yield evaluation_budget.limits()
    evaluation_budget.configure(**before.__dict__)


def _evaluation_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("statecraft-eval") and _busy(t))


def _busy(thread: threading.Thread) -> bool:
    frame = __import__("sys")._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == "work" and "evaluation_budget" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


async def _until(predicate, limit: float = 10.0) -> bool:
    """Poll `predicate` (a bound for a hang, not a timing assertion)."""
    for _ in range(int(limit / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


def test_a_huge_range_fails_the_state_with_a_catchable_query_evaluation_error():
    definition = jsonata(
        ("Try", {"Type": "Parallel",
                 "Branches": [jsonata(("Sum", {"Type": "Pass", "Output": "{% $sum([1..10000000]) %}"}))],
                 "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Handled",
                            "Output": "{% $states.errorOutput %}"}]}),
        ("Handled", {"Type": "Pass"}),
    )
    result = engine.run(definition, {})
    assert result.status == "SUCCEEDED"
    assert '"Error":"States.QueryEvaluationError"' in result.output
    assert "D2014" in result.output


def test_an_endless_expression_fails_when_its_time_budget_is_spent(small_budget):
    result = engine.run(jsonata(("Loop", {"Type": "Pass", "Output": FOREVER})), {})
    assert result.status == "FAILED"
    assert result.error == "States.QueryEvaluationError"
    assert "D1012" in result.cause


def test_a_string_that_doubles_itself_hits_the_memory_budget():
    doubling = "{% ($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f('x', 40)) %}"
    result = engine.run(jsonata(("Grow", {"Type": "Pass", "Output": doubling})), {})
    assert result.error == "States.QueryEvaluationError" and "D2014" in result.cause


def test_intrinsic_results_are_bounded_too():
    before = evaluation_budget.limits()
    evaluation_budget.configure(items=10)
    try:
        definition = {"StartAt": "P", "States": {"P": {
            "Type": "Pass", "Parameters": {"r.$": "States.ArrayRange(1, 100, 1)"}, "End": True}}}
        result = engine.run(definition, {})
    finally:
        evaluation_budget.configure(**before.__dict__)
    assert result.status == "FAILED" and result.error == "States.Runtime"
    assert "evaluation budget" in result.cause


async def test_a_runaway_evaluation_does_not_stall_other_executions(small_budget):
    runaway = Interpreter(jsonata(("Loop", {"Type": "Pass", "Output": FOREVER})), {})
    quick = Interpreter(jsonata(("Wait", {"Type": "Wait", "Seconds": 0}), ("Done", {"Type": "Pass", "Output": 42})), {})
    finished: list[str] = []

    async def run(name, interpreter):
        result = await interpreter.run()
        finished.append(name)
        return result

    slow_task = asyncio.create_task(run("runaway", runaway))
    await asyncio.sleep(0.2)  # the runaway is evaluating now
    quick_result = await run("quick", quick)
    assert quick_result.status == "SUCCEEDED" and quick_result.output == "42"
    assert finished == ["quick"], "the quick execution finished while the runaway still evaluated"
    slow_result = await slow_task
    assert slow_result.error == "States.QueryEvaluationError"


async def test_stop_ends_an_evaluation_in_progress():
    before = evaluation_budget.limits()
    evaluation_budget.configure(seconds=60.0)
    try:
        cancellation = Cancellation()
        interpreter = Interpreter(jsonata(("Loop", {"Type": "Pass", "Output": FOREVER})), {},
                                  cancellation=cancellation)
        task = asyncio.create_task(interpreter.run())
        assert await _until(lambda: _evaluation_threads() == 1)
        # What StopExecution does in the runtime: flag the cancellation and cancel the run.
        cancellation.cancel("Stopped", "by the test")
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        assert await _until(lambda: _evaluation_threads() == 0), "the evaluation went on after the stop"
    finally:
        evaluation_budget.configure(**before.__dict__)


async def test_the_machine_timeout_ends_an_evaluation_in_progress():
    before = evaluation_budget.limits()
    evaluation_budget.configure(seconds=60.0)
    try:
        definition = jsonata(("Loop", {"Type": "Pass", "Output": FOREVER}), TimeoutSeconds=1)
        result = await Interpreter(definition, {}).run()
        assert result.status == "TIMED_OUT"
        assert await _until(lambda: _evaluation_threads() == 0), "the evaluation went on after the timeout"
    finally:
        evaluation_budget.configure(**before.__dict__)
