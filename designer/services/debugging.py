"""The debugger's writes: a machine's breakpoints and test cases, running test cases in the engine
(mocked Tasks, a virtual clock, nothing called) with coverage, MockConfigFile import and export,
TestState calls export (`engine.testcases`); debug executions (start, breakpoints, Continue and
Step, and the runtime's side of a pause, `designer.runtime.debug`); "run from here"."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from designer.checks import check_definition, check_input
from designer.errors import ConflictException, ResourceNotFound, ValidationException
from designer.models import (
    Execution,
    ExecutionDebug,
    ExecutionStatus,
    MachineBreakpoints,
    StateMachine,
    WorkflowTestCase,
)
from designer.services.executions import execution_start
from designer.services.runtime_hooks import call_after_commit
from engine.testcases import TestCase, coverage_report, run_cases
from engine.testcases.cases import EXPECTATIONS
from engine.testcases.formats import FormatError, from_mock_config, to_mock_config, to_test_state_calls
from engine.testcases.mocks import valid_response_keys

_CASE_NAME = re.compile(r"^[A-Za-z0-9_.\- ]{1,80}$")
_STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def state_names(definition: Any) -> list[str]:
    """Every state name of a definition (dict or JSON text), at any depth, in definition order."""
    if isinstance(definition, str):
        definition = json.loads(definition)
    names: list[str] = []

    def walk(machine: Any) -> None:
        for name, state in ((machine or {}).get("States") or {}).items():
            names.append(name)
            if isinstance(state, dict):
                for branch in state.get("Branches") or []:
                    walk(branch)
                walk(state.get("ItemProcessor") or state.get("Iterator"))

    walk(definition)
    return names


# ─── breakpoints ─────────────────────────────────────────────────────────────────────────────


def breakpoints_of(machine: StateMachine) -> list[str]:
    row = MachineBreakpoints.objects.filter(machine=machine).first()
    return list(row.states) if row else []


def breakpoints_set(*, machine: StateMachine, states: list[str]) -> list[str]:
    """Replace the machine's breakpoints; every name must be a state of its definition."""
    known = set(state_names(machine.definition))
    unknown = [s for s in states if s not in known]
    if unknown:
        raise ValidationException(f"No state named {', '.join(repr(s) for s in unknown)} in {machine.name}.")
    unique = list(dict.fromkeys(states))
    MachineBreakpoints.objects.update_or_create(machine=machine, defaults={"states": unique})
    return unique


# ─── test cases ──────────────────────────────────────────────────────────────────────────────


def check_test_case(name: str, mocks: Any, expect: Any) -> None:
    """ValidationException naming what is wrong with a test case's name, mocks or expectations."""
    if not isinstance(name, str) or not _CASE_NAME.match(name):
        raise ValidationException("A test case name has 1 to 80 letters, digits, spaces or . _ -")
    if not isinstance(mocks, dict):
        raise ValidationException("mocks must be an object: state name → {call number: {Return | Throw}}")
    for state, responses in mocks.items():
        if not valid_response_keys(responses):
            raise ValidationException(f"mocks.{state}: keys are call numbers or ranges like \"0\" or \"1-2\"")
        for key, response in responses.items():
            if not isinstance(response, dict) or not ({"Return", "Throw"} & set(response)):
                raise ValidationException(f"mocks.{state}.{key}: each answer is {{\"Return\": …}} or {{\"Throw\": …}}")
    if not isinstance(expect, dict):
        raise ValidationException("expect must be an object")
    unknown = sorted(set(expect) - set(EXPECTATIONS))
    if unknown:
        raise ValidationException(f"expect: unknown {', '.join(unknown)}; known: {', '.join(EXPECTATIONS)}")
    if "status" in expect and expect["status"] not in _STATUSES:
        raise ValidationException(f"expect.status must be one of {', '.join(_STATUSES)}")
    if "outputMatch" in expect and expect["outputMatch"] not in ("exact", "subset"):
        raise ValidationException("expect.outputMatch is 'exact' or 'subset'")
    if "states" in expect and not (isinstance(expect["states"], list)
                                   and all(isinstance(s, str) for s in expect["states"])):
        raise ValidationException("expect.states is a list of state names")


def test_case_save(*, machine: StateMachine, name: str, input: Any, mocks: Any, expect: Any) -> WorkflowTestCase:
    """Create or replace the machine's test case `name`."""
    check_test_case(name, mocks, expect)
    case, _ = WorkflowTestCase.objects.update_or_create(
        machine=machine, name=name, defaults={"input": input, "mocks": mocks, "expect": expect})
    return case


def test_case_delete(*, machine: StateMachine, name: str) -> None:
    deleted, _ = WorkflowTestCase.objects.filter(machine=machine, name=name).delete()
    if not deleted:
        raise ResourceNotFound(f"Test case {name!r} does not exist for {machine.name}.")


def _cases(machine: StateMachine, names: list[str] | None = None) -> list[TestCase]:
    rows = list(machine.test_cases.all())
    if names is not None:
        missing = sorted(set(names) - {r.name for r in rows})
        if missing:
            raise ResourceNotFound(f"No test case named {', '.join(missing)} for {machine.name}.")
        rows = [r for r in rows if r.name in set(names)]
    return [TestCase(r.name, r.input, r.mocks, r.expect) for r in rows]


def test_cases_run(*, machine: StateMachine, definition: Any = None, names: list[str] | None = None) -> dict:
    """Run the machine's test cases (or those named) against `definition` (the deployed one when
    None); results and, for a whole run, coverage."""
    text = machine.definition if definition is None else (
        definition if isinstance(definition, str) else json.dumps(definition))
    check_definition(text)
    parsed = json.loads(text)
    cases = _cases(machine, names)
    results = asyncio.run(run_cases(parsed, cases, state_machine_name=machine.name))
    hits = set().union(*(r.hits for r in results)) if results else set()
    return {"results": [r.to_dict() for r in results], "coverage": coverage_report(parsed, hits)}


def test_cases_import(*, machine: StateMachine, config: Any) -> list[WorkflowTestCase]:
    """Test cases from a MockConfigFile: each of the machine's TestCases becomes (or updates the
    mocks of) a test case of the same name; inputs and expectations already set are kept."""
    try:
        imported = from_mock_config(config, machine.name)
    except FormatError as exc:
        raise ValidationException(str(exc)) from None
    saved = []
    for case in imported:
        check_test_case(case.name, case.mocks, {})
        row, _ = WorkflowTestCase.objects.update_or_create(machine=machine, name=case.name,
                                                           defaults={"mocks": case.mocks})
        saved.append(row)
    return saved


def test_cases_export(*, machine: StateMachine, format: str, role_arn: str) -> Any:
    """The machine's test cases as a MockConfigFile ("mockconfig"), or as TestState calls
    ("teststate": each case run once to learn every mocked Task's input)."""
    cases = _cases(machine)
    if format == "mockconfig":
        return to_mock_config(machine.name, cases)
    if format != "teststate":
        raise ValidationException("format is 'mockconfig' or 'teststate'")
    definition = json.loads(machine.definition)
    results = asyncio.run(run_cases(definition, cases, state_machine_name=machine.name))
    return {case.name: to_test_state_calls(definition, case, result, role_arn or machine.role_arn)
            for case, result in zip(cases, results, strict=True)}


# ─── debug executions ────────────────────────────────────────────────────────────────────────


def debug_start(*, machine: StateMachine, input: str | None, name: str | None, owner) -> Execution:
    """Start a debug execution: it pauses before the machine's breakpoints."""
    with transaction.atomic():
        execution, _ = execution_start(state_machine=machine, input=input, name=name, owner=owner,
                                       runtime_options={"debug": True})
        ExecutionDebug.objects.create(execution=execution, breakpoints=breakpoints_of(machine))
    return execution


def debug_state(execution: Execution) -> dict:
    """What the execution page shows of the debugger for `execution`."""
    row = ExecutionDebug.objects.filter(execution=execution).select_related("origin", "origin__state_machine").first()
    if row is None:
        return {"debug": False, "breakpoints": [], "paused": None, "origin": None}
    origin = None
    if row.origin is not None:
        origin = {"machine": row.origin.state_machine.name, "name": row.origin.name, "state": row.origin_state}
    running = execution.status == ExecutionStatus.RUNNING
    return {"debug": row.debug, "breakpoints": row.breakpoints, "paused": row.paused if running else None,
            "origin": origin}


def debug_breakpoints_set(*, execution: Execution, states: list[str]) -> dict:
    """Change a running debug execution's breakpoints (its next states see them)."""
    row = _debug_row(execution)
    known = set(state_names(execution.definition))
    unknown = [s for s in states if s not in known]
    if unknown:
        raise ValidationException(f"No state named {', '.join(repr(s) for s in unknown)} in this execution.")
    row.breakpoints = list(dict.fromkeys(states))
    row.save(update_fields=["breakpoints"])
    return debug_state(execution)


def debug_resume(*, execution: Execution, step: bool, input: Any, variables: Any) -> dict:
    """Continue (or Step: pause again before the next state) a paused debug execution, the paused
    state receiving `input` and the variables `variables`."""
    if variables is not None and not isinstance(variables, dict):
        raise ValidationException("variables must be a JSON object")
    check_input(json.dumps(input))
    with transaction.atomic():
        row = _debug_row(execution, lock=True)
        if row.paused is None or execution.status != ExecutionStatus.RUNNING:
            raise ConflictException(f"Execution {execution.name} is not paused.")
        row.resume = {"state": row.paused["state"], "path": row.paused["path"], "input": input,
                      "variables": variables, "step": step}
        row.paused = None
        row.save(update_fields=["resume", "paused"])
        # Parked with no wake-up time: due now, and handed to the runtime.
        Execution.objects.filter(pk=execution.pk, lease_owner="").update(lease_expires=timezone.now())
        call_after_commit("dispatch", execution)
    return debug_state(execution)


def _debug_row(execution: Execution, lock: bool = False) -> ExecutionDebug:
    rows = ExecutionDebug.objects.filter(execution=execution, debug=True)
    row = (rows.select_for_update() if lock else rows).first()
    if row is None:
        raise ValidationException(f"Execution {execution.name} was not started in debug mode.")
    return row


# The runtime's side (designer.runtime.debug), called from its event loop through runtime.db.

def debug_settings(execution_id: int) -> dict | None:
    row = ExecutionDebug.objects.filter(execution_id=execution_id, debug=True).values("breakpoints", "resume").first()
    return row


def debug_pause_record(execution_id: int, paused: dict) -> None:
    ExecutionDebug.objects.filter(execution_id=execution_id).update(paused=paused)


def debug_resume_taken(execution_id: int) -> None:
    ExecutionDebug.objects.filter(execution_id=execution_id).update(resume=None)


# ─── run from here ───────────────────────────────────────────────────────────────────────────


def rerun_from_state(*, execution: Execution, state: str, input: Any, revision: str, owner) -> Execution:
    """A new execution of the same machine that starts at `state` (a top-level state) with
    `input` and the variables the state had in `execution`, on the definition `execution` ran
    ("same") or the machine's deployed one ("latest"); it links back to `execution`."""
    machine = execution.state_machine
    definition = json.loads(execution.definition if revision == "same" else machine.definition)
    if revision not in ("same", "latest"):
        raise ValidationException("revision is 'same' or 'latest'")
    if state not in (definition.get("States") or {}):
        where = "is not a top-level state" if state in state_names(definition) else "does not exist"
        raise ValidationException(f"Run from here starts at a top-level state; '{state}' {where} in that definition.")
    variables = _variables_at(execution, state)
    with transaction.atomic():
        new, _ = execution_start(
            state_machine=machine, input=json.dumps(input), owner=owner,
            definition=(execution.definition, execution.revision) if revision == "same" else None,
            runtime_options={"start_at": {"state": state, "variables": variables}})
        ExecutionDebug.objects.create(execution=new, debug=False, origin=execution, origin_state=state)
    return new


def _variables_at(execution: Execution, state: str) -> dict:
    """The variables in scope when `state` was entered in `execution`: every Assign recorded in
    the state-exited events before the state was first entered."""
    variables: dict = {}
    for kind, details in execution.events.order_by("event_id").values_list("type", "details"):
        body = next(iter(details.values()), {}) if isinstance(details, dict) and details else {}
        if kind.endswith("StateEntered") and body.get("name") == state:
            break
        for key, text in (body.get("assignedVariables") or {}).items():
            variables[key] = json.loads(text)
    return variables
