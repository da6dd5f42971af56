"""The crash test: SIGKILL the server while 20 Standard executions wait, start it again, and every
execution finishes with a history that has no duplicated and no missing events."""

from __future__ import annotations

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
