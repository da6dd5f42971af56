"""Statecraft's Amazon States Language engine: a Django-free interpreter usable as a library.

Public interface (other packages rely on these names):

- `validate(definition) -> list[Diagnostic]`: every static problem at once, each with a JSON
  pointer to the offending field.
- `run(definition, input, *, handlers=None, name=None, ...) -> ExecutionResult`: run an
  execution to completion in memory and return its status, output and history.
- `run_async(...)`: the same inside a running event loop.
- `Interpreter` (engine.interpreter): the asynchronous interpreter underneath, with its ports
  (engine.ports: EventSink, TaskInvoker, Clock, Cancellation) and JSON-serialisable
  checkpoints (`on_checkpoint=`, `checkpoint=`, `redrive=`).
- `HandlerInvoker`: the TaskInvoker behind `run(handlers=...)`.

Module map: definition (JSON → compiled states), paths and payload (JSONPath, templates),
lifecycle (input/output processing, Retry/Catch), states / tasks / branches (one handler per
state type), history (events and their links), interpreter (the loop, checkpoints), runner
(`run`), errors, ports; choice_rules, intrinsics and validation; jsonata_* and variables.
"""

from engine.interpreter import ExecutionResult, Interpreter
from engine.runner import HandlerInvoker, run, run_async
from engine.validation import Diagnostic, validate

__all__ = ["Diagnostic", "ExecutionResult", "HandlerInvoker", "Interpreter", "run", "run_async", "validate"]
