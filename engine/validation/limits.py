"""Limits lint: warnings (never errors) where a valid definition is likely to run into one of
AWS's service quotas at run time, which no create-time check of AWS's reports:

- an inline Map over items that come from the input (so their number is unbounded) whose
  iterations each add several history events: the execution fails once its history passes
  25,000 events;
- constants (Result, Parameters, Arguments, Output, ItemSelector, Assign) close to the
  256 KiB payload limit;
- Retry policies whose worst case (every attempt timing out, every back-off at its longest)
  lasts longer than the machine's TimeoutSeconds, so the retries can never all happen.

`limit_warnings(definition)` returns `Diagnostic`s of severity WARNING, located like errors.
"""

from __future__ import annotations

import json
from typing import Any

from engine.validation.diagnostics import WARNING, Diagnostic, ptr

HISTORY_LIMIT = 25_000
PAYLOAD_LIMIT = 262_144
# A constant above this share of the payload limit leaves little room for the data around it.
PAYLOAD_WARNING_SHARE = 0.75
CONSTANT_FIELDS = ("Result", "Parameters", "Arguments", "Output", "ItemSelector", "Assign")
# An inline Map whose iterations each add more events than this is worth a warning.
EVENTS_PER_ITEM_WARNING = 4
# Events each state type adds to the history when it runs once (entered + exited, and a
# Task's scheduled/started/succeeded); a Map or Parallel adds its own and its children's.
_EVENTS_BY_TYPE = {"Task": 5, "Wait": 2, "Pass": 2, "Choice": 2, "Succeed": 2, "Fail": 1}


def limit_warnings(definition: Any) -> list[Diagnostic]:
    """Warnings where `definition` (an already parsed, valid definition) risks AWS's limits."""
    if not isinstance(definition, dict):
        return []
    warnings: list[Diagnostic] = []
    timeout = definition.get("TimeoutSeconds")
    _machine(definition, "", timeout if isinstance(timeout, int) and timeout > 0 else None, warnings)
    return warnings


def _machine(machine: dict, path: str, timeout: int | None, out: list[Diagnostic]) -> None:
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        where = ptr(path, "States", name)
        _constants(state, where, out)
        if timeout is not None:
            _retries(state, where, timeout, out)
        if state.get("Type") == "Map":
            _inline_map(state, where, out)
        for index, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                _machine(branch, ptr(where, "Branches", index), timeout, out)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                _machine(state[key], ptr(where, key), timeout, out)


def _constants(state: dict, where: str, out: list[Diagnostic]) -> None:
    for field in CONSTANT_FIELDS:
        if field not in state:
            continue
        size = len(json.dumps(state[field], separators=(",", ":"), ensure_ascii=False).encode())
        if size >= PAYLOAD_LIMIT * PAYLOAD_WARNING_SHARE:
            out.append(Diagnostic(
                ptr(where, field), "PAYLOAD_SIZE_RISK",
                f"This constant is {size:,} bytes, close to the 262,144-byte limit on a state's input "
                "and output; with any data added the state fails with States.DataLimitExceeded.",
                WARNING))


def _retries(state: dict, where: str, timeout: int, out: list[Diagnostic]) -> None:
    attempt_timeout = state.get("TimeoutSeconds") if isinstance(state.get("TimeoutSeconds"), int) else 0
    for index, retrier in enumerate(state.get("Retry") or []):
        if not isinstance(retrier, dict):
            continue
        worst = worst_case_seconds(retrier, attempt_timeout)
        if worst > timeout:
            out.append(Diagnostic(
                ptr(where, "Retry", index), "RETRY_EXCEEDS_TIMEOUT",
                f"In the worst case these retries take {worst:,.0f} seconds, longer than the machine's "
                f"TimeoutSeconds ({timeout:,}): the execution times out before its last retry.",
                WARNING))


def worst_case_seconds(retrier: dict, attempt_timeout: int = 0) -> float:
    """The longest a retrier can keep a state going: every attempt lasting `attempt_timeout` and
    every back-off at its longest (IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds)."""
    attempts = retrier.get("MaxAttempts", 3)
    interval = retrier.get("IntervalSeconds", 1)
    rate = retrier.get("BackoffRate", 2.0)
    cap = retrier.get("MaxDelaySeconds")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (attempts, interval, rate)):
        return 0.0
    delays = 0.0
    delay = float(interval)
    for _ in range(int(attempts)):
        delays += min(delay, cap) if isinstance(cap, (int, float)) else delay
        delay *= rate
        if delays > 10**12:  # far beyond any timeout; stop multiplying
            break
    return delays + attempt_timeout * (int(attempts) + 1)


def _inline_map(state: dict, where: str, out: list[Diagnostic]) -> None:
    processor = state.get("ItemProcessor") or state.get("Iterator")
    if not isinstance(processor, dict):
        return
    mode = (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE")
    items = state.get("Items")
    if mode != "INLINE" or isinstance(items, list):  # DISTRIBUTED, or a fixed list of items
        return
    per_item = 2 + events_per_run(processor)  # MapIterationStarted and …Succeeded
    if per_item <= EVENTS_PER_ITEM_WARNING:
        return
    out.append(Diagnostic(
        where, "HISTORY_LIMIT_RISK",
        f"Each item adds about {per_item} events to the execution's history; over about "
        f"{HISTORY_LIMIT // per_item:,} items this inline Map passes the {HISTORY_LIMIT:,}-event limit and the "
        "execution fails. A Distributed Map (ProcessorConfig Mode DISTRIBUTED) runs each item in a "
        "child execution of its own.",
        WARNING))


def events_per_run(machine: dict) -> int:
    """About how many events one run of `machine` (a branch or processor) adds: every state once."""
    total = 0
    for state in (machine.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        kind = state.get("Type")
        if kind == "Parallel":
            total += 2 + sum(events_per_run(b) for b in state.get("Branches") or [] if isinstance(b, dict))
        elif kind == "Map":
            total += 4  # its own events; its items are counted when it is linted itself
        else:
            total += _EVENTS_BY_TYPE.get(kind, 2)
    return total
