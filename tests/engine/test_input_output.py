"""Input and output processing (InputPath, Parameters, ResultSelector, ResultPath, OutputPath),
the context object, paths and payload limits — from the developer guide's "Processing input and
output" pages and the ASL specification's "Paths" section."""

from __future__ import annotations

import json

from tests.engine.helpers import execute, machine, output, types


def test_pass_result_replaces_the_input_by_default():
    result = execute(machine(("A", {"Type": "Pass", "Result": {"x": 1}})), {"in": True})
    assert output(result) == {"x": 1}


def test_pass_without_result_passes_its_input_through():
    assert output(execute(machine(("A", {"Type": "Pass"})), {"a": [1, 2]})) == {"a": [1, 2]}


def test_result_path_merges_the_result_into_a_copy_of_the_input():
    definition = machine(("A", {"Type": "Pass", "Result": 5, "ResultPath": "$.deep.er.value"}))
    assert output(execute(definition, {"keep": 1})) == {"keep": 1, "deep": {"er": {"value": 5}}}


def test_result_path_null_discards_the_result():
    definition = machine(("A", {"Type": "Pass", "Result": 5, "ResultPath": None}))
    assert output(execute(definition, {"keep": 1})) == {"keep": 1}


def test_result_path_into_a_non_object_fails_with_result_path_match_failure():
    definition = machine(("A", {"Type": "Pass", "Result": 5, "ResultPath": "$.a.b"}))
    result = execute(definition, {"a": "text"})
    assert result.status == "FAILED"
    assert result.error == "States.ResultPathMatchFailure"


def test_input_path_selects_part_of_the_input_and_null_gives_an_empty_object():
    selected = execute(machine(("A", {"Type": "Pass", "InputPath": "$.a.b[1]"})), {"a": {"b": [0, {"x": 1}]}})
    assert output(selected) == {"x": 1}
    assert output(execute(machine(("A", {"Type": "Pass", "InputPath": None})), {"a": 1})) == {}


def test_input_path_that_matches_nothing_fails_with_aws_message():
    result = execute(machine(("pass", {"Type": "Pass", "InputPath": "$.missing"})), {"a": 1})
    assert result.error == "States.Runtime"
    assert result.cause == (
        "An error occurred while executing the state 'pass' (entered at the event id #2). "
        "Invalid path '$.missing' : No results for path: $['missing']"
    )
    assert types(result) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_output_path_filters_the_output():
    definition = machine(("A", {"Type": "Pass", "Result": {"x": {"y": 2}}, "OutputPath": "$.x"}))
    assert output(execute(definition)) == {"y": 2}


def test_parameters_take_values_from_input_context_and_static_fields():
    definition = machine(("A", {"Type": "Pass", "Parameters": {
        "static": [1, {"nested": True}],
        "fromInput.$": "$.value",
        "whole.$": "$",
        "name.$": "$$.State.Name",
        "inner": {"deep.$": "$.value"},
    }}))
    assert output(execute(definition, {"value": 7})) == {
        "static": [1, {"nested": True}], "fromInput": 7, "whole": {"value": 7}, "name": "A",
        "inner": {"deep": 7},
    }


def test_parameters_path_that_matches_nothing_fails_naming_the_field_and_input():
    definition = machine(("pass", {"Type": "Pass", "Parameters": {"value.$": "$.nope"}}))
    result = execute(definition, {"int-literal": 0})
    assert result.error == "States.Runtime"
    assert result.cause.endswith(
        "The JSONPath '$.nope' specified for the field 'value.$' could not be found in the input "
        "'{\"int-literal\":0}'"
    )


def test_parameters_with_a_filter_or_wildcard_yield_a_list():
    definition = machine(("A", {"Type": "Pass", "Parameters": {
        "zeros.$": "$.users[?(@.status == 0)]", "names.$": "$.users[*].name", "none.$": "$.missing[*]",
    }}))
    users = [{"name": "a", "status": 0}, {"name": "b", "status": 1}]
    assert output(execute(definition, {"users": users})) == {
        "zeros": [{"name": "a", "status": 0}], "names": ["a", "b"], "none": [],
    }


def test_parameters_can_call_intrinsic_functions():
    definition = machine(("A", {"Type": "Pass", "Parameters": {"s.$": "States.Format('n={}', $.n)"}}))
    assert output(execute(definition, {"n": 3})) == {"s": "n=3"}


def test_context_object_holds_execution_state_and_machine_fields():
    definition = machine(("Look", {"Type": "Pass", "Parameters": {"ctx.$": "$$"}}))
    result = execute(definition, {"a": 1}, name="my-run", state_machine_name="Orders")
    ctx = output(result)["ctx"]
    assert ctx["Execution"]["Name"] == "my-run"
    assert ctx["Execution"]["Id"] == "arn:aws:states:us-east-1:123456789012:execution:Orders:my-run"
    assert ctx["Execution"]["Input"] == {"a": 1}
    assert ctx["Execution"]["RedriveCount"] == 0
    assert ctx["Execution"]["StartTime"].endswith("Z")
    assert ctx["StateMachine"] == {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders",
                                   "Name": "Orders"}
    assert ctx["State"]["Name"] == "Look"


def test_result_selector_shapes_a_task_result_before_result_path():
    definition = machine(("T", {"Type": "Task", "Resource": "fn", "ResultSelector": {"v.$": "$.value"},
                                "ResultPath": "$.out"}))
    result = execute(definition, {"in": 1}, handlers={"fn": lambda event: {"value": 42, "noise": True}})
    assert output(result) == {"in": 1, "out": {"v": 42}}


def test_output_over_256_kib_fails_with_data_limit_exceeded():
    definition = machine(("Big", {"Type": "Pass", "Result": {"a": "x" * (256 * 1024)}}))
    result = execute(definition)
    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"
    assert result.cause == ("The state/task 'Big' returned a result with a size exceeding the maximum "
                            "number of bytes service limit.")


def test_data_limit_exceeded_is_not_caught_by_states_all():
    definition = machine(
        ("T", {"Type": "Task", "Resource": "fn", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}]}),
        ("C", {"Type": "Pass"}),
    )
    result = execute(definition, handlers={"fn": lambda event: "y" * (300 * 1024)})
    assert result.error == "States.DataLimitExceeded"


def test_history_payloads_are_compact_json_text():
    result = execute(machine(("A", {"Type": "Pass", "Result": {"k": [1, "é"]}})))
    exited = result.history[2]["stateExitedEventDetails"]
    assert exited == {"name": "A", "output": '{"k":[1,"é"]}', "outputDetails": {"truncated": False}}


def test_json_text_input_is_kept_as_given_in_execution_started():
    result = execute(machine(("A", {"Type": "Pass"})), input_text='{"a": 1}')
    assert result.history[0]["executionStartedEventDetails"]["input"] == '{"a": 1}'
    assert json.loads(result.output) == {"a": 1}


def test_bracket_paths_with_quotes_and_special_characters():
    definition = machine(("A", {"Type": "Pass", "Parameters": {"v.$": "$['odd key.with dots']['x']"}}))
    assert output(execute(definition, {"odd key.with dots": {"x": 9}})) == {"v": 9}


def test_a_string_input_is_a_json_string_value():
    result = execute(machine(("A", {"Type": "Pass"})), "hello")
    assert output(result) == "hello"
    assert result.history[0]["executionStartedEventDetails"]["input"] == '"hello"'


def test_run_works_while_an_event_loop_is_running():
    import asyncio

    import engine

    async def main():
        return engine.run(machine(("A", {"Type": "Pass", "Result": 1})), {})

    assert output(asyncio.run(main())) == 1
