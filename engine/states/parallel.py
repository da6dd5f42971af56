"""Parallel states: each branch runs as a child frame of the state, all at once.

ASL specification, "Parallel State".  History events and their previousEventId links follow what
AWS records (ParallelStateStarted, ParallelStateSucceeded; see the `AWS:` comments).  With a
checkpoint listener, finished branches are recorded (engine.checkpoint) and a resumed execution
runs only the unfinished ones, continuing each from where it stood.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engine.checkpoint import restore
from engine.errors import StatesError


async def gather_or_cancel(coros: list) -> list:
    """Run coroutines concurrently; on the first failure cancel the rest and re-raise it."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def parallel(ctx: Any, value: Any) -> tuple[str | None, Any]:
    state, frame = ctx.state, ctx.frame
    resumed = ctx.resume
    if resumed is None:
        ctx.event("ParallelStateStarted")
    progress = ctx.track()
    ctx.resume = None   # a retry starts afresh
    frames = [ctx.branch_frame(frame.prev, i) for i in range(len(state.branches))]
    done: dict[int, Any] = {}
    for i, f in enumerate(frames):
        f.state, f.input = state.branches[i].start_at, value
        f.interleave = len(frames) > 1
    if resumed is not None:
        for key, output in resumed["done"].items():
            done[int(key)] = output
            frames[int(key)].prev = resumed["branch_prev"][key]
        for key, pos in (resumed.get("running") or {}).items():
            if isinstance(pos, dict):
                restore(frames[int(key)], pos)
            else:
                # An older record: the branch runs again from its start, linking to its last event.
                frames[int(key)].prev = pos
    failed: list[int] = []
    todo = [i for i in range(len(frames)) if i not in done]
    if progress is not None:
        for i in todo:
            progress.resumed_running.pop(i, None)
            progress.running[i] = frames[i]

    async def branch(i: int) -> Any:
        try:
            result = await ctx.run_branch(state.branches[i], value, frames[i])
        except StatesError:
            failed.append(i)
            raise
        if progress is not None:
            progress.finished(i, result, branch_prev=frames[i].prev)
        return result

    try:
        if len(todo) == 1:
            outputs = [await branch(todo[0])]
        else:
            outputs = await gather_or_cancel([branch(i) for i in todo])
    except StatesError as exc:
        frame.prev = frames[failed[0]].prev
        exc.from_children = True
        raise
    finally:
        if progress is not None:
            progress.close()
    results = [done.get(i) for i in range(len(frames))]
    for i, output in zip(todo, outputs, strict=True):
        results[i] = output
    frame.prev = max(f.prev for f in frames) if frames else frame.prev
    # AWS: ParallelStateSucceeded links to the last branch event without becoming the link
    # target of the Exited event that follows.
    frame.history.add("ParallelStateSucceeded", frame.prev)
    return (None if state.end else state.next), results
