"""Mocked Task results in the shape AWS's MockConfigFile gives them: a response maps invocation
numbers (0-based, per state and execution) or ranges "a-b" to {"Return": value} or
{"Throw": {"Error", "Cause"}}; past the last key the last response repeats.
See https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.errors import StatesError
from engine.ports import TaskRequest

NO_MOCK = "Statecraft.NoMock"


def pick_response(responses: dict, invocation: int) -> dict:
    """The response for call number `invocation`: its own key or range, else the last one."""
    best_key, best = None, None
    for key, value in responses.items():
        low, _, high = str(key).partition("-")
        low_n, high_n = int(low), int(high or low)
        if low_n <= invocation <= high_n:
            return value
        if best_key is None or high_n > best_key:
            best_key, best = high_n, value
    return best or {}


def answer(response: dict) -> Any:
    """The mocked result, or the mocked error raised as the Task's failure."""
    if "Throw" in response:
        throw = response["Throw"] or {}
        raise StatesError(throw.get("Cause"), error=throw.get("Error"))
    return response.get("Return")


def valid_response_keys(responses: Any) -> bool:
    """Whether every key of a mocked response is an invocation number or a range "a-b"."""
    if not isinstance(responses, dict) or not responses:
        return False
    for key in responses:
        low, dash, high = str(key).partition("-")
        if not low.isdigit() or (dash and (not high.isdigit() or int(high) < int(low))):
            return False
    return True


def mocked_answer(request: TaskRequest, response: dict) -> Any:
    """A mocked response as a Task's result, as AWS's local runner gives it: a mocked lambda:invoke
    answer with a Payload is the whole service response (not wrapped again), and a mocked activity
    counts as started by a worker named "mock"."""
    mark_started = request.extra.get("mark_started")
    if mark_started is not None and request.extra.get("kind") == "activity":
        mark_started("mock")
    result = answer(response)
    if request.extra.get("integration") == "lambda:invoke" and isinstance(result, dict) and "Payload" in result:
        request.extra.pop("integration", None)
    return result


class MockedTasks:
    """A TaskInvoker that answers every Task from `mocks` ({state: responses}) and calls nothing.

    A Task with no mock fails with Statecraft.NoMock, naming the state: a test case runs no
    real service.
    """

    def __init__(self, mocks: dict[str, dict]):
        self.mocks = mocks
        self.calls: Counter[str] = Counter()

    async def invoke(self, request: TaskRequest) -> Any:
        state = request.state_name
        number = self.calls[state]
        self.calls[state] += 1
        responses = self.mocks.get(state)
        if responses is None:
            raise StatesError(f"The test case has no mock for the Task state '{state}' (call {number}).",
                              error=NO_MOCK)
        return mocked_answer(request, pick_response(responses, number))
