"""Workflow test cases: mocked Tasks by call number, expectations, coverage of states, Choice
rules, retriers and catchers at any depth, and the MockConfigFile / TestState formats."""

import asyncio
import json

import pytest

from engine.testcases import TestCase, coverage_report, coverage_targets, run_case
from engine.testcases.formats import FormatError, from_mock_config, to_mock_config, to_test_state_calls

FN = "arn:aws:lambda:us-east-1:123456789012:function:charge"

ORDER = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task", "Resource": FN, "Next": "Route",
            "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2, "IntervalSeconds": 3600}],
            "Catch": [{"ErrorEquals": ["Declined"], "Next": "Rejected"}],
        },
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Review"},
                {"Variable": "$.total", "NumericLessThanEquals": 0, "Next": "Rejected"},
            ],
            "Default": "Ship",
        },
        "Review": {"Type": "Wait", "Seconds": 86400, "Next": "Ship"},
        "Ship": {
            "Type": "Map", "ItemsPath": "$.items", "End": True,
            "ItemProcessor": {"StartAt": "Pack", "States": {"Pack": {"Type": "Task", "Resource": FN, "End": True}}},
        },
        "Rejected": {"Type": "Fail", "Error": "OrderRejected"},
    },
}


def run(case, definition=ORDER):
    return asyncio.run(run_case(definition, case))


def test_mocks_answer_by_call_number_and_waits_and_retries_take_no_time():
    case = TestCase("busy-then-big", {}, {
        "Charge": {
            "0": {"Throw": {"Error": "Busy", "Cause": "try later"}},
            "1": {"Return": {"total": 500, "items": [1, 2]}},
        },
        "Pack": {"0-1": {"Return": "packed"}},
    }, {"status": "SUCCEEDED", "output": ["packed", "packed"], "states": ["Charge", "Route", "Review", "Ship"]})
    result = run(case)
    assert result.failures == []
    assert result.passed and result.status == "SUCCEEDED"
    assert result.states == ["Charge", "Route", "Review", "Ship", "Pack", "Pack"]


def test_each_unmet_expectation_is_reported_in_words():
    case = TestCase("wrong", {}, {"Charge": {"0": {"Throw": {"Error": "Declined", "Cause": "card"}}}},
                    {"status": "SUCCEEDED", "error": "Other", "states": ["Charge", "Ship"], "output": {"a": 1}})
    result = run(case)
    assert result.status == "FAILED" and result.error == "OrderRejected"
    assert not result.passed
    assert [f.split(":")[0] for f in result.failures] == ["status", "error", "output", "states"]
    assert "'Ship' was not reached" in result.failures[3]


def test_output_subset_matches_by_the_keys_given():
    mocks = {"Charge": {"0": {"Return": {"total": 0, "items": [], "extra": {"a": 1, "b": 2}}}}}
    flow = {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": FN, "End": True}}}
    ok = run(TestCase("s", {}, mocks, {"output": {"extra": {"a": 1}}, "outputMatch": "subset"}), flow)
    assert ok.passed
    exact = run(TestCase("e", {}, mocks, {"output": {"extra": {"a": 1}}}), flow)
    assert not exact.passed
    wrong = run(TestCase("w", {}, mocks, {"output": {"extra": {"a": 2}}, "outputMatch": "subset"}), flow)
    assert not wrong.passed


def test_a_task_without_a_mock_fails_naming_the_state_and_calls_nothing():
    result = run(TestCase("none", {}, {}, {"status": "FAILED"}))
    assert result.passed
    assert result.error == "Statecraft.NoMock"
    assert "'Charge'" in result.cause


def test_coverage_marks_states_rules_default_retriers_and_catchers_any_depth():
    targets = [(t.kind, t.state, t.index) for t in coverage_targets(ORDER)]
    assert targets == [
        ("state", "Charge", None), ("retry", "Charge", 0), ("catch", "Charge", 0),
        ("state", "Route", None), ("choice", "Route", 0), ("choice", "Route", 1), ("default", "Route", None),
        ("state", "Review", None), ("state", "Ship", None), ("state", "Pack", None), ("state", "Rejected", None),
    ]
    small_mocks = {"Charge": {"0": {"Return": {"total": 5, "items": [1]}}}, "Pack": {"0": {"Return": 1}}}
    small = run(TestCase("small", {}, small_mocks))
    report = coverage_report(ORDER, small.hits)
    assert (report["covered"], report["total"], report["percent"]) == (5, 11, 45.5)
    declined = run(TestCase("declined", {}, {"Charge": {"0": {"Throw": {"Error": "Declined"}}}}))
    big = run(TestCase("big", {}, {
        "Charge": {"0": {"Throw": {"Error": "Busy"}}, "1": {"Return": {"total": 500, "items": []}}}}))
    report = coverage_report(ORDER, small.hits | declined.hits | big.hits)
    uncovered = [(t["kind"], t["state"], t["index"]) for t in report["targets"] if not t["covered"]]
    assert uncovered == [("choice", "Route", 1)]
    assert report["percent"] == 90.9


def test_mock_config_file_round_trip_and_errors():
    cases = [TestCase("happy", {}, {"Charge": {"0": {"Return": {"total": 1}}}, "Pack": {"0-3": {"Return": 1}}}),
             TestCase("declined", {}, {"Charge": {"0": {"Throw": {"Error": "Declined", "Cause": "no"}}}})]
    config = json.loads(json.dumps(to_mock_config("orders", cases)))
    assert config["StateMachines"]["orders"]["TestCases"]["happy"] == {"Charge": "happy.Charge", "Pack": "happy.Pack"}
    back = from_mock_config(config, "orders")
    assert [(c.name, c.mocks) for c in back] == [(c.name, c.mocks) for c in cases]
    with pytest.raises(FormatError, match="no TestCases for 'other'.*orders"):
        from_mock_config(config, "other")
    config["MockedResponses"]["happy.Pack"] = {"first": {"Return": 1}}
    with pytest.raises(FormatError, match="happy.Pack"):
        from_mock_config(config, "orders")


def test_export_as_test_state_calls_gives_each_mocked_task_its_input_and_mock():
    case = TestCase("declined", {"total": 3}, {"Charge": {"0": {"Throw": {"Error": "Declined", "Cause": "no"}}}})
    result = run(case)
    [call] = to_test_state_calls(ORDER, case, result, "arn:aws:iam::123456789012:role/test")
    assert json.loads(call["definition"]) == ORDER["States"]["Charge"]
    assert json.loads(call["input"]) == {"total": 3}
    assert call["mock"] == {"errorOutput": {"error": "Declined", "cause": "no"}}
    assert call["inspectionLevel"] == "DEBUG"
