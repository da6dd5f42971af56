"""Step Functions errors: a `StatesError` base and one subclass per predefined `States.*` name.

The predefined names and their meanings are those of the ASL specification's "Errors" section
and the Step Functions developer guide ("Error handling in Step Functions").  Any failure inside
the engine is raised as a `StatesError` carrying the exact `error` and `cause` strings that AWS
would record in the history; retriers and catchers match on `error`.
"""

from __future__ import annotations


class StatesError(Exception):
    """A runtime failure with AWS's error name and cause text."""

    name = "States.Runtime"

    def __init__(self, cause: str = "", error: str | None = None):
        super().__init__(cause)
        self.error = error or self.name
        self.cause = cause

    def __repr__(self) -> str:
        return f"{type(self).__name__}(error={self.error!r}, cause={self.cause!r})"


class StatesAll(StatesError):
    name = "States.ALL"


class HeartbeatTimeout(StatesError):
    name = "States.HeartbeatTimeout"


class Timeout(StatesError):
    name = "States.Timeout"


class TaskFailed(StatesError):
    name = "States.TaskFailed"


class Permissions(StatesError):
    name = "States.Permissions"


class ResultPathMatchFailure(StatesError):
    name = "States.ResultPathMatchFailure"


class ParameterPathFailure(StatesError):
    name = "States.ParameterPathFailure"


class QueryEvaluationError(StatesError):
    name = "States.QueryEvaluationError"


class BranchFailed(StatesError):
    name = "States.BranchFailed"


class NoChoiceMatched(StatesError):
    name = "States.NoChoiceMatched"


class IntrinsicFailure(StatesError):
    name = "States.IntrinsicFailure"


class ExceedToleratedFailureThreshold(StatesError):
    name = "States.ExceedToleratedFailureThreshold"


class ItemReaderFailed(StatesError):
    name = "States.ItemReaderFailed"


class ResultWriterFailed(StatesError):
    name = "States.ResultWriterFailed"


class DataLimitExceeded(StatesError):
    name = "States.DataLimitExceeded"


class Runtime(StatesError):
    name = "States.Runtime"


class PathNotFound(StatesError):
    """A JSONPath or reference path selected nothing.

    Raised by path resolution; callers that know the context (Parameters, ResultSelector,
    InputPath, Choice `Variable`, an intrinsic argument) catch it and re-raise with the message
    AWS uses in that context.  Its own `error` is States.Runtime.
    """

    name = "States.Runtime"

    def __init__(self, path: str, cause: str = ""):
        super().__init__(cause or f"Invalid path '{path}': No results for path: {path}")
        self.path = path


PREDEFINED_ERRORS: dict[str, type[StatesError]] = {
    cls.name: cls
    for cls in (
        StatesAll, HeartbeatTimeout, Timeout, TaskFailed, Permissions, ResultPathMatchFailure,
        ParameterPathFailure, QueryEvaluationError, BranchFailed, NoChoiceMatched,
        IntrinsicFailure, ExceedToleratedFailureThreshold, ItemReaderFailed,
        ResultWriterFailed, DataLimitExceeded, Runtime,
    )
}


def error_matches(error_equals: list[str], error: str) -> bool:
    """True when a retrier's or catcher's ErrorEquals list matches `error`.

    AWS: States.ALL matches every error name except States.DataLimitExceeded and
    States.Runtime, which are terminal; States.TaskFailed is a wildcard for any error a task
    raises except States.Timeout (developer guide, "Error names").
    """
    for name in error_equals:
        if name == error:
            return True
        if name == "States.ALL" and error not in ("States.DataLimitExceeded", "States.Runtime"):
            return True
        if name == "States.TaskFailed" and error != "States.Timeout" and not error.startswith("States."):
            return True
    return False
