"""A test case and its run: the machine runs in the engine on a virtual clock (Waits and
retries take no time) with every Task answered by its mock, so nothing outside is called; the
result is checked against the case's expectations.

Expectations (all optional): `status` (SUCCEEDED, FAILED, …), `output` compared whole or, with
`outputMatch: "subset"`, as a JSON subset (every key given must match, recursively), `error`,
and `states`: names the run must pass through, in that order (others may come between).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.ports import VirtualClock
from engine.runner import run_async
from engine.testcases.coverage import CoverageHooks, Target
from engine.testcases.mocks import MockedTasks

EXPECTATIONS = ("status", "output", "outputMatch", "error", "states")


@dataclass
class TestCase:
    """One named case: the input, mocked responses per Task state, and what should happen."""

    __test__ = False  # not a pytest class

    name: str
    input: Any = field(default_factory=dict)
    mocks: dict[str, dict] = field(default_factory=dict)
    expect: dict = field(default_factory=dict)


@dataclass
class CaseResult:
    """What one case did, and how it differed from what it expected (`failures`, empty: passed)."""

    name: str
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    states: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    hits: set[Target] = field(default_factory=set, repr=False)
    first_input: dict[str, tuple[Any, dict]] = field(default_factory=dict, repr=False)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "status": self.status, "output": self.output,
                "error": self.error, "cause": self.cause, "states": self.states, "failures": self.failures}


async def run_case(definition: dict, case: TestCase, *, state_machine_name: str = "TestMachine") -> CaseResult:
    """Run `case` against `definition` with its mocks; never raises for what the case does."""
    hooks = CoverageHooks()
    result = await run_async(
        definition, case.input, invoker=MockedTasks(case.mocks), clock=VirtualClock(), hooks=hooks,
        name=f"test-{case.name}"[:80], state_machine_name=state_machine_name, keep_history=False,
    )
    output = json.loads(result.output) if result.output is not None else None
    outcome = CaseResult(case.name, result.status, output, result.error, result.cause, hooks.entered,
                         hits=hooks.hits, first_input=hooks.first_input)
    outcome.failures = check(case.expect, outcome)
    return outcome


async def run_cases(definition: dict, cases: list[TestCase], **options: Any) -> list[CaseResult]:
    """Run every case, one after the other."""
    return [await run_case(definition, case, **options) for case in cases]


def check(expect: dict, outcome: CaseResult) -> list[str]:
    """Each way `outcome` differs from `expect`, as a sentence."""
    failures = []
    if "status" in expect and expect["status"] != outcome.status:
        failures.append(f"status: expected {expect['status']}, got {outcome.status}"
                        + (f" ({outcome.error}: {outcome.cause})" if outcome.error else ""))
    if "error" in expect and expect["error"] != outcome.error:
        failures.append(f"error: expected {expect['error']!r}, got {outcome.error!r}")
    if "output" in expect:
        subset = expect.get("outputMatch") == "subset"
        matched = is_subset(expect["output"], outcome.output) if subset else expect["output"] == outcome.output
        if not matched:
            failures.append(f"output: expected {'a superset of ' if subset else ''}{_short(expect['output'])}, "
                            f"got {_short(outcome.output)}")
    if "states" in expect:
        missing = _not_passed(expect["states"], outcome.states)
        if missing is not None:
            failures.append(f"states: expected to pass through {' → '.join(expect['states'])}; "
                            f"'{missing}' was not reached in that order (passed: {' → '.join(outcome.states)})")
    return failures


def is_subset(expected: Any, actual: Any) -> bool:
    """Whether `expected` is contained in `actual`: objects by the keys given, arrays item by item."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and is_subset(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            is_subset(e, a) for e, a in zip(expected, actual, strict=True))
    return expected == actual and type(expected) is type(actual) or (
        isinstance(expected, (int, float)) and isinstance(actual, (int, float))
        and not isinstance(expected, bool) and not isinstance(actual, bool) and expected == actual)


def _not_passed(expected: list[str], passed: list[str]) -> str | None:
    position = 0
    for name in expected:
        try:
            position = passed.index(name, position) + 1
        except ValueError:
            return name
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."
