"""Choice, Wait, Succeed and Fail states — from the ASL specification's sections on each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.ports import VirtualClock
from tests.engine.helpers import execute, machine, output, types


def _choice_machine() -> dict:
    return {
        "StartAt": "Route",
        "States": {
            "Route": {"Type": "Choice", "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
                {"And": [{"Variable": "$.n", "NumericGreaterThanEquals": 0},
                         {"Variable": "$.kind", "StringEquals": "small"}], "Next": "Small"},
            ], "Default": "Other"},
            "Big": {"Type": "Pass", "Result": "big", "End": True},
            "Small": {"Type": "Pass", "Result": "small", "End": True},
            "Other": {"Type": "Pass", "Result": "other", "End": True},
        },
    }


def test_choice_follows_the_first_matching_rule():
    assert output(execute(_choice_machine(), {"n": 11, "kind": "small"})) == "big"
    assert output(execute(_choice_machine(), {"n": 3, "kind": "small"})) == "small"


def test_choice_falls_back_to_default():
    result = execute(_choice_machine(), {"n": -1, "kind": "small"})
    assert output(result) == "other"
    assert types(result)[1:3] == ["ChoiceStateEntered", "ChoiceStateExited"]


def test_choice_without_match_or_default_fails_with_no_choice_matched():
    definition = {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericEquals": 1, "Next": "X"}]}, "X": {"Type": "Succeed"}}}
    result = execute(definition, {"n": 2})
    assert (result.status, result.error) == ("FAILED", "States.NoChoiceMatched")
    assert types(result) == ["ExecutionStarted", "ChoiceStateEntered", "ExecutionFailed"]


def test_choice_applies_input_path_and_output_path():
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "InputPath": "$.inner", "OutputPath": "$.v",
              "Choices": [{"Variable": "$.v", "IsPresent": True, "Next": "X"}]},
        "X": {"Type": "Succeed"}}}
    assert output(execute(definition, {"inner": {"v": 5}})) == 5


def test_wait_seconds_advances_the_clock_without_sleeping():
    clock = VirtualClock()
    start = clock.now()
    definition = machine(("W", {"Type": "Wait", "Seconds": 3600}), ("After", {"Type": "Pass"}))
    result = execute(definition, {"a": 1}, clock=clock)
    assert output(result) == {"a": 1}
    assert clock.now() - start == timedelta(hours=1)
    assert result.history[-1]["timestamp"] - result.history[0]["timestamp"] == timedelta(hours=1)


def test_wait_timestamp_waits_until_that_moment():
    clock = VirtualClock(datetime(2030, 1, 1, tzinfo=UTC))
    definition = machine(("W", {"Type": "Wait", "TimestampPath": "$.at"}))
    execute(definition, {"at": "2030-01-01T00:10:00Z"}, clock=clock)
    assert clock.now() == datetime(2030, 1, 1, 0, 10, tzinfo=UTC)


def test_wait_timestamp_in_the_past_does_not_wait():
    clock = VirtualClock(datetime(2030, 1, 1, tzinfo=UTC))
    execute(machine(("W", {"Type": "Wait", "Timestamp": "2000-01-01T00:00:00Z"})), clock=clock)
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_wait_seconds_path_rejects_negative_and_fractional_values_with_aws_messages():
    definition = machine(("WaitState", {"Type": "Wait", "SecondsPath": "$.s"}))
    negative = execute(definition, {"s": -1})
    assert negative.cause == ("An error occurred while executing the state 'WaitState' (entered at the event id #2). "
                              "The SecondsPath parameter references a negative value: $.s == -1")
    fractional = execute(definition, {"s": 1.5})
    assert fractional.cause.endswith("The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5")


def test_wait_timestamp_path_rejects_a_timestamp_without_offset():
    result = execute(machine(("W", {"Type": "Wait", "TimestampPath": "$.at"})), {"at": "2016-12-05T21:29:29"})
    assert result.error == "States.Runtime"
    assert result.cause.endswith("The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                                 "date-time format string: $.at == 2016-12-05T21:29:29")


def test_succeed_ends_the_execution_with_its_filtered_input():
    definition = machine(("S", {"Type": "Succeed", "OutputPath": "$.keep"}))
    result = execute(definition, {"keep": [1], "drop": 2})
    assert output(result) == [1]
    assert types(result) == ["ExecutionStarted", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]


def test_fail_ends_the_execution_with_its_error_and_cause():
    result = execute(machine(("F", {"Type": "Fail", "Error": "Oops", "Cause": "because"})))
    assert (result.status, result.error, result.cause, result.output) == ("FAILED", "Oops", "because", None)
    assert result.history[-1]["executionFailedEventDetails"] == {"error": "Oops", "cause": "because"}
    assert types(result) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]


def test_fail_without_error_or_cause_records_an_empty_failure():
    result = execute(machine(("F", {"Type": "Fail"})))
    assert (result.error, result.cause) == (None, None)
    assert result.history[-1]["executionFailedEventDetails"] == {}


def test_fail_error_path_and_cause_path_read_the_input():
    definition = machine(("F", {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('n={}', $.n)"}))
    result = execute(definition, {"e": "Dynamic", "n": 4})
    assert (result.error, result.cause) == ("Dynamic", "n=4")


def test_fail_error_path_that_matches_nothing_is_a_runtime_error():
    result = execute(machine(("fail", {"Type": "Fail", "ErrorPath": "$.ErrorX"})), {"a": 1})
    assert result.error == "States.Runtime"
    assert result.cause.endswith("The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found "
                                 "in the input '{\"a\":1}'")
