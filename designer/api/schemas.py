"""The REST API's request and response schemas (django-ninja), as docs/architecture.md lists them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class DiagnosticOut(Schema):
    path: str
    code: str
    message: str
    severity: str


class MachineSummary(Schema):
    name: str
    arn: str
    type: str
    description: str
    revision: int
    created: datetime
    updated: datetime


class MachineOut(MachineSummary):
    """`revision` is the newest revision (the editor's base); it is a draft when `draft` is true,
    and then `definition` is the draft's while executions run `deployed_revision`."""

    definition: Any
    layout: dict
    diagnostics: list[DiagnosticOut]
    deployed_revision: int = 0
    draft: bool = False


class MachineCreateIn(Schema):
    name: str
    definition: Any  # an object, or JSON text stored exactly as given
    type: str = "STANDARD"
    layout: dict | None = None
    # The studio's Save: keep a definition that does not validate as a draft instead of a 400.
    allow_draft: bool = False


class MachineUpdateIn(Schema):
    definition: Any
    layout: dict | None = None
    message: str = ""
    # The revision the edit was made on: a save on top of an older one is refused (409).
    base_revision: int | None = None


class MachineRenameIn(Schema):
    name: str


class RevisionSummary(Schema):
    revision: int
    created: datetime
    message: str
    draft: bool = False


class RevisionOut(RevisionSummary):
    definition: Any
    layout: dict


class VersionIn(Schema):
    description: str = ""


class VersionOut(Schema):
    version: int
    arn: str
    revision: int
    description: str = ""
    created: datetime | None = None
    executions: int = 0


class ValidateIn(Schema):
    definition: Any


class ValidateOut(Schema):
    diagnostics: list[DiagnosticOut]


class TemplateOut(Schema):
    name: str
    title: str
    description: str
    definition: Any
    input: Any = None  # the example's sample input


class FunctionOut(Schema):
    name: str
    resource: str


class ExecutionStartIn(Schema):
    input: Any = None  # any JSON value; a string is taken as JSON text
    name: str | None = None
    debug: bool = False  # pause before the machine's breakpoints (designer.services.debugging)


class ExecutionStopIn(Schema):
    error: str | None = None
    cause: str | None = None


class ExecutionOut(Schema):
    id: int
    arn: str
    name: str
    machine: str
    type: str
    status: str
    input: Any
    output: Any
    error: str | None
    cause: str | None
    start_date: datetime
    stop_date: datetime | None
    redrive_count: int
    version_arn: str
    definition: Any
    layout: dict


class Error(Schema):
    detail: str
