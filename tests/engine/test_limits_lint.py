"""Limits lint: warnings where a valid definition is likely to hit AWS's history, payload or
timeout limits at run time; errors are never added, and a plain definition gets none."""

from engine.validation.limits import limit_warnings, worst_case_seconds


def _task(**extra):
    return {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", **extra}


def _map(items=None, mode="INLINE", states=None):
    processor = {"StartAt": "A", "States": states or {"A": _task(Next="B"), "B": _task(End=True)}}
    if mode != "INLINE":
        processor["ProcessorConfig"] = {"Mode": mode, "ExecutionType": "STANDARD"}
    state = {"Type": "Map", "ItemProcessor": processor, "End": True}
    if items is not None:
        state["Items"] = items
    return {"StartAt": "M", "States": {"M": state}}


def test_an_inline_map_over_input_items_with_busy_iterations_warns_of_the_history_limit():
    warnings = limit_warnings(_map())
    assert [(w.path, w.code, w.severity) for w in warnings] == [("/States/M", "HISTORY_LIMIT_RISK", "WARNING")]
    # two Tasks of 5 events each, plus the iteration's own two events
    assert "about 12 events" in warnings[0].message
    assert "2,083 items" in warnings[0].message


def test_a_distributed_map_a_fixed_item_list_or_a_light_iteration_gets_no_history_warning():
    assert limit_warnings(_map(mode="DISTRIBUTED")) == []
    assert limit_warnings(_map(items=[1, 2, 3])) == []
    assert limit_warnings(_map(states={"A": {"Type": "Pass", "End": True}})) == []


def test_a_map_nested_in_a_parallel_is_linted_with_its_path():
    inner = _map()["States"]["M"]
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "M", "States": {"M": inner}}]}},
    }
    assert [w.path for w in limit_warnings(definition)] == ["/States/P/Branches/0/States/M"]


def test_a_constant_close_to_256_kib_warns_and_a_small_one_does_not():
    big = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"blob": "x" * 200_000}, "End": True}}}
    small = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"blob": "x" * 1000}, "End": True}}}
    [warning] = limit_warnings(big)
    assert (warning.path, warning.code) == ("/States/P/Result", "PAYLOAD_SIZE_RISK")
    assert "200,011 bytes" in warning.message
    assert limit_warnings(small) == []


def test_retries_whose_worst_case_outlasts_the_machine_timeout_warn():
    retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 5, "BackoffRate": 2.0}
    # back-offs 10 + 20 + 40 + 80 + 160 = 310 s, six attempts of at most 30 s = 180 s
    assert worst_case_seconds(retrier, 30) == 490
    machine = {
        "StartAt": "T",
        "TimeoutSeconds": 300,
        "States": {"T": _task(TimeoutSeconds=30, Retry=[retrier], End=True)},
    }
    [warning] = limit_warnings(machine)
    assert (warning.path, warning.code) == ("/States/T/Retry/0", "RETRY_EXCEEDS_TIMEOUT")
    assert "490 seconds" in warning.message and "(300)" in warning.message
    machine["TimeoutSeconds"] = 600
    assert limit_warnings(machine) == []


def test_max_delay_caps_each_back_off_in_the_worst_case():
    retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 4, "MaxDelaySeconds": 15}
    assert worst_case_seconds(retrier) == 10 + 15 + 15 + 15


def test_no_timeout_no_retry_warning_and_garbage_is_ignored():
    retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 99999, "MaxAttempts": 99}
    assert limit_warnings({"StartAt": "T", "States": {"T": _task(Retry=[retrier], End=True)}}) == []
    assert limit_warnings("not a machine") == []
    assert limit_warnings({"States": {"X": "nonsense"}}) == []
