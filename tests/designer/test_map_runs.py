"""Map runs through boto3 against the runtime's daphne server: a Distributed Map in a Standard
execution is listed by ListMapRuns, described by DescribeMapRun and updated by UpdateMapRun."""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.designer.conftest import ACCESS_KEY_ID, SECRET, make_client
from tests.designer.runtime_server import RuntimeServer, create_machine, history, wait_done


def distributed_map(inner: dict, **fields) -> dict:
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", **fields,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Item", "States": {"Item": inner}},
        "End": True,
    }}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = RuntimeServer(tmp_path_factory.mktemp("map_runs")).setup()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def sfn(server):
    return server.client()


def run(sfn, name: str, definition: dict, items: list) -> str:
    arn = create_machine(sfn, name, definition)
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(items))["executionArn"]
    wait_done(sfn, execution)
    return execution


def test_distributed_map_run_is_listed_described_and_updated(sfn):
    definition = distributed_map({"Type": "Pass", "End": True}, Label="Batch", MaxConcurrency=2,
                                 ToleratedFailureCount=1)
    execution = run(sfn, "mapped", definition, [1, 2, 3])
    runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert len(runs) == 1
    arn = runs[0]["mapRunArn"]
    assert re.fullmatch(r"arn:aws:states:us-east-1:\d{12}:mapRun:mapped/Batch:[0-9a-f-]{36}", arn), arn
    assert runs[0]["executionArn"] == execution
    assert runs[0]["stateMachineArn"].endswith(":stateMachine:mapped/Batch")
    started = [e for e in history(sfn, execution) if e["type"] == "MapRunStarted"]
    assert started[0]["mapRunStartedEventDetails"]["mapRunArn"] == arn

    described = sfn.describe_map_run(mapRunArn=arn)
    assert described["status"] == "SUCCEEDED" and described["executionArn"] == execution
    assert (described["maxConcurrency"], described["toleratedFailureCount"]) == (2, 1)
    assert described["itemCounts"]["total"] == 3 and described["itemCounts"]["succeeded"] == 3
    assert described["startDate"] <= described["stopDate"]

    sfn.update_map_run(mapRunArn=arn, maxConcurrency=5, toleratedFailurePercentage=50)
    updated = sfn.describe_map_run(mapRunArn=arn)
    assert (updated["maxConcurrency"], updated["toleratedFailureCount"]) == (5, 1)
    assert updated["toleratedFailurePercentage"] == 50


def test_map_run_counts_tolerated_failures(sfn):
    inner = {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}], "Default": "Good"}
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ToleratedFailureCount": 1, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Check",
                          "States": {"Check": inner, "Good": {"Type": "Succeed"},
                                     "Bad": {"Type": "Fail", "Error": "Bad"}}},
    }}}
    execution = run(sfn, "tolerant", definition, [1, 2, 3])
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
    [summary] = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    counts = sfn.describe_map_run(mapRunArn=summary["mapRunArn"])["itemCounts"]
    assert (counts["total"], counts["succeeded"], counts["failed"]) == (3, 2, 1)


def test_map_run_beyond_its_tolerance_is_failed(sfn):
    definition = distributed_map({"Type": "Fail", "Error": "Bad", "Cause": "item"})
    execution = run(sfn, "failing", definition, [1, 2])
    assert sfn.describe_execution(executionArn=execution)["status"] == "FAILED"
    [summary] = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    described = sfn.describe_map_run(mapRunArn=summary["mapRunArn"])
    assert described["status"] == "FAILED"
    assert described["itemCounts"]["failed"] >= 1 and described["itemCounts"]["succeeded"] == 0


def test_unknown_map_runs_and_empty_updates_are_refused(sfn):
    execution = run(sfn, "plain", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, [])
    assert sfn.list_map_runs(executionArn=execution)["mapRuns"] == []
    unknown = "arn:aws:states:us-east-1:000000000000:mapRun:plain/Batch:00000000-0000-0000-0000-000000000000"
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_map_run(mapRunArn=unknown)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.update_map_run(mapRunArn=unknown, maxConcurrency=1)
    execution = run(sfn, "mapped-again", distributed_map({"Type": "Pass", "End": True}), [1])
    [summary] = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    with pytest.raises(sfn.exceptions.ClientError) as refused:
        sfn.update_map_run(mapRunArn=summary["mapRunArn"])
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_running_map_run_is_described_while_its_items_run(sfn):
    definition = distributed_map({"Type": "Wait", "Seconds": 1, "End": True}, MaxConcurrency=1)
    arn = create_machine(sfn, "slow", definition)
    execution = sfn.start_execution(stateMachineArn=arn, input="[1, 2, 3]")["executionArn"]
    deadline = time.monotonic() + 10
    runs = []
    while not runs and time.monotonic() < deadline:
        runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    running = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
    assert running["status"] == "RUNNING" and "stopDate" not in running
    counts = running["itemCounts"]
    assert counts["total"] == 3 and counts["running"] == 1
    assert counts["pending"] + counts["running"] + counts["succeeded"] == 3
    wait_done(sfn, execution)
    assert sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])["status"] == "SUCCEEDED"


# ─── read from recorded history, on the in-process live server ───────────────────────────────


def _record(execution_arn: str, events: list[tuple[str, int, dict]], status: str) -> None:
    """Give an execution the history a Distributed Map leaves, as the runtime would store it."""
    from django.utils import timezone

    from designer.models import Execution, HistoryEvent

    execution = Execution.objects.get(arn=execution_arn)
    execution.events.all().delete()
    for event_id, (kind, previous, details) in enumerate(events, start=1):
        HistoryEvent.objects.create(execution=execution, event_id=event_id, previous_event_id=previous,
                                    timestamp=timezone.now(), type=kind, details=details)
    execution.status = status
    execution.stop_date = timezone.now() if status != "RUNNING" else None
    execution.save()


def _map_history(map_run_arn: str, end: str | None) -> list[tuple[str, int, dict]]:
    events = [
        ("ExecutionStarted", 0, {}),
        ("MapStateEntered", 1, {"stateEnteredEventDetails": {"name": "Each"}}),
        ("MapStateStarted", 2, {"mapStateStartedEventDetails": {"length": 4}}),
        ("MapRunStarted", 3, {"mapRunStartedEventDetails": {"mapRunArn": map_run_arn}}),
    ]
    if end == "MapRunFailed":
        events.append(("MapRunFailed", 4, {"mapRunFailedEventDetails": {
            "error": "States.ExceedToleratedFailureThreshold",
            "cause": "The specified tolerance threshold was exceeded"}}))
    elif end:
        events.append((end, 4, {}))
    return events


@pytest.mark.django_db(transaction=True)
def test_map_runs_belong_to_their_owner_and_end_with_their_execution(live_server, access_key, sfn_client_for,
                                                                    other_user, role_arn):
    sfn = make_client(live_server.url, ACCESS_KEY_ID, SECRET)
    definition = distributed_map({"Type": "Pass", "End": True}, ToleratedFailureCount=1)
    machine = sfn.create_state_machine(name="recorded", definition=json.dumps(definition), roleArn=role_arn)
    failed = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="failed")["executionArn"]
    aborted = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="aborted")["executionArn"]
    prefix = "arn:aws:states:us-east-1:000000000000:mapRun:recorded/Each:"
    failed_run = prefix + "11111111-1111-1111-1111-111111111111"
    aborted_run = prefix + "22222222-2222-2222-2222-222222222222"
    _record(failed, _map_history(failed_run, "MapRunFailed"), "FAILED")
    _record(aborted, _map_history(aborted_run, None), "ABORTED")

    described = sfn.describe_map_run(mapRunArn=failed_run)
    assert described["status"] == "FAILED" and described["toleratedFailureCount"] == 1
    assert described["itemCounts"]["total"] == 4 and described["itemCounts"]["failed"] == 2
    assert sfn.describe_map_run(mapRunArn=aborted_run)["status"] == "ABORTED"

    intruder = sfn_client_for(other_user)
    for call, kwargs in ((intruder.describe_map_run, {"mapRunArn": failed_run}),
                         (intruder.update_map_run, {"mapRunArn": failed_run, "maxConcurrency": 3}),
                         (intruder.list_map_runs, {"executionArn": failed})):
        with pytest.raises(intruder.exceptions.ClientError) as refused:  # another account's ARNs
            call(**kwargs)
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
