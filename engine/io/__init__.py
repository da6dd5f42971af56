"""The two query languages as two implementations of one input/output interface.

Every state runs through the same template (engine.lifecycle); the steps that depend on the
query language go through the state's `io`, chosen once when the definition is loaded
(`language_for`): `engine.io.jsonpath.JSONPATH` or `engine.io.jsonata.JSONATA`.  Handlers never
ask which language they run in.

The interface (each method receives the state's `StateContext`, engine.context):

- `input(ctx, raw)`: the effective input (InputPath → Parameters; JSONata: Arguments);
- `output(ctx, raw, result, rule)`: the state's output (ResultSelector → Assign → ResultPath →
  OutputPath; JSONata: Assign and Output); `rule` is a Choice state's matched rule index;
- `catch_output(ctx, raw, index, error_output)`: what Catcher `index` passes on, after its Assign;
- `choose(ctx, value)`: the index of a Choice state's first matching rule, None when none does;
- `wait_seconds(ctx, value)`, `fail_fields(ctx, value)`, `task_limits(ctx, raw)`,
  `map_settings(ctx, value)`, `item_input(ctx, value, index, item)`: the fields a handler reads;
- `evaluation_failed(ctx, error)`: the EvaluationFailed event of a JSONata failure.
"""

from __future__ import annotations

from typing import Any

from engine.io.jsonata import JSONATA
from engine.io.jsonpath import JSONPATH


def language_for(state_raw: dict, machine_language: str) -> Any:
    """The io of a state: its own QueryLanguage, else the machine's."""
    own = state_raw.get("QueryLanguage")
    language = machine_language if own is None else own
    return JSONATA if language == "JSONata" else JSONPATH


__all__ = ["JSONATA", "JSONPATH", "language_for"]
