"""Static validation of a state machine definition: every problem AWS rejects at create time.

Implements the structural rules of the ASL specification ("Top-level fields", "States",
"Transitions", the per-type field lists, "Choice Rules", "Errors") and the extra checks that
CreateStateMachine / ValidateStateMachineDefinition perform (reachability, terminal state,
JSONPath syntax, intrinsic syntax, QueryLanguage mixing, limits).

`validate(definition)` never raises; it returns one `Diagnostic` per problem, each located by
a JSON pointer (`/States/Charge/Retry/0/ErrorEquals`).  Codes and messages are AWS's where AWS's
are known (SCHEMA_VALIDATION_FAILED "Field 'X' is not supported", MISSING_TRANSITION_TARGET
"Missing 'Next' target: X", `State "X" is not reachable.`, MISSING_END_STATE, …).
`format_invalid_definition` renders them as the InvalidDefinition message of CreateStateMachine.

JSONata states get the language-mixing checks here; validating the expressions themselves is
the job of `_validate_jsonata_state` (a hook for engine.jsonata_mode).

Modules:

- `validator`: `validate`, `validate_state`, `parse_definition`
- `checks`: the validator's base - diagnostics and generic value checks
- `machines`: machine objects, transitions and reachability
- `state_checks`: one state - common fields, language, per-type checks
- `rules`: Choice rules; `retry_catch`: Retry and Catch
- `jsonata`: JSONata state shapes and the jsonata_checks diagnostics
- `syntax`: path, intrinsic and expression syntax (`is_valid_path`)
- `fields`: which fields each object accepts, limits
- `diagnostics`: `Diagnostic` and JSON pointers; `render`: `aws_location`, `format_invalid_definition`
"""

from engine.validation.diagnostics import ERROR, WARNING, Diagnostic
from engine.validation.fields import (
    JSONATA,
    JSONPATH,
    MAX_DELAY_SECONDS,
    MAX_INTEGER,
    MAX_LABEL_LENGTH,
    MAX_STATE_NAME_LENGTH,
    STATE_TYPES,
)
from engine.validation.jsonata import _validate_jsonata_state
from engine.validation.render import aws_location, errors_only, format_invalid_definition
from engine.validation.syntax import is_valid_path
from engine.validation.validator import parse_definition, validate, validate_state

__all__ = [
    "ERROR",
    "JSONATA",
    "JSONPATH",
    "MAX_DELAY_SECONDS",
    "MAX_INTEGER",
    "MAX_LABEL_LENGTH",
    "MAX_STATE_NAME_LENGTH",
    "STATE_TYPES",
    "WARNING",
    "Diagnostic",
    "_validate_jsonata_state",
    "aws_location",
    "errors_only",
    "format_invalid_definition",
    "is_valid_path",
    "parse_definition",
    "validate",
    "validate_state",
]
