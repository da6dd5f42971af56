"""The interpreter's side of a Distributed Map: what `engine.map_io.distributed.run_map` needs
from the running state (its query language's fields, the context object, in-memory children,
the Map Run's history events).  `engine.states.map` hands every Distributed Map here."""

from __future__ import annotations

import json
import uuid
from typing import Any

from engine.errors import ExceedToleratedFailureThreshold, StatesError
from engine.history import Frame, History
from engine.map_io.distributed import Spec, run_map
from engine.map_io.run import ChildOutcome, Limits

_TEXT = {"separators": (",", ":"), "ensure_ascii": False}


def _redriven_run(ctx: Any) -> str | None:
    """The Map Run of this state that failed, when the execution is being redriven into it."""
    runner = ctx.runner
    if not getattr(runner, "redrive", False):
        return None
    for arn, counts in reversed(list((getattr(runner, "map_runs", None) or {}).items())):
        if isinstance(counts, dict) and counts.get("state") == ctx.state.name and counts.get("exceeded"):
            return arn
    return None


async def distributed(ctx: Any, value: Any) -> Any:
    """Run the Distributed Map of `ctx.state` on `value`; its result (or the tolerance error)."""
    state, frame = ctx.state, ctx.frame
    raw = state.raw
    reader = Spec.of(raw).reader is not None
    items, max_concurrency, tolerance = state.io.map_settings(ctx, value, items_required=not reader)
    resumed = ctx.resume if isinstance(ctx.resume, dict) and ctx.resume.get("map_run_arn") else None
    if resumed is None:
        ctx.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items or [])})
    tolerated_count, tolerated_percentage = tolerance()
    limits = Limits(max_concurrency=max_concurrency or 0, tolerated_count=tolerated_count or 0,
                    tolerated_percentage=tolerated_percentage)
    arn = _redriven_run(ctx) or (resumed or {}).get("map_run_arn")
    redrive_count = getattr(ctx.runner, "redrive_count", 0)
    redriving = False
    if resumed is not None and resumed.get("redrive_count", 0) == redrive_count:
        pass  # the server resumes this run after a restart: its children are found again by name
    elif arn is not None:
        redriving = True
        # RedriveExecution of a failed Map Run: the same run again; its succeeded children are
        # kept and only the failed ones run again (a server's children; in memory all rerun).
        ctx.event("MapRunRedriven", "mapRunRedrivenEventDetails",
                  {"mapRunArn": arn, "redriveCount": redrive_count})
    else:
        # AWS: an unlabelled Map Run is named by a UUID of its own.
        label = state.label or str(uuid.uuid4())
        arn = f"arn:aws:states:{ctx.region}:{ctx.account}:mapRun:{ctx.machine_name}/{label}:{uuid.uuid4()}"
        ctx.event("MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})
    # The checkpoint remembers the run, so a resumed or redriven execution continues this same run.
    ctx.track(map_run_arn=arn, redrive_count=redrive_count)
    evaluate, select = state.io.map_fields(ctx, value)
    child_history = History(None, ctx.clock.now, 1 << 62, keep=False)

    def item_input(index: int, item: Any) -> Any:
        return state.io.item_input(ctx, value, index, item)

    async def in_memory(index: int, payload: Any) -> ChildOutcome:
        record = {"Name": str(index), "Input": json.dumps(payload, **_TEXT),
                  "ExecutionArn": f"{arn.replace(':mapRun:', ':execution:', 1)}/{index}"}
        child = Frame(0, child_history, frame.variables.child(), frame.path + (state.name, index))
        try:
            output = await ctx.run_branch(state.processor, payload, child)
        except StatesError as exc:
            return ChildOutcome("FAILED", error=exc.error, cause=exc.cause,
                                record=dict(record, Status="FAILED", Error=exc.error, Cause=exc.cause))
        return ChildOutcome("SUCCEEDED", output=output,
                            record=dict(record, Status="SUCCEEDED", Output=json.dumps(output, **_TEXT)))

    role_arn = (ctx.context().get("Execution") or {}).get("RoleArn")
    result, outcome = await run_map(raw, items=items, evaluate=evaluate, select=select, item_input=item_input,
                                    invoker=ctx.invoker, role_arn=role_arn, map_run_arn=arn, limits=limits,
                                    in_memory=in_memory, redriving=redriving)
    ctx.count_map_run(arn, {"total": outcome.total, "succeeded": outcome.succeeded, "failed": outcome.failed,
                            "state": state.name, "exceeded": outcome.exceeded})
    if outcome.exceeded:
        ctx.event("MapRunFailed", "mapRunFailedEventDetails", {
            "error": "States.ExceedToleratedFailureThreshold",
            "cause": "The specified tolerance threshold was exceeded"})
        error = ExceedToleratedFailureThreshold("The specified tolerance threshold was exceeded")
        error.from_children = True
        raise error
    run_started = frame.prev
    ctx.event("MapRunSucceeded")
    frame.history.add("MapStateSucceeded", frame.prev)
    if frame.entered != 2:
        # AWS: MapStateExited links to MapRunSucceeded when the Map is the execution's first
        # state, and to MapRunStarted when a state ran before it.
        frame.prev = run_started
    return result
