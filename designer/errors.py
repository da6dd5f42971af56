"""Refused requests: `ServiceError` and one subclass per AWS error code.

The bottom layer of the designer: services, selectors and checks raise these; each adapter renders
them in its own shape (the AWS API as `__type`/`message`, the REST API as `{"detail": …}`).
The product is an AWS clone, so AWS's error vocabulary is the domain's.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused request; `code` is AWS's error code, `http_status` a hint for REST adapters."""

    code = "ValidationException"
    http_status = 400

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra


def _error(code: str, http_status: int = 400) -> type[ServiceError]:
    return type(code, (ServiceError,), {"code": code, "http_status": http_status})


ValidationException = _error("ValidationException")
AccessDeniedException = _error("AccessDeniedException")
InvalidName = _error("InvalidName")
InvalidArn = _error("InvalidArn")
InvalidDefinition = _error("InvalidDefinition")
InvalidToken = _error("InvalidToken")
InvalidOutput = _error("InvalidOutput")
InvalidExecutionInput = _error("InvalidExecutionInput")
InvalidLoggingConfiguration = _error("InvalidLoggingConfiguration")
InvalidTracingConfiguration = _error("InvalidTracingConfiguration")
StateMachineDoesNotExist = _error("StateMachineDoesNotExist", 404)
StateMachineAlreadyExists = _error("StateMachineAlreadyExists", 409)
StateMachineDeleting = _error("StateMachineDeleting", 409)
StateMachineTypeNotSupported = _error("StateMachineTypeNotSupported")
ExecutionDoesNotExist = _error("ExecutionDoesNotExist", 404)
ExecutionAlreadyExists = _error("ExecutionAlreadyExists", 409)
ExecutionNotRedrivable = _error("ExecutionNotRedrivable", 409)
ActivityDoesNotExist = _error("ActivityDoesNotExist", 404)
ActivityAlreadyExists = _error("ActivityAlreadyExists", 409)
ResourceNotFound = _error("ResourceNotFound", 404)
TooManyTags = _error("TooManyTags")
ConflictException = _error("ConflictException", 409)
TaskDoesNotExist = _error("TaskDoesNotExist", 404)
TaskTimedOut = _error("TaskTimedOut", 409)
ServiceQuotaExceededException = _error("ServiceQuotaExceededException")
MissingRequiredParameter = _error("MissingRequiredParameter")
# The studio's save on top of a revision someone else has saved over (designer.services.drafts).
RevisionConflict = _error("RevisionConflict", 409)
