"""Triggers on a real server (daphne subprocesses with the runtime and the scheduler thread):
a schedule falling due while the server is down fires exactly once when two servers come back,
and a rule on aws.states status changes chains one workflow to another's failure."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config

from tests.designer.runtime_server import ROLE, RuntimeServer, create_machine, wait_done

pytestmark = pytest.mark.e2e

PASS = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
FAIL = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Payment.Declined", "Cause": "card"}}}


def aws(server, service: str):
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = RuntimeServer(tmp_path_factory.mktemp("triggers"), STATECRAFT_SCHEDULER_SECONDS="0.5").setup()
    yield server
    server.stop()


def restart(server: RuntimeServer) -> None:
    """Serve again on the same database, skipping the migrate `start` runs (done at setup)."""
    server.manage = lambda *args: ""
    server.start()


def wait_for(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def test_a_schedule_due_while_the_server_is_down_fires_exactly_once(server):
    sfn = aws(server, "stepfunctions")
    machine = create_machine(sfn, "while-down", PASS)
    due = (datetime.now(UTC) + timedelta(seconds=3)).replace(microsecond=0)
    aws(server, "scheduler").create_schedule(
        Name="while-down", ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": machine, "RoleArn": ROLE, "Input": '{"when": "<aws.scheduler.scheduled-time>"}'})
    server.kill()
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1.5)
    # Two servers on the same database come back; both scheduler threads see the missed fire.
    twin = RuntimeServer(server.workdir, STATECRAFT_SCHEDULER_SECONDS="0.5")
    restart(server)
    restart(twin)
    try:
        sfn = aws(server, "stepfunctions")
        executions = wait_for(lambda: sfn.list_executions(stateMachineArn=machine)["executions"])
        time.sleep(2.0)  # a few more ticks of both schedulers
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        assert len(executions) == 1
        described = wait_done(sfn, executions[0]["executionArn"])
        assert json.loads(described["input"]) == {"when": f"{due:%Y-%m-%dT%H:%M:%SZ}"}
        fires = json.loads(server.python(
            "import json\nfrom designer.models import TriggerFire\n"
            "print(json.dumps([[f.status, f.execution_arn] for f in TriggerFire.objects.filter(kind='schedule')]))"))
        assert fires == [["STARTED", executions[0]["executionArn"]]]
    finally:
        twin.stop()


def test_a_rule_on_status_change_events_starts_the_clean_up_workflow(server):
    sfn, events = aws(server, "stepfunctions"), aws(server, "events")
    failing = create_machine(sfn, "charge", FAIL)
    cleanup = create_machine(sfn, "refund", PASS)
    events.put_rule(Name="on-charge-failure", EventPattern=json.dumps({
        "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["FAILED", "TIMED_OUT"], "stateMachineArn": [failing]},
    }))
    events.put_targets(Rule="on-charge-failure", Targets=[
        {"Id": "refund", "Arn": cleanup, "RoleArn": ROLE, "InputPath": "$.detail"}])
    started = sfn.start_execution(stateMachineArn=failing, input='{"order": 42}')["executionArn"]
    assert wait_done(sfn, started)["status"] == "FAILED"
    runs = wait_for(lambda: sfn.list_executions(stateMachineArn=cleanup)["executions"])
    assert len(runs) == 1
    detail = json.loads(sfn.describe_execution(executionArn=runs[0]["executionArn"])["input"])
    assert (detail["executionArn"], detail["status"], detail["error"]) == (started, "FAILED", "Payment.Declined")
    assert json.loads(detail["input"]) == {"order": 42} and isinstance(detail["startDate"], int)
    assert wait_done(sfn, runs[0]["executionArn"])["status"] == "SUCCEEDED"
    # The clean-up's own SUCCEEDED event does not match the rule: no loop.
    time.sleep(1.0)
    assert len(sfn.list_executions(stateMachineArn=cleanup)["executions"]) == 1
