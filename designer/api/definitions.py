"""Definitions and what they can call: validation, templates, functions."""

from __future__ import annotations

import json

from django.conf import settings
from ninja import Router

from designer import checks, errors
from designer.api.schemas import FunctionOut, TemplateOut, ValidateIn, ValidateOut
from designer.examples import examples
from designer.presenters import studio
from designer.resources.functions import function_names
from engine.validation.limits import limit_warnings

router = Router(tags=["definitions"])


@router.post("/validate", response=ValidateOut)
def validate(request, payload: ValidateIn):
    definition = payload.definition
    if definition is None:
        raise errors.ValidationException("definition is required")
    diagnostics = checks.definition_diagnostics(definition)
    if not any(d.severity == "ERROR" for d in diagnostics):
        # The studio also warns where a valid definition is likely to reach AWS's run-time limits.
        diagnostics += limit_warnings(definition if isinstance(definition, dict) else json.loads(definition))
    return {"diagnostics": [studio.diagnostic(d) for d in diagnostics]}


@router.get("/templates", response=list[TemplateOut])
def templates(request):
    return [
        {
            "name": example.name,
            "title": example.title,
            "description": example.description,
            "definition": example.definition,
            "input": example.sample_input,
        }
        for example in examples()
    ]


@router.get("/functions", response=list[FunctionOut])
def functions(request):
    account = settings.STATECRAFT_ACCOUNT_ID
    region = settings.STATECRAFT_DEFAULT_REGION
    # Both kinds the runtime can call: STATECRAFT_FUNCTIONS and @statecraft_function handlers.
    return [
        {"name": name, "resource": f"arn:aws:lambda:{region}:{account}:function:{name}"}
        for name in function_names()
    ]

