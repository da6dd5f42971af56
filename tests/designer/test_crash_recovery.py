"""The crash test: SIGKILL the server while 20 Standard executions wait, start it again, and every
execution finishes with a history that has no duplicated and no missing events."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

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
    # ... and the two short iterations are recorded as finished (stored with their checkpoint).
    while time.monotonic() < deadline and sum(
            e["type"] == "MapIterationSucceeded" for e in history(sfn, map_run)) < 2:
        time.sleep(0.05)
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
    killed = time.monotonic()
    server.start()
    restart = time.monotonic() - killed  # slow on a loaded machine: the timeout may pass meanwhile
    sfn = server.client()
    described = wait_done(sfn, execution, 30)
    # AWS: DescribeExecution of a TIMED_OUT execution has no error member; the event carries it.
    assert described["status"] == "TIMED_OUT" and "error" not in described
    elapsed = (described["stopDate"] - described["startDate"]).total_seconds()
    assert 5 <= elapsed < max(5, 2 + restart) + 3, (elapsed, restart)  # not 2 s + restart + a fresh 5 s
    events = history(sfn, execution)
    assert [e["type"] for e in events] == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert events[-1]["executionTimedOutEventDetails"]["error"] == "States.Timeout"


def _stored(db: Path, event_type: str) -> int:
    """How many events of a type the database holds (read directly: the history API is slow for 20k events)."""
    with contextlib.closing(sqlite3.connect(db, timeout=5)) as con:
        return con.execute("SELECT count(*) FROM designer_historyevent WHERE type = ?", (event_type,)).fetchone()[0]


def _index(event: dict) -> int:
    return json.loads(event["stateEnteredEventDetails"]["input"])["i"]


BIG_MAP_ITEMS = 2000


def test_sigkill_in_the_middle_of_a_big_inline_map_keeps_its_history_exact(server, tmp_path):
    """The Map's progress is stored while it runs (events with a checkpoint that agrees with them),
    so after a SIGKILL each iteration is started and closed exactly once; an iteration that had
    finished never runs again; one in flight at the kill continues in the state it was in (its
    Task in flight is called again, at-least-once), no Entered or MapIterationStarted repeated."""
    sfn = server.client()
    arn = create_machine(sfn, "bigmap", {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True,
        "ItemSelector": {"i.$": "$$.Map.Item.Index", "seconds": 0.05},
        "ItemProcessor": {"StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:slow",
                     "Next": "Tail"},
            "Tail": {"Type": "Pass", "End": True}}}}}})
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(list(range(BIG_MAP_ITEMS))))["executionArn"]
    db = tmp_path / "db.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _stored(db, "MapIterationSucceeded") < BIG_MAP_ITEMS // 4:
        time.sleep(0.02)
    first_pid = server.process.pid
    server.kill()
    with contextlib.closing(sqlite3.connect(db)) as con:
        last_stored = datetime.fromisoformat(con.execute(
            "SELECT max(timestamp) FROM designer_historyevent").fetchone()[0]).replace(tzinfo=UTC).timestamp()
        stored = con.execute(
            "SELECT h.type, h.details FROM designer_historyevent h JOIN designer_execution e ON e.id = h.execution_id "
            "WHERE e.arn = ? ORDER BY h.event_id", (execution,)).fetchall()
    finished = {json.loads(details)["mapIterationSucceededEventDetails"]["index"]
                for kind, details in stored if kind == "MapIterationSucceeded"}
    # Stored while the Map ran, not in one burst at its end.
    assert BIG_MAP_ITEMS // 4 <= len(finished) < BIG_MAP_ITEMS
    assert not any(kind == "ExecutionSucceeded" for kind, _ in stored)

    server.start()
    sfn = server.client()
    described = wait_done(sfn, execution, 120)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert [item["i"] for item in json.loads(described["output"])] == list(range(BIG_MAP_ITEMS))
    events = history(sfn, execution)
    # assert_history_intact, except that a state in flight at the kill has an Entered event
    # with no Exited event (its iteration ran again): checked below.
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert all(0 <= e["previousEventId"] < e["id"] for e in events)
    kinds = Counter(e["type"] for e in events)
    assert kinds["ExecutionStarted"] == kinds["ExecutionSucceeded"] == 1 and events[-1]["type"] == "ExecutionSucceeded"
    assert kinds["MapStateEntered"] == kinds["MapStateStarted"] == kinds["MapStateSucceeded"] == 1
    started = Counter(e["mapIterationStartedEventDetails"]["index"] for e in events
                      if e["type"] == "MapIterationStarted")
    succeeded = Counter(e["mapIterationSucceededEventDetails"]["index"] for e in events
                        if e["type"] == "MapIterationSucceeded")
    assert started == succeeded == Counter(range(BIG_MAP_ITEMS))
    work = Counter(_index(e) for e in events if e["type"] == "TaskStateEntered")
    assert set(work) == set(range(BIG_MAP_ITEMS)) and max(work.values()) == 1
    scheduled = Counter(json.loads(e["lambdaFunctionScheduledEventDetails"]["input"])["i"] for e in events
                        if e["type"] == "LambdaFunctionScheduled")
    again = {i for i, n in scheduled.items() if n > 1}
    assert not again & finished  # an iteration that had finished did not run again
    assert len(again) <= 40  # only those in flight (an inline Map runs at most 40 at once)
    entered = Counter(e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered"))
    exited = Counter(e["stateExitedEventDetails"]["name"] for e in events if e["type"].endswith("StateExited"))
    assert entered == exited, (entered, exited)
    calls = [line.split() for line in (tmp_path / "calls-slow.log").read_text().splitlines()]
    # Calls made after the last stored event were lost with the process: their iterations run
    # again too (at-least-once); nothing else ran twice.
    lost = sum(1 for at, pid in calls if int(pid) == first_pid and float(at) >= last_stored)
    assert BIG_MAP_ITEMS <= len(calls) <= BIG_MAP_ITEMS + len(again) + lost


def test_sigkill_while_a_synchronous_map_writes_its_progress_loses_and_repeats_nothing(server, tmp_path):
    """Pass-only iterations are written at progress points, where no iteration is in flight: after
    the kill every iteration and every state appears exactly once."""
    items = 5000  # 4 events per item: under AWS's 25,000
    sfn = server.client()
    arn = create_machine(sfn, "syncmap", {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}})
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(list(range(items))))["executionArn"]
    db = tmp_path / "db.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _stored(db, "MapIterationSucceeded") < items // 5:
        time.sleep(0.01)
    server.kill()
    stored = _stored(db, "MapIterationSucceeded")
    assert items // 5 <= stored < items, stored  # killed in the middle, with progress stored

    server.start()
    sfn = server.client()
    described = wait_done(sfn, execution, 120)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"]) == list(range(items))
    events = history(sfn, execution)
    assert_history_intact(events)
    started = Counter(e["mapIterationStartedEventDetails"]["index"] for e in events
                      if e["type"] == "MapIterationStarted")
    succeeded = Counter(e["mapIterationSucceededEventDetails"]["index"] for e in events
                        if e["type"] == "MapIterationSucceeded")
    assert started == succeeded == Counter(range(items))
    assert len(events) == 4 * items + 6
