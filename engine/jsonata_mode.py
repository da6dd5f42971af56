"""JSONata query language: `{% … %}` templates, `$states`, and typed fields.

Implements the JSONata half of the Amazon States Language (developer guide, "Transforming data
with JSONata in Step Functions"):

- a string is a JSONata template only when the *whole* string is `{% expression %}`; anywhere
  else, including inside objects and arrays, strings are literal values;
- expressions see `$states` = {input, result, errorOutput, context} and every workflow variable
  as `$name`, plus the functions in `engine.jsonata_functions`;
- an expression that returns nothing (undefined) fails the state with
  States.QueryEvaluationError, and so does a JSONata error or a result of the wrong type for
  fields that need one (Items, Condition, Seconds, TimeoutSeconds, Error, …).

Compiled expressions (`engine.jsonata_expressions`) and compiled field templates are cached;
the commonest expressions (`$states.input.a.b`, `$name.a`, literals, `$states.input.i + 1`)
skip jsonata-python altogether.  Results may share structure with the inputs they came from:
treat them as immutable, the way the rest of the engine treats payloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from jsonata.jexception import JException

from engine.errors import QueryEvaluationError
from engine.jsonata_expressions import (  # noqa: F401 - re-exported
    _CACHE_LIMIT,
    _CACHE_LOCK,
    UNDEFINED,
    Expression,
    _plain,
    _UnsupportedResult,
    compile_expression,
    to_json,
)
from engine.jsonata_functions import SfnFunctionError


class JsonataEvaluationError(QueryEvaluationError):
    """States.QueryEvaluationError raised by a JSONata field, with the field it came from.

    `cause` is AWS's sentence without the "An error occurred while executing the state …"
    prefix, which the lifecycle adds to every runtime error; `location` is what the
    EvaluationFailed event records.
    """

    def __init__(self, cause: str, location: str | None = None, expression: str | None = None):
        super().__init__(cause)
        self.location = location
        self.expression = expression


# --- templates -----------------------------------------------------------------------------

def is_template(value: Any) -> bool:
    """True when `value` is a JSONata template: a string that is exactly `{% … %}`."""
    # AWS: "{%" must be the very first characters and "%}" the very last; " {% x %} " is a
    # literal string (recorded TestState case test_state_with_variables[empty_variables]).
    return isinstance(value, str) and len(value) >= 4 and value[:2] == "{%" and value[-2:] == "%}"


def template_expression(template: str) -> str:
    """The expression inside a `{% … %}` template, trimmed as AWS quotes it in errors."""
    return template[2:-2].strip()


# --- messages ------------------------------------------------------------------------------

def json_type(value: Any) -> str:
    """The JSON type name AWS uses in its messages: null, boolean, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def to_json_text(value: Any) -> str:
    """Compact JSON text, as AWS quotes values in causes and history."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _fail(expression: str, field: str, tail: str) -> JsonataEvaluationError:
    return JsonataEvaluationError(
        f"The JSONata expression '{expression}' specified for the field '{field}' {tail}",
        location=field, expression=expression)


def undefined_error(expression: str, field: str) -> JsonataEvaluationError:
    """AWS's cause for an expression that returned nothing."""
    return _fail(expression, field, "returned nothing (undefined).")


def type_error(expression: str, field: str, expected: str, value: Any) -> JsonataEvaluationError:
    """AWS's cause for a result of the wrong type (recorded for Map Items)."""
    return _fail(expression, field,
                 f"returned an unexpected result type. Expected '{expected}', but was "
                 f"'{json_type(value)}' for value: {to_json_text(value)}")


def evaluation_error(expression: str, field: str, exc: Exception) -> JsonataEvaluationError:
    """AWS's cause for an expression that threw: `. CODE: message` or `: message`."""
    if isinstance(exc, JException):
        return _fail(expression, field,
                     f"threw an error during evaluation. {exc.error}: {jsonata_message(exc)}")
    if isinstance(exc, RecursionError):
        return _fail(expression, field, "threw an error during evaluation: Stack overflow error")
    if isinstance(exc, ZeroDivisionError):
        # JavaScript divides by zero into Infinity, which jsonata-js rejects as D1001 (and
        # JSON.stringify(Infinity) is "null").
        return _fail(expression, field, "threw an error during evaluation. D1001: Number out of range: null")
    return _fail(expression, field, f"threw an error during evaluation: {exc}")


_PLACEHOLDER = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")
# jsonata-js's names for a signature's array subtypes (signature.js, arraySignatureMapping).
_ARRAY_SUBTYPES = {"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers",
                   "o": "objects", "s": "strings"}


def jsonata_message(exc: JException) -> str:
    """A JException's message worded the way jsonata-js (and so AWS) words it.

    jsonata-python inherits jsonata-java's catalogue, in which the word "function" became
    "Object" and `{{x}}` substitutions lost the JSON quoting jsonata-js gives them
    (`Argument 1 of function "sum" must be an array of "numbers"`).
    """
    template = JException.error_codes.get(exc.error)
    if template is None or template == "{{{message}}}":
        message = str(exc)
        prefix = f"{exc.error}: "
        return message[len(prefix):] if message.startswith(prefix) else message
    args = [exc.current, exc.expected, exc.extra]
    if exc.error == "T0412" and isinstance(exc.extra, str):
        args[2] = _ARRAY_SUBTYPES.get(exc.extra, exc.extra)
    position = iter(range(len(args)))

    def substitute(m: re.Match) -> str:
        value = args[next(position, len(args) - 1)]
        if m.group(1) is not None or isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        try:
            return json.dumps(_plain(value) if value is not None else None, ensure_ascii=False)
        except (TypeError, ValueError, _UnsupportedResult):
            return str(value)
    return _PLACEHOLDER.sub(substitute, template.replace("Object", "function"))


# --- evaluation ----------------------------------------------------------------------------

def evaluate_expression(source: str, states: Mapping[str, Any], variables: Any = None, *,
                        field: str = "Output") -> Any:
    """Evaluate one expression (without delimiters) for `field`; undefined is an error."""
    try:
        expression = compile_expression(source)
    except (JException, RecursionError, ValueError, TypeError, IndexError) as exc:
        raise evaluation_error(source, field, exc) from None
    return evaluate_compiled(expression, states, variables, field)


def evaluate_compiled(expression: Expression, states: Mapping[str, Any], variables: Any,
                      field: str) -> Any:
    """Evaluate a compiled expression for `field`, raising AWS's errors."""
    try:
        value = expression.evaluate(states, variables)
    except JsonataEvaluationError:
        raise
    except _UnsupportedResult:
        raise _fail(expression.source, field, "returned an unsupported result type.") from None
    except (JException, SfnFunctionError, RecursionError, ValueError, TypeError,
            ArithmeticError, IndexError, KeyError) as exc:
        raise evaluation_error(expression.source, field, exc) from None
    if value is UNDEFINED:
        raise undefined_error(expression.source, field)
    return value


def evaluate_template(template: str, states: Mapping[str, Any], variables: Any = None, *,
                      field: str = "Output") -> Any:
    """Evaluate a `{% … %}` string for `field`."""
    return evaluate_expression(template_expression(template), states, variables, field=field)


class CompiledField:
    """A field value with its templates located and compiled once.

    `evaluate(states, variables)` returns a fresh JSON value: templates replaced by their
    results, literal strings kept, constant objects and arrays copied.
    """

    __slots__ = ("field", "_build")

    def __init__(self, value: Any, field: str):
        self.field = field
        self._build = _compile_value(value, field)

    def evaluate(self, states: Mapping[str, Any], variables: Any = None) -> Any:
        return self._build(states, variables)


def _copy(value: Any) -> Any:
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


def _has_template(value: Any) -> bool:
    if isinstance(value, str):
        return is_template(value)
    if isinstance(value, dict):
        return any(_has_template(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_template(v) for v in value)
    return False


def _compile_value(value: Any, field: str) -> Callable[[Mapping[str, Any], Any], Any]:
    if is_template(value):
        source = template_expression(value)
        try:
            expression = compile_expression(source)
        except (JException, RecursionError, ValueError, TypeError, IndexError):
            # Malformed: validation reports it; at run time it fails when evaluated.
            def build_malformed(states, variables, source=source, field=field):
                return evaluate_expression(source, states, variables, field=field)
            return build_malformed

        def build(states, variables, expression=expression, field=field):
            return evaluate_compiled(expression, states, variables, field)
        return build
    if not _has_template(value):
        if isinstance(value, (dict, list)):
            return lambda states, variables, value=value: _copy(value)
        return lambda states, variables, value=value: value
    if isinstance(value, dict):
        # AWS names a nested field by its path: Output/key, Arguments/list[0] (see README).
        parts = [(k, _compile_value(v, f"{field}/{k}")) for k, v in value.items()]

        def build_object(states, variables, parts=parts):
            return {k: part(states, variables) for k, part in parts}
        return build_object
    parts_list = [_compile_value(v, f"{field}[{i}]") for i, v in enumerate(value)]

    def build_array(states, variables, parts=parts_list):
        return [part(states, variables) for part in parts]
    return build_array


_FIELDS: dict[tuple[int, str], tuple[Any, CompiledField]] = {}


def compile_field(value: Any, field: str) -> CompiledField:
    """The cached CompiledField for a definition's field value (keyed by object identity)."""
    key = (id(value), field)
    hit = _FIELDS.get(key)
    if hit is not None and hit[0] is value:
        return hit[1]
    compiled = CompiledField(value, field)
    with _CACHE_LOCK:
        if len(_FIELDS) >= _CACHE_LIMIT:
            _FIELDS.clear()
        # Holding `value` keeps its id from being reused by another object.
        _FIELDS[key] = (value, compiled)
    return compiled


def evaluate_field(value: Any, states: Mapping[str, Any], variables: Any = None, *,
                   field: str) -> Any:
    """Evaluate a field value: templates anywhere inside it, everything else literal."""
    if isinstance(value, str):
        if is_template(value):
            return evaluate_template(value, states, variables, field=field)
        return value
    if not isinstance(value, (dict, list)):
        return value
    return compile_field(value, field).evaluate(states, variables)


# --- typed fields --------------------------------------------------------------------------

def _as_integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# field name -> (expected type as AWS names it, lower bound, upper bound)
TYPED_FIELDS: dict[str, tuple[str, float | None, float | None]] = {
    "TimeoutSeconds": ("integer", 1, None),
    "HeartbeatSeconds": ("integer", 1, None),
    "MaxConcurrency": ("integer", 0, None),
    "ToleratedFailureCount": ("integer", 0, None),
    "ToleratedFailurePercentage": ("number", 0, 100),
    "Seconds": ("integer", 0, None),
    "Timestamp": ("string", None, None),
    "Error": ("string", None, None),
    "Cause": ("string", None, None),
    "Items": ("array", None, None),
    "Condition": ("boolean", None, None),
}


def evaluate_typed(value: Any, states: Mapping[str, Any], variables: Any = None, *,
                   field: str, kind: str | None = None) -> Any:
    """Evaluate a field whose result must have one type (Items, Seconds, Error, Condition, …).

    `field` is the location written in errors (`Choices[0]/Condition`); `kind` is the entry of
    TYPED_FIELDS to check against, by default the last segment of `field`.  A literal value
    (no template) is returned as written: static validation checks those.
    """
    if not is_template(value):
        return value
    source = template_expression(value)
    result = evaluate_expression(source, states, variables, field=field)
    if kind is None:
        kind = field.rsplit("/", 1)[-1]
    expected, low, high = TYPED_FIELDS[kind]
    if expected == "integer":
        number = _as_integer(result)
        if number is None:
            raise type_error(source, field, "integer", result)
        result = number
    elif expected == "number":
        if isinstance(result, bool) or not isinstance(result, (int, float)):
            raise type_error(source, field, "number", result)
    elif json_type(result) != expected:
        raise type_error(source, field, expected, result)
    if (low is not None and result < low) or (high is not None and result > high):
        bounds = (f"between {low} and {high}" if high is not None
                  else f"greater than or equal to {low}")
        raise _fail(source, field,
                    f"returned an invalid value. Expected a value {bounds}, but was: "
                    f"{to_json_text(result)}")
    return result


def map_input_not_array(value: Any) -> JsonataEvaluationError:
    """AWS's error when a JSONata Map without Items gets an input that is not an array."""
    # AWS: recorded with no `location` in the EvaluationFailed event.
    return JsonataEvaluationError(
        f"Map state input must be an array but was: {to_json_text(value)}", location=None)


def states_binding(input: Any, context: Mapping[str, Any] | None = None, *,
                   result: Any = UNDEFINED, error_output: Any = UNDEFINED) -> dict[str, Any]:
    """The `$states` object: input and context always, result and errorOutput when they exist."""
    states: dict[str, Any] = {"input": input, "context": context if context is not None else {}}
    if result is not UNDEFINED:
        states["result"] = result
    if error_output is not UNDEFINED:
        states["errorOutput"] = error_output
    return states
