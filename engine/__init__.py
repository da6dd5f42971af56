"""Statecraft's Amazon States Language engine: a Django-free interpreter usable as a library.

Public interface (other packages rely on these names):

- `validate(definition) -> list[Diagnostic]`: every static problem at once, each with a JSON
  pointer to the offending field.
- `run(definition, input, *, handlers=None, name=None, ...) -> ExecutionResult`: run an
  execution to completion in memory and return its status, output and history.
- `Interpreter` (engine.interpreter): the asynchronous interpreter underneath, with its ports
  (engine.ports) and JSON-serialisable checkpoints.
"""

from engine.interpreter import ExecutionResult, Interpreter
from engine.runner import HandlerInvoker, run, run_async

try:  # engine/validation.py is written in parallel
    from engine.validation import Diagnostic, validate
except ImportError:  # pragma: no cover - only while validation.py does not exist yet
    Diagnostic = None

    def validate(definition):  # type: ignore[no-redef]
        """Placeholder until engine.validation exists: reports nothing."""
        return []

__all__ = ["Diagnostic", "ExecutionResult", "HandlerInvoker", "Interpreter", "run", "run_async", "validate"]
