"""What an execution returns: `ExecutionResult`, and the context object's time format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class ExecutionResult:
    """The outcome of an execution, as DescribeExecution + GetExecutionHistory report it."""

    status: str                          # SUCCEEDED, FAILED, TIMED_OUT, ABORTED (PAUSED: engine.hooks)
    output: str | None = None            # JSON text
    error: str | None = None
    cause: str | None = None
    history: list[dict] = field(default_factory=list)
    start_date: datetime | None = None
    stop_date: datetime | None = None
    name: str = ""
    execution_arn: str = ""
    state_machine_arn: str = ""
    input: str = "{}"                    # JSON text
    transitions: int = 0                 # states entered (AWS's "state transitions")
    checkpoint: dict | None = None       # a PAUSED execution's checkpoint, to resume from

    def __repr__(self) -> str:
        # Short on purpose: asyncio formats the result of the main task in some paths, and a
        # full history would make that take as long as the execution itself.
        return (f"ExecutionResult(status={self.status!r}, error={self.error!r}, "
                f"events={len(self.history)}, output={(self.output or '')[:80]!r})")

    @property
    def output_value(self) -> Any:
        """The output parsed from JSON (None when there is none)."""
        return None if self.output is None else json.loads(self.output)


def iso_time(moment: datetime) -> str:
    """The context object's timestamp format: 2024-01-02T03:04:05.678Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
