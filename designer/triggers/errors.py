"""Errors the trigger services raise, with AWS's codes; the adapters turn them into responses."""


class TriggerError(Exception):
    code = "ValidationException"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(TriggerError):
    pass


class Conflict(TriggerError):
    code = "ConflictException"
    http_status = 409


class NotFound(TriggerError):
    code = "ResourceNotFoundException"
    http_status = 404


class AlreadyExists(TriggerError):
    code = "ResourceAlreadyExistsException"


class InvalidEventPattern(TriggerError):
    code = "InvalidEventPatternException"
