"""The interpreter underneath engine.run: ports, checkpoints and resume, stopping, the
machine-level timeout and the history limit."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

import engine
from engine.interpreter import Interpreter
from engine.ports import Cancellation, ListSink, VirtualClock
from engine.runner import HandlerInvoker
from tests.engine.helpers import execute, machine, output, types


def _three_steps():
    return machine(
        ("A", {"Type": "Pass", "Result": 1, "ResultPath": "$.a"}),
        ("B", {"Type": "Task", "Resource": "fn", "ResultPath": "$.b"}),
        ("C", {"Type": "Pass", "Result": 3, "ResultPath": "$.c"}),
    )


def test_the_sink_receives_every_event_as_it_happens():
    sink = ListSink()
    result = execute(_three_steps(), handlers={"fn": lambda e: 2}, sink=sink)
    assert sink.events == result.history
    assert [e["id"] for e in sink.events] == list(range(1, len(sink.events) + 1))
    assert all(e["timestamp"].tzinfo is not None for e in sink.events)


def test_checkpoints_are_json_serialisable_and_mark_each_top_level_step():
    checkpoints = []
    execute(_three_steps(), {"x": 0}, handlers={"fn": lambda e: 2}, on_checkpoint=checkpoints.append)
    assert [cp["state"] for cp in checkpoints] == ["A", "B", "C", None]
    assert checkpoints[-1]["status"] == "SUCCEEDED"
    for cp in checkpoints:
        assert json.loads(json.dumps(cp)) == cp


def test_resume_from_a_checkpoint_continues_without_rerunning_finished_states():
    checkpoints, first_events = [], ListSink()
    calls = []

    def fn(event):
        calls.append(event)
        return 2

    execute(_three_steps(), {"x": 0}, handlers={"fn": fn}, on_checkpoint=checkpoints.append, sink=first_events)
    before_b = json.loads(json.dumps(checkpoints[1]))
    assert before_b["state"] == "B"
    kept = [e for e in first_events.events if e["id"] <= before_b["last_event_id"]]

    calls.clear()
    resumed = engine.run(_three_steps(), handlers={"fn": fn}, checkpoint=before_b, clock=VirtualClock())
    assert json.loads(resumed.output) == {"x": 0, "a": 1, "b": 2, "c": 3}
    assert calls == [{"x": 0, "a": 1}]
    assert resumed.history[0]["id"] == before_b["last_event_id"] + 1
    assert resumed.history[0]["type"] == "TaskStateEntered"
    assert resumed.history[0]["previousEventId"] == kept[-1]["id"]
    combined = [e["type"] for e in kept + resumed.history]
    assert combined == [e["type"] for e in first_events.events]
    assert resumed.name == checkpoints[0]["execution"]["name"]


def test_cancellation_aborts_a_waiting_execution():
    cancellation = Cancellation()

    class StopWhenWaiting:
        def emit(self, event):
            if event["type"] == "WaitStateEntered":
                cancellation.cancel(error="Stopped", cause="by the user")

    definition = machine(("W", {"Type": "Wait", "Seconds": 60}), ("After", {"Type": "Pass"}))
    result = execute(definition, cancellation=cancellation, sink=StopWhenWaiting())
    assert (result.status, result.error, result.cause) == ("ABORTED", "Stopped", "by the user")
    assert types(result) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    assert result.history[-1]["previousEventId"] == 0


def test_machine_timeout_times_the_execution_out():
    definition = machine(("W", {"Type": "Wait", "Seconds": 60}), TimeoutSeconds=5)
    result = execute(definition)
    assert (result.status, result.error) == ("TIMED_OUT", "States.Timeout")
    assert types(result) == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]


def test_machine_timeout_does_not_fire_when_the_execution_finishes_in_time():
    definition = machine(("W", {"Type": "Wait", "Seconds": 1}), TimeoutSeconds=5)
    assert execute(definition).status == "SUCCEEDED"


def test_history_limit_fails_the_execution():
    states = [(f"S{i}", {"Type": "Pass"}) for i in range(20)]
    result = execute(machine(*states), history_limit=10)
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert len(result.history) == 10
    assert result.history[-1]["type"] == "ExecutionFailed"


def test_keep_history_false_keeps_no_events_but_still_returns_the_output():
    result = execute(machine(("A", {"Type": "Pass"})), {"a": 1}, keep_history=False)
    assert result.history == [] and output(result) == {"a": 1}


def test_interpreter_runs_inside_an_existing_event_loop():
    async def main():
        interpreter = Interpreter(_three_steps(), {"x": 0}, invoker=HandlerInvoker({"fn": lambda e: 2}),
                                  clock=VirtualClock(), name="inside")
        return await interpreter.run()

    result = asyncio.run(main())
    assert result.status == "SUCCEEDED" and result.name == "inside"
    assert result.execution_arn.endswith(":execution:StateMachine:inside")


def test_run_accepts_definition_as_json_text():
    text = json.dumps(machine(("A", {"Type": "Pass", "Result": "ok"})))
    assert output(engine.run(text, {})) == "ok"


@pytest.mark.parametrize("module", ["engine", "engine.interpreter", "engine.ports"])
def test_public_names_are_importable(module):
    imported = __import__(module, fromlist=["*"])
    assert imported is not None
    assert hasattr(engine, "run") and hasattr(engine, "ExecutionResult") and hasattr(engine, "validate")


def _crash_after(n_done: int, definition: dict, input, handlers: dict):
    """Run until `n_done` branches/iterations of the top-level state finished; return the last
    checkpoint and the events persisted with it, as a server would have them after a crash."""
    saved = []
    sink = ListSink()

    class Crash(BaseException):
        pass

    def on_checkpoint(cp):
        nested = cp.get("nested")
        if nested and len(nested["done"]) == n_done:
            saved.append(json.loads(json.dumps(cp)))
            raise Crash()

    try:
        execute(definition, input, on_checkpoint=on_checkpoint, sink=sink, handlers=handlers)
    except Crash:
        pass
    checkpoint = saved[-1]
    events = [e for e in sink.events if e["id"] <= checkpoint["last_event_id"]]
    return checkpoint, events


def test_resume_inside_a_map_runs_only_the_iterations_that_had_not_finished():
    seen = []

    def fn(event):
        seen.append(event)
        return event * 10

    processor = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": True}}}
    definition = machine(("M", {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": processor}),
                         ("After", {"Type": "Pass"}))
    checkpoint, kept = _crash_after(2, definition, [1, 2, 3, 4], {"fn": fn})
    seen.clear()
    resumed = engine.run(definition, handlers={"fn": fn}, checkpoint=checkpoint, clock=VirtualClock())
    assert json.loads(resumed.output) == [10, 20, 30, 40]
    assert seen == [3, 4]
    full = execute(definition, [1, 2, 3, 4], handlers={"fn": fn})
    combined = kept + resumed.history
    assert [e["id"] for e in combined] == list(range(1, len(combined) + 1))
    assert [(e["type"], e["previousEventId"]) for e in combined] == \
        [(e["type"], e["previousEventId"]) for e in full.history]


def test_resume_inside_a_parallel_runs_only_the_branches_that_had_not_finished():
    seen = []

    def fn(event):
        seen.append(event["b"])
        return event["b"]

    branches = [machine(("T", {"Type": "Task", "Resource": "fn", "Parameters": {"b": i}})) for i in range(3)]
    definition = machine(("P", {"Type": "Parallel", "Branches": branches}))
    checkpoint, kept = _crash_after(1, definition, {}, {"fn": fn})
    seen.clear()
    resumed = engine.run(definition, handlers={"fn": fn}, checkpoint=checkpoint, clock=VirtualClock())
    assert json.loads(resumed.output) == [0, 1, 2]
    assert sorted(seen) == [1, 2]
    assert "ParallelStateStarted" not in [e["type"] for e in resumed.history]
    assert resumed.history[0]["id"] == kept[-1]["id"] + 1


def test_a_big_top_level_map_saves_progress_a_bounded_number_of_times():
    checkpoints = []
    definition = machine(("M", {"Type": "Map", "ItemProcessor": {
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}))
    result = execute(definition, list(range(2000)), on_checkpoint=checkpoints.append)
    assert result.status == "SUCCEEDED"
    nested = [cp["nested"] for cp in checkpoints if cp.get("nested")]
    assert 20 < len(nested) < 200
    assert len(nested[-1]["done"]) == 2000
    sizes = [len(n["done"]) for n in nested]
    assert sizes == sorted(sizes)


def test_redrive_restarts_a_failed_execution_at_the_state_that_failed():
    checkpoints = []
    attempts = []

    def flaky(event):
        attempts.append(event)
        if len(attempts) == 1:
            raise RuntimeError("first time fails")
        return {"redrives": event["redrives"]}

    definition = machine(
        ("A", {"Type": "Pass", "Result": 1, "ResultPath": "$.a"}),
        ("B", {"Type": "Task", "Resource": "fn", "Parameters": {"redrives.$": "$$.Execution.RedriveCount"},
               "ResultPath": "$.b"}),
    )
    failed = execute(definition, {}, handlers={"fn": flaky}, on_checkpoint=checkpoints.append)
    assert failed.status == "FAILED"
    final = json.loads(json.dumps(checkpoints[-1]))
    assert (final["status"], final["state"]) == ("FAILED", "B")

    redriven = engine.run(definition, handlers={"fn": flaky}, checkpoint=final, redrive=True, clock=VirtualClock())
    assert json.loads(redriven.output) == {"a": 1, "b": {"redrives": 1}}
    assert redriven.history[0]["type"] == "ExecutionRedriven"
    assert redriven.history[0]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert redriven.history[0]["id"] == len(failed.history) + 1
    assert redriven.history[1]["type"] == "TaskStateEntered"


def test_only_a_finished_unsuccessful_execution_can_be_redriven():
    checkpoints = []
    execute(machine(("A", {"Type": "Pass"})), on_checkpoint=checkpoints.append)
    with pytest.raises(ValueError):
        engine.run(machine(("A", {"Type": "Pass"})), checkpoint=checkpoints[-1], redrive=True)


def test_an_invoker_failure_that_is_not_a_states_error_fails_the_task():
    class BrokenInvoker:
        async def invoke(self, request):
            raise ConnectionError("socket closed")

    result = execute(machine(("T", {"Type": "Task", "Resource": "fn"})), invoker=BrokenInvoker())
    assert (result.status, result.error, result.cause) == ("FAILED", "ConnectionError", "socket closed")


def test_an_internal_fault_fails_the_execution_instead_of_escaping():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}
    result = execute(definition)
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.history[-1]["type"] == "ExecutionFailed"


def test_the_server_can_pass_its_own_arns():
    arn = "arn:aws:states:eu-west-1:000000000000:stateMachine:Orders:3"
    definition = machine(("A", {"Type": "Pass", "Parameters": {"m.$": "$$.StateMachine.Id", "e.$": "$$.Execution.Id"}}))
    result = execute(definition, state_machine_arn=arn, execution_arn="arn:x:execution:Orders:run-1")
    assert output(result) == {"m": arn, "e": "arn:x:execution:Orders:run-1"}
    assert result.state_machine_arn == arn


def test_stopping_an_execution_interrupts_a_running_task():
    cancellation = Cancellation()
    clock = VirtualClock()

    async def slow(event):
        await clock.sleep(3600)
        return "never"

    class StopWhenStarted:
        def emit(self, event):
            if event["type"] == "LambdaFunctionStarted":
                cancellation.cancel(error="Stop", cause="now")

    definition = machine(("T", {"Type": "Task", "Resource": "fn"}))
    result = execute(definition, handlers={"fn": slow}, clock=clock, cancellation=cancellation,
                     sink=StopWhenStarted())
    assert result.status == "ABORTED"
    assert types(result)[-1] == "ExecutionAborted"
    assert clock.now() - result.start_date < timedelta(seconds=1)
