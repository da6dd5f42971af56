"""Workflow variables: scoping, AWS's Assign order, limits and the history details."""

from __future__ import annotations

import json

import pytest

from engine import jsonata_mode as jm
from engine.errors import DataLimitExceeded
from engine.variables import (
    MAX_VARIABLE_SIZE,
    VariableScope,
    apply_assign,
    assigned_variables_details,
    check_assigned,
    evaluate_assign,
    evaluate_jsonpath_assign,
    variable_name_problem,
)


def test_scope_get_set_and_snapshot():
    scope = VariableScope()
    assert scope.get("x") is None
    assert scope.get("x", 1) == 1
    assert "x" not in scope
    scope.set("x", None)
    assert "x" in scope and scope.get("x", 1) is None
    scope.update({"y": [1]})
    assert scope.snapshot() == {"x": None, "y": [1]}
    with pytest.raises(KeyError):
        scope["nope"]


def test_child_scopes_read_outer_variables_and_do_not_leak():
    outer = VariableScope(values={"a": 1, "b": 2})
    branch1, branch2 = outer.child(), outer.child()
    branch1.set("b", 20)
    branch1.set("c", 30)
    assert branch1.get("a") == 1 and branch1.get("b") == 20
    assert branch2.get("b") == 2 and "c" not in branch2
    assert outer.snapshot() == {"a": 1, "b": 2}
    assert branch1.snapshot() == {"a": 1, "b": 20, "c": 30}
    assert branch1.own() == {"b": 20, "c": 30}
    grandchild = branch1.child()
    assert grandchild.get("c") == 30 and grandchild.get("a") == 1


def test_outer_assignments_after_a_child_is_made_are_visible_to_it():
    outer = VariableScope()
    child = outer.child()
    outer.set("late", 1)
    assert child.get("late") == 1


def test_scope_checkpoint_round_trips_through_json():
    outer = VariableScope(values={"a": 1})
    inner = outer.child()
    inner.set("b", {"k": [1, None]})
    data = json.loads(json.dumps(inner.to_checkpoint()))
    restored = VariableScope.from_checkpoint(data)
    assert restored.snapshot() == inner.snapshot()
    assert restored.parent.snapshot() == {"a": 1}
    assert VariableScope.from_checkpoint(None).snapshot() == {}


def test_every_assign_expression_sees_the_values_from_before_the_state():
    scope = VariableScope(values={"x": 1, "y": 10})
    states = jm.states_binding({"v": 5})
    assign = {"x": "{% $y + 1 %}", "y": "{% $x + 1 %}", "z": "{% [$x, $y, $states.input.v] %}",
              "lit": {"n": "{% $x %}", "s": "$x"}}
    assigned = evaluate_assign(
        assign, lambda value, field: jm.evaluate_field(value, states, scope, field=field))
    assert assigned == {"x": 11, "y": 2, "z": [1, 10, 5], "lit": {"n": 1, "s": "$x"}}
    details = apply_assign(scope, assigned)
    assert scope.snapshot() == {"x": 11, "y": 2, "z": [1, 10, 5], "lit": {"n": 1, "s": "$x"}}
    assert details["assignedVariables"]["z"] == "[1,10,5]"


def test_assign_errors_name_the_variable_field():
    scope = VariableScope()
    with pytest.raises(jm.JsonataEvaluationError) as info:
        evaluate_assign({"v": "{% $missing %}"},
                        lambda value, field: jm.evaluate_field(value, {}, scope, field=field))
    assert "specified for the field 'Assign/v'" in info.value.cause


def test_jsonpath_assign_resolves_dollar_keys_paths_and_intrinsics():
    data = {"$": {"input_value": "lit"}, "$.input_value": "lit", "$$.Execution.Id": "arn",
            "$theAnswerVar": 42}

    def resolve(path):
        return data[path]

    def intrinsic(call):
        assert call == "States.Format('Format Func {}', $.input_value)"
        return "Format Func lit"

    assign = {"theAnswerVar": 18, "oldAnswerVar.$": "$theAnswerVar", "str_path.$": "$.input_value",
              "ctx.$": "$$.Execution.Id", "root.$": "$", "notPath": "$theAnswerVar",
              "fmt.$": "States.Format('Format Func {}', $.input_value)",
              "nested": {"inner.$": "$.input_value", "list": [{"deep.$": "$"}]}}
    assert evaluate_jsonpath_assign(assign, resolve, intrinsic) == {
        "theAnswerVar": 18, "oldAnswerVar": 42, "str_path": "lit", "ctx": "arn",
        "root": {"input_value": "lit"}, "notPath": "$theAnswerVar", "fmt": "Format Func lit",
        "nested": {"inner": "lit", "list": [{"deep": {"input_value": "lit"}}]},
    }


def test_assigned_variables_details_match_recorded_history():
    # assign::test_assign_from_value[BASE_ASSIGN_FROM_PARAMETERS] and query_language cases
    assert assigned_variables_details({"result": "PENDING"}) == {
        "assignedVariables": {"result": "\"PENDING\""},
        "assignedVariablesDetails": {"truncated": False},
    }
    assert assigned_variables_details({"theAnswerVar": 42})["assignedVariables"] == {"theAnswerVar": "42"}
    assert assigned_variables_details({"var": "\""})["assignedVariables"] == {"var": "\"\\\"\""}
    assert assigned_variables_details(
        {"PokemonList": ["Charizard", "Pikachu", "Squirtle"]})["assignedVariables"] == {
        "PokemonList": "[\"Charizard\",\"Pikachu\",\"Squirtle\"]"}
    assert assigned_variables_details({}) == {}


def test_empty_assign_records_nothing():
    scope = VariableScope()
    assert apply_assign(scope, {}) == {}
    assert scope.snapshot() == {}


def test_size_limits():
    big = "x" * MAX_VARIABLE_SIZE
    with pytest.raises(DataLimitExceeded) as info:
        check_assigned({"big": big})
    assert info.value.error == "States.DataLimitExceeded"
    assert "'big'" in info.value.cause
    half = "x" * (MAX_VARIABLE_SIZE // 2)
    with pytest.raises(DataLimitExceeded):
        check_assigned({"a": half, "b": half})      # each fits; together they do not
    check_assigned({"a": "x" * 1000, "b": "y" * 1000})


def test_total_stored_size_limit():
    scope = VariableScope()
    chunk = "x" * (200 * 1024)
    for i in range(51):
        apply_assign(scope, {f"v{i}": chunk})
    with pytest.raises(DataLimitExceeded):
        apply_assign(scope, {"one_more": chunk})
    apply_assign(scope, {"v0": "small"})            # replacing a value frees its space


@pytest.mark.parametrize("name, ok", [
    ("productName", True), ("_x", True), ("x1", True), ("café", True),
    ("states", False), ("1x", False), ("a-b", False), ("a.b", False), ("", False), ("x" * 81, False),
])
def test_variable_names(name, ok):
    assert (variable_name_problem(name) is None) is ok
