"""Static checks of JSONata expressions and of variable references (issue #4 validation).

- `expression_problems(source)`: what CreateStateMachine refuses in one expression: a
  malformed expression (AWS's INVALID_JSONATA_EXPRESSION) and a reference to `$`, `$$` or an
  unqualified field name at the top level (UNSUPPORTED_JSONATA_EXPRESSION, "Reference to
  'phone' at the top level is not supported.").
- `jsonata_diagnostics(definition)`: those problems for every `{% %}` template of the JSONata
  states of a definition, plus warnings for variables that are referenced but never assigned
  anywhere in the machine (AWS accepts those and fails at run time, so they are WARNINGs) and
  errors for Assign names that cannot be variables.
- `variable_references(definition)`: DescribeStateMachine's `variableReferences`, state name →
  sorted names of the variables the state reads.

The query language of a state is its own `QueryLanguage`, else the machine's top-level one
(the rule `engine.validation` applies).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jsonata import Jsonata
from jsonata.jexception import JException

from engine.jsonata_functions import FUNCTION_FRAME
from engine.jsonata_mode import is_template, jsonata_message, template_expression
from engine.validation.diagnostics import WARNING, Diagnostic, ptr
from engine.variables import variable_name_problem

INVALID = "INVALID_JSONATA_EXPRESSION"
UNSUPPORTED = "UNSUPPORTED_JSONATA_EXPRESSION"
UNDEFINED_VARIABLE = "UNDEFINED_VARIABLE_REFERENCE"      # ours: AWS has no such check
UNAVAILABLE_STATES_FIELD = "UNAVAILABLE_STATES_FIELD"    # ours
INVALID_VARIABLE_NAME = "INVALID_VARIABLE_NAME"          # ours

_SKIP_ATTRIBUTES = frozenset({"_outer_instance", "seeking_parent", "tuple", "group", "slot"})


class ExpressionInfo:
    """What one expression reads and what is wrong with it."""

    __slots__ = ("variables", "problems", "states_fields")

    def __init__(self) -> None:
        self.variables: set[str] = set()
        self.problems: list[tuple[str, str]] = []
        self.states_fields: set[str] = set()     # `$states.<field>` names the expression reads


def _children(node: Any) -> Iterator[tuple[str, Any]]:
    for key, value in vars(node).items():
        if key in _SKIP_ATTRIBUTES or value is None:
            continue
        if isinstance(value, list):
            for item in value:
                if isinstance(item, list):
                    for sub in item:
                        if hasattr(sub, "type"):
                            yield key, sub
                elif hasattr(item, "type"):
                    yield key, item
        elif hasattr(value, "type") and hasattr(value, "position"):
            yield key, value


@lru_cache(maxsize=4096)
def analyse(source: str) -> ExpressionInfo:
    """Parse `source` (no delimiters) and collect its variables and problems."""
    info = ExpressionInfo()
    try:
        parsed = Jsonata(source)
        if parsed.errors:
            raise parsed.errors[0]
    except JException as exc:
        position = exc.location if isinstance(exc.location, int) and exc.location >= 0 else None
        where = f" (at position {position})" if position is not None else ""
        info.problems.append((INVALID, f"{jsonata_message(exc)}{where}"))
        return info
    except (RecursionError, ValueError, TypeError, IndexError) as exc:  # parser bugs on odd input
        info.problems.append((INVALID, str(exc) or type(exc).__name__))
        return info
    bound: set[str] = set()
    referenced: set[str] = set()
    _visit(parsed.ast, info, bound, referenced, top=True, seen=set())
    info.variables = {name for name in referenced - bound if _is_variable_name(name)}
    return info


def _is_variable_name(name: str) -> bool:
    if not name or name in ("$", "states"):
        return False
    return FUNCTION_FRAME.lookup(name) is None


def _visit(node: Any, info: ExpressionInfo, bound: set[str], referenced: set[str], *,
           top: bool, seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    kind = node.type
    if kind == "path" and node.steps and node.steps[0].type == "variable" and node.steps[0].value == "states":
        if len(node.steps) > 1 and node.steps[1].type == "name":
            info.states_fields.add(node.steps[1].value)
    if kind == "variable":
        name = node.value
        if top and name in ("", "$"):
            shown = "$" if name == "" else "$$"
            info.problems.append((UNSUPPORTED, f"Reference to '{shown}' at the top level is not supported."))
        elif isinstance(name, str):
            referenced.add(name)
    elif kind == "name" and top:
        info.problems.append((UNSUPPORTED, f"Reference to '{node.value}' at the top level is not supported."))
    elif kind == "bind":
        lhs = getattr(node, "lhs", None)
        if lhs is not None and lhs.type == "variable":
            bound.add(lhs.value)
    elif kind == "lambda":
        for argument in getattr(node, "arguments", None) or ():
            if argument.type == "variable":
                bound.add(argument.value)
    for key, child in _children(node):
        nested = not top
        if kind == "path" and key == "steps":
            # Only the first step of a path is read from the top-level context.
            nested = nested or child is not node.steps[0]
        elif kind == "lambda" or key in ("stages", "predicate", "terms"):
            nested = True
        elif kind == "bind" and key == "lhs":
            continue
        _visit(child, info, bound, referenced, top=not nested, seen=seen)


def expression_problems(source: str) -> list[tuple[str, str]]:
    """[(code, message)] for one expression (the text between `{%` and `%}`)."""
    if not source.strip():
        return [(INVALID, "The JSONata expression is empty")]
    return list(analyse(source).problems)


def expression_variables(source: str) -> set[str]:
    """Names of the workflow variables an expression reads (`$name`, not bound inside it)."""
    return set(analyse(source).variables) if source.strip() else set()


# --- walking definitions -----------------------------------------------------------------------

_TOP_FIELDS_JSONATA = ("Arguments", "Output", "Assign", "Items", "ItemSelector", "TimeoutSeconds",
                       "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailureCount",
                       "ToleratedFailurePercentage", "Seconds", "Timestamp", "Error", "Cause",
                       "Credentials")
_PATH_FIELDS = ("InputPath", "OutputPath", "ItemsPath", "SecondsPath", "TimestampPath",
                "TimeoutSecondsPath", "HeartbeatSecondsPath", "MaxConcurrencyPath",
                "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "ErrorPath",
                "CausePath")
_TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Assign", "Arguments")
_VARIABLE_PATH = re.compile(r"\$([^\W\d]\w*)")
_INTRINSIC_STRING = re.compile(r"'(?:\\.|[^'\\])*'")


def _states(machine: dict, base: tuple) -> Iterator[tuple[str, dict, tuple]]:
    """(name, state, pointer parts) for every state, nested machines included."""
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = base + ("States", name)
        yield name, state, here
        for i, branch in enumerate(state.get("Branches") or ()):
            if isinstance(branch, dict):
                yield from _states(branch, here + ("Branches", i))
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _states(state[key], here + (key,))


def _language(state: dict, top: str) -> str:
    ql = state.get("QueryLanguage")
    if ql is None:
        return top
    return "JSONPath" if ql == "JSONPath" else "JSONata"


def _templates(value: Any, parts: tuple) -> Iterator[tuple[str, tuple]]:
    """(expression, pointer parts) of every `{% %}` string inside a field value."""
    if isinstance(value, str):
        if is_template(value):
            yield template_expression(value), parts
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _templates(v, parts + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _templates(v, parts + (i,))


def _jsonata_fields(state: dict, here: tuple) -> Iterator[tuple[str, tuple]]:
    for field in _TOP_FIELDS_JSONATA:
        if field in state:
            yield from _templates(state[field], here + (field,))
    for i, rule in enumerate(state.get("Choices") or ()):
        if isinstance(rule, dict):
            for field in ("Condition", "Output", "Assign"):
                if field in rule:
                    yield from _templates(rule[field], here + ("Choices", i, field))
    for i, catcher in enumerate(state.get("Catch") or ()):
        if isinstance(catcher, dict):
            for field in ("Output", "Assign"):
                if field in catcher:
                    yield from _templates(catcher[field], here + ("Catch", i, field))
    for key in ("ItemReader", "ItemBatcher", "ResultWriter"):
        if isinstance(state.get(key), dict):
            yield from _templates(state[key], here + (key,))


def _jsonpath_variable(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("$") and not value.startswith("$$"):
        m = _VARIABLE_PATH.match(value)
        if m:
            return m.group(1)
    return None


def _intrinsic_variables(value: str) -> set[str]:
    text = _INTRINSIC_STRING.sub("''", value)
    return {m.group(1) for m in _VARIABLE_PATH.finditer(text)
            if m.start() == 0 or text[m.start() - 1] != "$"}


def _template_variables(value: Any, parts: tuple) -> Iterator[tuple[str, tuple]]:
    """Variables read by a JSONPath payload template (`key.$` values only)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and k.endswith(".$") and isinstance(v, str):
                if v.startswith("States."):
                    for name in sorted(_intrinsic_variables(v)):
                        yield name, parts + (k,)
                else:
                    name = _jsonpath_variable(v)
                    if name:
                        yield name, parts + (k,)
            else:
                yield from _template_variables(v, parts + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _template_variables(v, parts + (i,))


def _choice_rule_variables(rule: Any, parts: tuple) -> Iterator[tuple[str, tuple]]:
    if not isinstance(rule, dict):
        return
    for key, value in rule.items():
        if key == "Variable" or key.endswith("Path"):
            name = _jsonpath_variable(value)
            if name:
                yield name, parts + (key,)
        elif key in ("And", "Or") and isinstance(value, list):
            for i, sub in enumerate(value):
                yield from _choice_rule_variables(sub, parts + (key, i))
        elif key == "Not":
            yield from _choice_rule_variables(value, parts + (key,))
        elif key == "Assign":
            yield from _template_variables(value, parts + (key,))


def _jsonpath_reads(state: dict, here: tuple) -> Iterator[tuple[str, tuple]]:
    for field in _PATH_FIELDS:
        name = _jsonpath_variable(state.get(field))
        if name:
            yield name, here + (field,)
    for field in _TEMPLATE_FIELDS:
        if field in state:
            yield from _template_variables(state[field], here + (field,))
    for i, rule in enumerate(state.get("Choices") or ()):
        yield from _choice_rule_variables(rule, here + ("Choices", i))
    for i, catcher in enumerate(state.get("Catch") or ()):
        if isinstance(catcher, dict) and "Assign" in catcher:
            yield from _template_variables(catcher["Assign"], here + ("Catch", i, "Assign"))
    for key in ("ItemReader",):
        reader = state.get(key)
        if isinstance(reader, dict):
            config = reader.get("ReaderConfig")
            if isinstance(config, dict):
                for field in ("MaxItemsPath",):
                    name = _jsonpath_variable(config.get(field))
                    if name:
                        yield name, here + (key, "ReaderConfig", field)
            if "Parameters" in reader:
                yield from _template_variables(reader["Parameters"], here + (key, "Parameters"))


def _reads(state: dict, here: tuple, top_language: str) -> Iterator[tuple[str, tuple]]:
    """(variable name, pointer parts) for every variable a state reads."""
    if _language(state, top_language) == "JSONata":
        for source, parts in _jsonata_fields(state, here):
            for name in sorted(expression_variables(source)):
                yield name, parts
    else:
        yield from _jsonpath_reads(state, here)


_STATES_FIELDS = ("input", "result", "errorOutput", "context")


def _states_field_problem(state: dict, field: tuple, source: str) -> str | None:
    """Why `$states.result` / `$states.errorOutput` / `$states.x` cannot be read here, if so.

    Language specification: `$states.result` is readable in the top-level Output and Assign of
    Task, Map and Parallel states, `$states.errorOutput` in a Catcher's Output and Assign.
    """
    if not source.strip():
        return None
    used = analyse(source).states_fields
    if not used:
        return None
    for name in sorted(used - set(_STATES_FIELDS)):
        return f"'$states.{name}' does not exist; $states has input, result, errorOutput and context."
    top = field[0] if field else ""
    in_catch = top == "Catch" and len(field) > 2 and field[2] in ("Output", "Assign")
    if "result" in used and not (state.get("Type") in ("Task", "Map", "Parallel")
                                  and top in ("Output", "Assign")):
        return "'$states.result' is only available in the Output and Assign of Task, Map and Parallel states."
    if "errorOutput" in used and not in_catch:
        return "'$states.errorOutput' is only available in the Output and Assign of a Catcher."
    return None


def _assign_blocks(state: dict, here: tuple) -> Iterator[tuple[dict, tuple]]:
    if isinstance(state.get("Assign"), dict):
        yield state["Assign"], here + ("Assign",)
    for i, rule in enumerate(state.get("Choices") or ()):
        if isinstance(rule, dict) and isinstance(rule.get("Assign"), dict):
            yield rule["Assign"], here + ("Choices", i, "Assign")
    for i, catcher in enumerate(state.get("Catch") or ()):
        if isinstance(catcher, dict) and isinstance(catcher.get("Assign"), dict):
            yield catcher["Assign"], here + ("Catch", i, "Assign")


def _assigned_name(key: str, language: str) -> str:
    return key[:-2] if language == "JSONPath" and key.endswith(".$") else key


def _top_language(definition: dict) -> str:
    return "JSONata" if definition.get("QueryLanguage") == "JSONata" else "JSONPath"


def variable_references(definition: Any) -> dict[str, list[str]]:
    """DescribeStateMachine's `variableReferences`: state name → sorted variable names read."""
    if not isinstance(definition, dict):
        return {}
    top = _top_language(definition)
    out: dict[str, list[str]] = {}
    for name, state, here in _states(definition, ()):
        names = {variable for variable, _ in _reads(state, here, top)}
        if names:
            out[name] = sorted(names)
    return out


def jsonata_diagnostics(definition: Any) -> list[Any]:
    """JSONata and variable problems of a definition, each located by a JSON pointer."""
    if not isinstance(definition, dict):
        return []
    top = _top_language(definition)
    diagnostics: list[Any] = []
    assigned: set[str] = set()
    states = list(_states(definition, ()))
    for _name, state, here in states:
        language = _language(state, top)
        for block, parts in _assign_blocks(state, here):
            for key in block:
                variable = _assigned_name(key, language)
                assigned.add(variable)
                problem = variable_name_problem(variable)
                if problem is not None:
                    diagnostics.append(Diagnostic(ptr("", *parts, key), INVALID_VARIABLE_NAME, problem))
        if language == "JSONata":
            for source, parts in _jsonata_fields(state, here):
                for code, message in expression_problems(source):
                    diagnostics.append(Diagnostic(ptr("", *parts), code, message))
                problem = _states_field_problem(state, parts[len(here):], source)
                if problem is not None:
                    diagnostics.append(Diagnostic(ptr("", *parts), UNAVAILABLE_STATES_FIELD, problem, WARNING))
    for _name, state, here in states:
        for variable, parts in _reads(state, here, top):
            if variable not in assigned:
                diagnostics.append(Diagnostic(
                    ptr("", *parts), UNDEFINED_VARIABLE,
                    f"The variable '{variable}' is referenced but never assigned in this state machine.",
                    WARNING))
    return diagnostics


__all__ = ["expression_problems", "expression_variables", "jsonata_diagnostics", "variable_references"]
