"""Every recorded AWS execution case that needs no other AWS service, run through engine.run.

Compares status, output (or error and cause), the sequence of history event types, and each
event's previousEventId and details modulo the recording's placeholders.  The pass rate is
printed at the end of the session (see conftest.py).  Cases about JSONata or variables belong
to issue #4 and are expected to fail until then.
"""

from __future__ import annotations

import pytest

from tests.engine import conformance

if not conformance.CASES_FILE.exists():
    pytest.skip(f"conformance cases not found at {conformance.CASES_FILE}", allow_module_level=True)

import engine
from engine.ports import Cancellation, VirtualClock

RESULTS: dict[str, bool] = {}


def _params():
    for case in conformance.execution_cases():
        # A recording without a final status (AWS never finished it) is compared as a prefix.
        yield pytest.param(case, id=case["id"])


class _StopOnWait:
    """Plays StopExecution: cancels the execution once it enters its first Wait state."""

    def __init__(self, cancellation: Cancellation):
        self.cancellation = cancellation

    def emit(self, event: dict) -> None:
        if event["type"] == "WaitStateEntered":
            self.cancellation.cancel()


@pytest.mark.parametrize("case", list(_params()))
def test_recorded_execution_behaves_like_aws(case):
    options = {}
    if "test_stop_execution" in case["id"]:
        cancellation = Cancellation()
        options = {"cancellation": cancellation, "sink": _StopOnWait(cancellation)}
    result = engine.run(
        case["definition"], case["input"], name=case.get("execution_name"), clock=VirtualClock(),
        account=conformance.ACCOUNT, **options,
    )
    problems = conformance.compare(case, result)
    RESULTS[case["id"]] = not problems
    assert not problems, "\n".join(problems)
