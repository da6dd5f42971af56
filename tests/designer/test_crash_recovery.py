"""The crash test: SIGKILL the server while 20 Standard executions wait, start it again, and every
execution finishes with a history that has no duplicated and no missing events."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.designer.runtime_server import RuntimeServer, assert_history_intact, create_machine, history, wait_done

WAIT_SECONDS = 6
MACHINE = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Sleep"},
        "Sleep": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "Count"},
        "Count": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:count", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture
def server(tmp_path):
    server = RuntimeServer(tmp_path).setup()
    try:
        yield server
    finally:
        server.stop()


def test_sigkill_mid_wait_then_restart_finishes_all_20_executions_with_intact_histories(server, tmp_path):
    sfn = server.client()
    arn = create_machine(sfn, "crash", MACHINE)
    with ThreadPoolExecutor(8) as pool:
        started = list(pool.map(
            lambda n: sfn.start_execution(stateMachineArn=arn, name=f"run-{n}", input=f'{{"n": {n}}}')["executionArn"],
            range(20),
        ))
    # Every execution has entered its Wait (the Entered event is stored) before the kill.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        before = [[e["type"] for e in history(sfn, a)] for a in started]
        if all("WaitStateEntered" in types for types in before):
            break
        time.sleep(0.1)
    killed_at = time.monotonic()
    server.kill()
    assert all(types[-1] == "WaitStateEntered" for types in before), before
    assert not (tmp_path / "calls-count.log").exists()  # nothing got past the Wait

    server.start()  # a new process on a new port, the same database
    sfn = server.client()
    results = [wait_done(sfn, a, timeout=60) for a in started]
    assert [r["status"] for r in results] == ["SUCCEEDED"] * 20
    for n, result in enumerate(results):
        assert result["output"] == f'{{"n":{n}}}'
    for execution_arn in started:
        events = history(sfn, execution_arn)
        assert_history_intact(events)
        types = [e["type"] for e in events]
        assert types == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
            "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
            "TaskStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
        ], types
        entered = next(e for e in events if e["type"] == "WaitStateEntered")["timestamp"]
        exited = next(e for e in events if e["type"] == "WaitStateExited")["timestamp"]
        assert (exited - entered).total_seconds() >= WAIT_SECONDS - 0.05
    # Each execution's Task ran exactly once (it was never in flight at the kill).
    assert len((tmp_path / "calls-count.log").read_text().splitlines()) == 20
    assert time.monotonic() - killed_at < 40


def _wait_for(sfn, execution_arn: str, event_type: str, timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = history(sfn, execution_arn)
        if any(e["type"] == event_type for e in events):
            return events
        time.sleep(0.1)
    raise AssertionError(f"no {event_type} in {[e['type'] for e in history(sfn, execution_arn)]}")


def test_in_flight_task_runs_again_activity_keeps_its_token_and_map_resumes_unfinished_iterations(server, tmp_path):
    sfn = server.client()
    slow = create_machine(sfn, "inflight", {"StartAt": "Slow", "States": {
        "Slow": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:slow", "End": True}}})
    activity = sfn.create_activity(name="approve")["activityArn"]
    approve = create_machine(sfn, "approval", {"StartAt": "Approve", "States": {
        "Approve": {"Type": "Task", "Resource": activity, "End": True}}})
    mapped = create_machine(sfn, "mapped", {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "MaxConcurrency": 1, "End": True, "ItemProcessor": {"StartAt": "Nap", "States": {
            "Nap": {"Type": "Wait", "SecondsPath": "$", "Next": "Count"},
            "Count": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:count",
                      "End": True}}}}}})

    in_flight = sfn.start_execution(stateMachineArn=slow, input='{"seconds": 4}')["executionArn"]
    waiting = sfn.start_execution(stateMachineArn=approve, input='{"amount": 5}')["executionArn"]
    map_run = sfn.start_execution(stateMachineArn=mapped, input="[0, 0, 6]")["executionArn"]
    _wait_for(sfn, in_flight, "LambdaFunctionStarted")
    _wait_for(sfn, waiting, "ActivityScheduled")
    task = sfn.get_activity_task(activityArn=activity, workerName="before-the-crash")
    _wait_for(sfn, map_run, "MapIterationStarted")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len((tmp_path / "calls-count.log").read_text().splitlines()
                                              if (tmp_path / "calls-count.log").exists() else []) < 2:
        time.sleep(0.1)
    server.kill()

    server.start()
    sfn = server.client()
    # The worker that got the task before the crash answers after it, with the same token.
    sfn.send_task_success(taskToken=task["taskToken"], output='{"approved": true}')
    for execution_arn in (in_flight, waiting, map_run):
        described = wait_done(sfn, execution_arn, 60)
        assert described["status"] == "SUCCEEDED", (execution_arn, described.get("error"), described.get("cause"))
        events = history(sfn, execution_arn)
        assert [e["id"] for e in events] == list(range(1, len(events) + 1))
        assert all(0 <= e["previousEventId"] < e["id"] for e in events)
        kinds = [e["type"] for e in events]
        assert kinds.count("ExecutionStarted") == 1 and kinds.count("ExecutionSucceeded") == 1
    assert json.loads(sfn.describe_execution(executionArn=waiting)["output"]) == {"approved": True}
    kinds = [e["type"] for e in history(sfn, in_flight)]
    # At-least-once: the Task in flight ran again, its state was entered once.
    assert kinds.count("TaskStateEntered") == 1 and kinds.count("LambdaFunctionScheduled") == 2
    assert len((tmp_path / "calls-slow.log").read_text().splitlines()) == 2
    kinds = [e["type"] for e in history(sfn, map_run)]
    assert kinds.count("MapStateEntered") == 1 and kinds.count("MapIterationSucceeded") == 3
    assert json.loads(sfn.describe_execution(executionArn=map_run)["output"]) == [0, 0, 6]
    # The two iterations that had finished before the crash did not run again.
    assert len((tmp_path / "calls-count.log").read_text().splitlines()) == 3


def test_machine_timeout_keeps_counting_across_a_restart(server):
    sfn = server.client()
    arn = create_machine(sfn, "bounded", {"TimeoutSeconds": 5, "StartAt": "Long", "States": {
        "Long": {"Type": "Wait", "Seconds": 30, "End": True}}})
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    _wait_for(sfn, execution, "WaitStateEntered")
    time.sleep(2)
    server.kill()
    server.start()
    sfn = server.client()
    described = wait_done(sfn, execution, 30)
    assert described["status"] == "TIMED_OUT" and described["error"] == "States.Timeout"
    elapsed = (described["stopDate"] - described["startDate"]).total_seconds()
    assert 5 <= elapsed < 9, elapsed  # not 2 s + a fresh 5 s
    assert [e["type"] for e in history(sfn, execution)] == ["ExecutionStarted", "WaitStateEntered",
                                                           "ExecutionTimedOut"]
