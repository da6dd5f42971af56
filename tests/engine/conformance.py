"""Helpers for the conformance test: load the recorded AWS cases and compare results with them.

The recordings were normalised (see ../shared/conformance/README.md): ids, names, dates and
ARN parts became placeholders such as `<ArnPart_0idx>`, `timestamp`, `snf_role_arn`, and JSON
text fields were parsed into values.  `matches(expected, actual)` compares modulo those.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def _cases_file() -> Path:
    """The recorded cases: $STATECRAFT_CONFORMANCE_CASES, else ../shared beside the checkout (the
    main checkout), else the shared folder of the machine (worktrees and fresh clones live elsewhere)."""
    candidates = [os.environ.get("STATECRAFT_CONFORMANCE_CASES", ""),
                  REPO_ROOT.parent / "shared" / "conformance" / "cases.jsonl",
                  REPO_ROOT.parent.parent / "shared" / "conformance" / "cases.jsonl",  # a git worktree
                  "/work/shared/conformance/cases.jsonl"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return Path(candidates[1])


CASES_FILE = _cases_file()
SHARED = CASES_FILE.parent.parent

# Cases that need the server (activities, nested executions) are the server's to run.
SERVER_CATEGORIES = {"activities", "callback", "services_sfn"}
JSONATA_CATEGORIES = {"evaluate_jsonata", "assign", "query_language"}
JSONATA_REASON = "JSONata/variables: issue #4"

# Placeholders that stand for a whole value.
_WHOLE_PLACEHOLDERS = {
    "timestamp", "date", "datetime", "snf_role_arn", "start-date", "stop-date",
    "RandomNumberGenerated", "generated-uuid", "start-time", "entered-time",
}
# Placeholders for times AWS writes as text (ISO-8601, HTTP dates; the recorder also put "date"
# over a whole header list): an epoch number there is a difference. The optimised integrations'
# StartDate/StopDate ("start-date", "stop-date") are epoch numbers.
_TEXT_TIME_PLACEHOLDERS = {"timestamp", "date", "datetime", "start-time", "entered-time"}
_TOKEN = re.compile(r"<[^<>]*>")
_regex_cache: dict[str, re.Pattern] = {}

# Stand-in for the recording account, so ARNs compare equal.
ACCOUNT = "111111111111"


def load_cases() -> list[dict]:
    with CASES_FILE.open() as f:
        return [json.loads(line) for line in f if line.strip()]


def _walk(value: Any):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def uses_jsonata(case: dict) -> bool:
    if case["category"] in JSONATA_CATEGORIES:
        return True
    for node in _walk(case.get("definition")):
        if isinstance(node, dict):
            if node.get("QueryLanguage") == "JSONata" or "Assign" in node:
                return True
    return False


def needs_other_service(case: dict) -> bool:
    for node in _walk(case.get("definition")):
        if isinstance(node, dict) and node.get("Type") == "Task":
            return True
    return False


def execution_cases() -> list[dict]:
    """Every execution case this engine should run, in file order."""
    return [
        c for c in load_cases()
        if c["kind"] == "execution" and c["category"] not in SERVER_CATEGORIES and not needs_other_service(c)
    ]


def _pattern(expected: str) -> re.Pattern:
    pattern = _regex_cache.get(expected)
    if pattern is None:
        parts = _TOKEN.split(expected)
        body = ".*?".join(re.escape(p) for p in parts)
        for word in ("snf_role_arn",):
            body = body.replace(re.escape(word), ".*?")
        pattern = _regex_cache[expected] = re.compile(body + r"\Z", re.S)
    return pattern


def matches(expected: Any, actual: Any) -> bool:
    """True when `actual` equals the recorded `expected` modulo the recording's placeholders."""
    if isinstance(expected, str):
        if expected in _WHOLE_PLACEHOLDERS:
            return expected not in _TEXT_TIME_PLACEHOLDERS or not isinstance(actual, int | float)
        if isinstance(actual, str):
            if expected == actual or _pattern(expected).match(actual):
                return True
            try:  # a JSON text field recorded unparsed, e.g. "\"Hello\""
                return matches(json.loads(expected), json.loads(actual))
            except ValueError:
                return False
        try:
            return matches(json.loads(expected), actual)
        except (ValueError, TypeError):
            return False
    if isinstance(actual, str) and isinstance(expected, (dict, list, int, float)) and not isinstance(expected, bool):
        try:
            return matches(expected, json.loads(actual))
        except ValueError:
            return False
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and expected.keys() == actual.keys()
                and all(matches(v, actual[k]) for k, v in expected.items()))
    if isinstance(expected, list):
        return (isinstance(actual, list) and len(expected) == len(actual)
                and all(matches(e, a) for e, a in zip(expected, actual, strict=True)))
    if isinstance(expected, bool) or expected is None:
        return expected is actual
    return expected == actual and not isinstance(actual, bool)


def _parsed(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text


def _details(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in ("id", "previousEventId", "timestamp", "type")}


def _compare_prefix(history: list[dict], actual: list[dict]) -> list[str]:
    if not history:
        return ["the recording has neither a status nor a history"]
    if len(actual) < len(history):
        return [f"{len(actual)} events, the recording starts with {len(history)}"]
    problems = []
    for want, got in zip(history, actual, strict=False):
        if (got["type"], got["previousEventId"]) != (want["type"], want["previousEventId"]):
            problems.append(f"event {want['id']} {got['type']}/{got['previousEventId']} != "
                            f"{want['type']}/{want['previousEventId']}")
        elif not matches(_details(want), _details(got)):
            problems.append(f"event {want['id']} {want['type']} details {_details(got)} != {_details(want)}")
    return problems


def compare(case: dict, result: Any) -> list[str]:
    """Differences between a recorded case and an ExecutionResult (empty when they agree)."""
    expected = case["expected"]
    problems: list[str] = []
    if expected.get("status") is None:
        # AWS never finished it: the recording is the start of the history, compared event by event.
        return _compare_prefix(expected.get("history") or [], result.history)
    if result.status != expected.get("status"):
        problems.append(f"status {result.status} != {expected.get('status')} ({result.error}: {result.cause})")
        return problems
    if result.status == "SUCCEEDED" and "output" in expected:
        # The output is JSON text; parse it so that scalar outputs (true, null) compare too.
        if not matches(expected["output"], _parsed(result.output)):
            problems.append(f"output {result.output} != {json.dumps(expected['output'])}")
    if result.status == "FAILED":
        for key in ("error", "cause"):
            want, got = expected.get(key), getattr(result, key)
            if want is None:
                if got not in (None, ""):
                    problems.append(f"{key} {got!r} != None")
            elif not matches(want, got):
                problems.append(f"{key} {got!r} != {want!r}")
    history = expected.get("history")
    if history and "reversed" in case["id"]:
        history = history[::-1]   # recorded with GetExecutionHistory(reverseOrder=True)
    types = [e["type"] for e in result.history]
    if history is None:
        if "events" in expected and types != expected["events"]:
            problems.append(f"events {types} != {expected['events']}")
        return problems
    unordered = [e for e in history if not isinstance(e["id"], int)]
    if not unordered:
        want_types = [e["type"] for e in history]
        if types != want_types:
            problems.append(f"events {types} != {want_types}")
            return problems
    else:
        # AWS: events of concurrent branches were recorded with placeholder ids because their
        # order varies; compare those as a multiset and the others by position.
        last = history[-1]["id"]
        if isinstance(last, int) and last != len(types):
            problems.append(f"{len(types)} events, recording has {last}")
        missing = Counter(e["type"] for e in unordered) - Counter(types)
        if missing:
            problems.append(f"missing events {dict(missing)}")
    by_id = {e["id"]: e for e in result.history}
    for want in history:
        if not isinstance(want["id"], int):
            continue
        got = by_id.get(want["id"])
        if got is None:
            problems.append(f"event {want['id']} missing")
            continue
        if got["type"] != want["type"]:
            problems.append(f"event {want['id']} type {got['type']} != {want['type']}")
            continue
        if isinstance(want["previousEventId"], int) and got["previousEventId"] != want["previousEventId"]:
            problems.append(f"event {want['id']} {want['type']} previousEventId "
                            f"{got['previousEventId']} != {want['previousEventId']}")
        if not matches(_details(want), _details(got)):
            problems.append(f"event {want['id']} {want['type']} details {json.dumps(_details(got), default=str)} "
                            f"!= {json.dumps(_details(want))}")
    return problems
