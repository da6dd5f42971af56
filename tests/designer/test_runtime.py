"""The execution runtime through boto3 against a live daphne server (its own SQLite database).

Every state type, local Lambda functions, activities served to a plain boto3 worker,
.waitForTaskToken callbacks, heartbeats, nested executions, StopExecution, RedriveExecution and
StartSyncExecution, each checked against AWS's history shapes.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest

from tests.designer.runtime_server import RuntimeServer, assert_history_intact, create_machine, history, wait_done

LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:"
# The example of AWS's "mock configuration file" page, in Step Functions Local's format.
MOCK_CONFIG = {
    "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
    }}},
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello from Lambda!"}}}},
        "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}},
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello from Lambda!"}}},
        },
    },
}
MOCKED_MACHINE = {"StartAt": "LambdaState", "States": {
    "LambdaState": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "not-deployed-here", "Payload.$": "$"},
                    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 1,
                               "MaxAttempts": 3}],
                    "ResultSelector": {"body.$": "$.Payload.body"}, "ResultPath": "$.lambda", "Next": "SQSState"},
    "SQSState": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/000000000000/q",
                                "MessageBody.$": "$.lambda.body"}, "ResultPath": "$.sqs", "End": True},
}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("runtime")
    server = RuntimeServer(workdir, STATECRAFT_HTTP_ALLOWED_HOSTS="127.0.0.1:*",
                           STATECRAFT_MOCK_CONFIG=str(workdir / "MockConfigFile.json"))
    (workdir / "MockConfigFile.json").write_text(json.dumps(MOCK_CONFIG))
    server.setup()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sfn(server):
    return server.client()


def run(sfn, definition: dict, input: dict | None = None, *, type: str = "STANDARD", timeout: float = 30):
    arn = create_machine(sfn, f"m-{uuid.uuid4().hex[:10]}", definition, type)
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(input or {}))["executionArn"]
    return execution, wait_done(sfn, execution, timeout)


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


def token_from(events: list[dict]) -> str:
    """The $$.Task.Token a Task passed in its parameters (as a test's 'worker' would receive it)."""
    for event in events:
        details = event.get("taskScheduledEventDetails") or event.get("lambdaFunctionScheduledEventDetails")
        if details:
            text = details.get("parameters") or details.get("input")
            found = json.loads(text)
            found = found.get("Payload", found)
            if "token" in found:
                return found["token"]
    raise AssertionError(f"no token in {types(events)}")


def wait_for_event(sfn, execution: str, event_type: str, timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = history(sfn, execution)
        if event_type in types(events):
            return events
        time.sleep(0.1)
    raise AssertionError(f"{event_type} never came: {types(history(sfn, execution))}")


def test_pass_task_wait_choice_parallel_map_machine_succeeds_with_aws_shaped_history(sfn):
    definition = {
        "StartAt": "Numbers",
        "States": {
            "Numbers": {"Type": "Pass", "Result": {"a": 2, "b": 3, "items": [1, 2]}, "Next": "Add"},
            "Add": {"Type": "Task", "Resource": LAMBDA + "add", "ResultPath": "$.added", "Next": "Pause"},
            "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Big?"},
            "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.added.sum", "NumericEquals": 5, "Next": "Both"}],
                     "Default": "Fail"},
            "Fail": {"Type": "Fail", "Error": "Wrong"},
            "Both": {"Type": "Parallel", "ResultPath": "$.both", "Next": "Each", "Branches": [
                {"StartAt": "L", "States": {"L": {"Type": "Pass", "Result": "left", "End": True}}},
                {"StartAt": "R", "States": {"R": {"Type": "Wait", "Seconds": 1, "End": True}}},
            ]},
            "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.mapped", "End": True,
                     "ItemProcessor": {"StartAt": "Twice", "States": {
                         "Twice": {"Type": "Task", "Resource": LAMBDA + "add",
                                   "Parameters": {"a.$": "$", "b.$": "$"}, "End": True}}}},
        },
    }
    execution, described = run(sfn, definition)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    output = json.loads(described["output"])
    assert output["added"] == {"sum": 5}
    assert output["mapped"] == [{"sum": 2}, {"sum": 4}]
    assert output["both"][0] == "left"
    events = history(sfn, execution)
    assert_history_intact(events)
    assert types(events)[:12] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "LambdaFunctionScheduled",
        "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "WaitStateEntered",
        "WaitStateExited", "ChoiceStateEntered", "ChoiceStateExited",
    ]
    assert {"ParallelStateStarted", "ParallelStateSucceeded", "MapStateStarted", "MapIterationSucceeded",
            "MapStateSucceeded"} <= set(types(events))
    scheduled = next(e for e in events if e["type"] == "LambdaFunctionScheduled")
    assert scheduled["lambdaFunctionScheduledEventDetails"]["resource"] == LAMBDA + "add"
    assert json.loads(scheduled["lambdaFunctionScheduledEventDetails"]["input"]) == {"a": 2, "b": 3, "items": [1, 2]}


def test_lambda_invoke_integration_wraps_the_payload_and_maps_handler_errors(sfn):
    definition = {
        "StartAt": "Invoke",
        "States": {
            "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {"FunctionName": "add", "Payload": {"a": 1, "b": 1}}, "Next": "Missing"},
            "Missing": {"Type": "Task", "Resource": LAMBDA + "no-such-function", "Catch": [
                {"ErrorEquals": ["Lambda.ResourceNotFoundException"], "ResultPath": "$.error", "Next": "Done"}],
                "End": True},
            "Done": {"Type": "Succeed"},
        },
    }
    execution, described = run(sfn, definition)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    output = json.loads(described["output"])
    assert output["Payload"] == {"sum": 2} and output["StatusCode"] == 200
    assert output["error"]["Error"] == "Lambda.ResourceNotFoundException"
    events = history(sfn, execution)
    assert "TaskSucceeded" in types(events) and "LambdaFunctionFailed" in types(events)


def test_plain_boto3_activity_worker_completes_an_activity_task(sfn):
    activity = sfn.create_activity(name=f"act-{uuid.uuid4().hex[:8]}")["activityArn"]
    definition = {"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": activity, "TimeoutSeconds": 60, "HeartbeatSeconds": 30, "End": True}}}
    arn = create_machine(sfn, f"act-{uuid.uuid4().hex[:8]}", definition)
    seen = {}

    def worker():
        task = sfn.get_activity_task(activityArn=activity, workerName="worker-1")
        seen["input"] = json.loads(task["input"])
        sfn.send_task_heartbeat(taskToken=task["taskToken"])
        sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"done": seen["input"]["job"]}))

    thread = threading.Thread(target=worker)
    thread.start()
    execution = sfn.start_execution(stateMachineArn=arn, input='{"job": 7}')["executionArn"]
    thread.join(30)
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"]) == {"done": 7}
    events = history(sfn, execution)
    assert_history_intact(events)
    assert types(events) == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                             "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]
    scheduled = events[2]["activityScheduledEventDetails"]
    assert scheduled["resource"] == activity and scheduled["heartbeatInSeconds"] == 30
    assert scheduled["timeoutInSeconds"] == 60 and json.loads(scheduled["input"]) == {"job": 7}
    assert events[3]["activityStartedEventDetails"] == {"workerName": "worker-1"}


def test_activity_without_heartbeats_times_out_with_states_heartbeat_timeout(sfn):
    activity = sfn.create_activity(name=f"hb-{uuid.uuid4().hex[:8]}")["activityArn"]
    definition = {"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": activity, "HeartbeatSeconds": 1, "End": True}}}
    arn = create_machine(sfn, f"hb-{uuid.uuid4().hex[:8]}", definition)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="silent")
    assert task["taskToken"]
    described = wait_done(sfn, execution, 15)
    assert described["status"] == "FAILED" and described["error"] == "States.HeartbeatTimeout"
    events = history(sfn, execution)
    assert types(events)[-2:] == ["ActivityTimedOut", "ExecutionFailed"]
    assert events[-2]["activityTimedOutEventDetails"]["error"] == "States.HeartbeatTimeout"
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")


CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters": {"FunctionName": "count", "Payload": {"token.$": "$$.Task.Token", "q.$": "$.q"}}, "End": True}}}


def test_wait_for_task_token_resumes_on_send_task_success(sfn):
    arn = create_machine(sfn, f"cb-{uuid.uuid4().hex[:8]}", CALLBACK)
    execution = sfn.start_execution(stateMachineArn=arn, input='{"q": "ok?"}')["executionArn"]
    events = wait_for_event(sfn, execution, "TaskSubmitted")
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=token_from(events), output='{"answer": "yes"}')
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"answer": "yes"}
    events = history(sfn, execution)
    assert types(events) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
                             "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    submitted = events[4]["taskSubmittedEventDetails"]
    assert submitted["resourceType"] == "lambda" and submitted["resource"] == "invoke.waitForTaskToken"
    assert json.loads(submitted["output"])["StatusCode"] == 200


def test_wait_for_task_token_fails_on_send_task_failure(sfn):
    arn = create_machine(sfn, f"cb-{uuid.uuid4().hex[:8]}", CALLBACK)
    execution = sfn.start_execution(stateMachineArn=arn, input='{"q": "ok?"}')["executionArn"]
    events = wait_for_event(sfn, execution, "TaskSubmitted")
    sfn.send_task_failure(taskToken=token_from(events), error="Refused", cause="no thanks")
    described = wait_done(sfn, execution)
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", "Refused", "no thanks")
    failed = history(sfn, execution)[-2]
    assert failed["type"] == "TaskFailed"
    assert failed["taskFailedEventDetails"] == {"resourceType": "lambda", "resource": "invoke.waitForTaskToken",
                                                "error": "Refused", "cause": "no thanks"}


@pytest.mark.parametrize("suffix", [".sync", ".sync:2"])
def test_nested_start_execution_sync_returns_the_child_result(sfn, suffix):
    child = create_machine(sfn, f"child-{uuid.uuid4().hex[:8]}", {"StartAt": "Add", "States": {
        "Add": {"Type": "Task", "Resource": LAMBDA + "add", "End": True}}})
    parent = {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution" + suffix,
        "Parameters": {"StateMachineArn": child, "Input": {"a": 20, "b": 22}, "Name": "kid"}, "End": True}}}
    execution, described = run(sfn, parent)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    output = json.loads(described["output"])
    assert output["Status"] == "SUCCEEDED" and output["Name"] == "kid"
    expected = {"sum": 42} if suffix == ".sync:2" else '{"sum":42}'
    assert output["Output"] == expected
    assert types(history(sfn, execution))[2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]
    children = sfn.list_executions(stateMachineArn=child)["executions"]
    assert [c["status"] for c in children] == ["SUCCEEDED"]


def test_nested_sync_child_failure_fails_the_task_with_states_task_failed(sfn):
    child = create_machine(sfn, f"child-{uuid.uuid4().hex[:8]}", {"StartAt": "F", "States": {
        "F": {"Type": "Fail", "Error": "SomeFailure", "Cause": "bad"}}})
    parent = {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
        "Parameters": {"StateMachineArn": child}, "End": True}}}
    _, described = run(sfn, parent)
    assert described["status"] == "FAILED" and described["error"] == "States.TaskFailed"
    cause = json.loads(described["cause"])
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "SomeFailure", "bad")


def test_stop_execution_aborts_a_waiting_execution_and_nothing_is_written_after(sfn):
    definition = {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 60, "Next": "After"},
                                                 "After": {"Type": "Pass", "End": True}}}
    arn = create_machine(sfn, f"stop-{uuid.uuid4().hex[:8]}", definition)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    wait_for_event(sfn, execution, "WaitStateEntered")
    sfn.stop_execution(executionArn=execution, error="Halt", cause="by test")
    time.sleep(1.0)
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Halt", "by test")
    events = history(sfn, execution)
    assert types(events) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    assert [e["id"] for e in events] == [1, 2, 3]


def test_redrive_reruns_only_the_failed_state(sfn, server):
    flag = server.workdir / "fail"
    flag.write_text("1")
    calls = server.workdir / "calls-flaky.log"
    definition = {"StartAt": "First", "States": {
        "First": {"Type": "Task", "Resource": LAMBDA + "add", "Parameters": {"a": 1, "b": 2}, "Next": "Flaky"},
        "Flaky": {"Type": "Task", "Resource": LAMBDA + "flaky",
                  "Parameters": {"sum.$": "$.sum", "redrives.$": "$$.Execution.RedriveCount"}, "End": True},
    }}
    before_add = _count(server.workdir / "calls-add.log")
    execution, described = run(sfn, definition)
    assert described["status"] == "FAILED" and described["error"] == "FlakyFailure"
    flag.unlink()
    sfn.redrive_execution(executionArn=execution)
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"]) == {"flaky": "ok", "sum": 3, "redrives": 1}
    assert described["redriveCount"] == 1
    assert _count(server.workdir / "calls-add.log") - before_add == 1  # First ran once, before the failure
    assert _count(calls) >= 2
    events = history(sfn, execution)
    kinds = types(events)
    assert kinds.count("ExecutionFailed") == 1 and kinds.count("ExecutionRedriven") == 1
    redriven = kinds.index("ExecutionRedriven")
    assert kinds[redriven - 1] == "ExecutionFailed"
    assert events[redriven]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert kinds[redriven + 1:] == ["TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                                    "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert [e["stateEnteredEventDetails"]["name"] for e in events[redriven:] if e["type"] == "TaskStateEntered"] == [
        "Flaky"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def _count(path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_start_sync_execution_runs_an_express_machine_and_returns_its_output(sfn):
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"a.$": "$.x", "b": 1}, "Next": "B"},
        "B": {"Type": "Task", "Resource": LAMBDA + "add", "Next": "C"},
        "C": {"Type": "Pass", "End": True}}}
    arn = create_machine(sfn, f"express-{uuid.uuid4().hex[:8]}", definition, "EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=arn, input='{"x": 41}')
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"sum": 42}
    assert answer["executionArn"].startswith(arn.replace(":stateMachine:", ":express:"))
    failing = create_machine(sfn, f"express-{uuid.uuid4().hex[:8]}", {"StartAt": "F", "States": {
        "F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}, "EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=failing)
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "E", "C")


def test_asynchronous_express_execution_runs_in_memory_and_records_its_outcome(sfn):
    arn = create_machine(sfn, f"express-{uuid.uuid4().hex[:8]}", {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": LAMBDA + "add", "End": True}}}, "EXPRESS")
    execution = sfn.start_execution(stateMachineArn=arn, input='{"a": 1, "b": 1}')["executionArn"]
    assert ":express:" in execution
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"sum": 2}
    assert history(sfn, execution) == []  # AWS keeps no history for Express executions


def test_http_invoke_calls_an_allowed_host_and_refuses_private_ones(sfn):
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply = json.dumps({"echo": body, "path": self.path}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/orders"
        definition = {"StartAt": "Call", "States": {"Call": {
            "Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {
                "ApiEndpoint": url, "Method": "POST", "QueryParameters": {"id": "7"},
                "RequestBody": {"n.$": "$.n"},
                "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:000000000000:connection/x"}},
            "ResultSelector": {"status.$": "$.StatusCode", "body.$": "$.ResponseBody"}, "End": True}}}
        _, described = run(sfn, definition, {"n": 3})
        assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
        assert json.loads(described["output"]) == {"status": 201, "body": {"echo": {"n": 3}, "path": "/orders?id=7"}}
    finally:
        httpd.shutdown()
    refused = {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {"ApiEndpoint": "http://10.1.2.3/", "Method": "GET"}, "End": True}}}
    _, described = run(sfn, refused)
    assert described["status"] == "FAILED" and described["error"] == "States.Runtime"
    assert "STATECRAFT_HTTP_ALLOWED_HOSTS" in described["cause"]


def test_unmocked_service_integration_fails_with_a_clear_message(sfn):
    definition = {"StartAt": "Send", "States": {"Send": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": True}}}
    _, described = run(sfn, definition)
    assert described["status"] == "FAILED" and described["error"] == "States.Runtime"
    # Without AWS settings nor a mock, the message names the settings that would make it run.
    for setting in ("AWS_ENDPOINT_URL_SQS", "AWS_ACCESS_KEY_ID", "STATECRAFT_MOCK_CONFIG"):
        assert setting in described["cause"]


@pytest.mark.parametrize("case, retries", [("HappyPath", 0), ("RetryPath", 3)])
def test_mock_config_test_case_chosen_by_the_arn_suffix_answers_service_integrations(sfn, case, retries):
    arn = create_machine(sfn, "LambdaSQSIntegration", MOCKED_MACHINE)
    execution = sfn.start_execution(stateMachineArn=f"{arn}#{case}", input='{"order": 1}')["executionArn"]
    assert "#" not in execution
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"]) == {
        "order": 1, "lambda": {"body": "Hello from Lambda!"},
        "sqs": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"},
    }
    assert types(history(sfn, execution)).count("TaskFailed") == retries


def test_without_a_test_case_the_mocked_machine_reports_the_missing_integration(sfn):
    arn = create_machine(sfn, "LambdaSQSIntegration", MOCKED_MACHINE)
    described = wait_done(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"])
    assert described["status"] == "FAILED" and described["error"] == "Lambda.ResourceNotFoundException"


def test_redrive_of_a_parallel_reruns_only_the_failed_branch(sfn, server):
    flag = server.workdir / "fail"
    flag.write_text("1")
    definition = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Good", "States": {"Good": {"Type": "Task", "Resource": LAMBDA + "count", "End": True}}},
        {"StartAt": "Later", "States": {
            "Later": {"Type": "Wait", "Seconds": 1, "Next": "Bad"},
            "Bad": {"Type": "Task", "Resource": LAMBDA + "flaky", "End": True}}},
    ]}}}
    before = _count(server.workdir / "calls-count.log")
    execution, described = run(sfn, definition, {"k": 1})
    assert described["status"] == "FAILED" and described["error"] == "FlakyFailure"
    assert _count(server.workdir / "calls-count.log") - before == 1
    flag.unlink()
    sfn.redrive_execution(executionArn=execution)
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"]) == [{"k": 1}, {"flaky": "ok", "k": 1}]
    assert _count(server.workdir / "calls-count.log") - before == 1  # the good branch did not run again
    events = history(sfn, execution)
    kinds = types(events)
    assert kinds.count("ParallelStateEntered") == 1 and kinds.count("ExecutionRedriven") == 1
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def test_start_execution_wait_for_task_token_is_answered_by_the_child_through_aws_sdk_sfn(sfn):
    child = create_machine(sfn, f"answer-{uuid.uuid4().hex[:8]}", {"StartAt": "Reply", "States": {"Reply": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
        "Parameters": {"TaskToken.$": "$.token", "Output": {"from": "child"}}, "End": True}}})
    parent = {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
        "Parameters": {"StateMachineArn": child, "Input": {"token.$": "$$.Task.Token"}}, "End": True}}}
    execution, described = run(sfn, parent)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"]) == {"from": "child"}
    assert "TaskSubmitted" in types(history(sfn, execution))


def test_aws_sdk_sfn_errors_are_named_like_the_sdk_exceptions(sfn):
    definition = {"StartAt": "Send", "States": {"Send": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
        "Parameters": {"TaskToken": "NoSuchTaskToken", "Output": "{}"}, "End": True}}}
    _, described = run(sfn, definition)
    assert described["status"] == "FAILED" and described["error"] == "Sfn.InvalidTokenException"
    assert described["cause"].startswith("Invalid Token: 'Invalid token' (Service: Sfn, Status Code: 400")


def test_callback_heartbeats_keep_it_alive_and_their_absence_times_it_out(sfn):
    definition = json.loads(json.dumps(CALLBACK))
    definition["States"]["Ask"]["HeartbeatSeconds"] = 2
    arn = create_machine(sfn, f"hb-{uuid.uuid4().hex[:8]}", definition)
    kept = sfn.start_execution(stateMachineArn=arn, input='{"q": 1}')["executionArn"]
    token = token_from(wait_for_event(sfn, kept, "TaskSubmitted"))
    for _ in range(3):
        time.sleep(1)
        sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_success(taskToken=token, output='{"alive": true}')
    assert wait_done(sfn, kept)["status"] == "SUCCEEDED"
    dropped = sfn.start_execution(stateMachineArn=arn, input='{"q": 2}')["executionArn"]
    described = wait_done(sfn, dropped, 15)
    assert described["status"] == "FAILED" and described["error"] == "States.HeartbeatTimeout"
    timed_out = history(sfn, dropped)[-2]
    assert timed_out["type"] == "TaskTimedOut"
    assert timed_out["taskTimedOutEventDetails"]["error"] == "States.HeartbeatTimeout"


def test_two_activities_in_a_row_are_each_served_from_their_own_activity(sfn):
    first = sfn.create_activity(name=f"first-{uuid.uuid4().hex[:6]}")["activityArn"]
    second = sfn.create_activity(name=f"second-{uuid.uuid4().hex[:6]}")["activityArn"]
    arn = create_machine(sfn, f"two-{uuid.uuid4().hex[:8]}", {"StartAt": "One", "States": {
        "One": {"Type": "Task", "Resource": first, "Next": "Two"},
        "Two": {"Type": "Task", "Resource": second, "End": True}}})
    execution = sfn.start_execution(stateMachineArn=arn, input='{"step": 0}')["executionArn"]
    for activity, step in ((first, 1), (second, 2)):
        task = sfn.get_activity_task(activityArn=activity, workerName=f"w{step}")
        assert json.loads(task["input"]) == {"step": step - 1}
        sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"step": step}))
    described = wait_done(sfn, execution)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"step": 2}


def test_a_long_synchronous_map_stores_its_progress_while_it_runs(server, sfn):
    """Pass-only iterations never await, yet their events reach the database (and so the live
    view and DescribeMapRun) every ~0.1 s while the Map runs, not in one burst at its end."""
    import contextlib
    import sqlite3

    items = 5000  # 4 events per item: the history stays under AWS's 25,000
    arn = create_machine(sfn, f"m-{uuid.uuid4().hex[:10]}", {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}})
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(list(range(items))))["executionArn"]
    seen: set[int] = set()
    query = ("SELECT count(*), max(e.status) FROM designer_historyevent h JOIN designer_execution e "
             "ON e.id = h.execution_id WHERE e.arn = ? AND h.type = 'MapIterationSucceeded'")
    deadline = time.monotonic() + 60
    with contextlib.closing(sqlite3.connect(server.workdir / "db.sqlite3", timeout=5)) as con:
        while time.monotonic() < deadline:
            count, status = con.execute(query, (execution,)).fetchone()
            if status not in (None, "RUNNING"):
                break
            seen.add(count)
            time.sleep(0.005)
    described = wait_done(sfn, execution, 60)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert len({n for n in seen if 0 < n < items}) >= 1, sorted(seen)
    events = history(sfn, execution)
    assert_history_intact(events)
    assert sum(e["type"] == "MapIterationSucceeded" for e in events) == items
