"""Map runs through boto3 against the runtime's daphne server: a Distributed Map in a Standard
execution is listed by ListMapRuns, described by DescribeMapRun and updated by UpdateMapRun."""

from __future__ import annotations

import json
import re
import time

import pytest

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


def test_map_run_beyond_its_tolerance_is_failed(sfn):
    definition = distributed_map({"Type": "Fail", "Error": "Bad", "Cause": "item"})
    execution = run(sfn, "failing", definition, [1, 2])
    assert sfn.describe_execution(executionArn=execution)["status"] == "FAILED"
    [summary] = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    described = sfn.describe_map_run(mapRunArn=summary["mapRunArn"])
    assert described["status"] == "FAILED" and described["itemCounts"]["failed"] >= 1


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
