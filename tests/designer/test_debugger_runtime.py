"""Debug executions on the real runtime: a breakpoint pauses the execution before its state
(durably: it survives a SIGKILL of the server and holds no memory), the paused input and
variables can be edited, Step pauses again before the next state, Continue runs to the end;
the AWS API keeps reporting RUNNING and the history has only AWS's event types. "Run from here"
starts a new execution at a state with that state's input and variables."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.designer.runtime_server import RuntimeServer, assert_history_intact, create_machine, history, wait_done

CHAIN = {"QueryLanguage": "JSONata", "StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Output": {"x": 1}, "Assign": {"seen": "prepared"}, "Next": "Double"},
    "Double": {"Type": "Pass", "Output": {"y": "{% $states.input.x * 2 %}", "seen": "{% $seen %}"}, "Next": "Finish"},
    "Finish": {"Type": "Pass", "Output": {"result": "{% $states.input.y + 1 %}", "seen": "{% $states.input.seen %}"},
               "End": True},
}}


class Studio:
    """The studio's REST API with a logged-in session, as the browser uses it."""

    def __init__(self, url: str, username: str, password: str):
        self.url = url
        self.session = requests.Session()
        self.session.get(f"{url}/accounts/login/", timeout=10)
        token = self.session.cookies["csrftoken"]
        self.session.post(f"{url}/accounts/login/", data={"username": username, "password": password,
                                                          "csrfmiddlewaretoken": token},
                          headers={"Referer": f"{url}/accounts/login/"}, timeout=10)

    def call(self, method: str, path: str, body=None):
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Referer": f"{self.url}/"}
        response = self.session.request(method, f"{self.url}{path}", json=body, headers=headers, timeout=30)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()


@pytest.fixture
def server(tmp_path):
    server = RuntimeServer(tmp_path).setup()
    server.create_user("runtime", "pw-runtime-1")
    try:
        yield server
    finally:
        server.stop()


def paused_at(studio: Studio, execution_id: int, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = studio.call("GET", f"/api/executions/{execution_id}/debug")
        if state["paused"]:
            return state["paused"]
        time.sleep(0.1)
    raise AssertionError("the execution did not pause")


def test_pause_survives_a_restart_and_step_and_continue_use_the_edited_input(server):
    sfn = server.client()
    create_machine(sfn, "chain", CHAIN)
    studio = Studio(server.url, "runtime", "pw-runtime-1")
    studio.call("PUT", "/api/machines/chain/breakpoints", {"states": ["Double"]})
    started = studio.call("POST", "/api/machines/chain/executions", {"input": {}, "debug": True})
    arn = started["arn"]

    paused = paused_at(studio, started["id"])
    assert (paused["state"], paused["input"], paused["variables"]) == ("Double", {"x": 1}, {"seen": "prepared"})
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    types = [e["type"] for e in history(sfn, arn)]
    assert types == ["ExecutionStarted", "PassStateEntered", "PassStateExited"]  # nothing invented

    server.kill()  # a pause is stored, not held in memory
    server.start()
    sfn = server.client()  # the restarted server listens on a new port
    studio = Studio(server.url, "runtime", "pw-runtime-1")
    assert paused_at(studio, started["id"])["state"] == "Double"
    time.sleep(1.5)  # the restarted runtime leaves it paused
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    assert len(history(sfn, arn)) == 3

    studio.call("POST", f"/api/executions/{started['id']}/debug/step",
                {"input": {"x": 20}, "variables": {"seen": "edited"}})
    paused = paused_at(studio, started["id"])
    assert (paused["state"], paused["input"]) == ("Finish", {"y": 40, "seen": "edited"})

    studio.call("POST", f"/api/executions/{started['id']}/debug/continue", {"input": paused["input"],
                                                                           "variables": paused["variables"]})
    done = wait_done(sfn, arn)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"result": 41, "seen": "edited"}
    events = history(sfn, arn)
    assert_history_intact(events)
    entered = [e for e in events if e["type"] == "PassStateEntered"]
    assert json.loads(entered[1]["stateEnteredEventDetails"]["input"]) == {"x": 20}


def test_run_from_here_starts_at_the_state_with_its_input_and_variables(server):
    sfn = server.client()
    create_machine(sfn, "chain", CHAIN)
    studio = Studio(server.url, "runtime", "pw-runtime-1")
    first = studio.call("POST", "/api/machines/chain/executions", {"input": {}})
    assert wait_done(sfn, first["arn"])["status"] == "SUCCEEDED"

    rerun = studio.call("POST", f"/api/executions/{first['id']}/rerun",
                        {"state": "Double", "input": {"x": 5}, "revision": "same"})
    done = wait_done(sfn, rerun["arn"])
    assert done["status"] == "SUCCEEDED"
    # Double doubles 5 and still sees the variable Prepare assigned in the original run.
    assert json.loads(done["output"]) == {"result": 11, "seen": "prepared"}
    names = [e["stateEnteredEventDetails"]["name"] for e in history(sfn, rerun["arn"])
             if e["type"] == "PassStateEntered"]
    assert names == ["Double", "Finish"]
    origin = studio.call("GET", f"/api/executions/{rerun['id']}/debug")["origin"]
    assert origin == {"machine": "chain", "name": first["name"], "state": "Double"}
