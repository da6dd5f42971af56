"""Choice rule evaluation: every operator, the derived *Path twins, And/Or/Not, AWS's type rules."""

from __future__ import annotations

import time

import pytest

from engine import choice_rules
from engine.choice_rules import (
    CHOICE_OPERATORS,
    PATH_OPERATORS,
    compile_choice,
    compile_string_pattern,
    evaluate_choice,
    evaluate_rule,
    matching_rule,
    parse_timestamp,
)
from engine.errors import PathNotFound, StatesError


def resolver(data: dict):
    """A tiny `$.a.b` resolver standing in for engine.paths."""

    def resolve(path: str):
        if path == "$":
            return data
        if not path.startswith("$."):
            raise PathNotFound(path)
        node = data
        for part in path[2:].split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise PathNotFound(path)
        return node

    return resolve


def check(rule: dict, variable, **extra) -> bool:
    return evaluate_rule(rule, resolver({"v": variable, **extra}))


TYPE_SAMPLES = [None, 0, 0.0, 1, 1.1, "", " ", "HelloWorld", "2012-10-09T19:00:55Z", [], [""], {}, {"A": 0},
                True, False]


def test_operator_table_lists_every_aws_operator_and_derives_path_twins():
    expected = {
        "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
        "StringGreaterThanEquals", "StringMatches", "NumericEquals", "NumericLessThan",
        "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals", "BooleanEquals",
        "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals",
        "TimestampGreaterThanEquals", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean",
        "IsTimestamp",
    }
    assert set(CHOICE_OPERATORS) == expected
    assert set(PATH_OPERATORS) == {
        f"{name}Path" for name in expected if not name.startswith("Is") and name != "StringMatches"
    }
    assert PATH_OPERATORS["NumericLessThanPath"] is CHOICE_OPERATORS["NumericLessThan"]


@pytest.mark.parametrize("op,value,variable,expected", [
    ("StringEquals", "Hello", "Hello", True),
    ("StringEquals", "Hello", "hello", False),
    ("StringEquals", " ", "     ", False),
    ("StringLessThan", "AB", "A", True),
    ("StringLessThan", "", "", False),
    ("StringGreaterThan", "A ", "A", False),
    ("StringGreaterThan", "ABC", "AB", False),
    ("StringGreaterThan", "A", "B", True),
    ("StringLessThanEquals", "", "", True),
    ("StringGreaterThanEquals", "A", "AB", True),
    ("StringGreaterThanEquals", "AB", "A", False),
    ("NumericEquals", 1, 1.0, True),
    ("NumericEquals", 1.0, 1, True),
    ("NumericEquals", 0, 0.0, True),
    ("NumericEquals", 1, 2, False),
    ("NumericLessThan", 10, 9.99, True),
    ("NumericLessThan", 10, 10, False),
    ("NumericLessThanEquals", 10, 10, True),
    ("NumericGreaterThan", -1, 0, True),
    ("NumericGreaterThanEquals", 1.5, 1.5, True),
    ("BooleanEquals", True, True, True),
    ("BooleanEquals", False, True, False),
    ("BooleanEquals", False, False, True),
    ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
    ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T20:00:55+01:00", True),
    ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55.000Z", True),
    ("TimestampLessThan", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", True),
    ("TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55.5Z", False),
    ("TimestampGreaterThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55.000000001Z", True),
    ("TimestampGreaterThanEquals", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", False),
    ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
])
def test_comparison_with_literal(op, value, variable, expected):
    assert check({"Variable": "$.v", op: value}, variable) is expected


@pytest.mark.parametrize("op,value", [
    ("StringEquals", "HelloWorld"), ("StringLessThan", "z"), ("StringMatches", "*"),
    ("NumericEquals", 0), ("NumericLessThan", 100), ("NumericGreaterThanEquals", -100),
    ("BooleanEquals", True), ("BooleanEquals", False),
    ("TimestampEquals", "2012-10-09T19:00:55Z"), ("TimestampLessThan", "2099-01-01T00:00:00Z"),
])
def test_type_mismatch_is_false_not_an_error(op, value):
    kind = CHOICE_OPERATORS[op].operand_type
    for sample in TYPE_SAMPLES:
        same_kind = {
            "string": type(sample) is str,
            "number": type(sample) in (int, float),
            "boolean": type(sample) is bool,
            "timestamp": parse_timestamp(sample) is not None,
        }[kind]
        if not same_kind:
            assert check({"Variable": "$.v", op: value}, sample) is False, sample


def test_booleans_are_not_numbers():
    assert check({"Variable": "$.v", "NumericEquals": 1}, True) is False
    assert check({"Variable": "$.v", "NumericEquals": 0}, False) is False
    assert check({"Variable": "$.v", "IsNumeric": True}, True) is False


@pytest.mark.parametrize("op,truthy", [
    ("IsNull", [None]),
    ("IsNumeric", [0, 0.0, 1, 1.1]),
    ("IsString", ["", " ", "HelloWorld", "2012-10-09T19:00:55Z"]),
    ("IsBoolean", [True, False]),
    ("IsTimestamp", ["2012-10-09T19:00:55Z"]),
    ("IsPresent", TYPE_SAMPLES),
])
def test_type_tests_follow_their_boolean_operand(op, truthy):
    for sample in TYPE_SAMPLES:
        is_kind = any(sample is t or (type(sample) is type(t) and sample == t) for t in truthy)
        assert check({"Variable": "$.v", op: True}, sample) is is_kind, sample
        assert check({"Variable": "$.v", op: False}, sample) is (not is_kind), sample


def test_is_present_is_false_on_a_missing_path_and_never_raises():
    assert evaluate_rule({"Variable": "$.missing", "IsPresent": True}, resolver({})) is False
    assert evaluate_rule({"Variable": "$.missing", "IsPresent": False}, resolver({})) is True


@pytest.mark.parametrize("rule", [
    {"Variable": "$.missing", "NumericEquals": 1},
    {"Variable": "$.missing", "IsNull": True},
    {"Variable": "$.missing", "StringMatches": "*"},
    {"Variable": "$.missing", "BooleanEquals": True},
])
def test_missing_variable_is_a_runtime_error_with_aws_message(rule):
    with pytest.raises(StatesError) as info:
        evaluate_rule(rule, resolver({}))
    assert info.value.error == "States.Runtime"
    assert info.value.cause == (
        "Invalid path '$.missing': The choice state's condition path references an invalid value."
    )


def test_missing_operand_path_of_path_twin_is_a_runtime_error():
    with pytest.raises(StatesError) as info:
        check({"Variable": "$.v", "NumericEqualsPath": "$.right"}, 8)
    assert info.value.error == "States.Runtime"
    assert "Invalid path '$.right'" in info.value.cause


@pytest.mark.parametrize("op,variable,other,expected", [
    ("StringEqualsPath", "Hello", "Hello", True),
    ("StringEqualsPath", "\t\n", "\t\r\n", False),
    ("StringEqualsPath", "0", 0, False),
    ("StringLessThanPath", "A", "AB", True),
    ("StringGreaterThanEqualsPath", "AB", "A", True),
    ("NumericEqualsPath", 1, 1.0, True),
    ("NumericEqualsPath", 1, "1", False),
    ("NumericLessThanPath", 1, 2, True),
    ("NumericGreaterThanPath", 1, True, False),
    ("BooleanEqualsPath", True, True, True),
    ("BooleanEqualsPath", True, 1, False),
    ("TimestampEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
    ("TimestampGreaterThanPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
    ("TimestampLessThanPath", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", False),
    ("TimestampLessThanEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", True),
    ("TimestampEqualsPath", "2012-10-09T19:00:55Z", "not a timestamp", False),
])
def test_path_twins_compare_with_the_value_at_the_path(op, variable, other, expected):
    assert check({"Variable": "$.v", op: "$.other"}, variable, other=other) is expected


@pytest.mark.parametrize("pattern,text,expected", [
    ("*.log", "server.log", True),
    ("*.log", "server.txt", False),
    ("log-*-2024", "log-a-b-2024", True),
    ("*", "", True),
    ("a*b*c", "abc", True),
    ("a*b*c", "acb", False),
    ("foo\\*", "foo*", True),
    ("foo\\*", "foobar", False),
    ("foo\\\\*", "foo\\bar", True),
    ("foo\\\\", "foo\\", True),
    ("a.b", "axb", False),
    ("[ab]", "a", False),
    ("[ab]", "[ab]", True),
    ("line*", "line1\nline2", True),
])
def test_string_matches_wildcards_and_escapes(pattern, text, expected):
    assert check({"Variable": "$.v", "StringMatches": pattern}, text) is expected
    assert (compile_string_pattern(pattern).fullmatch(text) is not None) is expected


def test_string_order_follows_utf16_code_units_like_aws():
    # U+FF5E sorts after U+1F600 in UTF-16 (surrogates D83D…), before it by code point.
    assert check({"Variable": "$.v", "StringGreaterThan": "\U0001F600"}, "\uFF5E") is True
    assert check({"Variable": "$.v", "StringLessThan": "b"}, "a\u00e9") is True


@pytest.mark.parametrize("text,valid", [
    ("2016-03-14T01:59:00Z", True),
    ("2016-03-14T01:59:00.123Z", True),
    ("2016-03-14T01:59:00.000000Z", True),
    ("2016-03-14T01:59:00.123456789Z", True),
    ("2016-03-14T01:59:00+01:00", True),
    ("2016-03-14T01:59:00-07:30", True),
    ("2016-03-14T01:59Z", True),
    ("2016-03-14T01:59:00", False),
    ("2016-03-14 01:59:00Z", False),
    ("2016-13-05T21:29:29Z", False),
    ("2016-02-30T21:29:29Z", False),
    ("2016-03-14T24:00:00Z", False),
    ("2016-03-14T01:59:00.1234567890Z", False),
    ("2023-02-24", False),
    ("2016-03-14T01:59:00+0100", False),
    ("", False),
    (20160314, False),
])
def test_timestamp_formats(text, valid):
    assert (parse_timestamp(text) is not None) is valid


def test_timestamps_compare_across_offsets_and_fractions():
    assert parse_timestamp("2012-10-09T19:00:55Z") == parse_timestamp("2012-10-09T14:00:55-05:00")
    assert parse_timestamp("2012-10-09T19:00:55.1Z") < parse_timestamp("2012-10-09T19:00:55.10000001Z")


def test_and_or_not_nest():
    rule = {
        "And": [
            {"Variable": "$.n", "NumericGreaterThanEquals": 20},
            {"Or": [
                {"Variable": "$.s", "StringEquals": "a"},
                {"Not": {"Variable": "$.b", "BooleanEquals": True}},
            ]},
        ],
    }
    assert evaluate_rule(rule, resolver({"n": 20, "s": "x", "b": False})) is True
    assert evaluate_rule(rule, resolver({"n": 20, "s": "x", "b": True})) is False
    assert evaluate_rule(rule, resolver({"n": 19, "s": "a", "b": False})) is False
    assert evaluate_rule({"Not": {"Variable": "$.n", "IsPresent": True}}, resolver({})) is True


def test_and_short_circuits_before_a_missing_path():
    rule = {"And": [
        {"Variable": "$.n", "IsPresent": True},
        {"Variable": "$.n", "NumericEquals": 1},
    ]}
    assert evaluate_rule(rule, resolver({})) is False
    rule = {"Or": [
        {"Variable": "$.n", "IsPresent": False},
        {"Variable": "$.n", "NumericEquals": 1},
    ]}
    assert evaluate_rule(rule, resolver({})) is True


CHOICE_STATE = {
    "Type": "Choice",
    "Choices": [
        {"Variable": "$.n", "NumericLessThan": 10, "Next": "Small"},
        {"Variable": "$.n", "NumericLessThan": 100, "Assign": {"size": "medium"}, "Next": "Medium"},
    ],
    "Default": "Large",
}


def test_evaluate_choice_returns_first_match_then_default():
    assert evaluate_choice(CHOICE_STATE, resolver({"n": 5})) == "Small"
    assert evaluate_choice(CHOICE_STATE, resolver({"n": 50})) == "Medium"
    assert evaluate_choice(CHOICE_STATE, resolver({"n": 500})) == "Large"
    no_default = {k: v for k, v in CHOICE_STATE.items() if k != "Default"}
    assert evaluate_choice(no_default, resolver({"n": 500})) is None


def test_matching_rule_exposes_the_rule_for_its_assign():
    assert CHOICE_STATE["Choices"][matching_rule(CHOICE_STATE, resolver({"n": 50}))]["Assign"] == {"size": "medium"}
    assert matching_rule(CHOICE_STATE, resolver({"n": 500})) is None


def test_compile_choice_is_cached_per_state_object():
    state = {"Type": "Choice", "Choices": [{"Variable": "$.n", "IsNull": True, "Next": "A"}]}
    evaluate_choice(state, resolver({"n": None}))
    first = choice_rules._CHOICE_CACHE[id(state)][1]
    evaluate_choice(state, resolver({"n": 1}))
    assert choice_rules._CHOICE_CACHE[id(state)][1] is first


def test_numeric_less_than_costs_a_few_microseconds():
    choose = compile_choice({
        "Type": "Choice",
        "Choices": [{"Variable": "$.i", "NumericLessThan": 10000, "Next": "Loop"}],
        "Default": "Done",
    })
    data = {"i": 1}
    def resolve(path):
        return data["i"]

    n = 20000
    start = time.perf_counter()
    for _ in range(n):
        choose(resolve)
    per_call = (time.perf_counter() - start) / n
    assert per_call < 5e-6, f"{per_call * 1e6:.2f} µs per Choice evaluation"
