"""Task states: handlers, the Lambda integrations' history events, Retry, Catch and timeouts —
from the ASL specification's "Task State" and "Errors" sections and the developer guide's
"Handling errors" and "Invoke Lambda" pages."""

from __future__ import annotations

import asyncio
import json

from engine.ports import VirtualClock
from tests.engine.helpers import execute, machine, output, types

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:double"


class PaymentDeclined(Exception):
    pass


class CustomError(Exception):
    error = "Custom.Named"


def test_a_sync_handler_receives_the_effective_input_and_returns_the_result():
    definition = machine(("T", {"Type": "Task", "Resource": LAMBDA_ARN, "InputPath": "$.n"}))
    assert output(execute(definition, {"n": {"v": 2}}, handlers={LAMBDA_ARN: lambda e: e["v"] * 2})) == 4


def test_an_async_handler_is_awaited():
    async def handler(event):
        await asyncio.sleep(0)
        return {"ok": event}

    definition = machine(("T", {"Type": "Task", "Resource": "fn"}))
    assert output(execute(definition, 1, handlers={"fn": handler})) == {"ok": 1}


def test_handlers_are_found_by_function_name_when_the_resource_is_an_arn():
    definition = machine(("T", {"Type": "Task", "Resource": LAMBDA_ARN}))
    assert output(execute(definition, 3, handlers={"double": lambda e: e * 2})) == 6


def test_lambda_arn_task_records_lambda_function_events():
    definition = machine(("T", {"Type": "Task", "Resource": LAMBDA_ARN}))
    result = execute(definition, {"a": 1}, handlers={LAMBDA_ARN: lambda e: {"b": 2}})
    assert types(result) == [
        "ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
        "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded",
    ]
    scheduled = result.history[2]["lambdaFunctionScheduledEventDetails"]
    assert scheduled == {"resource": LAMBDA_ARN, "input": '{"a":1}', "inputDetails": {"truncated": False}}
    assert result.history[4]["lambdaFunctionSucceededEventDetails"] == {
        "output": '{"b":2}', "outputDetails": {"truncated": False}}
    assert [(e["id"], e["previousEventId"]) for e in result.history] == [
        (1, 0), (2, 0), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6)]


def test_lambda_invoke_integration_wraps_the_payload_like_aws():
    definition = machine(("T", {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                "Parameters": {"FunctionName": LAMBDA_ARN + ":$LATEST", "Payload.$": "$"}}))
    result = execute(definition, {"n": 4}, handlers={"double": lambda e: e["n"] * 2})
    out = output(result)
    assert out["Payload"] == 8
    assert out["StatusCode"] == 200 and out["ExecutedVersion"] == "$LATEST"
    assert out["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert set(out["SdkResponseMetadata"]) == {"RequestId"}
    assert types(result)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    scheduled = result.history[2]["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "lambda" and scheduled["resource"] == "invoke"
    assert scheduled["region"] == "us-east-1"
    assert json.loads(scheduled["parameters"]) == {"FunctionName": LAMBDA_ARN + ":$LATEST", "Payload": {"n": 4}}
    assert result.history[3]["taskStartedEventDetails"] == {"resourceType": "lambda", "resource": "invoke"}


def test_a_handler_exception_fails_the_task_with_class_name_and_message():
    def handler(event):
        raise PaymentDeclined("card 42 declined")

    result = execute(machine(("T", {"Type": "Task", "Resource": "fn"})), handlers={"fn": handler})
    assert (result.status, result.error, result.cause) == ("FAILED", "PaymentDeclined", "card 42 declined")
    assert types(result)[-2:] == ["LambdaFunctionFailed", "ExecutionFailed"]
    assert result.history[-2]["lambdaFunctionFailedEventDetails"] == {
        "error": "PaymentDeclined", "cause": "card 42 declined"}


def test_an_exception_error_attribute_names_the_error():
    def handler(event):
        raise CustomError("boom")

    result = execute(machine(("T", {"Type": "Task", "Resource": "fn"})), handlers={"fn": handler})
    assert result.error == "Custom.Named"


def test_retry_backs_off_by_interval_times_backoff_rate_and_then_succeeds():
    calls = []
    clock = VirtualClock()

    def flaky(event):
        calls.append(clock.now())
        if len(calls) < 3:
            raise PaymentDeclined("again")
        return "done"

    definition = machine(("T", {"Type": "Task", "Resource": "fn", "Retry": [
        {"ErrorEquals": ["PaymentDeclined"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 5}]}))
    result = execute(definition, handlers={"fn": flaky}, clock=clock)
    assert output(result) == "done"
    gaps = [(b - a).total_seconds() for a, b in zip(calls, calls[1:], strict=False)]
    assert gaps == [2, 6]
    assert types(result).count("LambdaFunctionScheduled") == 3
    assert types(result).count("TaskStateEntered") == 1


def test_retry_gives_up_after_max_attempts_and_max_delay_caps_the_wait():
    calls = []
    clock = VirtualClock()

    def always(event):
        calls.append(clock.now())
        raise PaymentDeclined("no")

    definition = machine(("T", {"Type": "Task", "Resource": "fn", "Retry": [
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 3, "MaxDelaySeconds": 15}]}))
    result = execute(definition, handlers={"fn": always}, clock=clock)
    assert result.error == "PaymentDeclined"
    assert len(calls) == 4
    assert [(b - a).total_seconds() for a, b in zip(calls, calls[1:], strict=False)] == [10, 15, 15]


def test_max_attempts_zero_never_retries():
    calls = []

    def fail(event):
        calls.append(1)
        raise PaymentDeclined("x")

    definition = machine(("T", {"Type": "Task", "Resource": "fn",
                                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]}))
    execute(definition, handlers={"fn": fail})
    assert len(calls) == 1


def test_full_jitter_waits_no_longer_than_the_backoff():
    calls = []
    clock = VirtualClock()

    def flaky(event):
        calls.append(clock.now())
        if len(calls) < 2:
            raise PaymentDeclined("x")
        return 1

    definition = machine(("T", {"Type": "Task", "Resource": "fn", "Retry": [
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 4, "JitterStrategy": "FULL"}]}))
    execute(definition, handlers={"fn": flaky}, clock=clock)
    assert 0 <= (calls[1] - calls[0]).total_seconds() <= 4


def test_retry_count_is_visible_in_the_context_object():
    seen = []

    def flaky(event):
        seen.append(event["retry"])
        if len(seen) < 3:
            raise PaymentDeclined("x")
        return event

    definition = machine(("T", {"Type": "Task", "Resource": "fn", "Parameters": {"retry.$": "$$.State.RetryCount"},
                                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}]}))
    execute(definition, handlers={"fn": flaky})
    assert seen == [0, 1, 2]


def test_catch_routes_task_failure_to_handler_with_error_output():
    def fail(event):
        raise PaymentDeclined("card declined")

    definition = machine(
        ("T", {"Type": "Task", "Resource": "fn", "Next": "Done",
               "Catch": [{"ErrorEquals": ["Other"], "Next": "Wrong"},
                         {"ErrorEquals": ["States.TaskFailed"], "Next": "Recover", "ResultPath": "$.error"}]}),
        ("Wrong", {"Type": "Fail"}),
        ("Recover", {"Type": "Pass", "End": True}),
        ("Done", {"Type": "Succeed"}),
    )
    result = execute(definition, {"order": 1}, handlers={"fn": fail})
    assert output(result) == {"order": 1, "error": {"Error": "PaymentDeclined", "Cause": "card declined"}}
    assert types(result)[2:7] == ["LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed",
                                  "TaskStateExited", "PassStateEntered"]


def test_states_all_does_not_catch_states_runtime():
    definition = machine(
        ("T", {"Type": "Task", "Resource": "fn", "Parameters": {"x.$": "$.missing"},
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}]}),
        ("C", {"Type": "Pass"}),
    )
    result = execute(definition, handlers={"fn": lambda e: e})
    assert result.error == "States.Runtime"


def test_retry_is_tried_before_catch_and_catch_takes_over_when_retries_run_out():
    calls = []

    def fail(event):
        calls.append(1)
        raise PaymentDeclined("x")

    definition = machine(
        ("T", {"Type": "Task", "Resource": "fn", "Next": "Ok",
               "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 1}],
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]}),
        ("Caught", {"Type": "Pass", "End": True}),
        ("Ok", {"Type": "Succeed"}),
    )
    result = execute(definition, handlers={"fn": fail})
    assert len(calls) == 3
    assert output(result) == {"Error": "PaymentDeclined", "Cause": "x"}


def test_task_timeout_fails_with_states_timeout():
    clock = VirtualClock()

    async def slow(event):
        await clock.sleep(100)
        return "late"

    definition = machine(("T", {"Type": "Task", "Resource": "fn", "TimeoutSeconds": 5}))
    result = execute(definition, handlers={"fn": slow}, clock=clock)
    assert (result.status, result.error) == ("FAILED", "States.Timeout")
    assert types(result)[-2:] == ["LambdaFunctionTimedOut", "ExecutionFailed"]
    assert result.history[2]["lambdaFunctionScheduledEventDetails"]["timeoutInSeconds"] == 5


def test_task_timeout_seconds_path_reads_the_input():
    definition = machine(("T", {"Type": "Task", "Resource": "fn", "TimeoutSecondsPath": "$.t"}))

    def run_with_timeout(seconds):
        clock = VirtualClock()

        async def slow(event):
            await clock.sleep(10)
            return "late"

        return execute(definition, {"t": seconds}, handlers={"fn": slow}, clock=clock)

    assert run_with_timeout(3).error == "States.Timeout"
    assert output(run_with_timeout(30)) == "late"


def test_a_timeout_can_be_retried():
    clock = VirtualClock()
    attempts = []

    async def slow_then_fast(event):
        attempts.append(1)
        if len(attempts) == 1:
            await clock.sleep(100)
        return "ok"

    definition = machine(("T", {"Type": "Task", "Resource": "fn", "TimeoutSeconds": 5,
                                "Retry": [{"ErrorEquals": ["States.Timeout"]}]}))
    assert output(execute(definition, handlers={"fn": slow_then_fast}, clock=clock)) == "ok"


def test_missing_handler_fails_the_task():
    result = execute(machine(("T", {"Type": "Task", "Resource": "nobody"})))
    assert result.status == "FAILED"
    assert result.error == "Lambda.ResourceNotFoundException"


def test_service_integration_events_carry_resource_type_and_action():
    resource = "arn:aws:states:::dynamodb:putItem"
    definition = machine(("T", {"Type": "Task", "Resource": resource, "Parameters": {"Item": {"k": 1}}}))
    result = execute(definition, handlers={resource: lambda e: {"stored": e}})
    assert output(result) == {"stored": {"Item": {"k": 1}}}
    assert result.history[2]["taskScheduledEventDetails"]["resourceType"] == "dynamodb"
    assert result.history[2]["taskScheduledEventDetails"]["resource"] == "putItem"


def test_a_callback_task_without_heartbeats_fails_with_heartbeat_timeout():
    clock = VirtualClock()

    async def silent(event):
        await clock.sleep(100)
        return "late"

    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    definition = machine(("T", {"Type": "Task", "Resource": resource, "HeartbeatSeconds": 10,
                                "Parameters": {"token.$": "$$.Task.Token"}}))
    result = execute(definition, handlers={resource: silent}, clock=clock)
    assert result.error == "States.HeartbeatTimeout"
    assert types(result)[-2:] == ["TaskTimedOut", "ExecutionFailed"]


def test_heartbeats_keep_a_callback_task_alive():
    clock = VirtualClock()
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"

    class BeatingInvoker:
        async def invoke(self, request):
            for _ in range(5):
                await clock.sleep(8)
                request.extra["heartbeat"]()
            return {"token": request.task_token}

    definition = machine(("T", {"Type": "Task", "Resource": resource, "HeartbeatSeconds": 10}))
    result = execute(definition, invoker=BeatingInvoker(), clock=clock)
    assert output(result)["token"]


def test_a_result_that_is_not_json_fails_like_the_lambda_runtime():
    result = execute(machine(("T", {"Type": "Task", "Resource": "fn"})), handlers={"fn": lambda e: {1, 2}})
    assert result.error == "Runtime.MarshalError"
    assert result.cause.startswith("Unable to marshal response:")


def test_each_callback_task_gets_its_own_task_token():
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    seen = []

    def handler(event):
        seen.append(event["token"])
        return event["token"]

    task = {"Type": "Task", "Resource": resource, "Parameters": {"token.$": "$$.Task.Token"}}
    execute(machine(("T1", task), ("T2", task)), handlers={resource: handler})
    assert len(seen) == 2 and seen[0] != seen[1] and all(seen)


def test_a_retried_callback_task_gets_a_new_token_each_attempt():
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    seen = []

    def handler(event):
        seen.append(event["token"])
        if len(seen) < 2:
            raise PaymentDeclined("again")
        return "ok"

    definition = machine(("T", {"Type": "Task", "Resource": resource, "Parameters": {"token.$": "$$.Task.Token"},
                                "Retry": [{"ErrorEquals": ["States.ALL"]}]}))
    execute(definition, handlers={resource: handler})
    assert len(set(seen)) == 2
