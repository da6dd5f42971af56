"""A Distributed Map run: items (read, selected, batched) dispatched to child executions.

`units(...)` turns a blocking item iterator (an ItemReader, or the Map's input array) into an
async stream of `(index, child input)`, applying ItemSelector and ItemBatcher on the way and
reading ahead only a chunk at a time off the event loop.  `dispatch(...)` runs one child per
unit through a `ChildRunner`, never more at once than MaxConcurrency (re-read while running,
so UpdateMapRun takes effect), stops starting children once the tolerated failures are
exceeded, and hands every child's record to the ResultWriter as it finishes.  Nothing here
knows whether a child runs in memory or as a stored execution on another worker.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.map_io.batcher import batches
from engine.map_io.writer import ResultWriter

# AWS: a Distributed Map without MaxConcurrency runs up to 10,000 children at once.
DEFAULT_CONCURRENCY = 10_000
READ_AHEAD = 500


@dataclass
class Limits:
    """MaxConcurrency and the tolerated failures; `refresh` re-reads them (UpdateMapRun)."""

    max_concurrency: int = 0
    tolerated_count: int = 0
    tolerated_percentage: float | None = None
    refresh: Callable[[], Awaitable[dict | None]] | None = None
    refresh_seconds: float = 1.0

    def concurrency(self) -> int:
        return self.max_concurrency if self.max_concurrency and self.max_concurrency > 0 else DEFAULT_CONCURRENCY

    def apply(self, changed: dict | None) -> None:
        for key in ("max_concurrency", "tolerated_count", "tolerated_percentage"):
            if changed and changed.get(key) is not None:
                setattr(self, key, changed[key])


@dataclass
class ChildOutcome:
    """How one child execution ended, and its record for the ResultWriter (ExecutionArn, Input, …)."""

    status: str                       # SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    output: Any = None
    error: str | None = None
    cause: str | None = None
    record: dict = field(default_factory=dict)


ChildRunner = Callable[[int, Any], Awaitable[ChildOutcome]]


@dataclass
class RunResult:
    results: list[Any]                # outputs in unit order (empty when not kept)
    succeeded: int = 0
    failed: int = 0
    total: int = 0
    exceeded: bool = False


async def _pull(iterator: Iterator[Any], size: int = READ_AHEAD) -> AsyncIterator[Any]:
    """The values of a blocking iterator, read `size` at a time on a worker thread."""
    while True:
        chunk = await asyncio.to_thread(lambda: list(itertools.islice(iterator, size)))
        if not chunk:
            return
        for item in chunk:
            yield item


async def units(items: Iterable[Any], *, select: Callable[[int, Any], Any] | None = None,
                batcher: dict | None = None) -> AsyncIterator[tuple[int, Any]]:
    """`(index, child input)` for each item, or each batch when `batcher` gives
    `max_items`/`max_bytes`/`batch_input`."""
    selected = (select(i, item) if select else item for i, item in enumerate(items))
    source: Iterator[Any] = iter(selected)
    if batcher:
        source = batches(source, max_items=batcher.get("max_items"), max_bytes=batcher.get("max_bytes"),
                         batch_input=batcher.get("batch_input"))
    index = 0
    # Read ahead about READ_AHEAD items: one batch at a time when batching.
    async for unit in _pull(source, 1 if batcher else READ_AHEAD):
        yield index, unit
        index += 1


def exceeded(limits: Limits, failed: int, total: int | None) -> bool:
    """True when the failures pass both ToleratedFailureCount and ToleratedFailurePercentage.

    `total` None: the item count is not known yet (a stream still being read), so only a
    count alone can be exceeded; the percentage is judged once every item is known.
    """
    if failed == 0 or failed <= limits.tolerated_count:
        return False
    if limits.tolerated_percentage is None:
        return True
    if total is None:
        return False
    return failed * 100.0 / max(total, 1) > limits.tolerated_percentage


async def dispatch(stream: AsyncIterator[tuple[int, Any]], run_child: ChildRunner, limits: Limits, *,
                   writer: ResultWriter | None = None, keep_results: bool = True, total: int | None = None,
                   on_progress: Callable[[RunResult], None] | None = None) -> RunResult:
    """Run every unit as a child; the outcome once all have finished (or the tolerance broke).

    `total`: the number of units when known in advance (an input array, not batched).
    """
    result = RunResult(results=[])
    outputs: dict[int, Any] = {}
    running: set[asyncio.Task] = set()
    loop = asyncio.get_running_loop()
    next_refresh = loop.time() + limits.refresh_seconds

    async def one(index: int, payload: Any) -> None:
        outcome = await run_child(index, payload)
        if outcome.status == "SUCCEEDED":
            result.succeeded += 1
            if keep_results:
                outputs[index] = outcome.output
        else:
            result.failed += 1
            if keep_results:
                outputs[index] = None
        if writer is not None:
            writer.add(outcome.record)
        if on_progress is not None:
            on_progress(result)

    async def refresh() -> None:
        nonlocal next_refresh
        if limits.refresh is not None and loop.time() >= next_refresh:
            limits.apply(await limits.refresh())
            next_refresh = loop.time() + limits.refresh_seconds

    async def settle(wait_for_one: bool) -> None:
        if not running:
            return
        timeout = limits.refresh_seconds if limits.refresh is not None else None
        done, _ = await asyncio.wait(running, timeout=timeout if wait_for_one else 0,
                                     return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            running.discard(task)
            task.result()  # a runner's own bug surfaces here

    try:
        async for index, payload in stream:
            while len(running) >= limits.concurrency():
                await settle(True)
                await refresh()
            await settle(False)
            if exceeded(limits, result.failed, total):
                result.exceeded = True
                break
            result.total += 1
            running.add(asyncio.ensure_future(one(index, payload)))
            await refresh()
        while running:
            await settle(True)
            await refresh()
    finally:
        for task in running:
            task.cancel()
    result.exceeded = result.exceeded or exceeded(limits, result.failed, result.total)
    if keep_results:
        result.results = [outputs.get(i) for i in range(result.total)]
    return result
