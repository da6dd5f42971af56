"""Parallel and Map states — from the ASL specification's "Parallel State" and "Map State"
sections and the developer guide's inline/distributed Map pages; event links as AWS records them."""

from __future__ import annotations

from datetime import timedelta

from engine.ports import VirtualClock
from tests.engine.helpers import execute, links, machine, output, types


def _branch(*states):
    return machine(*states)


def test_parallel_outputs_one_result_per_branch_in_branch_order():
    definition = machine(("P", {"Type": "Parallel", "Branches": [
        _branch(("A", {"Type": "Pass", "Result": "a"})),
        _branch(("B1", {"Type": "Pass", "InputPath": "$.x"}), ("B2", {"Type": "Pass"})),
    ]}))
    result = execute(definition, {"x": 1})
    assert output(result) == ["a", 1]
    assert types(result)[:3] == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]
    assert types(result)[-3:] == ["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"]


def test_parallel_branches_run_concurrently():
    clock = VirtualClock()
    start = clock.now()
    definition = machine(("P", {"Type": "Parallel", "Branches": [
        _branch(("W", {"Type": "Wait", "Seconds": 10})) for _ in range(3)]}))
    execute(definition, clock=clock)
    assert clock.now() - start == timedelta(seconds=10)


def test_parallel_branch_failure_fails_the_state_and_links_events_like_aws():
    definition = machine(("P", {"Type": "Parallel", "Branches": [
        _branch(("F", {"Type": "Fail", "Error": "E", "Cause": "C"}))]}))
    result = execute(definition)
    assert (result.error, result.cause) == ("E", "C")
    assert links(result) == [
        (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
        (4, 3, "FailStateEntered"), (5, 4, "ParallelStateFailed"), (6, 5, "ExecutionFailed"),
    ]


def test_parallel_catch_handles_a_branch_failure():
    definition = machine(
        ("P", {"Type": "Parallel", "Next": "Done", "Branches": [_branch(("F", {"Type": "Fail", "Error": "E"}))],
               "Catch": [{"ErrorEquals": ["E"], "Next": "Caught", "ResultPath": "$.err"}]}),
        ("Caught", {"Type": "Pass", "End": True}),
        ("Done", {"Type": "Succeed"}),
    )
    assert output(execute(definition, {"a": 1})) == {"a": 1, "err": {"Error": "E"}}


def test_parallel_retry_restarts_every_branch():
    definition = machine(("P", {"Type": "Parallel", "Branches": [_branch(("F", {"Type": "Fail", "Error": "E"}))],
                                "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 2}]}))
    result = execute(definition)
    assert types(result).count("ParallelStateStarted") == 3
    assert types(result).count("ParallelStateFailed") == 1


def test_parallel_failure_stops_the_other_branches():
    clock = VirtualClock()
    definition = machine(("P", {"Type": "Parallel", "Branches": [
        _branch(("W", {"Type": "Wait", "Seconds": 100}), ("After", {"Type": "Pass"})),
        _branch(("W2", {"Type": "Wait", "Seconds": 1}), ("F", {"Type": "Fail", "Error": "E"})),
    ]}))
    result = execute(definition, clock=clock)
    assert result.error == "E"
    assert "After" not in str(result.history)


def test_map_runs_the_processor_per_item_and_collects_results_in_order():
    definition = machine(("M", {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.out", "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "$.v"}, "End": True}}}}))
    assert output(execute(definition, {"items": [{"v": 1}, {"v": 2}]})) == {
        "items": [{"v": 1}, {"v": 2}], "out": [{"v": 1}, {"v": 2}]}


def test_map_history_links_iterations_like_aws():
    definition = machine(("M", {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": {
        "StartAt": "H", "States": {"H": {"Type": "Pass", "End": True}}}}))
    result = execute(definition, [1, 2])
    assert links(result) == [
        (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
        (4, 3, "MapIterationStarted"), (5, 4, "PassStateEntered"), (6, 5, "PassStateExited"),
        (7, 6, "MapIterationSucceeded"), (8, 6, "MapIterationStarted"), (9, 8, "PassStateEntered"),
        (10, 9, "PassStateExited"), (11, 10, "MapIterationSucceeded"), (12, 11, "MapStateSucceeded"),
        (13, 11, "MapStateExited"), (14, 13, "ExecutionSucceeded"),
    ]
    assert result.history[2]["mapStateStartedEventDetails"] == {"length": 2}
    assert result.history[3]["mapIterationStartedEventDetails"] == {"index": 0, "name": "M"}


def test_map_item_selector_sees_the_item_index_and_value_in_the_context():
    definition = machine(("M", {"Type": "Map", "ItemSelector": {
        "i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "shared.$": "$.shared"},
        "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "H", "States": {"H": {"Type": "Pass", "End": True}}}}))
    assert output(execute(definition, {"items": ["a", "b"], "shared": 0})) == [
        {"i": 0, "v": "a", "shared": 0}, {"i": 1, "v": "b", "shared": 0}]


def test_map_legacy_iterator_and_parameters_work_like_item_processor_and_item_selector():
    definition = machine(("M", {"Type": "Map", "Parameters": {"v.$": "$$.Map.Item.Value"},
                                "Iterator": {"StartAt": "H", "States": {"H": {"Type": "Pass", "End": True}}}}))
    assert output(execute(definition, [1, 2])) == [{"v": 1}, {"v": 2}]


def test_map_max_concurrency_limits_how_many_iterations_run_at_once():
    def timed(max_concurrency):
        clock = VirtualClock()
        start = clock.now()
        definition = machine(("M", {"Type": "Map", "MaxConcurrency": max_concurrency, "ItemProcessor": {
            "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}}))
        execute(definition, [1, 2, 3, 4], clock=clock)
        return (clock.now() - start).total_seconds()

    assert timed(1) == 40
    assert timed(2) == 20
    assert timed(0) == 10


def test_map_max_concurrency_path_must_be_an_integer():
    definition = machine(("MapState", {"Type": "Map", "MaxConcurrencyPath": "$.mc", "ItemsPath": "$.v",
                                       "ItemProcessor": {"StartAt": "H", "States": {"H": {"Type": "Pass",
                                                                                          "End": True}}}}))
    assert output(execute(definition, {"mc": 2, "v": [1]})) == [1]
    result = execute(definition, {"mc": "x", "v": [1]})
    assert result.cause.endswith('The MaxConcurrencyPath field refers to value "x" which is not a valid integer: $.mc')


def test_map_iteration_failure_fails_the_map_with_that_error():
    definition = machine(("M", {"Type": "Map", "ItemProcessor": {
        "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "ItemError", "Cause": "bad item"}}}}))
    result = execute(definition, [1])
    assert (result.error, result.cause) == ("ItemError", "bad item")
    assert types(result)[-3:] == ["MapIterationFailed", "MapStateFailed", "ExecutionFailed"]


def test_map_failure_aborts_iterations_still_running():
    definition = machine(("M", {"Type": "Map", "ItemProcessor": {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "F"}], "Default": "W"},
        "W": {"Type": "Wait", "Seconds": 50, "End": True},
        "F": {"Type": "Fail", "Error": "E"}}}}))
    result = execute(definition, [1, 0])
    assert result.error == "E"
    assert "MapIterationAborted" in types(result)


def test_map_over_a_non_array_fails():
    definition = machine(("M", {"Type": "Map", "ItemsPath": "$.x", "ItemProcessor": {
        "StartAt": "H", "States": {"H": {"Type": "Pass", "End": True}}}}))
    assert execute(definition, {"x": {"not": "a list"}}).error == "States.Runtime"


def test_map_over_an_empty_array_outputs_an_empty_array():
    definition = machine(("M", {"Type": "Map", "ItemProcessor": {
        "StartAt": "H", "States": {"H": {"Type": "Pass", "End": True}}}}))
    result = execute(definition, [])
    assert output(result) == []
    assert types(result)[1:5] == ["MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited"]


def _distributed(**fields):
    return machine(("M", {"Type": "Map", **fields, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "F"}], "Default": "P"},
            "P": {"Type": "Pass", "End": True},
            "F": {"Type": "Fail", "Error": "E"}}}}))


def test_distributed_map_records_a_map_run_instead_of_iterations():
    result = execute(_distributed(Label="Run"), [1, 2])
    assert output(result) == [1, 2]
    assert types(result) == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                             "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    assert ":mapRun:StateMachine/Run:" in result.history[3]["mapRunStartedEventDetails"]["mapRunArn"]


def test_unlabelled_distributed_map_run_is_named_by_two_full_uuids():
    import re

    arn = execute(_distributed(), [1]).history[3]["mapRunStartedEventDetails"]["mapRunArn"]
    uuid_re = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(rf"arn:aws:states:[^:]+:\d+:mapRun:StateMachine/{uuid_re}:{uuid_re}", arn), arn


def test_distributed_map_tolerates_failures_up_to_the_count():
    assert execute(_distributed(ToleratedFailureCount=1), [1, 0, 2]).status == "SUCCEEDED"
    failed = execute(_distributed(ToleratedFailureCount=1), [0, 0, 2])
    assert failed.error == "States.ExceedToleratedFailureThreshold"
    assert "MapRunFailed" in types(failed)


def test_distributed_map_tolerates_failures_up_to_the_percentage():
    assert execute(_distributed(ToleratedFailurePercentage=50), [0, 1]).status == "SUCCEEDED"
    assert execute(_distributed(ToleratedFailurePercentage=40), [0, 1]).status == "FAILED"


def test_tolerated_failure_count_path_must_be_an_integer():
    result = execute(_distributed(ToleratedFailureCountPath="$.t", ItemsPath="$.items"), {"t": "NoNumber",
                                                                                          "items": [1]})
    assert result.cause.endswith('The ToleratedFailureCountPath field refers to value "NoNumber" which is not a '
                                 'valid integer: $.t')


def test_tolerated_failure_count_path_must_not_be_negative():
    result = execute(_distributed(ToleratedFailureCountPath="$.t", ItemsPath="$.items"), {"t": -2, "items": [3]})
    assert result.error == "States.Runtime"
    assert result.cause.endswith("). ToleratedFailureCount cannot be negative.")
    assert types(result)[-2:] == ["MapStateStarted", "ExecutionFailed"]


def test_tolerated_failure_percentage_path_is_a_float_between_0_and_100():
    def run_with(value):
        return execute(_distributed(ToleratedFailurePercentagePath="$.p", ItemsPath="$.items"),
                       {"p": value, "items": [3]})
    assert run_with([]).cause.endswith('The ToleratedFailurePercentagePath field refers to value "[]" which is '
                                       'not a valid float: $.p')
    for outside in (-0.5, 100.5, -3):
        assert run_with(outside).cause.endswith("ToleratedFailurePercentage must be between 0 and 100.")
    for inside in (0, 2.5, 100):
        assert run_with(inside).status == "SUCCEEDED"


def test_parallel_branches_take_turns_like_aws_records_them():
    definition = machine(("P", {"Type": "Parallel", "Branches": [
        _branch(("A", {"Type": "Pass"})), _branch(("B", {"Type": "Pass"}))]}))
    assert links(execute(definition)) == [
        (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
        (4, 3, "PassStateEntered"), (5, 3, "PassStateEntered"), (6, 4, "PassStateExited"),
        (7, 5, "PassStateExited"), (8, 7, "ParallelStateSucceeded"), (9, 7, "ParallelStateExited"),
        (10, 9, "ExecutionSucceeded"),
    ]


def test_a_branch_stopped_by_a_failing_sibling_records_its_state_as_aborted():
    definition = machine(("P", {"Type": "Parallel", "Branches": [
        _branch(("W", {"Type": "Wait", "Seconds": 100})),
        _branch(("F", {"Type": "Fail", "Error": "E"})),
    ]}))
    result = execute(definition)
    assert result.error == "E"
    assert types(result) == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                             "WaitStateEntered", "FailStateEntered", "WaitStateAborted", "ParallelStateFailed",
                             "ExecutionFailed"]
