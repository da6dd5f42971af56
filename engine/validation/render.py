"""AWS's rendering of diagnostics: locations as AWS prints them (`/States/A/Choices[0]`) and the
InvalidDefinition message of CreateStateMachine."""

from __future__ import annotations

from engine.validation.diagnostics import ERROR, Diagnostic

_ARRAY_FIELDS = frozenset({"Branches", "Choices", "Catch", "Retry", "ErrorEquals", "And", "Or"})


def aws_location(path: str) -> str:
    """A JSON pointer in the form AWS prints locations: unescaped names, `Choices[0]` indices."""
    if path == "":
        return "null"
    out, expect_name, after_array = "", False, False
    for raw in path.split("/")[1:]:
        seg = raw.replace("~1", "/").replace("~0", "~")
        if expect_name:
            out += "/" + seg
            expect_name = False
        elif after_array and seg.isdigit():
            out += f"[{seg}]"
            after_array = False
            continue
        else:
            out += "/" + seg
            expect_name = seg == "States"
        after_array = seg in _ARRAY_FIELDS and not expect_name
    return out


def errors_only(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == ERROR]


def is_label_problem(d: Diagnostic) -> bool:
    return d.path.endswith("/Label") and d.message.startswith("Label ")


def format_invalid_definition(diagnostics: list[Diagnostic], definition: str | None = None) -> str:
    """The message of AWS's InvalidDefinition error for these diagnostics.

    `definition` (the text as sent) is only used for the Map Label form, and defaults to the
    text that `validate` saw.
    """
    errors = errors_only(diagnostics)
    label = next((d for d in errors if is_label_problem(d)), None)
    if label is not None and definition is None:
        definition = label.definition_text
    if label is not None and definition is not None:
        # AWS (recorded): an invalid Map Label is reported as the raw parser exception, quoting
        # the definition, instead of the usual list of coded diagnostics.
        return f"Error=ValueError Args={[label.message]!r} in definition '{definition}'."
    parts = []
    for d in errors:
        if d.code in ("INVALID_JSON_DESCRIPTION", "MISSING_DESCRIPTION"):
            parts.append(f"{d.code}: {d.message}")
        else:
            parts.append(f"{d.code}: {d.message} at {aws_location(d.path)}")
    return "Invalid State Machine Definition: '" + ", ".join(parts) + "'"
