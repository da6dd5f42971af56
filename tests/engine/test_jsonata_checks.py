"""Static checks: malformed JSONata, top-level references, unassigned variables, variableReferences."""

from __future__ import annotations

import json

import pytest

from engine.validation.jsonata_checks import (
    expression_problems,
    expression_variables,
    jsonata_diagnostics,
    variable_references,
)
from tests.engine import conformance


@pytest.mark.parametrize("source, variables", [
    ("$states.input.x + $foo", {"foo"}),
    ("($a := 1; $a + $b)", {"b"}),
    ("function($v) { $v + $w }", {"w"}),
    ("$map($arr, function($x) { $x.name })", {"arr"}),
    ("{'k': $v.y}", {"v"}),
    ("$states.input[$i > 1]", {"i"}),
    ("$sum($states.input.a) + $count([])", set()),
    ("$variable := 1", set()),
])
def test_expression_variables_exclude_functions_states_and_local_bindings(source, variables):
    assert expression_variables(source) == variables


@pytest.mark.parametrize("source, message", [
    ("phone", "Reference to 'phone' at the top level is not supported."),
    ("a.b", "Reference to 'a' at the top level is not supported."),
    ("$sum(items.price)", "Reference to 'items' at the top level is not supported."),
    ("$.x", "Reference to '$' at the top level is not supported."),
    ("$$", "Reference to '$$' at the top level is not supported."),
])
def test_top_level_references_are_unsupported(source, message):
    assert expression_problems(source) == [("UNSUPPORTED_JSONATA_EXPRESSION", message)]


@pytest.mark.parametrize("source", [
    "$states.input.items[price > 1]", "$states.input.items.(price * qty)",
    "$map($states.input.l, function($v) { $v.name })", "$states.input^(price)",
    "$states.input.{'a': b}",
])
def test_names_nested_inside_an_expression_are_fine(source):
    assert expression_problems(source) == []


@pytest.mark.parametrize("source, message", [
    ("1 +", "Unexpected end of expression (at position 3)"),
    ("[1,2)", "Expected \"]\", got \")\""),
    ("$match('a', /abc", "No terminating / in regular expression"),
    ("", "The JSONata expression is empty"),
])
def test_malformed_expressions(source, message):
    problems = expression_problems(source)
    assert problems and problems[0][0] == "INVALID_JSONATA_EXPRESSION"
    assert problems[0][1].startswith(message.split(" (at")[0])


def _codes(diagnostics):
    return [(d.path, d.code, d.severity) for d in diagnostics]


def test_jsonata_diagnostics_locate_problems_with_json_pointers():
    definition = {
        "QueryLanguage": "JSONata", "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"known": 1, "bad-name": 2},
                  "Output": {"v": "{% phone %}", "w": ["{% 1 + %}"], "ok": "{% $known %}"}, "Next": "M"},
            "M": {"Type": "Map", "Items": "{% $unknown %}", "ItemProcessor": {"StartAt": "P", "States": {
                "P": {"Type": "Pass", "Output": "{% $known + $inner %}", "End": True}}}, "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $missing %}", "Next": "D"}], "Default": "D"},
            "D": {"Type": "Succeed"},
        },
    }
    found = _codes(jsonata_diagnostics(definition))
    assert ("/States/A/Assign/bad-name", "INVALID_VARIABLE_NAME", "ERROR") in found
    assert ("/States/A/Output/v", "UNSUPPORTED_JSONATA_EXPRESSION", "ERROR") in found
    assert ("/States/A/Output/w/0", "INVALID_JSONATA_EXPRESSION", "ERROR") in found
    assert ("/States/M/Items", "UNDEFINED_VARIABLE_REFERENCE", "WARNING") in found
    assert ("/States/M/ItemProcessor/States/P/Output", "UNDEFINED_VARIABLE_REFERENCE", "WARNING") in found
    assert ("/States/C/Choices/0/Condition", "UNDEFINED_VARIABLE_REFERENCE", "WARNING") in found
    assert not any(path == "/States/A/Output/ok" for path, _, _ in found)


def test_jsonpath_references_to_unassigned_variables_are_warnings():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x.$": "$.v"}, "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"a.$": "$x", "b.$": "$y.z", "c": "$nope",
                                             "d.$": "States.Format('{} $q', $w)"},
              "InputPath": "$x", "End": True},
    }}
    found = _codes(jsonata_diagnostics(definition))
    assert found == [
        ("/States/B/Parameters/b.$", "UNDEFINED_VARIABLE_REFERENCE", "WARNING"),
        ("/States/B/Parameters/d.$", "UNDEFINED_VARIABLE_REFERENCE", "WARNING"),
    ]


def test_jsonpath_states_are_not_parsed_as_jsonata():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "{% 1 + %}", "End": True}}}
    assert jsonata_diagnostics(definition) == []


def test_a_valid_jsonata_machine_has_no_diagnostics():
    definition = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": "{% $states.input.v %}"}, "Output": "{% $x %}", "End": True}}}
    assert jsonata_diagnostics(definition) == []


@pytest.mark.skipif(not conformance.CASES_FILE.exists(), reason="conformance cases not found")
def test_variable_references_match_describe_state_machine_recordings():
    checked = 0
    for line in conformance.CASES_FILE.open():
        case = json.loads(line)
        if case.get("operation") != "DescribeStateMachine" or "definition" not in case["expected"]:
            continue
        definition = case["expected"]["definition"]
        if "timestamp" in json.dumps(definition):   # a path the recording normalised away
            continue
        assert variable_references(definition) == case["expected"].get("variableReferences", {}), case["id"]
        checked += 1
    assert checked >= 5


def test_states_result_and_error_output_outside_their_fields_are_warnings():
    definition = {"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": "{% $states.result %}", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "Arguments": "{% $states.errorOutput %}", "Output": "{% $states.result.x %}",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "E",
                         "Output": "{% $states.errorOutput %}", "Assign": {"r": "{% $states.foo %}"}}],
              "End": True},
        "E": {"Type": "Succeed"},
    }}
    found = _codes(jsonata_diagnostics(definition))
    assert found == [
        ("/States/P/Output", "UNAVAILABLE_STATES_FIELD", "WARNING"),
        ("/States/T/Arguments", "UNAVAILABLE_STATES_FIELD", "WARNING"),
        ("/States/T/Catch/0/Assign/r", "UNAVAILABLE_STATES_FIELD", "WARNING"),
    ]
