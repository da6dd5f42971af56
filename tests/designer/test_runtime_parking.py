"""Parked executions: a Wait longer than STATECRAFT_PARK_SECONDS leaves memory, its checkpoint
stored with its wake-up time (the execution row: no owner, `lease_expires` = due), and the
runtime resumes it on time; TimeoutSeconds and StopExecution still reach it; a SIGKILLed server
or worker loses none of them and repeats no event. Against SQLite and the real PostgreSQL (a
database made for this run) with two `run_worker` processes woken over the real Redis."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

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
WAIT = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Next": "Sleep"},
    "Sleep": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Done"},
    "Done": {"Type": "Pass", "End": True},
}}
UNTIL = {"StartAt": "Sleep", "States": {
    "Sleep": {"Type": "Wait", "TimestampPath": "$.due", "Next": "Done"},
    "Done": {"Type": "Succeed"},
}}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def server(tmp_path):
    server = RuntimeServer(tmp_path, **PARK).setup()
    try:
        yield server
    finally:
        server.stop()


def _sqlite_rows(server) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(server.workdir / "db.sqlite3", timeout=10)) as db:
        return db.execute("SELECT name, status, lease_owner, lease_expires FROM designer_execution").fetchall()


def _exit_lateness(events: list[dict], due: datetime) -> float:
    exited = next(e for e in events if e["type"] == "WaitStateExited")["timestamp"]
    return (exited - due).total_seconds()


def test_a_long_wait_parks_in_the_database_and_resumes_on_time(server):
    sfn = server.client()
    arn = create_machine(sfn, "park", WAIT)
    execution = sfn.start_execution(stateMachineArn=arn, name="p", input='{"wait": 4}')["executionArn"]
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        rows = _sqlite_rows(server)
        if rows and rows[0][2] == "":
            break
        time.sleep(0.05)
    # Parked: RUNNING, held by no runtime, with the Wait's end as its wake-up time.
    assert rows[0][1] == "RUNNING" and rows[0][2] == "" and rows[0][3] is not None, rows
    assert wait_done(sfn, execution)["status"] == "SUCCEEDED"
    events = history(sfn, execution)
    assert_history_intact(events)
    assert [e["type"] for e in events] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
        "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    entered = next(e for e in events if e["type"] == "WaitStateEntered")["timestamp"]
    assert 0 <= _exit_lateness(events, entered + timedelta(seconds=4)) < 1.0


def test_machine_timeout_ends_a_parked_execution_on_time(server):
    sfn = server.client()
    machine = dict(UNTIL, TimeoutSeconds=3)
    arn = create_machine(sfn, "timeout", machine)
    due = datetime.now(UTC) + timedelta(hours=1)
    execution = sfn.start_execution(stateMachineArn=arn, input=f'{{"due": "{_stamp(due)}"}}')["executionArn"]
    result = wait_done(sfn, execution, timeout=20)
    assert result["status"] == "TIMED_OUT"
    events = history(sfn, execution)
    assert_history_intact(events)
    assert [e["type"] for e in events] == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    started, ended = events[0]["timestamp"], events[-1]["timestamp"]
    assert 3 <= (ended - started).total_seconds() < 4.0


def test_stop_execution_ends_a_parked_execution_and_nothing_resumes_it(server):
    sfn = server.client()
    arn = create_machine(sfn, "stop", WAIT)
    execution = sfn.start_execution(stateMachineArn=arn, input='{"wait": 2}')["executionArn"]
    deadline = time.monotonic() + 3
    while _sqlite_rows(server)[0][2] != "" and time.monotonic() < deadline:
        time.sleep(0.05)
    sfn.stop_execution(executionArn=execution, error="Halt", cause="by the test")
    time.sleep(3)  # past the wake-up time
    assert sfn.describe_execution(executionArn=execution)["status"] == "ABORTED"
    types = [e["type"] for e in history(sfn, execution)]
    assert types[-1] == "ExecutionAborted" and "WaitStateExited" not in types, types


def test_sigkill_with_running_and_parked_executions_loses_and_repeats_nothing(server):
    sfn = server.client()
    waits = create_machine(sfn, "waits", UNTIL)
    chain = {"StartAt": "S0", "States": {
        **{f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(30)},
        "S30": {"Type": "Wait", "Seconds": 1, "Next": "S31"},
        "S31": {"Type": "Pass", "End": True},
    }}
    busy = create_machine(sfn, "busy", chain)
    due = datetime.now(UTC) + timedelta(seconds=8)
    clients = [server.client() for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        parked = list(pool.map(lambda n: clients[n % 8].start_execution(
            stateMachineArn=waits, input=f'{{"due": "{_stamp(due + timedelta(milliseconds=10 * n))}"}}'
        )["executionArn"], range(100)))
        running = list(pool.map(lambda n: clients[n % 8].start_execution(stateMachineArn=busy)["executionArn"],
                                range(40)))
    server.kill()
    server.start()
    sfn = server.client()
    for execution in parked + running:
        assert wait_done(sfn, execution, timeout=60)["status"] == "SUCCEEDED"
    late = []
    for n, execution in enumerate(parked):
        events = history(sfn, execution)
        assert_history_intact(events)
        late.append(_exit_lateness(events, due + timedelta(milliseconds=10 * n)))
    for execution in running:
        assert_history_intact(history(sfn, execution))
    # None woke early; how late depends on how long the restart took (the test asserts no bound).
    assert min(late) >= 0, sorted(late)[:5]


@pytest.fixture
def workers(tmp_path):
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
            time.sleep(2)
            yield server
        finally:
            server.stop()


def test_two_workers_resume_parked_executions_once_each_when_one_is_killed(workers):
    sfn = workers.client()
    arn = create_machine(sfn, "shared", UNTIL)
    due = datetime.now(UTC) + timedelta(seconds=6)
    clients = [workers.client() for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        started = list(pool.map(lambda n: clients[n % 8].start_execution(
            stateMachineArn=arn, input=f'{{"due": "{_stamp(due + timedelta(milliseconds=20 * n))}"}}'
        )["executionArn"], range(60)))
    time.sleep(2)
    victim = workers.workers[0]
    victim.kill()
    victim.wait(10)
    for execution in started:
        assert wait_done(sfn, execution, timeout=60)["status"] == "SUCCEEDED"
    late = []
    for n, execution in enumerate(started):
        events = history(sfn, execution)
        assert_history_intact(events)
        assert [e["type"] for e in events].count("WaitStateExited") == 1
        late.append(_exit_lateness(events, due + timedelta(milliseconds=20 * n)))
    # None early. What the killed worker had claimed (it claims a second ahead, so possibly all
    # of them) resumes once its leases (3 s) expire; the bound only catches "never".
    assert min(late) >= 0 and max(late) < 30, sorted(late)[-5:]
