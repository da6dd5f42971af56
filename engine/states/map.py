"""Map states: the iterations of an inline or Distributed Map run as child frames of the state.

ASL specification, "Map State" (ItemsPath/Items, ItemSelector, MaxConcurrency, tolerated
failures, Label, distributed processing).  History events and their previousEventId links
follow what AWS records (MapStateStarted, MapIteration*, MapRun*; see the `AWS:` comments).
With a checkpoint listener, finished iterations are recorded (engine.checkpoint) and a resumed
execution runs only the unfinished ones, continuing each from where it stood.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engine.checkpoint import restore
from engine.errors import StatesError
from engine.history import Frame, History
from engine.map_io import engine_glue
from engine.states.parallel import gather_or_cancel

# AWS: an inline Map runs at most 40 iterations at once, whatever MaxConcurrency says.
INLINE_MAP_CONCURRENCY = 40


async def map_(ctx: Any, value: Any) -> tuple[str | None, Any]:
    state = ctx.state
    if state.distributed:
        # ItemReader, ItemBatcher, ResultWriter and child executions: engine.map_io.
        return (None if state.end else state.next), await engine_glue.distributed(ctx, value)
    items, max_concurrency, tolerance = state.io.map_settings(ctx, value)
    if ctx.resume is None:
        ctx.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    tolerated_count, tolerated_percentage = tolerance()
    run = MapRun(ctx, items, value, tolerated_count, tolerated_percentage)
    results = await run.inline(max_concurrency)
    return (None if state.end else state.next), results


class MapRun:
    """The iterations of one Map state attempt."""

    def __init__(self, ctx: Any, items: list, value: Any, tolerated_count: Any, tolerated_percentage: Any):
        self.ctx, self.state, self.frame, self.items, self.value = ctx, ctx.state, ctx.frame, items, value
        self.tolerated_count = tolerated_count or 0
        self.tolerated_percentage = tolerated_percentage
        self.results: list[Any] = [None] * len(items)
        self.failures = 0
        self.succeeded = 0      # for the map run's item counts (DescribeMapRun)
        self.next_index = 0
        self.stopped = False
        self.done: set[int] = set()
        self.resumed = ctx.resume
        self.progress = None
        # Iterations in flight at the resumed checkpoint: index → where they stood.
        self.resumed_running: dict[int, Any] = {}
        if self.resumed is not None:
            for key, output in self.resumed["done"].items():
                self.results[int(key)] = output
                self.done.add(int(key))
            self.failures = self.resumed["failures"]
            self.succeeded = len(self.done) - self.failures
            self.resumed_running = {int(k): v for k, v in (self.resumed.get("running") or {}).items()}

    def track(self, **extra: Any) -> None:
        progress = self.progress = self.ctx.track(**extra)
        self.ctx.resume = None  # a retry starts afresh
        if progress is not None:
            progress.total = len(self.items)

    def exceeded(self) -> bool:
        if self.failures == 0:
            return False
        if self.failures > self.tolerated_count:
            if self.tolerated_percentage is None:
                return True
            return self.failures * 100.0 / len(self.items) > self.tolerated_percentage
        return False

    def _iteration(self, index: int, item: Any, child_history: History | None) -> Frame:
        """The frame of iteration `index`: resumed where it stood, else with MapIterationStarted."""
        ctx, frame = self.ctx, self.frame
        if child_history is not None:
            iteration = Frame(0, child_history, frame.variables.child(), frame.path + (self.state.name, index))
            iteration.state, iteration.input = self.state.processor.start_at, item
            return iteration
        iteration = ctx.branch_frame(frame.prev, index)
        iteration.state, iteration.input = self.state.processor.start_at, item
        again = self.resumed_running.pop(index, None)
        if self.progress is not None:
            self.progress.resumed_running.pop(index, None)
        if isinstance(again, dict):
            # In flight at the checkpoint we resumed from: its MapIterationStarted is recorded.
            restore(iteration, again)
        elif again is not None:
            iteration.prev = again  # an older record: the iteration runs again from its StartAt
        else:
            frame.history.link(iteration, "MapIterationStarted", "mapIterationStartedEventDetails",
                               {"index": index, "name": self.state.name})
        return iteration

    async def worker(self, child_history: History | None) -> None:
        ctx, state, frame, progress = self.ctx, self.state, self.frame, self.progress
        processor, name, history = state.processor, state.name, frame.history
        pace = ctx.progress_interval is not None
        while not self.stopped and self.next_index < len(self.items):
            if pace:
                # Between iterations: let the server persist and publish what happened so far.
                await ctx.progress_point()
                if self.stopped or self.next_index >= len(self.items):
                    break
            index = self.next_index
            self.next_index += 1
            if index in self.done:
                continue
            item = state.io.item_input(ctx, self.value, index, self.items[index])
            iteration = self._iteration(index, item, child_history)
            if progress is not None and child_history is None:
                progress.running[index] = iteration
            try:
                self.results[index] = await ctx.run_branch(processor, item, iteration)
            except StatesError:
                self.failures += 1
                if child_history is None:
                    history.add("MapIterationFailed", iteration.prev, "mapIterationFailedEventDetails",
                                {"index": index, "name": name})
                    frame.prev = iteration.prev
                if self.exceeded():
                    self.stopped = True
                    raise
                if progress is not None:
                    progress.finished(index, None, self.failures)
                continue
            except asyncio.CancelledError:
                if progress is not None:
                    progress.running.pop(index, None)
                if child_history is None:
                    history.add("MapIterationAborted", iteration.prev, "mapIterationAbortedEventDetails",
                                {"index": index, "name": name})
                raise
            self.succeeded += 1
            if child_history is None:
                # AWS: MapIterationSucceeded links to the iteration's last event but the next
                # iteration links past it; only MapStateSucceeded links to the last of them.
                frame.last_closing = history.add("MapIterationSucceeded", iteration.prev,
                                                 "mapIterationSucceededEventDetails", {"index": index, "name": name})
                frame.prev = iteration.prev
            if progress is not None:
                progress.finished(index, self.results[index], self.failures)

    async def _run_workers(self, max_concurrency: int, child_history: History | None) -> None:
        limit = max_concurrency if max_concurrency and max_concurrency > 0 else INLINE_MAP_CONCURRENCY
        if child_history is not None:
            limit = max_concurrency if max_concurrency and max_concurrency > 0 else 1000
        workers = min(limit, len(self.items))
        if self.ctx.progress_interval is not None:
            self.ctx.defer_progress()
        try:
            if workers <= 1:
                if self.items:
                    await self.worker(child_history)
                return
            await gather_or_cancel([self.worker(child_history) for _ in range(workers)])
        finally:
            if self.progress is not None:
                self.progress.close()

    async def inline(self, max_concurrency: int) -> list:
        frame = self.frame
        if self.resumed is None:
            frame.last_closing = 0
        self.track()
        try:
            await self._run_workers(max_concurrency, None)
        except StatesError as exc:
            exc.from_children = True
            raise
        if self.items:
            frame.prev = frame.last_closing
        frame.history.add("MapStateSucceeded", frame.prev)
        return self.results
