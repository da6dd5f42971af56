"""engine.test_state: one state run in isolation, as the TestState API runs it."""

from __future__ import annotations

import asyncio
import json

import pytest

from engine.runner import HandlerInvoker
from engine.test_state import TestStateError, check_context, prepare, run_test_state

MAP = {
    "Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}},
    "End": True,
}


def run(definition, input=None, *, state_name=None, mock=None, **options):
    prepared = prepare(json.dumps(definition), state_name=state_name, mock=mock)
    return asyncio.run(run_test_state(prepared, input, **options))


def test_pass_state_reports_each_processing_step():
    result = run({"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.out",
                  "Next": "After"}, {"a": {"b": 1}})
    assert result.status == "SUCCEEDED" and result.next_state == "After"
    assert result.output == {"a": {"b": 1}, "out": {"x": 1}}
    assert result.inspection == {
        "input": {"a": {"b": 1}}, "afterInputPath": {"b": 1}, "afterParameters": {"x": 1},
        "afterResultSelector": {"x": 1}, "afterResultPath": {"a": {"b": 1}, "out": {"x": 1}},
    }


def test_task_runs_its_handler_and_wraps_lambda_invoke_results():
    invoker = HandlerInvoker({"double": lambda event: {"n": event["n"] * 2}})
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "double", "Payload.$": "$"}, "ResultSelector": {"n.$": "$.Payload.n"},
            "End": True}
    result = run(task, {"n": 21}, invoker=invoker)
    assert result.status == "SUCCEEDED" and result.output == {"n": 42}
    assert result.inspection["result"]["StatusCode"] == 200


def test_matching_retrier_reports_retriable_with_the_next_backoff():
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
            "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3}],
            "End": True}
    mock = {"errorOutput": {"error": "Boom", "cause": "it broke"}}
    result = run(task, {}, mock=mock, state_configuration={"retrierRetryCount": 2})
    assert (result.status, result.error, result.cause) == ("RETRIABLE", "Boom", "it broke")
    assert result.inspection["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 18}
    exhausted = run(task, {}, mock=mock, state_configuration={"retrierRetryCount": 3})
    assert exhausted.status == "FAILED"


def test_catch_routes_task_failure_to_handler_with_error_output():
    task = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {},
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Handler"}], "End": True}
    result = run(task, {"k": 1}, mock={"errorOutput": {"error": "E", "cause": "C"}})
    assert result.status == "CAUGHT_ERROR" and result.next_state == "Handler"
    assert result.output == {"k": 1, "failure": {"Error": "E", "Cause": "C"}}
    assert result.inspection["errorDetails"] == {"catchIndex": 0}


def test_choice_without_match_fails_with_no_choice_matched():
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "One"}]}
    assert run(choice, {"v": 1}).next_state == "One"
    result = run(choice, {"v": 2})
    assert (result.status, result.error) == ("FAILED", "States.NoChoiceMatched")


def test_state_name_finds_a_state_inside_a_map_processor():
    machine = {"StartAt": "Each", "States": {"Each": MAP}}
    result = run(machine, {"v": 1}, state_name="Item")
    assert result.status == "SUCCEEDED" and result.output == {"v": 1}


def test_jsonata_assign_is_reported_in_variables():
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"total": "{% $states.input.a + $base %}"},
             "Output": "{% $states.input.a %}", "End": True}
    result = run(state, {"a": 2}, variables={"base": 40})
    assert result.output == 2 and result.inspection["variables"] == {"base": 40, "total": 42}


def test_map_needs_a_mock_and_returns_it():
    with pytest.raises(TestStateError) as refused:
        run(MAP, {"items": [1]})
    assert refused.value.code == "InvalidDefinition"
    result = run(MAP, {"items": [1, 2]}, mock={"result": "[10,20]"})
    # AWS: a JSONPath Map's arrays travel as JSON text inside a JSON string.
    assert result.output == "[10, 20]"
    assert result.inspection["afterItemsPath"] == "[1, 2]" and result.inspection["toleratedFailureCount"] == 1


def test_map_items_path_must_select_an_array():
    state = dict(MAP, ItemsPath="$$.Execution.Input")
    result = run(state, {"items": [1]}, mock={"result": "[]"})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause == 'Reference path "$.Execution.Input" must point to array.'


@pytest.mark.parametrize("context, reason", [
    ({"Execution": {"Id": 1}}, "Execution.Id must be a string"),
    ({"Map": {}}, "'Map' field is not supported when mocking a Context object"),
    ({"Execution": {"pokemon": "squirtle"}}, "Field 'pokemon' is not allowed"),
    ({"Task": {"Token": "t"}}, "Context object contains 'Task' when state is not a Task state with a '.sync' or "
                               "'.waitForTaskToken' service integration pattern"),
])
def test_mocked_context_objects_are_checked(context, reason):
    prepared = prepare(json.dumps({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}),
                       mock={"result": "{}"})
    with pytest.raises(TestStateError) as refused:
        check_context(prepared, context)
    assert refused.value.message == f"Invalid Context object provided: {reason}"


def test_map_iteration_failures_beyond_the_tolerance_fail_the_state():
    mock = {"result": "[1, 1, 1]"}
    assert run(MAP, {"items": [1, 2, 3]}, mock=mock, state_configuration={"mapIterationFailureCount": 1}).status \
        == "SUCCEEDED"
    result = run(MAP, {"items": [1, 2, 3]}, mock=mock, state_configuration={"mapIterationFailureCount": 2})
    assert (result.status, result.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")


@pytest.mark.parametrize("state, mock, code", [
    ({"Type": "Pass", "End": True}, {"result": "{}"}, "ValidationException"),
    ({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}, {"result": "nope"},
     "ValidationException"),
    ({"Type": "Parallel", "Branches": [], "End": True}, {"result": "[]"}, "InvalidDefinition"),
])
def test_refused_requests_carry_aws_error_codes(state, mock, code):
    with pytest.raises(TestStateError) as refused:
        prepare(json.dumps(state), mock=mock)
    assert refused.value.code == code


def test_unmocked_task_past_its_timeout_fails_with_states_timeout():
    async def slow(event):
        await asyncio.sleep(5)

    task = {"Type": "Task", "Resource": "slow", "TimeoutSeconds": 1, "End": True}
    result = run(task, {}, invoker=HandlerInvoker({"slow": slow}))
    assert (result.status, result.error) == ("FAILED", "States.Timeout")


def test_wait_state_does_not_wait_but_checks_its_seconds_path():
    wait = {"Type": "Wait", "SecondsPath": "$.s", "Next": "Later"}
    result = run(wait, {"s": 100000})
    assert (result.status, result.next_state, result.output) == ("SUCCEEDED", "Later", {"s": 100000})
    bad = run(wait, {"s": "soon"})
    assert (bad.status, bad.error) == ("FAILED", "States.Runtime")
