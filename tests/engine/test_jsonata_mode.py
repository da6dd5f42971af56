"""JSONata templates, $states, the Step Functions functions and AWS's evaluation errors."""

from __future__ import annotations

import json

import pytest

from engine import jsonata_mode as jm
from engine.errors import QueryEvaluationError
from engine.variables import VariableScope

STATES = jm.states_binding(
    {"x": 5, "arr": [1, 2], "objs": [{"a": 1}, {"a": 2}], "obj": {"a": None}, "items": [0],
     "part1": {"hello": "world"}, "part2": {"foo": "bar"}, "f": 2.5},
    {"Execution": {"Id": "arn:exec"}, "State": {"Name": "S"}},
)


def ev(expr, variables=None, field="Output"):
    return jm.evaluate_expression(expr, STATES, variables, field=field)


def cause(expr, variables=None, field="Output"):
    with pytest.raises(QueryEvaluationError) as info:
        ev(expr, variables, field)
    assert info.value.error == "States.QueryEvaluationError"
    return info.value.cause


@pytest.mark.parametrize("value, expected", [
    ("{% 1 %}", True), ("{%1%}", True), ("{%%}", True), (" {% 1 %}", False), ("{% 1 %} ", False),
    ("{% 1", False), ("$states.input", False), (1, False), (None, False), ("{%", False),
])
def test_only_a_whole_string_delimited_by_percent_braces_is_a_template(value, expected):
    assert jm.is_template(value) is expected


def test_template_expression_is_trimmed():
    assert jm.template_expression("{%  $states.input  %}") == "$states.input"


@pytest.mark.parametrize("expr, expected", [
    ("$states.input.x", 5),
    ("$states.input.arr", [1, 2]),
    ("$states.input.items", [0]),                   # a singleton array stays an array
    ("$states.input.objs.a", [1, 2]),               # path over an array maps
    ("$states.input.obj.a", None),                  # JSON null is a value
    ("$states.context.Execution.Id", "arn:exec"),
    ("$states.input.x + 1", 6),
    ("$merge([$states.input.part1, $states.input.part2])", {"hello": "world", "foo": "bar"}),
    ("$contains('hello$world', /^hello\\$/)", True),
    ("$sum($states.input.arr) + 0.5", 3.5),
    ("$string(1.0)", "1"),
    ("3.0", 3),
    ("6 / 2", 3),
    ("$states.input.f * 2", 5),
    ("{'a': $states.input.f * 2}", {"a": 5}),
    ("[1..3]", [1, 2, 3]),
    ("$map([1, 2], function($v) { $v * 2 })", [2, 4]),
    ("$filter([1, 2, 3], function($v) { $v > 1 })", [2, 3]),
    ("$uppercase('abc') & $substring('hello', 1, 3)", "ABCell"),
    ("[[1], [2, [3]]]", [[1], [2, [3]]]),
    ("{'a': undefined, 'b': 1}", {"b": 1}),
    ("null", None),
    ("'string'", "string"),
    ("\"dq\"", "dq"),
    ("$variable := 1", 1),
    ("$number('2')", 2),
    ("$number('0x1F')", 31),
])
def test_expressions_evaluate_like_jsonata_2(expr, expected):
    result = ev(expr)
    assert result == expected
    assert json.dumps(result) == json.dumps(expected)


def test_results_are_plain_json_types():
    result = ev("$states.input.objs.a")
    assert type(result) is list
    assert type(ev("[1, 2]")) is list
    assert type(ev("6 / 2")) is int


def test_variables_are_bound_by_name_and_null_is_a_value():
    scope = VariableScope(values={"n": 3, "nul": None, "obj": {"k": [1, 2]}})
    assert ev("$n + 1", scope) == 4
    assert ev("$n", scope) == 3
    assert ev("$nul", scope) is None
    assert ev("$obj.k", scope) == [1, 2]
    assert ev("$obj.k[1]", scope) == 2
    assert ev("$exists($nul)", scope) is True
    assert ev("$n", {"n": 7}) == 7                  # a plain mapping works too


def test_a_variable_can_shadow_a_builtin_function_name():
    assert ev("$sum", {"sum": 1}) == 1


def test_undefined_result_fails_with_awss_message():
    assert cause("$doesNotExist") == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned "
        "nothing (undefined).")
    assert cause("$states.input.nothing", field="Arguments") == (
        "The JSONata expression '$states.input.nothing' specified for the field 'Arguments' "
        "returned nothing (undefined).")


def test_jsonata_errors_carry_code_and_jsonata_js_wording():
    assert cause("$sum('x')").endswith(
        "threw an error during evaluation. T0412: Argument 1 of function \"sum\" must be an "
        "array of \"numbers\"")
    assert cause("'a' + 1").endswith(
        "T2001: The left side of the \"+\" operator must evaluate to a number")
    assert cause("$number('abc')").endswith("D3030: Unable to cast value to a number: \"abc\"")
    assert cause("1 +").endswith("S0207: Unexpected end of expression")


def test_eval_is_not_available():
    assert cause("$eval('1 + 1')").endswith("T1006: Attempted to invoke a non-function")


def test_a_function_result_is_not_json():
    assert "unsupported result type" in cause("function($x) { $x }")


def test_errors_carry_location_for_the_evaluation_failed_event():
    with pytest.raises(jm.JsonataEvaluationError) as info:
        ev("$nothing", field="Output")
    assert info.value.location == "Output"
    assert info.value.expression == "$nothing"


# --- Step Functions' own functions -----------------------------------------------------------

def test_partition():
    assert ev("$partition([1, 2, 3, 4, 5], 2)") == [[1, 2], [3, 4], [5]]
    assert ev("$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)") == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert ev("$partition([], 2)") == []
    assert "positive integer" in cause("$partition([1], 0)")


def test_range_is_inclusive_and_steps_both_ways():
    assert ev("$range(0, 10, 2)") == [0, 2, 4, 6, 8, 10]
    assert ev("$range(1, 10, 2)") == [1, 3, 5, 7, 9]
    assert ev("$range(5, 1, -2)") == [5, 3, 1]
    assert "zero" in cause("$range(1, 5, 0)")
    assert "must be an integer" in cause("$range(1.5, 5, 1)")


def test_range_of_one_number_is_that_number_as_jsonata_unwraps_one_element_sequences():
    assert ev("$range(1, 1, 1)") == 1
    assert ev("[$range(1, 1, 1)]") == [1]
    assert ev("$count($range(4, 4, 1))") == 1


def test_hash_supports_awss_algorithms():
    assert ev("$hash('Hash this string', 'SHA-256')") == (
        "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e")
    assert ev("$hash('input data', 'MD5')") == "812f45842bc6d66ee14572ce20db8e86"
    for algorithm in ("SHA-1", "SHA-384", "SHA-512"):
        assert isinstance(ev(f"$hash('x', '{algorithm}')"), str)
    assert "not supported" in cause("$hash('x', 'SHA-999')")


def test_random_is_in_unit_interval_and_repeatable_with_a_seed():
    value = ev("$random()")
    assert 0 <= value < 1
    assert ev("$random(42)") == ev("$random(42)")
    assert ev("$random(42)") != ev("$random(43)")


def test_uuid_is_version_4():
    value = ev("$uuid()")
    assert len(value) == 36 and value[14] == "4"
    assert ev("$uuid()") != value


def test_parse_deserialises_json_text():
    assert ev("$parse('{\"key\": \"value\", \"n\": [1, 2.0]}')") == {"key": "value", "n": [1, 2]}
    assert ev("$parse('null')") is None
    assert "not valid JSON" in cause("$parse('{nope')")


# --- fields ----------------------------------------------------------------------------------

def test_templates_are_evaluated_anywhere_in_a_field_and_other_strings_kept():
    value = {
        "static": "Hello",
        "title": "{% $states.input.x %}",
        "not-evaluated": "$customerName",
        "padded": " {% states.input %} ",
        "list": [1, "{% $states.input.x * 2 %}", {"deep": "{% 'd' %}"}, "$.x"],
        "n": None, "b": True, "f": 0.1,
    }
    assert jm.evaluate_field(value, STATES, None, field="Arguments") == {
        "static": "Hello", "title": 5, "not-evaluated": "$customerName",
        "padded": " {% states.input %} ", "list": [1, 10, {"deep": "d"}, "$.x"],
        "n": None, "b": True, "f": 0.1,
    }
    assert jm.evaluate_field("{% $states.input.arr %}", STATES, field="Output") == [1, 2]
    assert jm.evaluate_field("plain", STATES, field="Output") == "plain"
    assert jm.evaluate_field(42, STATES, field="Output") == 42


def test_constant_parts_of_a_field_are_fresh_copies():
    value = {"a": [1, 2], "b": "{% 1 %}"}
    first = jm.evaluate_field(value, STATES, field="Output")
    first["a"].append(3)
    assert jm.evaluate_field(value, STATES, field="Output")["a"] == [1, 2]
    constant = {"k": {"l": [1]}}
    out = jm.evaluate_field(constant, STATES, field="Output")
    assert out == constant and out is not constant and out["k"] is not constant["k"]


def test_nested_undefined_names_the_nested_field():
    with pytest.raises(jm.JsonataEvaluationError) as info:
        jm.evaluate_field({"a": {"b": ["x", "{% $nothing %}"]}}, STATES, field="Output")
    assert info.value.cause == (
        "The JSONata expression '$nothing' specified for the field 'Output/a/b[1]' returned "
        "nothing (undefined).")


@pytest.mark.parametrize("template, field, expected_cause", [
    ("{% 1 %}", "Items",
     "The JSONata expression '1' specified for the field 'Items' returned an unexpected result "
     "type. Expected 'array', but was 'number' for value: 1"),
    ("{% 'string' %}", "Items",
     "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected "
     "result type. Expected 'array', but was 'string' for value: \"string\""),
    ("{% {'foo': 'bar'} %}", "Items",
     "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an "
     "unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"),
    ("{% null %}", "Items",
     "The JSONata expression 'null' specified for the field 'Items' returned an unexpected "
     "result type. Expected 'array', but was 'null' for value: null"),
])
def test_items_must_be_an_array_recorded_causes(template, field, expected_cause):
    with pytest.raises(jm.JsonataEvaluationError) as info:
        jm.evaluate_typed(template, STATES, field=field)
    assert info.value.cause == expected_cause
    assert info.value.location == "Items"


def test_typed_fields():
    assert jm.evaluate_typed("{% [1, 'two', 3] %}", STATES, field="Items") == [1, "two", 3]
    assert jm.evaluate_typed("{% $variable := 1 %}", STATES, field="ToleratedFailurePercentage") == 1
    assert jm.evaluate_typed("{% 2.5 %}", STATES, field="ToleratedFailurePercentage") == 2.5
    assert jm.evaluate_typed("{% 3.0 %}", STATES, field="Seconds") == 3
    assert jm.evaluate_typed("{% $states.input.x > 1 %}", STATES, field="Choices[0]/Condition",
                             kind="Condition") is True
    assert jm.evaluate_typed(7, STATES, field="TimeoutSeconds") == 7   # literals pass through
    with pytest.raises(jm.JsonataEvaluationError) as info:
        jm.evaluate_typed("{% 1.5 %}", STATES, field="MaxConcurrency")
    assert "Expected 'integer', but was 'number' for value: 1.5" in info.value.cause
    with pytest.raises(jm.JsonataEvaluationError) as info:
        jm.evaluate_typed("{% 1 %}", STATES, field="Error")
    assert "Expected 'string'" in info.value.cause
    with pytest.raises(jm.JsonataEvaluationError) as info:
        jm.evaluate_typed("{% 'yes' %}", STATES, field="Choices[0]/Condition", kind="Condition")
    assert "Expected 'boolean'" in info.value.cause
    with pytest.raises(jm.JsonataEvaluationError) as info:
        jm.evaluate_typed("{% -1 %}", STATES, field="Seconds")
    assert "invalid value" in info.value.cause
    with pytest.raises(jm.JsonataEvaluationError):
        jm.evaluate_typed("{% 101 %}", STATES, field="ToleratedFailurePercentage")


def test_map_input_not_array_cause_is_awss():
    err = jm.map_input_not_array({"foo": "bar"})
    assert err.cause == 'Map state input must be an array but was: {"foo":"bar"}'
    assert err.location is None


def test_states_binding_has_result_and_error_output_only_when_given():
    assert set(jm.states_binding(1, {})) == {"input", "context"}
    assert jm.states_binding(1, {}, result=None)["result"] is None
    assert jm.states_binding(1, {}, error_output={"Error": "E"})["errorOutput"] == {"Error": "E"}


def test_compiled_expressions_are_cached():
    assert jm.compile_expression("$states.input.x + 41") is jm.compile_expression("$states.input.x + 41")


# --- the fast paths agree with jsonata-python ---------------------------------------------------

_FAST_STATES = jm.states_binding(
    {"i": 3, "f": 1.5, "s": "abc", "t": "abd", "b": True, "n": None, "o": {"k": 2}, "l": [1, 2],
     "big": 2 ** 52, "z": 0},
    {"State": {"Name": "S"}},
)
_FAST_VARIABLES = VariableScope(values={"v": 4, "w": "x", "obj": {"k": [1]}, "nul": None})


@pytest.mark.parametrize("source", [
    "$states.input.i", "$states.input.o.k", "$states.input.l", "$states.input.missing",
    "$states.input.s.x", "$states.input.n", "$states.context.State.Name", "$v", "$obj.k", "$nul",
    "$nope", "$sum", "1", "-2.50", "1e3", "'a'", "\"b\"", "true", "null",
    "$states.input.i + 1", "$states.input.i + $states.input.i", "$states.input.f * 2",
    "$states.input.i / 2", "$states.input.i - 5", "$v * $states.input.f", "$states.input.big + $states.input.big",
    "$states.input.i < 10000", "$states.input.i >= 3", "$states.input.s < $states.input.t",
    "$states.input.s = 'abc'", "$states.input.i = 3.0", "$states.input.b = true", "$states.input.b = 1",
    "$states.input.n = null", "$states.input.i != 4", "$w = 'x'", "$states.input.missing = 1",
    "$states.input.missing + 1", "$states.input.l + 1", "$states.input.s + 1", "$states.input.i / $states.input.z",
    "$states.input.i < 's'", "$states.input.l = 1", "$states.input.o.k+1", "1-1", "2--1",
])
def test_fast_paths_agree_with_the_library(source):
    fast = jm.Expression(source)
    slow = jm.Expression(source)
    slow._kind = "jsonata"

    def outcome(expression):
        try:
            return ("value", expression.evaluate(_FAST_STATES, _FAST_VARIABLES))
        except Exception as exc:  # noqa: BLE001 - both sides must fail the same way
            return ("error", getattr(exc, "error", type(exc).__name__))

    a, b = outcome(fast), outcome(slow)
    assert a == b
    if a[0] == "value":
        assert type(a[1]) is type(b[1])


@pytest.mark.parametrize("expr, expected", [
    ("$string(1e20)", "100000000000000000000"),
    ("$string(1e21)", "1e+21"),
    ("$string(0.000001)", "0.000001"),
    ("$string(1e-7)", "1e-7"),
    ("$string(1/3)", "0.333333333333333"),
    ("$string(0.1 + 0.2)", "0.3"),
    ("$string(123456789012345678)", "123456789012346000"),
    ("'x' & 1e20", "x100000000000000000000"),
    ("'f=' & $states.input.f", "f=2.5"),
    ("$string({'a': 3.0, 'b': [1/3, 'é', null]})", '{"a":3,"b":[0.333333333333333,"é",null]}'),
    ("$string([1, 2], true)", "[\n  1,\n  2\n]"),
    ("$string(function($x) { $x })", ""),
])
def test_string_writes_numbers_as_javascript_does(expr, expected):
    assert ev(expr) == expected


def test_string_of_the_input_writes_whole_floats_as_integers():
    states = jm.states_binding({"a": 3.0})
    assert jm.evaluate_expression("$string($states.input)", states) == '{"a":3}'


def test_division_by_zero_is_d1001():
    assert cause("1 / 0").endswith("D1001: Number out of range: null")
