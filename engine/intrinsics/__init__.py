"""Intrinsic functions (`States.Format(...)` and the other 17): a hand-written parser and evaluator.

Implements the ASL specification's "Intrinsic Functions" section and the Step Functions
developer guide's "Intrinsic functions for JSONPath states" page.  An expression is parsed once
(`parse_intrinsic`, cached) into a small call tree and compiled into nested closures.

Malformed text (and an unknown function name) is an `IntrinsicSyntaxError`: AWS rejects it when
the state machine is created.  Everything else - argument counts, argument types, ranges - is
checked only when the call runs, as AWS does, and fails with States.Runtime and the cause
"Invalid arguments in States.<Name>" (`IntrinsicArgumentError`).

Much of the behaviour was characterised against AWS rather than read from the docs; each such
place carries an `AWS:` comment.

Modules:

- `parser`: the grammar, the `Call` / `Literal` / `Path` tree, `parse_intrinsic`, `is_intrinsic`
- `evaluator`: `evaluate_intrinsic`, compiling a tree into closures
- `lint`: `lint_intrinsic`, create-time checks AWS does not make
- `table`: `INTRINSICS` (name -> function) and `ARITY`
- `functions_array`, `functions_json`, `functions_math`, `functions_text`: the 18 functions
- `arguments`: run-time argument checks and `IntrinsicArgumentError`
- `java_text`: Java-compatible printing, hashing and randomness (`to_json_text`)
"""

from engine.intrinsics.arguments import MAX_RANGE_ITEMS, MAX_STRING_LENGTH, IntrinsicArgumentError
from engine.intrinsics.evaluator import evaluate_intrinsic
from engine.intrinsics.java_text import INT32_MAX, INT32_MIN, to_json_text
from engine.intrinsics.lint import MAX_NESTING, lint_intrinsic
from engine.intrinsics.parser import Call, IntrinsicSyntaxError, Literal, Path, is_intrinsic, parse_intrinsic
from engine.intrinsics.table import ARITY, INTRINSICS

__all__ = [
    "ARITY",
    "INT32_MAX",
    "INT32_MIN",
    "INTRINSICS",
    "MAX_NESTING",
    "MAX_RANGE_ITEMS",
    "MAX_STRING_LENGTH",
    "Call",
    "IntrinsicArgumentError",
    "IntrinsicSyntaxError",
    "Literal",
    "Path",
    "evaluate_intrinsic",
    "is_intrinsic",
    "lint_intrinsic",
    "parse_intrinsic",
    "to_json_text",
]
