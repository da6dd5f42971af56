"""Debug executions in the runtime: the before-state hook that pauses at breakpoints and after a
Step, and applies what the user edited when the execution continues.

A pause is durable: the engine stops with an exact checkpoint positioned before the state
(`engine.hooks`), `run_standard` parks the execution with no wake-up time, and it holds no
memory. Continue and Step (`designer.services.debugging`) store the input and variables to go
on with and hand the execution back to the runtime, which resumes at the paused state; this hook
then gives the state that input. The AWS API keeps reporting RUNNING, and the history gets no
event of its own for a pause.
"""

from __future__ import annotations

from datetime import UTC, datetime

from designer.services import debugging
from engine.hooks import Directive, Hooks, StatePoint

# A paused execution's wake-up time: never, until Continue or Step sets it to now.
PAUSED_UNTIL = datetime(9999, 1, 1, tzinfo=UTC)


class DebugHooks(Hooks):
    """Pauses before breakpoints (read afresh at every state: they can change while it runs)."""

    def __init__(self, runtime, execution_id: int):
        self.runtime = runtime
        self.execution_id = execution_id
        self.stepping = False

    async def before(self, point: StatePoint) -> Directive | None:
        settings = await self.runtime.db(debugging.debug_settings, self.execution_id)
        if settings is None:
            return None
        resume = settings.get("resume")
        if resume is not None and resume["state"] == point.name and resume["path"] == _path(point):
            # Going on from a pause here: with the input and variables as the user left them.
            await self.runtime.db(debugging.debug_resume_taken, self.execution_id)
            self.stepping = bool(resume.get("step"))
            return Directive(input=resume["input"], variables=resume.get("variables") or None)
        if self.stepping or point.name in settings["breakpoints"]:
            self.stepping = False
            paused = {"state": point.name, "path": _path(point), "input": point.input,
                      "variables": point.variables}
            await self.runtime.db(debugging.debug_pause_record, self.execution_id, paused)
            return Directive(pause=True)
        return None


def _path(point: StatePoint) -> list:
    return list(point.path)
