"""Scale-out: `run_worker` processes sharing the real PostgreSQL (a database made for this run)
and woken over the real Redis; the database lease decides who runs what, and a worker killed with
SIGKILL loses its executions to the others once its leases expire."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

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

pytestmark = [
    pytest.mark.skipif(not postgres_available(), reason="needs the PostgreSQL server at 127.0.0.1:5432"),
]

LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:"
MACHINE = {"StartAt": "Count", "States": {
    "Count": {"Type": "Task", "Resource": LAMBDA + "count", "Next": "Nap"},
    "Nap": {"Type": "Wait", "SecondsPath": "$.nap", "Next": "Done"},
    "Done": {"Type": "Succeed"},
}}


@pytest.fixture(params=["redis", "polling"])
def cluster(request, tmp_path):
    if request.param == "redis" and not redis_available():
        pytest.skip("needs the Redis server at 127.0.0.1:6379")
    # The web server only takes requests; workers run executions, at most 10 at a time each, so
    # one worker cannot take a whole burst and the test of sharing does not depend on timing.
    env = {"STATECRAFT_RUNTIME": "off", "STATECRAFT_MAX_RUNNING": "10"}
    if request.param == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        env["STATECRAFT_POLL_SECONDS"] = "5"  # prompt pickup must come from the wake-up, not the poll
    with postgres_database() as url:
        server = RuntimeServer(tmp_path, DATABASE_URL=url, **env)
        try:
            server.setup()
            server.start_worker()
            server.start_worker()
            time.sleep(2)  # both workers are up and subscribed
            yield server
        finally:
            server.stop()


def _calls(server) -> list[str]:
    path = server.workdir / "calls-count.log"
    return path.read_text().split("\n")[:-1] if path.exists() else []


def test_two_workers_share_executions_and_each_runs_exactly_once(cluster):
    sfn = cluster.client()
    arn = create_machine(sfn, "shared", MACHINE)
    with ThreadPoolExecutor(8) as pool:
        executions = list(pool.map(
            lambda n: sfn.start_execution(stateMachineArn=arn, name=f"e{n}", input=json.dumps({"n": n, "nap": 2}))[
                "executionArn"], range(30)))
    results = [wait_done(sfn, e, 60) for e in executions]
    assert [r["status"] for r in results] == ["SUCCEEDED"] * 30
    calls = _calls(cluster)
    assert len(calls) == 30  # no execution ran twice
    pids = {line.split()[1] for line in calls}
    assert len(pids) == 2, "both workers should have claimed executions"
    for execution in executions:
        assert_history_intact(history(sfn, execution))


def test_a_killed_worker_loses_its_executions_to_the_other(cluster):
    sfn = cluster.client()
    arn = create_machine(sfn, "takeover", MACHINE)
    executions = [sfn.start_execution(stateMachineArn=arn, name=f"t{n}", input='{"nap": 4}')["executionArn"]
                  for n in range(10)]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(_calls(cluster)) < 10:
        time.sleep(0.1)
    # Each Task's end is stored (the Wait after it entered), not only called: a Task whose result
    # died with the worker would rightly run again (at-least-once).
    while time.monotonic() < deadline and not all(
            any(e["type"] == "WaitStateEntered" for e in history(sfn, x)) for x in executions):
        time.sleep(0.1)
    victim = cluster.workers[0]
    victim.kill()  # SIGKILL: its leases are left to expire
    victim.wait(10)
    results = [wait_done(sfn, e, 60) for e in executions]
    assert [r["status"] for r in results] == ["SUCCEEDED"] * 10
    for execution in executions:
        events = history(sfn, execution)
        assert_history_intact(events)
        assert [e["type"] for e in events].count("WaitStateEntered") == 1
    assert len(_calls(cluster)) == 10  # the Task of each had finished before the kill: never again


def test_send_task_success_to_the_web_server_wakes_the_worker_waiting_on_the_token(cluster):
    sfn = cluster.client()
    activity = sfn.create_activity(name="scaled")["activityArn"]
    arn = create_machine(sfn, "scaled-activity", {"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": activity, "End": True}}})
    execution = sfn.start_execution(stateMachineArn=arn, input='{"job": 1}')["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="w")
    time.sleep(0.5)
    answered = time.monotonic()
    sfn.send_task_success(taskToken=task["taskToken"], output='{"ok": true}')
    described = wait_done(sfn, execution, 30)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"ok": True}
    # With Redis the worker hears of the answer at once; without it, its next database poll finds it.
    assert time.monotonic() - answered < (2.5 if "REDIS_URL" in cluster.env else 5)
