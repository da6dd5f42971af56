"""The interpreter's side of a Distributed Map: what `engine.map_io.distributed.run_map` needs
from the running execution (templates and paths of the state's query language, the context
object, in-memory children, the history events of the Map Run)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from engine.errors import ExceedToleratedFailureThreshold, Runtime, StatesError
from engine.history import Frame, History
from engine.lifecycle import select
from engine.map_io.distributed import Spec, run_map
from engine.map_io.run import ChildOutcome, Limits
from engine.paths import to_json
from engine.payload import Scope, compile_template


async def distributed(ex: Any, state: Any, raw: Any, frame: Frame, scope: Scope, value: Any) -> Any:
    raw_state = state.raw if hasattr(state, "raw") else {}
    spec = Spec.of(raw_state)
    items = None
    if spec.reader is None:
        items = value if state.items_path == "$" else select(state.items_path, value, scope.context)
        if type(items) is not list:
            raise Runtime(f"Map state input must be an array but was: {to_json(items)}")
    from engine.branches import _integer_field

    max_concurrency = state.max_concurrency
    if state.max_concurrency_path is not None:
        max_concurrency = _integer_field(value, state.max_concurrency_path, "MaxConcurrencyPath", scope)
    frame.history.link(frame, "MapStateStarted", "mapStateStartedEventDetails", {"length": len(items or [])})
    tolerated_count = state.tolerated_failure_count
    if state.tolerated_failure_count_path is not None:
        tolerated_count = _integer_field(value, state.tolerated_failure_count_path, "ToleratedFailureCountPath", scope)
        if tolerated_count < 0:
            raise Runtime("ToleratedFailureCount cannot be negative.")
    tolerated_percentage = state.tolerated_failure_percentage
    if state.tolerated_failure_percentage_path is not None:
        tolerated_percentage = _integer_field(value, state.tolerated_failure_percentage_path,
                                              "ToleratedFailurePercentagePath", scope, number=True)
        if not 0 <= tolerated_percentage <= 100:
            raise Runtime("ToleratedFailurePercentage must be between 0 and 100.")
    limits = Limits(max_concurrency=max_concurrency or 0, tolerated_count=tolerated_count or 0,
                    tolerated_percentage=tolerated_percentage)
    label = state.label or uuid.uuid4().hex[:8]
    arn = f"arn:aws:states:{ex.region}:{ex.account}:mapRun:{ex.state_machine_name}/{label}:{uuid.uuid4()}"
    frame.history.link(frame, "MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})

    def evaluate(template: Any) -> Any:
        return compile_template(template)(Scope(value, scope.context, frame.variables))

    def select_path(path: str) -> Any:
        return select(path, value, scope.context)

    def item_input(index: int, item: Any) -> Any:
        if state.item_selector is None:
            return item
        extra = {"Map": {"Item": {"Index": index, "Value": item}}}
        return state.item_selector(Scope(value, lambda: ex.context(state, frame, extra), frame.variables))

    child_history = History(None, ex.clock.now, 1 << 62, keep=False)

    async def in_memory(index: int, payload: Any) -> ChildOutcome:
        record = {"Name": str(index), "Input": json.dumps(payload, separators=(",", ":")),
                  "ExecutionArn": f"{arn.replace(':mapRun:', ':execution:', 1)}/{index}"}
        try:
            output = await ex.run_states(state.processor, state.processor.start_at, payload, Frame(0, child_history))
        except StatesError as exc:
            return ChildOutcome("FAILED", error=exc.error, cause=exc.cause,
                                record=dict(record, Status="FAILED", Error=exc.error, Cause=exc.cause))
        return ChildOutcome("SUCCEEDED", output=output,
                            record=dict(record, Status="SUCCEEDED", Output=json.dumps(output, separators=(",", ":"))))

    role_arn = ex.context(state, frame)["Execution"].get("RoleArn")
    result, outcome = await run_map(raw_state, items=items, evaluate=evaluate, select=select_path,
                                    item_input=item_input, invoker=ex.invoker, role_arn=role_arn, map_run_arn=arn,
                                    limits=limits, in_memory=in_memory)
    counts = getattr(ex, "map_runs", None)
    if counts is not None:
        counts[arn] = {"total": outcome.total, "succeeded": outcome.succeeded, "failed": outcome.failed}
    if outcome.exceeded:
        frame.history.link(frame, "MapRunFailed", "mapRunFailedEventDetails", {
            "error": "States.ExceedToleratedFailureThreshold",
            "cause": "The specified tolerance threshold was exceeded"})
        error = ExceedToleratedFailureThreshold("The specified tolerance threshold was exceeded")
        error.from_children = True
        raise error
    run_started = frame.prev
    frame.history.link(frame, "MapRunSucceeded")
    frame.history.add("MapStateSucceeded", frame.prev)
    if frame.entered != 2:
        frame.prev = run_started
    return result
