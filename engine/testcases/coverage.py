"""Coverage of a definition by test runs: every state, every Choice rule and Default, every
retrier and every catcher, at any depth, is a target; the after-state hook (engine.hooks) of
each run records which targets it hit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.hooks import Hooks, StateReport


@dataclass(frozen=True)
class Target:
    """One thing a run can exercise. `kind`: state, choice, default, retry or catch."""

    kind: str
    state: str
    index: int | None = None


def coverage_targets(definition: dict) -> list[Target]:
    """Every target of `definition`, states before what they hold, in definition order."""
    targets: list[Target] = []
    _collect(definition, targets)
    return targets


def _collect(machine: Any, targets: list[Target]) -> None:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        targets.append(Target("state", name))
        for index, _ in enumerate(state.get("Choices") or []):
            targets.append(Target("choice", name, index))
        if state.get("Type") == "Choice" and "Default" in state:
            targets.append(Target("default", name))
        for index, _ in enumerate(state.get("Retry") or []):
            targets.append(Target("retry", name, index))
        for index, _ in enumerate(state.get("Catch") or []):
            targets.append(Target("catch", name, index))
        for branch in state.get("Branches") or []:
            _collect(branch, targets)
        _collect(state.get("ItemProcessor") or state.get("Iterator"), targets)


class CoverageHooks(Hooks):
    """Records, for one run, the states entered (in order, at any depth) and the rules, retriers
    and catchers used."""

    def __init__(self) -> None:
        self.hits: set[Target] = set()
        self.entered: list[str] = []
        self.first_input: dict[str, tuple[Any, dict]] = {}  # state -> (input, variables) when first entered

    async def before(self, point):
        self.hits.add(Target("state", point.name))
        self.entered.append(point.name)
        self.first_input.setdefault(point.name, (point.input, dict(point.variables)))
        return None

    def after(self, report: StateReport) -> None:
        if report.choice_rule == "Default":
            self.hits.add(Target("default", report.name))
        elif isinstance(report.choice_rule, int):
            self.hits.add(Target("choice", report.name, report.choice_rule))
        for index in report.retries:
            self.hits.add(Target("retry", report.name, index))
        if report.catcher is not None:
            self.hits.add(Target("catch", report.name, report.catcher))


def coverage_report(definition: dict, hits: set[Target]) -> dict:
    """What `hits` covered of `definition`: a percentage, and every target marked."""
    targets = coverage_targets(definition)
    covered = [t for t in targets if t in hits]
    return {
        "percent": round(100.0 * len(covered) / len(targets), 1) if targets else 100.0,
        "covered": len(covered),
        "total": len(targets),
        "targets": [{"kind": t.kind, "state": t.state, "index": t.index, "covered": t in hits} for t in targets],
    }
