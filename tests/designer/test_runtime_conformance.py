"""The recorded AWS execution cases that need the server (categories activities, callback and
services_sfn of ../shared/conformance/cases.jsonl), run through the runtime of a live server with
boto3 playing the recording's activity workers and creating the nested machines it called.
The pass rate is written at the end of the module's run.
"""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest

from tests.designer import conftest
from tests.designer.runtime_server import RuntimeServer, create_machine, history, wait_done
from tests.engine import conformance

if not conformance.CASES_FILE.exists():
    pytest.skip(f"conformance cases not found at {conformance.CASES_FILE}", allow_module_level=True)

CASES = [c for c in conformance.load_cases()
         if c["category"] in conformance.SERVER_CATEGORIES and c.get("kind") == "execution"]
WORKER = "BASE_ID_ACTIVITY_CONSUMER"
KNOWN_GAPS: dict[str, str] = {}
RESULTS: dict[str, bool] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("conformance")
    server = RuntimeServer(workdir, STATECRAFT_ACCOUNT_ID=conformance.ACCOUNT).setup()
    try:
        yield server
    finally:
        server.stop()
        if RESULTS:
            passed = sum(RESULTS.values())
            conftest.SUMMARY_LINES.append(
                f"Runtime conformance (activities, callback, services_sfn): {passed}/{len(RESULTS)} recorded "
                f"executions match ({100 * passed / len(RESULTS):.0f}%)")


def _arns_in(value) -> list[str]:
    found = []
    for node in conformance._walk(value):
        if isinstance(node, str) and ":stateMachine:" in node:
            found.append(node)
    return found


def _child_definition(case: dict) -> dict:
    if "delegate_failure" in case["id"]:
        return {"StartAt": "Fail", "States": {"Fail": {
            "Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}}}
    return {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}}}


def _worker_definition(activity_arn: str, case: dict) -> dict:
    """The recordings' activity worker is itself a workflow: it polls aws-sdk:sfn:getActivityTask
    in a loop with a Wait, then answers with sendTaskSuccess / sendTaskHeartbeat / sendTaskFailure
    (or, for the timeout case, takes the task and never answers)."""
    name = case["id"]
    sdk = "arn:aws:states:::aws-sdk:sfn:"
    answer = {"TaskToken.$": "$.task.TaskToken"}
    if "failure" in name:
        reply = {"Type": "Task", "Resource": sdk + "sendTaskFailure", "End": True,
                 "Parameters": dict(answer, Error="Programmatic Error", **{"Cause.$": "$.task.Input"})}
    elif "timeout" in name:
        reply = {"Type": "Succeed"}
    else:
        reply = {"Type": "Task", "Resource": sdk + "sendTaskSuccess", "End": True,
                 "Parameters": dict(answer, **{"Output.$": "$.task.Input"})}
    states = {
        "Poll": {"Type": "Task", "Resource": sdk + "getActivityTask", "ResultPath": "$.task", "Next": "Received",
                 "Parameters": {"ActivityArn": activity_arn, "WorkerName": WORKER}},
        "Received": {"Type": "Choice", "Default": "Later",
                     "Choices": [{"Variable": "$.task.TaskToken", "IsPresent": True,
                                  "Next": "Heartbeat" if "heartbeat" in name else "Reply"}]},
        "Later": {"Type": "Wait", "Seconds": 1, "Next": "Poll"},
        "Reply": reply,
    }
    if "heartbeat" in name:
        states["Heartbeat"] = {"Type": "Task", "Resource": sdk + "sendTaskHeartbeat", "ResultPath": None,
                               "Next": "Reply", "Parameters": answer}
    return {"StartAt": "Poll", "States": states}


def _activity_worker(sfn, activity_arn: str, case: dict) -> str:
    """Start the worker workflow; its execution ARN."""
    worker = create_machine(sfn, f"worker-{uuid.uuid4().hex[:10]}", _worker_definition(activity_arn, case))
    return sfn.start_execution(stateMachineArn=worker, input="{}")["executionArn"]


def _params():
    for case in CASES:
        short = case["id"].split("::")[-1]
        marks = [pytest.mark.xfail(reason=KNOWN_GAPS[short], strict=True)] if short in KNOWN_GAPS else []
        yield pytest.param(case, id=short, marks=marks)


def _any_content_length(value):
    """The SDK metadata's Content-Length varies with the digits of the start date (AWS's too):
    compare it as a placeholder, as the recording does for dates."""
    if isinstance(value, dict):
        return {k: ("<length>" if k == "Content-Length" and isinstance(v, str) else
                    ["<length>"] if k == "Content-Length" else _any_content_length(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_any_content_length(v) for v in value]
    return value


def _placeholder_in_text(value):
    """The recording wrote `activity_arn` for the ARN inside longer texts too (a cause)."""
    if isinstance(value, dict):
        return {k: _placeholder_in_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholder_in_text(v) for v in value]
    if isinstance(value, str) and "activity_arn" in value and value != "activity_arn":
        return value.replace("activity_arn", "<activity_arn>")
    return value


def _in_our_account(case: dict, value):
    """The recording replaced the run's account with ACCOUNT in events, not in its inputs: do the same."""
    text = json.dumps(value).replace(f":{case.get('run_account_id', '123456789012')}:", f":{conformance.ACCOUNT}:")
    return json.loads(text)


@pytest.mark.parametrize("case", list(_params()))
def test_recorded_server_execution_behaves_like_aws(server, case, monkeypatch):
    # The recording's placeholders for the activity's ARN and the SDK request ids stand for whole values.
    monkeypatch.setattr(conformance, "_WHOLE_PLACEHOLDERS",
                        conformance._WHOLE_PLACEHOLDERS | {"activity_arn", "x-amzn-RequestId", "RequestId"})
    sfn = server.client()
    definition = _in_our_account(case, case["definition"])
    case_input = _in_our_account(case, case["input"])
    for arn in _arns_in([case_input, definition]):
        name = arn.split(":stateMachine:", 1)[1]
        create_machine(sfn, name, _child_definition(case))
    activity = next((s["Resource"] for s in definition["States"].values()
                     if ":activity:" in str(s.get("Resource", ""))), None)
    worker = None
    if activity is not None and "on_deleted" not in case["id"]:
        activity = sfn.create_activity(name=activity.rsplit(":", 1)[1])["activityArn"]
        worker = _activity_worker(sfn, activity, case)
    machine = create_machine(sfn, f"case-{uuid.uuid4().hex[:10]}", definition)
    kwargs = {"stateMachineArn": machine, "input": json.dumps(case_input)}
    if case.get("execution_name"):
        kwargs["name"] = case["execution_name"]
    execution = sfn.start_execution(**kwargs)["executionArn"]
    described = wait_done(sfn, execution, 30)
    if worker is not None:
        worker_described = wait_done(sfn, worker, 30)
        assert worker_described["status"] == "SUCCEEDED", worker_described
    result = SimpleNamespace(status=described["status"], output=described.get("output"),
                             error=described.get("error"), cause=described.get("cause"),
                             history=history(sfn, execution))
    expected = _placeholder_in_text(_any_content_length(case["expected"]))
    problems = conformance.compare(dict(case, expected=expected), result)
    RESULTS[case["id"]] = not problems
    assert not problems, "\n".join(problems)


def test_aws_sdk_sfn_results_write_timestamps_as_iso_strings(server):
    """AWS: an aws-sdk task result carries the SDK's timestamps as ISO-8601 text, not epoch numbers."""
    import re

    sfn = server.client()
    child = create_machine(sfn, f"child-{uuid.uuid4().hex[:8]}", _child_definition({"id": ""}))
    parent = create_machine(sfn, f"parent-{uuid.uuid4().hex[:8]}", {"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution", "End": True,
        "Parameters": {"StateMachineArn": child}}}})
    execution = sfn.start_execution(stateMachineArn=parent)["executionArn"]
    described = wait_done(sfn, execution, 30)
    assert described["status"] == "SUCCEEDED", described
    start_date = json.loads(described["output"])["StartDate"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", start_date), start_date


def test_aws_sdk_sfn_start_of_a_missing_machine_fails_with_the_sdk_exception(server):
    sfn = server.client()
    missing = "arn:aws:states:us-east-1:111111111111:stateMachine:nowhere-to-be-found"
    parent = create_machine(sfn, f"parent-{uuid.uuid4().hex[:8]}", {"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution", "End": True,
        "Parameters": {"StateMachineArn": missing}}}})
    described = wait_done(sfn, sfn.start_execution(stateMachineArn=parent)["executionArn"], 30)
    assert described["status"] == "FAILED"
    assert described["error"] == "Sfn.StateMachineDoesNotExistException"
    assert described["cause"].startswith(
        f"State Machine Does Not Exist: '{missing}' (Service: Sfn, Status Code: 400, Request ID: ")
