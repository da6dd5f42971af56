"""Local Lambda functions: Python callables registered by name.

Registered in `settings.STATECRAFT_FUNCTIONS` (`{"name": "dotted.path"}`), with the
`@statecraft_function("name")` decorator, or by modules named in STATECRAFT_FUNCTION_MODULES
(comma separated, imported on first use so their decorators run). A handler is called like a
Python Lambda handler, `handler(event, context)` (or `handler(event)`), sync or async; the
engine's `HandlerInvoker` maps its exceptions to Step Functions errors.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

_registry: dict[str, Callable[..., Any]] = {}
_lock = threading.Lock()
_modules_loaded = False


def statecraft_function(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated callable as the local Lambda function `name`."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _registry[name] = function
        return function

    return register


def _load_modules() -> None:
    global _modules_loaded
    with _lock:
        if _modules_loaded:
            return
        _modules_loaded = True
        names = getattr(settings, "STATECRAFT_FUNCTION_MODULES", None) or os.environ.get(
            "STATECRAFT_FUNCTION_MODULES", ""
        )
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        for module in names:
            importlib.import_module(module)


def function_names() -> list[str]:
    _load_modules()
    return sorted(set(getattr(settings, "STATECRAFT_FUNCTIONS", {}) or {}) | set(_registry))


def find(name: str) -> Callable[..., Any] | None:
    """The handler registered as `name` (a function name, never an ARN), or None."""
    _load_modules()
    if name in _registry:
        return _registry[name]
    path = (getattr(settings, "STATECRAFT_FUNCTIONS", {}) or {}).get(name)
    if path is None:
        return None
    function = import_string(path)
    _registry.setdefault(name, function)
    return function


class _Context:
    """The handful of Lambda context attributes handlers commonly read."""

    def __init__(self, name: str):
        self.function_name = name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 128
        self.aws_request_id = ""

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def as_async(name: str, function: Callable[..., Any], run_blocking) -> Callable[[Any], Any]:
    """Wrap a handler so the engine's HandlerInvoker can await it without blocking the loop."""
    try:
        takes_context = len(inspect.signature(function).parameters) >= 2
    except (TypeError, ValueError):
        takes_context = True
    args = (lambda event: (event, _Context(name))) if takes_context else (lambda event: (event,))

    async def call(event: Any) -> Any:
        if inspect.iscoroutinefunction(function):
            return await function(*args(event))
        result = await run_blocking(lambda: function(*args(event)))
        if inspect.isawaitable(result):
            result = await result
        return result

    return call


def run_in_thread(blocking) -> Any:
    """Default `run_blocking`: the loop's default executor."""
    return asyncio.get_running_loop().run_in_executor(None, blocking)
