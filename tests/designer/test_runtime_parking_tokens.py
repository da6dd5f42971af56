"""Parked Tasks: an activity or a `.waitForTaskToken` callback that waits longer than
STATECRAFT_PARK_SECONDS leaves memory (the token row names its execution); GetActivityTask,
SendTaskSuccess and SendTaskFailure wake it at once, HeartbeatSeconds and TimeoutSeconds still
end it on time, and its history records each event once (the call is not made again)."""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import time

import pytest

from tests.designer.runtime_server import (
    RuntimeServer,
    assert_history_intact,
    create_machine,
    history,
    postgres_available,
    postgres_database,
    redis_available,
    wait_done,
)

PARK = {"STATECRAFT_PARK_SECONDS": "0.5"}
CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def _callback_machine(**task) -> dict:
    return {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": CALLBACK,
        "Parameters": {"FunctionName": "count", "Payload": {"token.$": "$$.Task.Token"}}, "End": True, **task}}}


@pytest.fixture
def server(tmp_path):
    server = RuntimeServer(tmp_path, **PARK).setup()
    try:
        yield server
    finally:
        server.stop()


def _query(server, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(server.workdir / "db.sqlite3", timeout=10)) as db:
        return db.execute(sql).fetchall()


def _wait_parked(server, timeout: float = 10) -> str:
    """Wait until the one execution is parked; its open task token."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _query(server, "SELECT lease_owner, lease_expires FROM designer_execution")
        tokens = _query(server, "SELECT token FROM designer_tasktoken WHERE status IN ('SCHEDULED', 'STARTED')")
        if rows and rows[0][0] == "" and rows[0][1] is not None and tokens:
            return tokens[0][0]
        time.sleep(0.05)
    raise AssertionError(f"not parked: {rows}")


def _calls(server) -> int:
    path = server.workdir / "calls-count.log"
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_a_parked_callback_wakes_at_once_on_send_task_success_and_is_called_once(server):
    sfn = server.client()
    arn = create_machine(sfn, "callback", _callback_machine())
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    token = _wait_parked(server)
    time.sleep(1)
    sent = time.monotonic()
    sfn.send_task_success(taskToken=token, output='{"ok": true}')
    result = wait_done(sfn, execution, timeout=10)
    assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"ok": True}
    assert time.monotonic() - sent < 2.0
    events = history(sfn, execution)
    assert_history_intact(events)
    assert [e["type"] for e in events] == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
        "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert _calls(server) == 1  # the function was not called again when the Task resumed


def test_a_parked_activity_records_its_worker_and_failure(server):
    sfn = server.client()
    activity = sfn.create_activity(name="approvals")["activityArn"]
    arn = create_machine(sfn, "activity", {"StartAt": "Approve", "States": {"Approve": {
        "Type": "Task", "Resource": activity, "End": True}}})
    execution = sfn.start_execution(stateMachineArn=arn, input='{"order": 7}')["executionArn"]
    _wait_parked(server)
    task = sfn.get_activity_task(activityArn=activity, workerName="clerk")
    assert json.loads(task["input"]) == {"order": 7}
    # The worker's taking the task is recorded while the execution waits (it wakes, records
    # ActivityStarted and parks again).
    deadline = time.monotonic() + 5
    while "ActivityStarted" not in [e["type"] for e in history(sfn, execution)] and time.monotonic() < deadline:
        time.sleep(0.1)
    _wait_parked(server)
    sfn.send_task_failure(taskToken=task["taskToken"], error="Rejected", cause="no budget")
    result = wait_done(sfn, execution, timeout=10)
    assert result["status"] == "FAILED" and result["error"] == "Rejected"
    events = history(sfn, execution)
    assert_history_intact(events)
    assert [e["type"] for e in events] == [
        "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityFailed",
        "ExecutionFailed"]
    assert events[3]["activityStartedEventDetails"]["workerName"] == "clerk"


def test_heartbeat_timeout_ends_a_parked_callback_after_its_last_heartbeat(server):
    sfn = server.client()
    arn = create_machine(sfn, "heartbeat", _callback_machine(HeartbeatSeconds=3))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    token = _wait_parked(server)
    time.sleep(1.5)
    sfn.send_task_heartbeat(taskToken=token)
    beat = time.monotonic()
    result = wait_done(sfn, execution, timeout=20)
    waited = time.monotonic() - beat
    assert result["status"] == "FAILED" and result["error"] == "States.HeartbeatTimeout"
    assert 2.5 <= waited < 5.5, waited  # three seconds after the heartbeat, not after the start
    events = history(sfn, execution)
    assert_history_intact(events)
    assert [e["type"] for e in events][-3:] == ["TaskSubmitted", "TaskTimedOut", "ExecutionFailed"]


def test_task_timeout_ends_a_parked_callback_on_time(server):
    sfn = server.client()
    arn = create_machine(sfn, "timeout", _callback_machine(TimeoutSeconds=3))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    _wait_parked(server)
    result = wait_done(sfn, execution, timeout=20)
    assert result["status"] == "FAILED" and result["error"] == "States.Timeout"
    events = history(sfn, execution)
    assert_history_intact(events)
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")["timestamp"]
    timed_out = next(e for e in events if e["type"] == "TaskTimedOut")["timestamp"]
    # Not before TimeoutSeconds; no wall-clock upper bound (it failed under CI load), wait_done bounds it.
    assert (timed_out - scheduled).total_seconds() >= 3


def test_send_task_success_to_the_web_server_wakes_a_task_parked_by_a_worker(tmp_path):
    if not postgres_available() or not redis_available():
        pytest.skip("needs the PostgreSQL server at 127.0.0.1:5432 and Redis at 127.0.0.1:6379")
    env = dict(PARK, STATECRAFT_RUNTIME="off", STATECRAFT_POLL_SECONDS="5",
               REDIS_URL=f"redis://127.0.0.1:6379/{random.randint(1, 15)}")
    with postgres_database() as url:
        server = RuntimeServer(tmp_path, DATABASE_URL=url, **env)
        try:
            server.setup()
            server.start_worker()
            server.start_worker()
            sfn = server.client()
            activity = sfn.create_activity(name="shared")["activityArn"]
            arn = create_machine(sfn, "shared", {"StartAt": "Work", "States": {"Work": {
                "Type": "Task", "Resource": activity, "End": True}}})
            executions = [sfn.start_execution(stateMachineArn=arn, input=json.dumps({"n": n}))["executionArn"]
                          for n in range(6)]
            tasks = [sfn.get_activity_task(activityArn=activity, workerName="w") for _ in executions]
            time.sleep(3)  # each has recorded ActivityStarted and parked again
            sent = time.monotonic()
            for task in tasks:
                sfn.send_task_success(taskToken=task["taskToken"], output=task["input"])
            for n, execution in enumerate(executions):
                result = wait_done(sfn, execution, timeout=20)
                assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"n": n}
            assert time.monotonic() - sent < 4
            for execution in executions:
                events = history(sfn, execution)
                assert_history_intact(events)
                assert [e["type"] for e in events].count("ActivityStarted") == 1
        finally:
            server.stop()
