"""Parallel and Map states: branches and iterations run as child frames of the state.

Implements the ASL specification's "Parallel State" and "Map State" sections (inline and
distributed processing, ItemsPath, ItemSelector and the legacy Parameters, MaxConcurrency,
tolerated failures, Label).  History events and their previousEventId links follow what AWS
records (Parallel*/MapIteration*/MapRun* events); see the `AWS:` comments.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from typing import Any

from engine.definition import MapState, ParallelState
from engine.errors import ExceedToleratedFailureThreshold, Runtime, StatesError
from engine.history import Frame, History
from engine.lifecycle import apply_input_path, effective_input, select, with_retry
from engine.paths import to_json
from engine.payload import Scope

# -- Parallel -------------------------------------------------------------------------------

async def handle_parallel(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    return await with_retry(ex, state, raw, frame, _parallel_attempt)


async def _parallel_attempt(ex: Any, state: ParallelState, raw: Any, frame: Frame, scope: Scope) -> Any:
    value = effective_input(state, raw, scope)
    history = frame.history
    resumed = take_resume(ex, state, frame)
    if resumed is None:
        history.link(frame, "ParallelStateStarted")
    nested = begin_nested(ex, state, frame, resumed)
    frames = [Frame(frame.prev, history, frame.variables.child()) for _ in state.branches]
    for f in frames:
        f.value, f.text = value, None
        f.interleave = len(frames) > 1
    done: dict[int, Any] = {}
    if resumed is not None:
        for key, output in resumed["done"].items():
            done[int(key)] = output
            frames[int(key)].prev = resumed["branch_prev"][key]
        for key, prev in (resumed.get("running") or {}).items():
            # In flight when the checkpoint was taken: the branch runs again from its start
            # (at-least-once), its first event linking to the last one it had recorded.
            frames[int(key)].prev = prev
    failed: list[int] = []
    todo = [i for i in range(len(frames)) if i not in done]
    if nested is not None:
        def live() -> dict:
            finished = nested["done"]
            return {**nested, "prev": frame.prev, "done": dict(finished), "branch_prev": dict(nested["branch_prev"]),
                    "running": {str(i): frames[i].prev for i in todo if str(i) not in finished}}
        ex.live_nested = live

    async def branch(i: int) -> Any:
        if i in done:
            return done[i]
        try:
            result = await ex.run_states(state.branches[i], state.branches[i].start_at, value, frames[i])
        except StatesError:
            failed.append(i)
            raise
        if nested is not None:
            nested["done"][str(i)] = result
            nested["branch_prev"][str(i)] = frames[i].prev
            ex.save_nested(nested)
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
    results = [done.get(i) for i in range(len(frames))]
    for i, output in zip(todo, outputs, strict=True):
        results[i] = output
    frame.prev = max(f.prev for f in frames) if frames else frame.prev
    # AWS: ParallelStateSucceeded links to the last branch event without becoming the link
    # target of the Exited event that follows.
    history.add("ParallelStateSucceeded", frame.prev)
    return results


# -- checkpoints inside a top-level Parallel or Map ------------------------------------------
#
# While a top-level Parallel or Map state runs, each finished branch or iteration is recorded in
# `ex.nested` and checkpointed, so a resumed execution re-enters the state (without repeating
# its Entered/Started events) and runs only what had not finished.  Deeper levels restart with
# their top-level branch or iteration, as a Task in flight does.
#
# `ex.live_nested()` builds the record exactly as it stands at any await, with the branches or
# inline iterations in flight under `running` (index → the last event they recorded): such a
# branch or iteration runs again from its start, at-least-once, linking to that event, and a
# resumed Map iteration does not record MapIterationStarted again.

def take_resume(ex: Any, state: Any, frame: Frame) -> dict | None:
    """The saved progress of `state` if the execution resumes inside it (consumed once)."""
    resume = ex.resume_nested
    if resume is None or frame is not ex.top or resume["state"] != state.name:
        return None
    ex.resume_nested = None
    frame.prev = resume["prev"]
    frame.last_closing = resume.get("last_closing", 0)
    return resume


def begin_nested(ex: Any, state: Any, frame: Frame, resumed: dict | None, live: Any = None,
                 **extra: Any) -> dict | None:
    """Start recording progress inside a top-level Parallel/Map (None when nobody listens).

    `live()` builds the exact record at any moment (`ex.live_nested`, used by `checkpoint()`).
    """
    if frame is not ex.top or ex.on_checkpoint is None:
        return None
    if resumed is not None:
        nested = {k: v for k, v in resumed.items() if k != "running"}
    else:
        nested = {"state": state.name, "entered": frame.entered, "entered_time": frame.entered_time.isoformat(),
                  "retry_count": frame.retry_count, "prev": frame.prev, "last_closing": 0,
                  "done": {}, "branch_prev": {}, "failures": 0}
    nested.update(extra)
    ex.save_nested(nested)
    if live is not None:
        ex.live_nested = live
    return nested


def map_started(ex: Any, state: Any, frame: Frame, length: int) -> None:
    """Record MapStateStarted, unless the execution resumes inside this Map (already recorded)."""
    resume = ex.resume_nested
    if resume is None or frame is not ex.top or resume["state"] != state.name:
        frame.history.link(frame, "MapStateStarted", "mapStateStartedEventDetails", {"length": length})


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



# -- Map ------------------------------------------------------------------------------------

# AWS: an inline Map runs at most 40 iterations at once, whatever MaxConcurrency says.
INLINE_MAP_CONCURRENCY = 40


async def handle_map(ex: Any, state: Any, raw: Any, frame: Frame) -> tuple[str | None, Any]:
    return await with_retry(ex, state, raw, frame, _map_attempt)


def _integer_field(value: Any, path: str, field: str, scope: Scope, *, number: bool = False) -> Any:
    found = select(path, value, scope.context)
    if type(found) is str:
        # AWS: a numeric string is accepted (recorded: MaxConcurrencyPath and
        # ToleratedFailure*Path reading a variable assigned "1").
        found = _numeric_text(found, number) or found
    ok = (type(found) is int or (number and type(found) is float))
    if not ok:
        shown = found if isinstance(found, str) else to_json(found)
        # AWS: the percentage's message says "float" (recorded with ToleratedFailurePercentagePath).
        kind = "float" if number else "integer"
        raise Runtime(f'The {field} field refers to value "{shown}" which is not a valid {kind}: {path}')
    return found


def _numeric_text(text: str, number: bool) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    if number:
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


async def _map_attempt(ex: Any, state: MapState, raw: Any, frame: Frame, scope: Scope) -> Any:
    value = apply_input_path(state, raw, scope.context)
    scope.input = value
    items = value if state.items_path == "$" else select(state.items_path, value, scope.context)
    if type(items) is not list:
        raise Runtime(f"Map state input must be an array but was: {to_json(items)}")
    max_concurrency = state.max_concurrency
    if state.max_concurrency_path is not None:
        max_concurrency = _integer_field(value, state.max_concurrency_path, "MaxConcurrencyPath", scope)
    map_started(ex, state, frame, len(items))
    tolerated_count = state.tolerated_failure_count
    if state.tolerated_failure_count_path is not None:
        tolerated_count = _integer_field(value, state.tolerated_failure_count_path,
                                         "ToleratedFailureCountPath", scope)
        # AWS: a value read through the path is range-checked after MapStateStarted
        # (recorded: -1 fails the execution with this cause).
        if tolerated_count < 0:
            raise Runtime("ToleratedFailureCount cannot be negative.")
    tolerated_percentage = state.tolerated_failure_percentage
    if state.tolerated_failure_percentage_path is not None:
        tolerated_percentage = _integer_field(value, state.tolerated_failure_percentage_path,
                                              "ToleratedFailurePercentagePath", scope, number=True)
        # AWS: recorded for -1, -1.1 and 100.1; 0 and 100 are accepted.
        if not 0 <= tolerated_percentage <= 100:
            raise Runtime("ToleratedFailurePercentage must be between 0 and 100.")
    run = MapRun(ex, state, frame, items, value, tolerated_count, tolerated_percentage)
    if state.distributed:
        return await run.distributed(max_concurrency)
    return await run.inline(max_concurrency)


class MapRun:
    """The iterations of one Map state attempt."""

    def __init__(self, ex: Any, state: MapState, frame: Frame, items: list, value: Any,
                 tolerated_count: Any, tolerated_percentage: Any):
        self.ex, self.state, self.frame, self.items, self.value = ex, state, frame, items, value
        self.tolerated_count = tolerated_count or 0
        self.tolerated_percentage = tolerated_percentage
        self.results: list[Any] = [None] * len(items)
        self.failures = 0
        self.succeeded = 0      # for the map run's item counts (DescribeMapRun)
        self.first_error: StatesError | None = None
        self.next_index = 0
        self.stopped = False
        self.done: set[int] = set()
        self.nested: dict | None = None
        self.saved = 0
        # Inline iterations between their MapIterationStarted and closing event, by index.
        self.active: dict[int, Frame] = {}
        # Iterations in flight at the resumed checkpoint: index → the last event they recorded.
        self.resumed_running: dict[int, int] = {}
        self.resumed = take_resume(ex, state, frame)
        if self.resumed is not None:
            for key, output in self.resumed["done"].items():
                self.results[int(key)] = output
                self.done.add(int(key))
            self.failures = self.resumed["failures"]
            self.succeeded = len(self.done) - self.failures
            self.resumed_running = {int(k): v for k, v in (self.resumed.get("running") or {}).items()}

    def live(self) -> dict:
        """The exact progress record now: finished iterations, links, and those in flight."""
        nested, frame = self.nested, self.frame
        return {**nested, "done": dict(nested["done"]), "branch_prev": {}, "failures": self.failures,
                "prev": frame.prev, "last_closing": frame.last_closing,
                "running": {**{str(i): prev for i, prev in self.resumed_running.items()},
                            **{str(i): f.prev for i, f in self.active.items()}}}

    def record(self, index: int, output: Any) -> None:
        """Checkpoint a finished iteration of a top-level Map.

        Each checkpoint carries every finished result, so saving after every iteration would
        cost quadratic time on a big Map; once 20 are done it saves when their number has
        grown by 5% (an iteration finished after the last save simply runs again on resume).
        """
        nested = self.nested
        if nested is not None:
            done = nested["done"]
            done[str(index)] = output
            nested["failures"] = self.failures
            nested["prev"], nested["last_closing"] = self.frame.prev, self.frame.last_closing
            if len(done) - self.saved >= max(1, self.saved // 20) or len(done) == len(self.items):
                self.saved = len(done)
                self.ex.save_nested(nested)

    def item_input(self, index: int) -> Any:
        state = self.state
        if state.item_selector is None:
            return self.items[index]
        ex, frame = self.ex, self.frame
        extra = {"Map": {"Item": {"Index": index, "Value": self.items[index]}}}
        scope = Scope(self.value, lambda: ex.context(state, frame, extra), frame.variables)
        return state.item_selector(scope)

    def exceeded(self) -> bool:
        if self.failures == 0:
            return False
        if self.failures > self.tolerated_count:
            if self.tolerated_percentage is None:
                return True
            return self.failures * 100.0 / len(self.items) > self.tolerated_percentage
        return False

    async def worker(self, child_history: History | None) -> None:
        ex, state, frame = self.ex, self.state, self.frame
        processor = state.processor
        name = state.name
        active = self.active
        progress = ex.progress_interval is not None
        while not self.stopped and self.next_index < len(self.items):
            if progress:
                # Between iterations: let the server persist and publish what happened so far.
                await ex.progress_point()
                if self.stopped or self.next_index >= len(self.items):
                    break
            index = self.next_index
            self.next_index += 1
            if index in self.done:
                continue
            item = self.item_input(index)
            if child_history is None:
                history = frame.history
                again = self.resumed_running.pop(index, None)
                if again is not None:
                    # In flight at the checkpoint we resumed from: its MapIterationStarted is
                    # recorded; the iteration runs again from its StartAt (at-least-once).
                    iteration = Frame(again, history, frame.variables.child())
                else:
                    iteration = Frame(frame.prev, history, frame.variables.child())
                    history.link(iteration, "MapIterationStarted", "mapIterationStartedEventDetails",
                                 {"index": index, "name": name})
                active[index] = iteration
            else:
                iteration = Frame(0, child_history)
            try:
                self.results[index] = await ex.run_states(processor, processor.start_at, item, iteration)
            except StatesError as exc:
                active.pop(index, None)
                self.failures += 1
                if child_history is None:
                    history.add("MapIterationFailed", iteration.prev, "mapIterationFailedEventDetails",
                                {"index": index, "name": name})
                    frame.prev = iteration.prev
                if self.first_error is None:
                    self.first_error = exc
                if self.exceeded():
                    self.stopped = True
                    raise
                self.record(index, None)
                continue
            except asyncio.CancelledError:
                active.pop(index, None)
                if child_history is None:
                    history.add("MapIterationAborted", iteration.prev, "mapIterationAbortedEventDetails",
                                {"index": index, "name": name})
                raise
            active.pop(index, None)
            self.succeeded += 1
            if child_history is None:
                # AWS: MapIterationSucceeded links to the iteration's last event but the next
                # iteration links past it; only MapStateSucceeded links to the last of them.
                frame.last_closing = history.add("MapIterationSucceeded", iteration.prev,
                                                 "mapIterationSucceededEventDetails", {"index": index, "name": name})
                frame.prev = iteration.prev
            if self.nested is not None:
                self.record(index, self.results[index])

    async def _run_workers(self, max_concurrency: int, child_history: History | None) -> None:
        limit = max_concurrency if max_concurrency and max_concurrency > 0 else INLINE_MAP_CONCURRENCY
        if child_history is not None:
            limit = max_concurrency if max_concurrency and max_concurrency > 0 else 1000
        workers = min(limit, len(self.items))
        if self.ex.progress_interval is not None:
            self.ex.defer_progress()
        if workers <= 1:
            if self.items:
                await self.worker(child_history)
            return
        await gather_or_cancel([self.worker(child_history) for _ in range(workers)])

    async def inline(self, max_concurrency: int) -> list:
        frame = self.frame
        if self.resumed is None:
            frame.last_closing = 0
        self.nested = begin_nested(self.ex, self.state, frame, self.resumed, self.live)
        try:
            await self._run_workers(max_concurrency, None)
        except StatesError as exc:
            exc.from_children = True
            raise
        if self.items:
            frame.prev = frame.last_closing
        frame.history.add("MapStateSucceeded", frame.prev)
        return self.results

    def count_items(self, arn: str) -> None:
        """Keep the finished run's item counts in the checkpoint (`map_runs`), for DescribeMapRun."""
        counts = getattr(self.ex, "map_runs", None)
        if counts is not None:
            counts[arn] = {"total": len(self.items), "succeeded": self.succeeded, "failed": self.failures}

    async def distributed(self, max_concurrency: int) -> list:
        ex, state, frame = self.ex, self.state, self.frame
        history = frame.history
        label = state.label or uuid.uuid4().hex[:8]
        arn = (self.resumed or {}).get("map_run_arn") or (
            f"arn:aws:states:{ex.region}:{ex.account}:mapRun:{ex.state_machine_name}/{label}:{uuid.uuid4()}")
        if self.resumed is None:
            history.link(frame, "MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})
        self.nested = begin_nested(ex, state, frame, self.resumed, self.live, map_run_arn=arn)
        child_history = History(None, ex.clock.now, 1 << 62, keep=False)
        try:
            await self._run_workers(max_concurrency, child_history)
        except StatesError:
            self.count_items(arn)
            history.link(frame, "MapRunFailed", "mapRunFailedEventDetails", {
                "error": "States.ExceedToleratedFailureThreshold",
                "cause": "The specified tolerance threshold was exceeded",
            })
            error = ExceedToleratedFailureThreshold("The specified tolerance threshold was exceeded")
            error.from_children = True
            raise error from None
        run_started = frame.prev
        self.count_items(arn)
        history.link(frame, "MapRunSucceeded")
        history.add("MapStateSucceeded", frame.prev)
        if frame.entered != 2:
            # AWS: in every recorded run MapStateExited links to MapRunSucceeded when the Map is
            # the execution's first state, and to MapRunStarted when a state ran before it.
            frame.prev = run_started
        return self.results
