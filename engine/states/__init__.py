"""One handler per state `Type`, for both query languages, in the `HANDLERS` table.

A handler receives the state's `StateContext` (engine.context) and its effective input, and
*returns* `(next state or None, result)`; failures are raised as `StatesError`.  The template
around it (engine.lifecycle) records the Entered/Exited events and does the input and output
processing, Retry and Catch.  Pass, Choice, Succeed and Fail are plain functions; Task, Wait,
Parallel and Map are coroutines (they can suspend).
"""

from __future__ import annotations

from engine.states.flow import choice, fail, pass_, succeed, wait
from engine.states.map import map_
from engine.states.parallel import parallel
from engine.states.task import task

HANDLERS = {
    "Pass": pass_, "Choice": choice, "Succeed": succeed, "Fail": fail, "Wait": wait,
    "Task": task, "Parallel": parallel, "Map": map_,
}

__all__ = ["HANDLERS"]
