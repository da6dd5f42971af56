"""REST endpoints of the debugger: a machine's test cases (CRUD, run with coverage, MockConfigFile
import/export, TestState calls export), breakpoints, debug executions (state, breakpoints,
Continue and Step), "run from here", and TestState for one state of the editor's definition.
Writes go through `designer.services.debugging`."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.conf import settings
from ninja import Router, Schema, Status

from designer.api.lookups import get_execution, get_machine
from designer.api.schemas import ExecutionOut
from designer.presenters import studio
from designer.resources import test_state as resources_test_state
from designer.services import debugging

router = Router(tags=["debugging"])


class TestCaseBody(Schema):
    input: Any = {}
    mocks: Any = {}
    expect: Any = {}


class TestCaseOut(TestCaseBody):
    name: str


class RunIn(Schema):
    definition: Any = None
    names: list[str] | None = None


class ImportIn(Schema):
    config: Any


class BreakpointsIO(Schema):
    states: list[str]


def _case(row) -> dict:
    return {"name": row.name, "input": row.input, "mocks": row.mocks, "expect": row.expect}


@router.get("/machines/{name}/tests", response=list[TestCaseOut])
def tests_list(request, name: str):
    return [_case(row) for row in get_machine(request, name).test_cases.all()]


# The fixed paths first: /tests/run must not be taken for a test case called "run".
@router.post("/machines/{name}/tests/run")
def tests_run(request, name: str, payload: RunIn):
    """Run every test case (or `names`) against `definition` (default: the deployed one)."""
    return debugging.test_cases_run(machine=get_machine(request, name), definition=payload.definition,
                                    names=payload.names)


@router.post("/machines/{name}/tests/import", response=list[TestCaseOut])
def tests_import(request, name: str, payload: ImportIn):
    """Import the machine's TestCases from a MockConfigFile."""
    return [_case(row) for row in debugging.test_cases_import(machine=get_machine(request, name),
                                                              config=payload.config)]


@router.get("/machines/{name}/tests/export")
def tests_export(request, name: str, format: Literal["mockconfig", "teststate"] = "mockconfig"):
    """The test cases as a MockConfigFile, or as TestState calls per test case."""
    machine = get_machine(request, name)
    return debugging.test_cases_export(machine=machine, format=format, role_arn=machine.role_arn)


@router.put("/machines/{name}/tests/{case}", response=TestCaseOut)
def test_save(request, name: str, case: str, payload: TestCaseBody):
    machine = get_machine(request, name)
    return _case(debugging.test_case_save(machine=machine, name=case, input=payload.input, mocks=payload.mocks,
                                          expect=payload.expect))


@router.delete("/machines/{name}/tests/{case}", response={204: None})
def test_delete(request, name: str, case: str):
    debugging.test_case_delete(machine=get_machine(request, name), name=case)
    return Status(204, None)


@router.get("/machines/{name}/breakpoints", response=BreakpointsIO)
def breakpoints_get(request, name: str):
    return {"states": debugging.breakpoints_of(get_machine(request, name))}


@router.put("/machines/{name}/breakpoints", response=BreakpointsIO)
def breakpoints_put(request, name: str, payload: BreakpointsIO):
    return {"states": debugging.breakpoints_set(machine=get_machine(request, name), states=payload.states)}


class DebugStateOut(Schema):
    debug: bool
    breakpoints: list[str]
    paused: dict | None
    origin: dict | None


class ResumeIn(Schema):
    input: Any = None
    variables: dict | None = None


class RerunIn(Schema):
    state: str
    input: Any = None
    revision: Literal["same", "latest"] = "same"


@router.get("/executions/{execution_id}/debug", response=DebugStateOut)
def debug_get(request, execution_id: int):
    """The debugger's view of an execution: breakpoints, where it is paused, where it came from."""
    return debugging.debug_state(get_execution(request, execution_id))


@router.put("/executions/{execution_id}/debug/breakpoints", response=DebugStateOut)
def debug_breakpoints(request, execution_id: int, payload: BreakpointsIO):
    return debugging.debug_breakpoints_set(execution=get_execution(request, execution_id), states=payload.states)


@router.post("/executions/{execution_id}/debug/{action}", response=DebugStateOut)
def debug_resume(request, execution_id: int, action: Literal["continue", "step"], payload: ResumeIn):
    """Continue, or Step (pause again before the next state), with the paused state's input and
    variables as edited."""
    return debugging.debug_resume(execution=get_execution(request, execution_id), step=action == "step",
                                  input=payload.input, variables=payload.variables)


@router.post("/executions/{execution_id}/rerun", response=ExecutionOut)
def rerun(request, execution_id: int, payload: RerunIn):
    """Run from here: a new execution starting at `state` of this one's machine."""
    execution = get_execution(request, execution_id)
    new = debugging.rerun_from_state(execution=execution, state=payload.state, input=payload.input,
                                     revision=payload.revision, owner=request.user)
    return studio.execution(new)


class TestStateIn(Schema):
    definition: Any
    state: str
    input: Any = None
    variables: dict | None = None
    mock: dict | None = None


@router.post("/test-state")
def test_state(request, payload: TestStateIn):
    """Test one state of the editor's definition, as TestState does at inspection level DEBUG."""
    definition = payload.definition if isinstance(payload.definition, str) else json.dumps(payload.definition)
    params = {"definition": definition, "stateName": payload.state, "input": json.dumps(payload.input),
              "inspectionLevel": "DEBUG", "roleArn": "arn:aws:iam::000000000000:role/statecraft-test-state"}
    if payload.variables is not None:
        params["variables"] = json.dumps(payload.variables)
    if payload.mock:
        params["mock"] = payload.mock
    return resources_test_state.test_state(owner=request.user, region=settings.STATECRAFT_DEFAULT_REGION,
                                           params=params)
