"""Static validation: valid machines stay valid, every invalid form is reported with its path and code."""

from __future__ import annotations

import json

import pytest

from engine.validation import (
    Diagnostic,
    aws_location,
    format_invalid_definition,
    is_valid_path,
    validate,
    validate_state,
)
from tests.engine import conformance

CASES_FILE = conformance.CASES_FILE


def _load_cases() -> list[dict]:
    if not CASES_FILE.exists():
        return []
    return [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]


CASES = _load_cases()
EXECUTION_CASES = [c for c in CASES if c["kind"] in ("execution", "sync_execution")]
CREATE_CASES = [
    c for c in CASES
    if c["kind"] == "api" and c.get("operation") in ("CreateStateMachine", "UpdateStateMachine")
    and "definition" in (c.get("params") or {})
]


def errors(definition) -> list[Diagnostic]:
    return [d for d in validate(definition) if d.severity == "ERROR"]


def found(definition) -> set[tuple[str, str]]:
    return {(d.path, d.code) for d in errors(definition)}


def machine(**states) -> dict:
    first = next(iter(states))
    return {"StartAt": first, "States": states}


PASS_END = {"Type": "Pass", "End": True}


# --- conformance regression -------------------------------------------------------------------------

@pytest.mark.skipif(not EXECUTION_CASES, reason="conformance cases not available")
@pytest.mark.parametrize("case", EXECUTION_CASES, ids=lambda c: c["id"])
def test_every_recorded_execution_definition_is_valid(case):
    assert errors(case["definition"]) == []


@pytest.mark.skipif(not CREATE_CASES, reason="conformance cases not available")
@pytest.mark.parametrize("case", CREATE_CASES, ids=lambda c: c["id"])
def test_create_state_machine_cases_match_aws_verdict_and_message(case):
    text = case["params"]["definition"]
    expected = case["expected"]
    diagnostics = errors(text)
    if isinstance(expected, dict) and expected.get("Error", {}).get("Code") == "InvalidDefinition":
        assert diagnostics, "AWS rejected this definition"
        assert format_invalid_definition(diagnostics, text) == expected["Error"]["Message"]
    else:
        assert diagnostics == []


def test_label_problem_renders_aws_parser_message_quoting_the_definition_text():
    text = json.dumps(machine(M={"Type": "Map", "Label": "a b", "End": True,
                                 "ItemProcessor": {"StartAt": "P", "States": {"P": PASS_END}}}))
    diagnostics = validate(text)
    assert [(d.path, d.message) for d in diagnostics] == [("/States/M/Label", "Label contains invalid character: ' '")]
    assert format_invalid_definition(diagnostics) == (
        f"Error=ValueError Args=[\"Label contains invalid character: ' '\"] in definition '{text}'."
    )


def test_parallel_with_empty_branches_reads_like_test_state_api():
    diagnostics = validate_state({"Type": "Parallel", "Branches": [], "End": True})
    assert format_invalid_definition(diagnostics) == (
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value cannot be empty "
        "at /States/StateName/Branches'"
    )


def test_validate_state_ignores_transitions_to_other_states():
    assert validate_state({"Type": "Pass", "Next": "Elsewhere"}) == []


# --- valid machines ----------------------------------------------------------------------------------

VALID = {
    "every state type": {
        "Comment": "all types", "Version": "1.0", "TimeoutSeconds": 60, "StartAt": "Start",
        "States": {
            "Start": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.r", "Next": "Task"},
            "Task": {
                "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "Parameters": {"x.$": "$.r.a", "ctx.$": "$$.Execution.Id", "f.$": "States.Format('{}', $.a)",
                               "v.$": "$myVar", "nested": {"y.$": "$.b[0]"}},
                "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": "$.t", "OutputPath": "$",
                "TimeoutSeconds": 10, "HeartbeatSeconds": 5,
                "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 0,
                           "BackoffRate": 1, "MaxDelaySeconds": 5, "JitterStrategy": "FULL"},
                          {"ErrorEquals": ["States.ALL"]}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Fail"}],
                "Assign": {"count": 1, "last.$": "$.t"},
                "Next": "Choose",
            },
            "Choose": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.n", "NumericLessThan": 10, "Next": "Wait", "Assign": {"s": "small"}},
                    {"And": [{"Variable": "$.s", "StringMatches": "a*"},
                             {"Not": {"Variable": "$$.State.Name", "IsNull": True}},
                             {"Or": [{"Variable": "$.t", "TimestampLessThanPath": "$.u"},
                                     {"Variable": "$var.x", "BooleanEquals": True}]}],
                     "Next": "Parallel"},
                ],
                "Default": "Done",
            },
            "Wait": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Map"},
            "Parallel": {
                "Type": "Parallel", "Branches": [
                    {"StartAt": "B1", "States": {"B1": {"Type": "Wait", "Seconds": 0, "End": True}}},
                    {"StartAt": "B2", "States": {"B2": {"Type": "Wait",
                                                        "Timestamp": "2016-03-14T01:59:00Z", "End": True}}},
                ],
                "ResultPath": None, "Next": "Map",
            },
            "Map": {
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 0,
                "ItemSelector": {"item.$": "$$.Map.Item.Value"}, "ToleratedFailurePercentage": 50,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                                  "States": {"I": {"Type": "Succeed"}}},
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
            "Fail": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "States.Format('x{}', $.c)"},
        },
    },
    "legacy iterator and distributed map": machine(
        M={"Type": "Map", "Iterator": {"StartAt": "I", "States": {"I": PASS_END}},
           "Parameters": {"i.$": "$$.Map.Item.Index"}, "Next": "D"},
        D={"Type": "Map", "Label": "ok_label", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "J", "States": {"J": PASS_END}}, "End": True},
    ),
    "jsonata machine": {
        "QueryLanguage": "JSONata", "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
                  "Output": "{% $states.result.Payload %}", "Assign": {"x": "{% $states.result %}"},
                  "TimeoutSeconds": "{% $timeout %}",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "C"}],
                  "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $x > 1 %}", "Next": "M", "Output": {"a": 1}}],
                  "Default": "W"},
            "W": {"Type": "Wait", "Seconds": "{% 1 %}", "Next": "M"},
            "M": {"Type": "Map", "Items": "{% [1, 2] %}", "MaxConcurrency": "{% 2 %}",
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input %}",
                                                                     "End": True}}},
                  "Next": "F"},
            "F": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% 'C' %}"},
        },
    },
    "jsonpath machine with one jsonata state": machine(
        A={"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"v": "{% 1 %}"}, "Next": "B"},
        B={"Type": "Pass", "InputPath": "$.v", "End": True},
    ),
    "null paths": machine(A={"Type": "Pass", "InputPath": None, "OutputPath": None, "ResultPath": None, "End": True}),
    "nested loop without terminal state is fine": machine(
        M={"Type": "Map", "ItemProcessor": {"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}, "End": True}),
    "loop with an exit": machine(
        Loop={"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 3, "Next": "Inc"}],
              "Default": "Done"},
        Inc={"Type": "Pass", "Next": "Loop"},
        Done={"Type": "Succeed"},
    ),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_machines_have_no_errors(name):
    assert errors(VALID[name]) == []


def test_json_text_is_accepted():
    assert errors(json.dumps(VALID["every state type"])) == []


# --- invalid forms: (definition, expected (path, code) pairs) ------------------------------------------

S = "SCHEMA_VALIDATION_FAILED"
T = "MISSING_TRANSITION_TARGET"

INVALID = {
    "missing StartAt and States": ({}, {("", S)}),
    "unknown top-level field": ({"StartAt": "A", "States": {"A": PASS_END}, "Coment": "x"}, {("", S)}),
    "top-level TimeoutSeconds not positive": (
        {"StartAt": "A", "States": {"A": PASS_END}, "TimeoutSeconds": 0}, {("/TimeoutSeconds", S)}),
    "top-level QueryLanguage outside enum": (
        {"QueryLanguage": "jsonata", "StartAt": "A", "States": {"A": PASS_END}}, {("/QueryLanguage", S)}),
    "StartAt names no state": (
        {"StartAt": "Nope", "States": {"A": PASS_END}}, {("/StartAt", T), ("/States/A", T)}),
    "missing Type": (machine(A={"End": True}), {("/States/A", S)}),
    "unknown Type": (machine(A={"Type": "Magic", "End": True}), {("/States/A/Type", S)}),
    "Next and End both": (machine(A={"Type": "Pass", "Next": "A", "End": True}), {("/States/A", S)}),
    "neither Next nor End": (machine(A={"Type": "Pass"}, B=PASS_END), {("/States/A", S), ("/States/B", T)}),
    "field of another type": (machine(A={"Type": "Pass", "Resource": "x", "End": True}), {("/States/A", S)}),
    "Catch on Pass": (machine(A={"Type": "Pass", "End": True, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}]}),
                      {("/States/A", S)}),
    "TimeoutSeconds on Parallel": (machine(P={"Type": "Parallel", "TimeoutSeconds": 5, "End": True, "Branches": [
        {"StartAt": "W", "States": {"W": PASS_END}}]}), {("/States/P", S)}),
    "End on Choice": (machine(C={"Type": "Choice", "End": True, "Choices": [
        {"Variable": "$.a", "IsNull": True, "Next": "D"}]}, D=PASS_END), {("/States/C", S)}),
    "Next target missing": (machine(A={"Type": "Pass", "Next": "Ghost"}, B=PASS_END),
                            {("/States/A/Next", T), ("/States/B", T)}),
    "Default target missing": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "IsNull": True, "Next": "D"}], "Default": "Ghost"}, D=PASS_END),
        {("/States/C/Default", T)}),
    "Choice rule target missing": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "IsNull": True, "Next": "Ghost"}], "Default": "D"}, D=PASS_END),
        {("/States/C/Choices/0/Next", T)}),
    "Catch target missing": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Catch": [
        {"ErrorEquals": ["States.ALL"], "Next": "Ghost"}]}), {("/States/T/Catch/0/Next", T)}),
    "unreachable state": (machine(A=PASS_END, B=PASS_END), {("/States/B", T)}),
    "no terminal state": (machine(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}),
                          {("", "MISSING_END_STATE")}),
    "state name too long": (machine(**{"N" * 81: PASS_END}), {("/States/" + "N" * 81, "INVALID_STATE_NAME")}),
    "duplicate name across branches": (machine(P={"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "X", "States": {"X": PASS_END}}, {"StartAt": "X", "States": {"X": PASS_END}}]}),
        {("/States/P/Branches/1/States/X", "DUPLICATE_STATE_NAME")}),
    "Choice without Choices": (machine(C={"Type": "Choice", "Default": "D"}, D=PASS_END), {("/States/C", S)}),
    "Choice with empty Choices": (machine(C={"Type": "Choice", "Choices": [], "Default": "D"}, D=PASS_END),
                                  {("/States/C/Choices", S)}),
    "top-level rule without Next": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "IsNull": True}], "Default": "D"}, D=PASS_END), {("/States/C/Choices/0", S)}),
    "nested rule with Next": (machine(C={"Type": "Choice", "Choices": [
        {"Not": {"Variable": "$.a", "IsNull": True, "Next": "D"}, "Next": "D"}]}, D=PASS_END),
        {("/States/C/Choices/0/Not", S)}),
    "rule with two operators": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "IsNull": True, "IsString": True, "Next": "D"}]}, D=PASS_END),
        {("/States/C/Choices/0", S)}),
    "rule without operator": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "Next": "D"}]}, D=PASS_END), {("/States/C/Choices/0", S)}),
    "rule without Variable": (machine(C={"Type": "Choice", "Choices": [
        {"StringEquals": "x", "Next": "D"}]}, D=PASS_END), {("/States/C/Choices/0", S)}),
    "operand of the wrong type": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "NumericEquals": "1", "Next": "D"}]}, D=PASS_END),
        {("/States/C/Choices/0/NumericEquals", S)}),
    "bad timestamp operand": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "TimestampEquals": "2016-03-14", "Next": "D"}]}, D=PASS_END),
        {("/States/C/Choices/0/TimestampEquals", S)}),
    "empty And": (machine(C={"Type": "Choice", "Choices": [{"And": [], "Next": "D"}]}, D=PASS_END),
                  {("/States/C/Choices/0/And", S)}),
    "bad Variable path": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "a.b", "IsNull": True, "Next": "D"}]}, D=PASS_END), {("/States/C/Choices/0/Variable", S)}),
    "bad path twin operand": (machine(C={"Type": "Choice", "Choices": [
        {"Variable": "$.a", "NumericEqualsPath": "b", "Next": "D"}]}, D=PASS_END),
        {("/States/C/Choices/0/NumericEqualsPath", S)}),
    "empty ErrorEquals": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Retry": [{"ErrorEquals": []}]}),
                          {("/States/T/Retry/0/ErrorEquals", S)}),
    "missing ErrorEquals": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Retry": [{}]}),
                            {("/States/T/Retry/0", S)}),
    "States.ALL not alone": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Retry": [
        {"ErrorEquals": ["States.ALL", "X"]}]}), {("/States/T/Retry/0/ErrorEquals", S)}),
    "States.ALL not last": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Catch": [
        {"ErrorEquals": ["States.ALL"], "Next": "T"}, {"ErrorEquals": ["X"], "Next": "T"}]}),
        {("/States/T/Catch/0/ErrorEquals", S)}),
    "retrier numbers out of range": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Retry": [
        {"ErrorEquals": ["X"], "MaxAttempts": -1, "BackoffRate": 0.5, "IntervalSeconds": 0, "MaxDelaySeconds": 0,
         "JitterStrategy": "HALF"}]}),
        {("/States/T/Retry/0/MaxAttempts", S), ("/States/T/Retry/0/BackoffRate", S),
         ("/States/T/Retry/0/IntervalSeconds", S), ("/States/T/Retry/0/MaxDelaySeconds", S),
         ("/States/T/Retry/0/JitterStrategy", S)}),
    "unknown retrier field": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Retry": [
        {"ErrorEquals": ["X"], "Next": "T"}]}), {("/States/T/Retry/0", S)}),
    "catcher without Next": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Catch": [
        {"ErrorEquals": ["X"]}]}), {("/States/T/Catch/0", S)}),
    "Task without Resource": (machine(T={"Type": "Task", "End": True}), {("/States/T", S)}),
    "Task timeouts": (machine(T={"Type": "Task", "Resource": "r", "End": True, "TimeoutSeconds": 0,
                                 "HeartbeatSeconds": 1.5}),
                      {("/States/T/TimeoutSeconds", S), ("/States/T/HeartbeatSeconds", S)}),
    "heartbeat not below timeout": (machine(T={"Type": "Task", "Resource": "r", "End": True, "TimeoutSeconds": 5,
                                               "HeartbeatSeconds": 5}), {("/States/T/HeartbeatSeconds", S)}),
    "timeout and its path": (machine(T={"Type": "Task", "Resource": "r", "End": True, "TimeoutSeconds": 5,
                                        "TimeoutSecondsPath": "$.t"}), {("/States/T/TimeoutSeconds", S)}),
    "Credentials without RoleArn": (machine(T={"Type": "Task", "Resource": "r", "End": True, "Credentials": {}}),
                                    {("/States/T/Credentials", S)}),
    "Wait without a duration": (machine(W={"Type": "Wait", "End": True}), {("/States/W", S)}),
    "Wait with two durations": (machine(W={"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True}),
                                {("/States/W/SecondsPath", S)}),
    "Wait negative Seconds": (machine(W={"Type": "Wait", "Seconds": -1, "End": True}), {("/States/W/Seconds", S)}),
    "Wait bad Timestamp": (machine(W={"Type": "Wait", "Timestamp": "2016-03-14T01:59:00", "End": True}),
                           {("/States/W/Timestamp", S)}),
    "Fail Error and ErrorPath": (machine(F={"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}),
                                 {("/States/F/Error", S)}),
    "Fail with Next": (machine(F={"Type": "Fail", "Next": "F"}), {("/States/F", S)}),
    "Assign on Succeed": (machine(S={"Type": "Succeed", "Assign": {"a": 1}}), {("/States/S", S)}),
    "Parallel without Branches": (machine(P={"Type": "Parallel", "End": True}), {("/States/P", S)}),
    "invalid branch inside Parallel": (machine(P={"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Ghost"}}}]}),
        {("/States/P/Branches/0/States/A/Next", T)}),
    "branch declaring QueryLanguage": (machine(P={"Type": "Parallel", "End": True, "Branches": [
        {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": PASS_END}}]}), {("/States/P/Branches/0", S)}),
    "Map without processor": (machine(M={"Type": "Map", "End": True}), {("/States/M", S)}),
    "Map with both processors": (machine(M={"Type": "Map", "End": True,
                                            "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}},
                                            "Iterator": {"StartAt": "B", "States": {"B": PASS_END}}}),
                                 {("/States/M", S)}),
    "Map processor config": (machine(M={"Type": "Map", "End": True, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "SIDEWAYS"}, "StartAt": "A", "States": {"A": PASS_END}}}),
        {("/States/M/ItemProcessor/ProcessorConfig/Mode", S)}),
    "distributed map without ExecutionType": (machine(M={"Type": "Map", "End": True, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "A", "States": {"A": PASS_END}}}),
        {("/States/M/ItemProcessor/ProcessorConfig", S)}),
    "Map concurrency and tolerance": (machine(M={"Type": "Map", "End": True, "MaxConcurrency": -1,
                                                 "ToleratedFailurePercentage": 101, "ToleratedFailureCount": -2,
                                                 "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}}}),
                                      {("/States/M/MaxConcurrency", S), ("/States/M/ToleratedFailurePercentage", S),
                                       ("/States/M/ToleratedFailureCount", S)}),
    "MaxConcurrency with its path": (machine(M={"Type": "Map", "End": True, "MaxConcurrency": 1,
                                                "MaxConcurrencyPath": "$.m",
                                                "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}}}),
                                     {("/States/M/MaxConcurrency", S)}),
    "ItemsPath must be a reference path": (machine(M={"Type": "Map", "End": True, "ItemsPath": "$.a[*]",
                                                      "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}}}),
                                           {("/States/M/ItemsPath", S)}),
    "Map label too long": (machine(M={"Type": "Map", "End": True, "Label": "x" * 41,
                                      "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}}}),
                           {("/States/M/Label", S)}),
    "bad InputPath": (machine(A={"Type": "Pass", "InputPath": "input", "End": True}), {("/States/A/InputPath", S)}),
    "bad OutputPath syntax": (machine(A={"Type": "Pass", "OutputPath": "$.a[", "End": True}),
                              {("/States/A/OutputPath", S)}),
    "ResultPath with a filter": (machine(A={"Type": "Pass", "ResultPath": "$.a[?(@.b)]", "End": True}),
                                 {("/States/A/ResultPath", S)}),
    "ResultPath into the context object": (machine(A={"Type": "Pass", "ResultPath": "$$.x", "End": True}),
                                           {("/States/A/ResultPath", S)}),
    "ResultPath with a wildcard": (machine(A={"Type": "Pass", "ResultPath": "$.a[*]", "End": True}),
                                   {("/States/A/ResultPath", S)}),
    "dollar key without a path": (machine(A={"Type": "Pass", "Parameters": {"a.$": "plain"}, "End": True}),
                                  {("/States/A/Parameters/a.$", S)}),
    "dollar key holding a number": (machine(A={"Type": "Pass", "Parameters": {"a": {"b.$": 3}}, "End": True}),
                                    {("/States/A/Parameters/a/b.$", S)}),
    "malformed intrinsic": (machine(A={"Type": "Pass", "Parameters": {"a.$": "States.Format('x'"}, "End": True}),
                            {("/States/A/Parameters/a.$", S)}),
    "unknown intrinsic": (machine(A={"Type": "Pass", "ResultSelector": {}, "Parameters": {
        "a.$": "States.Nope(1)"}, "End": True}), {("/States/A", S), ("/States/A/Parameters/a.$", S)}),
    "bad path in ItemSelector": (machine(M={"Type": "Map", "End": True, "ItemSelector": {"i.$": "$$.Map.Item.Value["},
                                            "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}}}),
                                 {("/States/M/ItemSelector/i.$", S)}),
    "bad path in Assign": (machine(A={"Type": "Pass", "Assign": {"v.$": "nope"}, "End": True}),
                           {("/States/A/Assign/v.$", S)}),
    "JSONata-only field on a JSONPath state": (machine(T={"Type": "Task", "Resource": "r", "Arguments": {},
                                                          "Output": {}, "End": True}), {("/States/T", S)}),
    "Items on a JSONPath Map": (machine(M={"Type": "Map", "Items": [1], "End": True,
                                           "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}}}),
                                {("/States/M", S)}),
    "JSONPath fields on a JSONata state": (
        {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {
            "Type": "Task", "Resource": "r", "Parameters": {}, "ResultSelector": {}, "TimeoutSecondsPath": "$.t",
            "End": True}}}, {("/States/A", S)}),
    "JSONPath rule in a JSONata Choice": (
        {"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "D"}]}, "D": PASS_END}},
        {("/States/C/Choices/0", S)}),
    "ResultPath on a JSONata catcher": (
        {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "r", "End": True,
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e", "Next": "T"}]}}},
        {("/States/T/Catch/0", S)}),
    "state downgrading a JSONata machine": (
        {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {
            "Type": "Pass", "QueryLanguage": "JSONPath", "Output": {}, "End": True}}}, {("/States/A", S)}),
    "unclosed JSONata expression": (
        {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {
            "Type": "Pass", "Output": {"v": "{% 1 "}, "End": True}}},
        {("/States/A/Output/v", "INVALID_JSONATA_EXPRESSION")}),
}


@pytest.mark.parametrize("name", INVALID)
def test_invalid_form_is_reported_at_its_path_with_its_code(name):
    definition, expected = INVALID[name]
    assert found(definition) == expected


def test_every_problem_is_reported_at_once():
    definition = machine(
        A={"Type": "Pass", "InputPath": "x", "Next": "Ghost"},
        B={"Type": "Task", "End": True},
        C={"Type": "Wait", "End": True},
    )
    assert found(definition) == {
        ("/States/A/InputPath", S), ("/States/A/Next", T), ("/States/B", S), ("/States/C", S),
        ("/States/B", T), ("/States/C", T),
    }


def test_jsonpath_only_fields_in_jsonata_state_are_reported_one_by_one_in_fixed_order():
    definition = {"QueryLanguage": "JSONata", "StartAt": "X", "States": {"X": {
        "Type": "Pass", "ResultPath": "$.c", "OutputPath": "$.b", "InputPath": "$.a", "End": True}}}
    assert [d.message for d in errors(definition)] == [
        f"The QueryLanguage is set to 'JSONata', but field '{f}' is only supported for the 'JSONPath' QueryLanguage"
        for f in ("InputPath", "OutputPath", "ResultPath")
    ]


def test_state_language_comes_from_the_machine_not_the_enclosing_map():
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "QueryLanguage": "JSONata", "Items": "{% [1] %}",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {"v": 1}, "End": True}}},
        "End": True}}}
    assert [(d.path, d.message) for d in errors(definition)] == [(
        "/States/M/ItemProcessor/States/P",
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
    )]


def test_dangling_target_comes_before_missing_end_state():
    diagnostics = errors(machine(A={"Type": "Pass", "Next": "NOPE"}))
    assert [(d.code, d.message, aws_location(d.path)) for d in diagnostics] == [
        ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Next"),
        ("MISSING_END_STATE", "Workflow has no terminal state", "null"),
    ]


def test_missing_end_state_suppresses_unreachable_states():
    definition = machine(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"},
                         Unused={"Type": "Pass", "Next": "A"})
    assert found(definition) == {("", "MISSING_END_STATE")}


def test_duplicate_state_names_in_json_text_are_reported():
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}'
    assert ("/States/A", "DUPLICATE_STATE_NAME") in found(text)


# --- input that is not a definition ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["{not json", "[1, 2", '{"StartAt": }'])
def test_malformed_json_is_one_invalid_json_description(text):
    diagnostics = validate(text)
    assert len(diagnostics) == 1
    assert diagnostics[0].code == "INVALID_JSON_DESCRIPTION"
    assert diagnostics[0].path == ""


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_definition_is_missing_description(value):
    assert [d.code for d in validate(value)] == ["MISSING_DESCRIPTION"]


@pytest.mark.parametrize("value", [
    [], 3, "[]", '"text"', {"StartAt": 3, "States": []}, {"StartAt": "A", "States": {"A": []}},
    {"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [None, 1, [], {"And": "x"}]}}},
    {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [None, {"States": 1}], "End": True}}},
    {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": 1, "Retry": "x", "Catch": [None], "End": "yes"}}},
    {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": [], "Label": 5, "End": True}}},
])
def test_garbage_is_reported_never_raised(value):
    diagnostics = validate(value)
    assert diagnostics
    assert all(d.code != "SCHEMA_VALIDATION_FAILED" or not d.message.startswith("Could not validate")
               for d in diagnostics)


# --- rendering ------------------------------------------------------------------------------------------

def test_diagnostic_to_dict():
    d = Diagnostic("/States/A/Next", "MISSING_TRANSITION_TARGET", "Missing 'Next' target: B")
    assert d.to_dict() == {"path": "/States/A/Next", "code": "MISSING_TRANSITION_TARGET",
                           "message": "Missing 'Next' target: B", "severity": "ERROR"}


def test_format_joins_errors_like_aws():
    diagnostics = errors(machine(pass1={"Type": "Pass", "Next": "pass3"}, pass2=PASS_END))
    assert format_invalid_definition(diagnostics) == (
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at "
        "/States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'"
    )


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
def test_wait_timestamp_that_is_not_rfc3339_reads_like_aws(language):
    definition = machine(W={"Type": "Wait", "Timestamp": "2021-06-31T10:00:00Z", "End": True})
    definition["QueryLanguage"] = language
    assert format_invalid_definition(errors(definition)) == (
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp "
        "at /States/W/Timestamp'")


def test_format_skips_warnings():
    diagnostics = [Diagnostic("/States/A", "NO_DOLLAR", "looks like a path", "WARNING"),
                   Diagnostic("/States/A", "SCHEMA_VALIDATION_FAILED", "Field 'X' is not supported")]
    assert format_invalid_definition(diagnostics) == (
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'X' is not supported at /States/A'"
    )


@pytest.mark.parametrize("pointer,location", [
    ("", "null"),
    ("/StartAt", "/StartAt"),
    ("/States/C/Choices/0/Next", "/States/C/Choices[0]/Next"),
    ("/States/P/Branches/1/States/Ghost", "/States/P/Branches[1]/States/Ghost"),
    ("/States/T/Retry/0/ErrorEquals/2", "/States/T/Retry[0]/ErrorEquals[2]"),
    ("/States/a~1b", "/States/a/b"),
    ("/States/0/Next", "/States/0/Next"),
    ("/States/Retry/Retry/0", "/States/Retry/Retry[0]"),
    ("/States/C/Choices/0/And/1/Not", "/States/C/Choices[0]/And[1]/Not"),
])
def test_aws_location(pointer, location):
    assert aws_location(pointer) == location


def test_slash_in_state_name_is_escaped_in_the_pointer():
    diagnostics = errors(machine(Start=PASS_END, **{"a/b": PASS_END}))
    assert [(d.path, d.message) for d in diagnostics] == [("/States/a~1b", 'State "a/b" is not reachable.')]


@pytest.mark.parametrize("path,reference,valid", [
    ("$", True, True), ("$.a.b[0]['c d']", True, True), ("$$.Execution.Input", True, True),
    ("$var", True, True), ("$var.x[1]", True, True), ("$.a[*]", True, False), ("$..a", True, False),
    ("$.a[*]", False, True), ("$..a", False, True), ("$.a[?(@.b > 1)]", False, True),
    ("a", False, False), ("", False, False), ("$.a[", False, False), (None, False, False),
])
def test_path_syntax(path, reference, valid):
    assert is_valid_path(path, reference=reference) is valid


def test_jsonata_expression_checks_are_part_of_validate():
    definition = {"QueryLanguage": "JSONata", "StartAt": "Main", "States": {
        "Main": {"Type": "Pass", "Output": "{% 1 + %}", "End": True}}}
    assert found(definition) == {("/States/Main/Output", "INVALID_JSONATA_EXPRESSION")}


SYNC_REFUSED = "Express state machine does not support '.sync' service integration"


def _task(resource: str) -> dict:
    return {"Type": "Task", "Resource": resource, "End": True}


@pytest.mark.parametrize("resource,message", [
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
     "Express state machine does not support '.waitForTaskToken' service integration"),
    ("arn:aws:states:::states:startExecution.sync", SYNC_REFUSED),
    ("arn:aws:states:::states:startExecution.sync:2", SYNC_REFUSED),
    ("arn:aws:states:us-east-1:123456789012:activity:work", "Express state machine does not support Activity ARN"),
])
def test_express_machines_refuse_callbacks_jobs_and_activities_at_any_depth(resource, message):
    nested = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
            "StartAt": "T", "States": {"T": _task(resource)}}}}}]}}}
    assert validate(nested) == [] and validate(nested, machine_type="STANDARD") == []
    assert [(d.path, d.code, d.message) for d in validate(nested, machine_type="EXPRESS")] == [
        ("/States/P/Branches/0/States/M/ItemProcessor/States/T/Resource", "SCHEMA_VALIDATION_FAILED", message)]


def test_express_machines_keep_request_response_tasks():
    for resource in ("arn:aws:states:::lambda:invoke", "arn:aws:states:::aws-sdk:sfn:startExecution",
                     "arn:aws:lambda:us-east-1:123456789012:function:f"):
        assert validate(machine(T=_task(resource)), machine_type="EXPRESS") == []
