"""Test cases in other formats: AWS's MockConfigFile (import and export), and TestState calls
(export) that replay each mocked Task of a case against AWS's TestState API.
See https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html and
https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
"""

from __future__ import annotations

import json
from typing import Any

from engine.testcases.cases import CaseResult, TestCase
from engine.testcases.mocks import pick_response, valid_response_keys


class FormatError(ValueError):
    """A MockConfigFile that cannot be read; the message says where and why."""


def from_mock_config(config: Any, machine_name: str) -> list[TestCase]:
    """The test cases a MockConfigFile gives `machine_name` (inputs empty: the file has none)."""
    if not isinstance(config, dict):
        raise FormatError("The MockConfigFile must be a JSON object.")
    machines = config.get("StateMachines")
    responses = config.get("MockedResponses") or {}
    if not isinstance(machines, dict) or not isinstance(responses, dict):
        raise FormatError("The MockConfigFile needs a 'StateMachines' object and a 'MockedResponses' object.")
    machine = machines.get(machine_name)
    if not isinstance(machine, dict) or not isinstance(machine.get("TestCases"), dict):
        known = ", ".join(sorted(machines)) or "none"
        raise FormatError(f"StateMachines has no TestCases for '{machine_name}' (machines in the file: {known}).")
    cases = []
    for case_name, states in machine["TestCases"].items():
        if not isinstance(states, dict):
            raise FormatError(f"StateMachines.{machine_name}.TestCases.{case_name} must map state names to "
                              "mocked response names.")
        mocks = {}
        for state, response_name in states.items():
            mocked = responses.get(response_name)
            if not valid_response_keys(mocked):
                raise FormatError(f"MockedResponses.{response_name} (used by {case_name}.{state}) is missing or "
                                  "its keys are not invocation numbers or ranges like \"0\" or \"1-2\".")
            mocks[state] = mocked
        cases.append(TestCase(case_name, {}, mocks, {}))
    return cases


def to_mock_config(machine_name: str, cases: list[TestCase]) -> dict:
    """A MockConfigFile holding `cases` for `machine_name`; one mocked response per case and state."""
    test_cases: dict[str, dict] = {}
    responses: dict[str, dict] = {}
    for case in cases:
        test_cases[case.name] = {}
        for state, mocked in case.mocks.items():
            response_name = f"{case.name}.{state}"
            test_cases[case.name][state] = response_name
            responses[response_name] = mocked
    return {"StateMachines": {machine_name: {"TestCases": test_cases}}, "MockedResponses": responses}


def to_test_state_calls(definition: dict, case: TestCase, result: CaseResult, role_arn: str) -> list[dict]:
    """TestState requests (boto3's `test_state` keyword arguments) for each mocked Task the case
    ran: the state alone, the input and variables it had in the run, and its first mocked answer."""
    calls = []
    states = _all_states(definition)
    for name, mocked in case.mocks.items():
        if name not in result.first_input or name not in states:
            continue
        value, variables = result.first_input[name]
        answer = pick_response(mocked, 0)
        if "Throw" in answer:
            throw = answer["Throw"] or {}
            mock = {"errorOutput": {"error": throw.get("Error") or "", "cause": throw.get("Cause") or ""}}
        else:
            mock = {"result": json.dumps(answer.get("Return"))}
        call = {"definition": json.dumps(states[name]), "roleArn": role_arn, "input": json.dumps(value),
                "inspectionLevel": "DEBUG", "mock": mock}
        if variables:
            call["variables"] = json.dumps(variables)
        calls.append(call)
    return calls


def _all_states(machine: Any, found: dict | None = None) -> dict:
    found = {} if found is None else found
    for name, state in ((machine or {}).get("States") or {}).items():
        if isinstance(state, dict):
            found[name] = state
            for branch in state.get("Branches") or []:
                _all_states(branch, found)
            _all_states(state.get("ItemProcessor") or state.get("Iterator"), found)
    return found
