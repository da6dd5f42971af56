"""`engine.run`: run an execution to completion in memory, with Python callables as tasks.

`HandlerInvoker` is the TaskInvoker behind it: a mapping from a Task's Resource (an ARN or a
Lambda function name) to a callable, sync or async, that takes the effective input and returns
the result.  An exception becomes a task failure whose Error is the exception's `error`
attribute or its class name and whose Cause is its message.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any

from engine.errors import StatesError
from engine.history import DEFAULT_HISTORY_LIMIT
from engine.interpreter import ExecutionResult, Interpreter
from engine.ports import Cancellation, Clock, EventSink, TaskInvoker, TaskRequest


def _function_name(resource: str) -> str:
    """`my-fn` from `arn:aws:lambda:us-east-1:123456789012:function:my-fn[:alias]`."""
    if resource.startswith("arn:") and ":function:" in resource:
        return resource.split(":function:", 1)[1].split(":", 1)[0]
    return resource.split(":", 1)[0] if not resource.startswith("arn:") else resource


class HandlerInvoker:
    """Runs Task states with Python callables keyed by Resource or Lambda function name."""

    def __init__(self, handlers: Mapping[str, Callable[..., Any]] | None = None, object_store: Any = None):
        self.handlers = dict(handlers or {})
        self._by_name = {_function_name(k): v for k, v in self.handlers.items()}
        self._object_store = object_store

    def object_store(self, role_arn: str | None = None) -> Any:
        """The Distributed Map's S3 (an `engine.map_io.ObjectStore`), when one was given."""
        return self._object_store

    def find(self, resource: str) -> Callable[..., Any] | None:
        return self.handlers.get(resource) or self._by_name.get(_function_name(resource))

    async def invoke(self, request: TaskRequest) -> Any:
        handler = self.find(request.resource)
        if handler is None:
            raise StatesError(
                f"Function not found: {request.resource}", error="Lambda.ResourceNotFoundException"
            )
        mark_started = request.extra.get("mark_started")
        if mark_started is not None:
            mark_started("statecraft")
        # The handler gets its own copy, as a Lambda function gets the payload over the wire.
        payload = json.loads(json.dumps(request.payload))
        try:
            result = handler(payload)
            if inspect.isawaitable(result):
                result = await result
        except StatesError:
            raise
        except Exception as exc:  # a handler's failure is the task's failure
            error = getattr(exc, "error", None)
            raise StatesError(str(exc), error=error if isinstance(error, str) else type(exc).__name__) from exc
        try:
            # The result travels as JSON, as a Lambda function's response does.
            return json.loads(json.dumps(result))
        except (TypeError, ValueError) as exc:
            # AWS: the Python Lambda runtime's error for a response it cannot serialise.
            raise StatesError(f"Unable to marshal response: {exc}", error="Runtime.MarshalError") from None


async def run_async(
    definition: Any,
    input: Any = None,
    *,
    handlers: Mapping[str, Callable[..., Any]] | None = None,
    name: str | None = None,
    clock: Clock | None = None,
    invoker: TaskInvoker | None = None,
    sink: EventSink | None = None,
    cancellation: Cancellation | None = None,
    history_limit: int = DEFAULT_HISTORY_LIMIT,
    keep_history: bool = True,
    input_text: str | None = None,
    object_store: Any = None,
    **options: Any,
) -> ExecutionResult:
    """Like `run`, inside a running event loop."""
    if input_text is not None and input is None:
        input = json.loads(input_text)
    interpreter = Interpreter(
        definition, input, name=name, clock=clock, invoker=invoker or HandlerInvoker(handlers, object_store),
        sink=sink, cancellation=cancellation, history_limit=history_limit,
        keep_history=keep_history, input_text=input_text, **options,
    )
    return await interpreter.run()


def run(
    definition: Any,
    input: Any = None,
    *,
    handlers: Mapping[str, Callable[..., Any]] | None = None,
    name: str | None = None,
    clock: Clock | None = None,
    **options: Any,
) -> ExecutionResult:
    """Run an execution to completion and return its result.

    `definition` is a dict or JSON text; `input` the execution input as a JSON value (None
    means `{}`), or give its JSON text as `input_text=` (kept verbatim in ExecutionStarted, as
    StartExecution keeps it).  `handlers` maps a Task's Resource or Lambda function name to a
    callable; `clock` defaults to the real clock (`engine.ports.VirtualClock()` makes Wait
    states and retries take no time).  Other options: `invoker`, `sink`, `cancellation`,
    `history_limit`, `keep_history`, `object_store` (the Distributed Map's S3, an
    `engine.map_io.ObjectStore`), `state_machine_name`, `state_machine_arn`,
    `execution_arn`, `region`, `account`, `role_arn`, `on_checkpoint`, `checkpoint`, `redrive`.

    Called while an event loop is running (an async view, a notebook), it runs the execution
    on a fresh loop in a worker thread; in async code prefer `await run_async(...)`.
    """
    coroutine = run_async(definition, input, handlers=handlers, name=name, clock=clock, **options)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
