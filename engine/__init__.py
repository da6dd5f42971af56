"""Statecraft's Amazon States Language engine: a Django-free interpreter usable as a library.

Public interface (other packages rely on these names):

- `validate(definition) -> list[Diagnostic]`: every static problem at once, each with a JSON
  pointer to the offending field.
- `run(definition, input, *, handlers=None, name=None, ...) -> ExecutionResult`: run an
  execution to completion in memory and return its status, output and history.
"""
