"""JSONata states and workflow variables through engine.run: every field, every scoping rule."""

from __future__ import annotations

import json

import pytest

from tests.engine.helpers import execute, machine, output, types

JSONATA = {"QueryLanguage": "JSONata"}
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def exited(result, name):
    return next(e["stateExitedEventDetails"] for e in result.history
                if e["type"].endswith("StateExited") and e["stateExitedEventDetails"]["name"] == name)


# --- Pass, Output and Assign ---------------------------------------------------------------

def test_pass_output_templates_anywhere_and_literals_kept():
    result = execute(machine(("P", {"Type": "Pass", "Output": {
        "sum": "{% $states.input.a + $states.input.b %}",
        "nested": [{"x": "{% $uppercase($states.input.s) %}"}, "$.a", " {% 1 %} "],
        "name": "{% $states.context.State.Name %}",
    }}), **JSONATA), {"a": 1, "b": 2.5, "s": "hi"})
    assert output(result) == {"sum": 3.5, "nested": [{"x": "HI"}, "$.a", " {% 1 %} "], "name": "P"}


def test_pass_without_output_passes_its_input_through():
    assert output(execute(machine(("P", {"Type": "Pass"}), **JSONATA), {"k": 1})) == {"k": 1}


def test_assign_and_output_of_one_state_both_see_the_values_from_before_it():
    definition = machine(
        ("A", {"Type": "Pass", "Assign": {"x": 1, "y": 10}}),
        ("B", {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}"},
               "Output": {"x": "{% $x %}", "y": "{% $y %}"}}),
        ("C", {"Type": "Pass", "Output": {"x": "{% $x %}", "y": "{% $y %}"}}),
        **JSONATA)
    result = execute(definition)
    assert exited(result, "B")["output"] == json.dumps({"x": 1, "y": 10}, separators=(",", ":"))
    assert output(result) == {"x": 10, "y": 1}
    assert exited(result, "B")["assignedVariables"] == {"x": "10", "y": "1"}
    assert exited(result, "B")["assignedVariablesDetails"] == {"truncated": False}
    assert "assignedVariables" not in exited(result, "C")


def test_undefined_output_fails_with_evaluation_failed_event():
    result = execute(machine(("S", {"Type": "Pass", "Output": {"v": "{% $states.input.missing %}"}}),
                             **JSONATA))
    assert result.status == "FAILED" and result.error == "States.QueryEvaluationError"
    assert result.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata "
        "expression '$states.input.missing' specified for the field 'Output/v' returned nothing (undefined).")
    assert types(result) == ["ExecutionStarted", "PassStateEntered", "EvaluationFailed", "ExecutionFailed"]
    failed = result.history[2]
    assert failed["previousEventId"] == 0
    assert failed["evaluationFailedEventDetails"] == {
        "cause": result.cause, "error": "States.QueryEvaluationError", "location": "Output/v", "state": "S"}


# --- Task: Arguments, $states.result, Catch ------------------------------------------------

def test_task_arguments_result_output_and_assign():
    seen = []

    def double(event):
        seen.append(event)
        return {"value": event["n"] * 2}

    definition = machine(
        ("T", {"Type": "Task", "Resource": ARN + "double",
               "Arguments": {"n": "{% $states.input.n %}", "fixed": "x"},
               "Output": {"got": "{% $states.result.value %}", "in": "{% $states.input.n %}"},
               "Assign": {"last": "{% $states.result.value %}"}}),
        ("U", {"Type": "Pass", "Output": "{% $last %}"}),
        **JSONATA)
    result = execute(definition, {"n": 21}, handlers={"double": double})
    assert seen == [{"n": 21, "fixed": "x"}]
    assert exited(result, "T")["output"] == '{"got":42,"in":21}'
    assert output(result) == 42


def test_task_output_defaults_to_the_result():
    result = execute(machine(("T", {"Type": "Task", "Resource": ARN + "f"}), **JSONATA), {"a": 1},
                     handlers={"f": lambda event: {"r": event}})
    assert output(result) == {"r": {"a": 1}}


def test_task_timeout_seconds_expression():
    result = execute(machine(("T", {"Type": "Task", "Resource": ARN + "f",
                                    "TimeoutSeconds": "{% $states.input.t %}"}), **JSONATA),
                     {"t": 7}, handlers={"f": lambda event: 1})
    scheduled = next(e for e in result.history if e["type"] == "LambdaFunctionScheduled")
    assert scheduled["lambdaFunctionScheduledEventDetails"]["timeoutInSeconds"] == 7


def test_catch_output_and_assign_see_error_output():
    class Boom(Exception):
        pass

    def fail(event):
        raise Boom("it broke")

    definition = machine(
        ("T", {"Type": "Task", "Resource": ARN + "fail", "Catch": [{
            "ErrorEquals": ["States.ALL"], "Next": "H",
            "Output": {"error": "{% $states.errorOutput.Error %}", "input": "{% $states.input %}"},
            "Assign": {"cause": "{% $states.errorOutput.Cause %}"}}], "End": True}),
        ("H", {"Type": "Pass", "Output": {"caught": "{% $states.input %}", "cause": "{% $cause %}"}}),
        **JSONATA)
    result = execute(definition, {"k": 1}, handlers={"fail": fail})
    assert output(result) == {"caught": {"error": "Boom", "input": {"k": 1}}, "cause": "it broke"}
    assert exited(result, "T")["assignedVariables"] == {"cause": '"it broke"'}


def test_catch_without_output_passes_the_error_output():
    def fail(event):
        raise ValueError("bad")

    definition = machine(
        ("T", {"Type": "Task", "Resource": ARN + "fail",
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": True}),
        ("H", {"Type": "Pass"}), **JSONATA)
    assert output(execute(definition, {}, handlers={"fail": fail})) == {"Error": "ValueError", "Cause": "bad"}


def test_query_evaluation_error_can_be_caught():
    definition = machine(
        ("T", {"Type": "Task", "Resource": ARN + "f", "Arguments": "{% $states.input.nope %}",
               "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "H"}], "End": True}),
        ("H", {"Type": "Pass", "Output": "{% $states.input.Error %}"}), **JSONATA)
    result = execute(definition, {}, handlers={"f": lambda e: e})
    assert output(result) == "States.QueryEvaluationError"


# --- Choice, Wait, Fail, Succeed ------------------------------------------------------------

def _choice(value):
    definition = machine(
        ("C", {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.v > 10 %}", "Next": "Big",
             "Output": {"size": "big"}, "Assign": {"kind": "big"}},
            {"Condition": "{% $states.input.v > 5 %}", "Next": "Big"},
        ], "Default": "Small", "Assign": {"kind": "small"}}),
        ("Big", {"Type": "Pass", "End": True, "Output": {
            "in": "{% $states.input %}", "kind": "{% $exists($kind) ? $kind : 'none' %}"}}),
        ("Small", {"Type": "Pass", "Output": {"in": "{% $states.input %}", "kind": "{% $kind %}"}, "End": True}),
        **JSONATA)
    return output(execute(definition, {"v": value}))


def test_choice_condition_rule_output_and_assign():
    assert _choice(20) == {"in": {"size": "big"}, "kind": "big"}
    assert _choice(7) == {"in": {"v": 7}, "kind": "none"}
    assert _choice(1) == {"in": {"v": 1}, "kind": "small"}


def test_choice_condition_must_be_boolean():
    definition = machine(("C", {"Type": "Choice", "Choices": [{"Condition": "{% 'yes' %}", "Next": "D"}],
                                "Default": "D"}), ("D", {"Type": "Succeed"}), **JSONATA)
    result = execute(definition)
    assert result.status == "FAILED"
    assert "Choices[0]/Condition" in result.cause and "Expected 'boolean'" in result.cause


def test_wait_seconds_and_timestamp_expressions():
    result = execute(machine(("W", {"Type": "Wait", "Seconds": "{% $states.input.s %}",
                                    "Output": {"waited": "{% $states.input.s %}"}}), **JSONATA), {"s": 5})
    assert output(result) == {"waited": 5}
    result = execute(machine(("W", {"Type": "Wait", "Timestamp": "{% $states.input.t %}"}), **JSONATA),
                     {"t": "2016-03-14T01:59:00Z"})
    assert result.status == "SUCCEEDED"
    result = execute(machine(("W", {"Type": "Wait", "Seconds": "{% 'soon' %}"}), **JSONATA))
    assert result.status == "FAILED" and "Expected 'integer'" in result.cause


def test_wait_timestamp_expression_that_is_not_a_timestamp_fails_after_the_entered_event():
    result = execute(machine(("Pause", {"Type": "Wait", "Timestamp": "{% $states.input.when %}"}), **JSONATA),
                     {"when": "2020-02-30T08:00:00Z"})
    assert (result.status, result.error) == ("FAILED", "States.QueryEvaluationError")
    assert result.cause.endswith("). The Timestamp field cannot be parsed as an ISO-8601 extended offset "
                                 "date-time format string: 2020-02-30T08:00:00Z")
    failed = result.history[2]
    assert (failed["type"], failed["previousEventId"]) == ("EvaluationFailed", 2)
    assert failed["evaluationFailedEventDetails"]["location"] == "Timestamp"


def test_fail_error_and_cause_expressions():
    result = execute(machine(("F", {"Type": "Fail", "Error": "{% $states.input.e %}",
                                    "Cause": "{% 'because ' & $states.input.c %}"}), **JSONATA),
                     {"e": "Custom.Error", "c": "reasons"})
    assert (result.status, result.error, result.cause) == ("FAILED", "Custom.Error", "because reasons")


def test_succeed_output():
    assert output(execute(machine(("S", {"Type": "Succeed", "Output": "{% $states.input.a %}"}), **JSONATA),
                          {"a": [1]})) == [1]


# --- Parallel and Map: scoping ----------------------------------------------------------------

def test_parallel_branches_read_outer_variables_and_their_assignments_stay_inside():
    branch = lambda name, value: {"StartAt": name, "States": {  # noqa: E731
        name: {"Type": "Pass", "Assign": {"outer": value, "own": value}, "Next": name + "2"},
        name + "2": {"Type": "Pass", "Output": {"outer": "{% $outer %}", "own": "{% $own %}",
                                                "arg": "{% $states.input %}"}, "End": True}}}
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"outer": "top"}}),
        ("Par", {"Type": "Parallel", "Arguments": {"x": "{% $outer %}"},
                 "Branches": [branch("A", "a"), branch("B", "b")],
                 "Output": {"results": "{% $states.result %}", "outer": "{% $outer %}"}}),
        ("After", {"Type": "Pass", "Output": {"outer": "{% $outer %}", "own": "{% $exists($own) %}",
                                              "results": "{% $states.input.results %}"}}),
        **JSONATA)
    result = output(execute(definition))
    assert result["outer"] == "top" and result["own"] is False
    assert result["results"] == [{"outer": "a", "own": "a", "arg": {"x": "top"}},
                                 {"outer": "b", "own": "b", "arg": {"x": "top"}}]


def test_map_items_item_selector_and_iteration_scopes():
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"factor": 10, "seen": "none"}}),
        ("M", {"Type": "Map", "Items": "{% $states.input.list %}", "MaxConcurrency": "{% 1 %}",
               "ItemSelector": {"v": "{% $states.context.Map.Item.Value * $factor %}",
                                "i": "{% $states.context.Map.Item.Index %}",
                                "base": "{% $states.input.base %}"},
               "ItemProcessor": {"StartAt": "It", "States": {
                   "It": {"Type": "Pass", "Assign": {"seen": "{% $states.input.i %}"},
                          "Output": "{% $states.input.v + $states.input.base %}", "End": True}}},
               "Assign": {"count": "{% $count($states.result) %}"},
               "Output": "{% $states.result %}"}),
        ("After", {"Type": "Pass", "Output": {"r": "{% $states.input %}", "seen": "{% $seen %}",
                                              "count": "{% $count %}"}}),
        **JSONATA)
    assert output(execute(definition, {"list": [1, 2, 3], "base": 5})) == {
        "r": [15, 25, 35], "seen": "none", "count": 3}


def test_map_items_literal_array_with_templates():
    definition = machine(("M", {"Type": "Map", "Items": [1, "{% $number('2') %}", "{% $states.input.x %}"],
                                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}),
                         **JSONATA)
    assert output(execute(definition, {"x": "three"})) == [1, 2, "three"]


def test_map_over_the_input_when_items_is_absent_needs_an_array():
    definition = machine(("M", {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "End": True}}}}), **JSONATA)
    assert output(execute(definition, [1, 2])) == [1, 2]
    result = execute(definition, {"a": 1})
    assert result.cause.endswith('Map state input must be an array but was: {"a":1}')
    failed = next(e for e in result.history if e["type"] == "EvaluationFailed")
    assert "location" not in failed["evaluationFailedEventDetails"]


# --- JSONPath states with variables, mixed languages --------------------------------------------

def test_jsonpath_assign_reads_the_result_context_variables_and_intrinsics():
    definition = machine(
        ("A", {"Type": "Pass", "Parameters": {"p.$": "$.in"}, "ResultPath": "$.res",
               "Assign": {"fromResult.$": "$.p", "ctx.$": "$$.State.Name", "lit": "$.p",
                          "fmt.$": "States.Format('v={}', $.p)", "nested": {"x.$": "$.p"}}}),
        ("B", {"Type": "Pass", "Assign": {"old.$": "$fromResult", "fromResult": "new"},
               "Parameters": {"a.$": "$fromResult", "b.$": "$nested.x", "c.$": "$ctx", "d.$": "$lit",
                              "e.$": "$fmt"}}),
        ("C", {"Type": "Pass", "Parameters": {"old.$": "$old", "now.$": "$fromResult"}}))
    result = execute(definition, {"in": 7})
    assert exited(result, "A")["assignedVariables"] == {
        "fromResult": "7", "ctx": '"A"', "lit": '"$.p"', "fmt": '"v=7"', "nested": '{"x":7}'}
    assert exited(result, "B")["output"] == '{"a":7,"b":7,"c":"A","d":"$.p","e":"v=7"}'
    assert output(result) == {"old": 7, "now": "new"}


def test_jsonpath_variable_paths_in_path_fields():
    definition = machine(
        ("A", {"Type": "Pass", "Assign": {"items": [1, 2], "n": "2", "obj": {"k": "v"}}}),
        ("M", {"Type": "Map", "ItemsPath": "$items", "MaxConcurrencyPath": "$n",
               "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}),
        ("B", {"Type": "Pass", "InputPath": "$obj"}))
    assert output(execute(definition)) == {"k": "v"}


def test_jsonpath_catch_assign_reads_the_error_output():
    def fail(event):
        raise RuntimeError("nope")

    definition = machine(
        ("T", {"Type": "Task", "Resource": ARN + "fail", "Catch": [{
            "ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.err",
            "Assign": {"kind.$": "$.Error"}}], "End": True}),
        ("H", {"Type": "Pass", "Parameters": {"kind.$": "$kind", "err.$": "$.err.Cause"}}))
    assert output(execute(definition, {}, handlers={"fail": fail})) == {"kind": "RuntimeError", "err": "nope"}


def test_jsonpath_choice_rule_assign_and_default_assign():
    definition = machine(
        ("C", {"Type": "Choice", "Choices": [
            {"Variable": "$.v", "NumericEquals": 1, "Assign": {"hit": "rule"}, "Next": "D"}],
            "Default": "D", "Assign": {"hit": "default"}}),
        ("D", {"Type": "Pass", "Parameters": {"hit.$": "$hit"}, "End": True}))
    assert output(execute(definition, {"v": 1})) == {"hit": "rule"}
    assert output(execute(definition, {"v": 2})) == {"hit": "default"}


def test_mixed_query_languages_share_variables():
    definition = machine(
        ("J", {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"a": "{% 40 + 2 %}"},
               "Output": {"x": 1}}),
        ("P", {"Type": "Pass", "Parameters": {"a.$": "$a", "x.$": "$.x"}}))
    assert output(execute(definition)) == {"a": 42, "x": 1}


def test_nested_states_inherit_the_top_level_language():
    definition = machine(("M", {"Type": "Map", "Items": "{% [1, 2] %}", "ItemProcessor": {
        "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input * 2 %}", "End": True}}}}),
        **JSONATA)
    assert output(execute(definition)) == [2, 4]


def test_variables_survive_a_checkpoint_and_resume():
    checkpoints = []
    definition = machine(
        ("A", {"Type": "Pass", "Assign": {"x": 5}}),
        ("B", {"Type": "Pass", "Output": "{% $x %}"}), **JSONATA)
    execute(definition, on_checkpoint=checkpoints.append)
    after_a = next(cp for cp in checkpoints if cp["state"] == "B")
    assert json.loads(json.dumps(after_a))["variables"] == [{"x": 5}]
    resumed = execute(definition, checkpoint=json.loads(json.dumps(after_a)))
    assert output(resumed) == 5


@pytest.mark.parametrize("expression, expected", [
    ("$partition([1,2,3], 2)", [[1, 2], [3]]), ("$range(1, 3, 1)", [1, 2, 3]),
    ("$hash('a', 'MD5')", "0cc175b9c0f1b6a831c399e269772661"), ("$parse('[1]')", [1]),
])
def test_step_functions_functions_inside_a_state(expression, expected):
    assert output(execute(machine(("P", {"Type": "Pass", "Output": "{% " + expression + " %}"}),
                                  **JSONATA))) == expected


def test_jsonpath_assign_with_a_missing_path_fails_naming_the_field():
    result = execute(machine(("A", {"Type": "Pass", "Assign": {"v.$": "$.missing"}})), {"a": 1})
    assert result.status == "FAILED" and result.error == "States.Runtime"
    assert result.cause.endswith(
        "The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{\"a\":1}'")


def test_item_selector_failure_records_evaluation_failed_before_map_state_failed():
    definition = machine(("M", {"Type": "Map", "Items": [1], "ItemSelector": {"v": "{% $nothing %}"},
                                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}),
                         **JSONATA)
    result = execute(definition)
    assert result.status == "FAILED"
    assert "'ItemSelector/v' returned nothing" in result.cause
    kinds = types(result)
    assert kinds.index("EvaluationFailed") < kinds.index("MapStateFailed")
    assert kinds.count("EvaluationFailed") == 1


def test_an_execution_can_start_with_variables():
    definition = machine(("P", {"Type": "Pass", "Output": "{% $greeting & ', ' & $states.input.name %}"}),
                         **JSONATA)
    assert output(execute(definition, {"name": "Ada"}, variables={"greeting": "Hello"})) == "Hello, Ada"


def test_a_caught_failure_after_assign_leaves_no_assignment_behind():
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"v": "before"}}),
        ("T", {"Type": "Task", "Resource": ARN + "f", "Assign": {"v.$": "$.x"},
               "ResultPath": "$.x.y.z", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}],
               "End": True}),
        ("H", {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True}))
    result = execute(definition, {"x": 1}, handlers={"f": lambda e: {"x": "after"}})
    assert output(result) == {"v": "before"}
    assert "assignedVariables" not in exited(result, "T")


def test_a_catcher_assign_replaces_the_failed_attempts():
    definition = machine(
        ("T", {"Type": "Task", "Resource": ARN + "f", "Assign": {"a": "{% 'from result' %}"},
               "Output": "{% $states.result.missing %}",
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "Assign": {"b": "{% 'caught' %}"}}],
               "End": True}),
        ("H", {"Type": "Pass", "Output": {"a": "{% $exists($a) %}", "b": "{% $b %}"}, "End": True}),
        **JSONATA)
    result = execute(definition, {}, handlers={"f": lambda e: {}})
    assert output(result) == {"a": False, "b": "caught"}
    assert exited(result, "T")["assignedVariables"] == {"b": '"caught"'}
