"""Mocked service integrations in the MockConfigFile.json format of AWS's Step Functions Local.

STATECRAFT_MOCK_CONFIG (setting or environment variable) is the file's path. Its shape:
`{"StateMachines": {<machine>: {"TestCases": {<case>: {<state>: <response name>}}}},
  "MockedResponses": {<response name>: {"0": {"Return": …}, "1-2": {"Throw": {"Error", "Cause"}}}}}`
The test case is chosen per execution with a `#<TestCaseName>` suffix on the state machine ARN
given to StartExecution, as the local runner does. Keys of a response are invocation numbers
(0-based, per state and execution) or ranges `a-b`; the last one repeats.
See https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

from engine.errors import StatesError
from engine.testcases.mocks import pick_response

_cache: dict[str, tuple[float, dict]] = {}


def config_path() -> str:
    return getattr(settings, "STATECRAFT_MOCK_CONFIG", None) or os.environ.get("STATECRAFT_MOCK_CONFIG", "")


def load() -> dict:
    path = config_path()
    if not path:
        return {}
    mtime = Path(path).stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        _cache[path] = (mtime, json.loads(Path(path).read_text()))
    return _cache[path][1]


def response_name(machine: str, test_case: str | None, state: str) -> str | None:
    if not test_case:
        return None
    cases = load().get("StateMachines", {}).get(machine, {}).get("TestCases", {})
    return (cases.get(test_case) or {}).get(state)


def response(name: str, invocation: int) -> dict:
    """The mocked response `name` for invocation number `invocation` ({"Return"} or {"Throw"})."""
    responses = load().get("MockedResponses", {}).get(name)
    if responses is None:
        raise StatesError(f"The mocked response '{name}' is not defined in {config_path()}.", error="States.Runtime")
    return pick_response(responses, invocation)
