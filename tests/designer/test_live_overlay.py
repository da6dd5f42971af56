"""The status overlay (designer/overlay.py) over real engine histories, and the shared fixture
that holds the TypeScript twin (designer/frontend/src/live/overlay.ts) to the same answers.

The fixture stores each case's events and the overlay after a few prefixes of them; both
languages must reproduce every stored overlay from the stored events. It changes only through
the explicit flag: `STATECRAFT_UPDATE_GOLDEN=1 pytest tests/designer/test_live_overlay.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

import engine
from designer import overlay
from designer.examples import functions
from designer.presenters.history import event_json
from engine.ports import VirtualClock

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "designer" / "frontend" / "src" / "live" / "overlay.fixture.json"
EXAMPLES = ROOT / "designer" / "examples"


class Busy(Exception):
    pass


class Boom(Exception):
    pass


def _handlers():
    calls = {"flaky": 0}

    def flaky(payload):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise Busy("try again")
        return {"ok": True}

    def boom(payload):
        raise Boom("always")

    def check(payload):
        if payload % 2:
            raise Boom(f"odd {payload}")
        return payload

    return {
        "flaky": flaky,
        "boom": boom,
        "check": check,
        "order-validate": functions.validate_order,
        "order-charge": functions.charge_payment,
        "order-reserve": functions.reserve_item,
        "order-notify": functions.notify_customer,
    }


def _task(resource: str, **fields) -> dict:
    return {"Type": "Task", "Resource": f"arn:aws:lambda:us-east-1:000000000000:function:{resource}", **fields}


RETRY_CATCH_PARALLEL_MAP = {
    "StartAt": "Flaky",
    "States": {
        "Flaky": _task(
            "flaky",
            ResultPath="$.flaky",
            Retry=[{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 2}],
            Next="Risky",
        ),
        "Risky": _task(
            "boom", Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Fanout"}], Next="Fanout"
        ),
        "Fanout": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 1, "End": True}}},
                {
                    "StartAt": "Items",
                    "States": {
                        "Items": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ToleratedFailureCount": 5,
                            "ItemProcessor": {"StartAt": "Check", "States": {"Check": _task("check", End=True)}},
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

PARALLEL_FAILS = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Give",
                    "States": {"Give": {"Type": "Pass", "Next": "GiveUp"}, "GiveUp": {"Type": "Fail", "Error": "Nope"}},
                },
                {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 30, "End": True}}},
            ],
            "End": True,
        }
    },
}

NESTED_MAPS = {
    "StartAt": "Outer",
    "States": {
        "Outer": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": {
                    "Inner": {
                        "Type": "Map",
                        "ItemProcessor": {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": True}}},
                        "End": True,
                    }
                },
            },
            "Next": "After",
        },
        "After": {"Type": "Pass", "End": True},
    },
}

TIMES_OUT = {
    "TimeoutSeconds": 5,
    "StartAt": "First",
    "States": {"First": {"Type": "Pass", "Next": "Sleep"}, "Sleep": {"Type": "Wait", "Seconds": 60, "End": True}},
}

FAILS_THEN_REDRIVEN = {
    "StartAt": "Prepare",
    "States": {"Prepare": {"Type": "Pass", "Next": "Charge"}, "Charge": _task("boom", End=True)},
}


def _run(definition: dict, input_value) -> list[dict]:
    result = asyncio.run(engine.run_async(definition, input_value, handlers=_handlers(), clock=VirtualClock()))
    return [event_json(e) for e in result.history]


def _redriven() -> list[dict]:
    """A failed run, then a redrive that re-runs the failed state to success (as AWS records it)."""
    failed = _run(FAILS_THEN_REDRIVEN, {})
    retry_from = next(e for e in failed if e["type"] == "PassStateExited")["id"]
    n = len(failed)
    stamp = failed[-1]["timestamp"]

    def event(offset, type_, prev, **details):
        return {"timestamp": stamp, "type": type_, "id": n + offset, "previousEventId": prev, **details}

    return failed + [
        event(1, "ExecutionRedriven", 0, executionRedrivenEventDetails={"redriveCount": 1}),
        event(2, "TaskStateEntered", retry_from, stateEnteredEventDetails={"name": "Charge", "input": "{}"}),
        event(3, "LambdaFunctionScheduled", n + 2, lambdaFunctionScheduledEventDetails={"resource": "boom"}),
        event(4, "LambdaFunctionStarted", n + 3),
        event(5, "LambdaFunctionSucceeded", n + 4, lambdaFunctionSucceededEventDetails={"output": "{}"}),
        event(6, "TaskStateExited", n + 5, stateExitedEventDetails={"name": "Charge", "output": "{}"}),
        event(7, "ExecutionSucceeded", n + 6, executionSucceededEventDetails={"output": "{}"}),
    ]


def _aborted() -> tuple[dict, list[dict]]:
    definition = json.loads((EXAMPLES / "map-items.asl.json").read_text())
    events = _run(definition, {"event": "party", "recipients": ["a", "b", "c", "d", "e"]})
    cut = [e for e in events if e["id"] <= 9]
    cut.append(
        {
            "timestamp": cut[-1]["timestamp"],
            "type": "ExecutionAborted",
            "id": 10,
            "previousEventId": 0,
            "executionAbortedEventDetails": {"error": "Stopped", "cause": "by the user"},
        }
    )
    return definition, cut


def _cases() -> list[dict]:
    examples = {}
    for name in ("hello-world", "map-items", "order-processing", "wait-for-approval"):
        definition = json.loads((EXAMPLES / f"{name}.asl.json").read_text())
        examples[name] = (definition, _run(definition, json.loads((EXAMPLES / f"{name}.input.json").read_text())))
    map_definition = examples["map-items"][0]
    cases = {
        **examples,
        "map-40": (map_definition, _run(map_definition, {"event": "x", "recipients": list(range(40))})),
        "retry-catch-parallel-map": (
            RETRY_CATCH_PARALLEL_MAP,
            _run(RETRY_CATCH_PARALLEL_MAP, {"items": [1, 2, 3, 4, 5, 6]}),
        ),
        "parallel-fails": (PARALLEL_FAILS, _run(PARALLEL_FAILS, {})),
        "nested-maps": (NESTED_MAPS, _run(NESTED_MAPS, [[1, 2], [3], []])),
        "times-out": (TIMES_OUT, _run(TIMES_OUT, {})),
        "redriven": (FAILS_THEN_REDRIVEN, _redriven()),
        "aborted": _aborted(),
    }
    out = []
    for name, (definition, events) in cases.items():
        cuts = sorted({len(events) // 3, (2 * len(events)) // 3, len(events)})
        out.append(
            {
                "name": name,
                "definition": definition,
                "events": events,
                "overlays": [{"upto": cut, "overlay": overlay.build(events[:cut], definition)} for cut in cuts],
            }
        )
    return out


def _fixture() -> list[dict]:
    if os.environ.get("STATECRAFT_UPDATE_GOLDEN") == "1":
        FIXTURE.write_text(json.dumps(_cases(), indent=1) + "\n")
    return json.loads(FIXTURE.read_text())


CASES = {case["name"]: case for case in _fixture()}


def _final(name: str) -> dict:
    return CASES[name]["overlays"][-1]["overlay"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_stored_overlays_are_what_the_overlay_builds_from_the_stored_events(name):
    case = CASES[name]
    for checkpoint in case["overlays"]:
        built = overlay.build(case["events"][: checkpoint["upto"]], case["definition"])
        assert built == checkpoint["overlay"], f"{name} after {checkpoint['upto']} events"


def test_a_successful_run_colours_the_path_taken_and_leaves_the_others_not_started():
    states = _final("hello-world")["states"]
    assert _final("hello-world")["status"] == "SUCCEEDED"
    taken = {name for name, s in states.items() if s["status"] == "SUCCEEDED"}
    untaken = {name for name, s in states.items() if s["status"] == "NOT_STARTED"}
    assert taken and untaken and taken | untaken == set(states)


def test_map_iterations_are_counted_and_inner_runs_add_up():
    result = _final("map-40")
    assert result["iterations"]["WriteMessages"] == {"SUCCEEDED": 40}
    assert result["states"]["WriteMessage"] == {"status": "SUCCEEDED", "counts": {"SUCCEEDED": 40}}


def test_a_retried_task_succeeds_a_caught_failure_is_caught_error_and_tolerated_failures_show():
    result = _final("retry-catch-parallel-map")
    states = result["states"]
    assert result["status"] == "SUCCEEDED"
    assert states["Flaky"]["status"] == "SUCCEEDED"
    assert states["Risky"]["status"] == "CAUGHT_ERROR"
    assert states["Check"] == {"status": "FAILED", "counts": {"FAILED": 3, "SUCCEEDED": 3}}
    assert result["iterations"]["Items"] == {"FAILED": 3, "SUCCEEDED": 3}
    assert result["iterations"]["Fanout"] == {"SUCCEEDED": 2}
    assert states["Done"]["status"] == "SUCCEEDED"


def test_a_failing_branch_fails_its_parallel_and_cancels_the_sibling_branch():
    result = _final("parallel-fails")
    states = result["states"]
    assert result["status"] == "FAILED"
    assert states["GiveUp"]["status"] == "FAILED"
    assert states["Slow"]["status"] == "CANCELLED"
    assert states["Both"]["status"] == "FAILED"
    assert result["iterations"]["Both"] == {"CANCELLED": 1, "FAILED": 1}


def test_nested_maps_count_their_own_iterations():
    result = _final("nested-maps")
    assert result["iterations"]["Outer"] == {"SUCCEEDED": 3}
    assert result["iterations"]["Inner"] == {"SUCCEEDED": 3}
    assert result["states"]["Leaf"]["counts"] == {"SUCCEEDED": 3}
    assert result["states"]["Inner"]["counts"] == {"SUCCEEDED": 3}


def test_a_time_out_or_a_stop_cancels_what_was_running():
    timed_out = _final("times-out")
    assert timed_out["status"] == "TIMED_OUT"
    assert timed_out["states"]["Sleep"]["status"] == "CANCELLED"
    aborted = _final("aborted")
    assert aborted["status"] == "ABORTED"
    assert aborted["states"]["WriteMessages"]["status"] == "CANCELLED"
    assert aborted["iterations"]["WriteMessages"] == {"CANCELLED": 1, "SUCCEEDED": 1}


def test_a_redrive_replaces_the_failed_run_with_the_new_one():
    case = CASES["redriven"]
    before = overlay.build(
        [
            e
            for e in case["events"]
            if e["type"] != "ExecutionRedriven"
            and e["id"] <= next(x["id"] for x in case["events"] if x["type"] == "ExecutionFailed")
        ],
        case["definition"],
    )
    assert before["states"]["Charge"]["status"] == "FAILED"
    after = _final("redriven")
    assert after["status"] == "SUCCEEDED"
    assert after["states"]["Charge"] == {"status": "SUCCEEDED", "counts": {"SUCCEEDED": 1}}


def test_in_progress_states_show_while_the_execution_runs():
    case = CASES["order-processing"]
    first = case["overlays"][0]
    assert first["overlay"]["status"] == "RUNNING"
    assert any(s["status"] == "IN_PROGRESS" for s in first["overlay"]["states"].values())


def test_a_task_waiting_to_retry_stays_in_progress_and_a_final_failure_is_failed():
    definition = {
        "StartAt": "Flaky",
        "States": {
            "Flaky": _task(
                "flaky", Retry=[{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 1}], End=True
            )
        },
    }
    events = _run(definition, {})
    failed_attempt = next(i for i, e in enumerate(events) if e["type"] == "LambdaFunctionFailed")
    during_retry = overlay.build(events[: failed_attempt + 1], definition)
    assert during_retry["states"]["Flaky"]["status"] == "IN_PROGRESS"
    assert overlay.build(events, definition)["states"]["Flaky"]["status"] == "SUCCEEDED"

    no_retry = {"StartAt": "Boom", "States": {"Boom": _task("boom", End=True)}}
    events = _run(no_retry, {})
    assert overlay.build(events, no_retry)["states"]["Boom"]["status"] == "FAILED"
