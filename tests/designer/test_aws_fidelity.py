"""AWS's observable behaviour where it is easy to get subtly wrong: orders, exact messages and the
members of responses, checked through boto3 against the live server. The texts are AWS's own, as
recorded against real Step Functions."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.designer.conftest import definition_text

pytestmark = pytest.mark.django_db(transaction=True)
ROLE = "arn:aws:iam::000000000000:role/fidelity"


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def create(sfn, name: str, **kwargs) -> dict:
    return sfn.create_state_machine(name=name, definition=definition_text(), roleArn=ROLE, **kwargs)


def test_list_state_machines_orders_by_name_as_strings(sfn):
    for name in ("m-2", "m-10", "b", "M-3", "m_1", "a-1"):
        create(sfn, name)
    listed = [m["name"] for m in sfn.list_state_machines()["stateMachines"]]
    assert listed == ["M-3", "a-1", "b", "m-10", "m-2", "m_1"]
    first = sfn.list_state_machines(maxResults=4)
    rest = sfn.list_state_machines(maxResults=4, nextToken=first["nextToken"])
    assert [m["name"] for m in first["stateMachines"] + rest["stateMachines"]] == listed


def test_update_state_machine_on_a_version_arn_says_the_machine_does_not_exist(sfn):
    version = create(sfn, "versioned", publish=True)["stateMachineVersionArn"]
    for arn in (version, version[:-1] + "7"):
        assert error_of(sfn.update_state_machine, stateMachineArn=arn, definition=definition_text("v2")) == (
            "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def test_unknown_alias_is_a_resource_that_does_not_exist(sfn):
    version = create(sfn, "aliased", publish=True)["stateMachineVersionArn"]
    missing = version.rsplit(":", 1)[0] + ":nosuchalias"
    routing = [{"stateMachineVersionArn": version, "weight": 100}]
    assert error_of(sfn.update_state_machine_alias, stateMachineAliasArn=missing, routingConfiguration=routing) == (
        "ResourceNotFound", "Request references a resource that does not exist.")
    assert error_of(sfn.describe_state_machine_alias, stateMachineAliasArn=missing)[0] == "ResourceNotFound"
    sfn.delete_state_machine_alias(stateMachineAliasArn=missing)  # AWS: deleting nothing succeeds


# ─── DescribeExecution: which members each status has ────────────────────────────────────────


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """A boto3 client of the runtime's own server, where executions run to their end."""
    from tests.designer.runtime_server import RuntimeServer

    server = RuntimeServer(tmp_path_factory.mktemp("fidelity")).setup()
    try:
        yield server.client()
    finally:
        server.stop()


def _run(sfn, name: str, states: dict, **machine) -> dict:
    arn = sfn.create_state_machine(name=name, roleArn=ROLE, definition=json.dumps(
        {"StartAt": next(iter(states)), "States": states, **machine}))["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input='{"a": 1}')["executionArn"]
    deadline = time.monotonic() + 30
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, described
        time.sleep(0.1)
    return described


def test_describe_execution_members_follow_the_status(runtime):
    sfn = runtime
    succeeded = _run(sfn, "ok", {"P": {"Type": "Pass", "End": True}})
    assert succeeded["status"] == "SUCCEEDED" and json.loads(succeeded["output"]) == {"a": 1}
    assert succeeded["outputDetails"] == {"included": True} and not {"error", "cause"} & set(succeeded)

    failed = _run(sfn, "fails", {"F": {"Type": "Fail", "Error": "Oops", "Cause": "it broke"}})
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Oops", "it broke")
    assert not {"output", "outputDetails"} & set(failed)

    # AWS: a timed-out execution reports neither error nor cause (its history has them).
    timed_out = _run(sfn, "slow", {"W": {"Type": "Wait", "Seconds": 30, "End": True}}, TimeoutSeconds=1)
    assert timed_out["status"] == "TIMED_OUT"
    assert not {"error", "cause", "output", "outputDetails"} & set(timed_out)
    assert "stopDate" in timed_out


def test_running_and_stopped_executions(runtime):
    sfn = runtime
    arn = sfn.create_state_machine(name="waits", roleArn=ROLE, definition=json.dumps(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}))["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    running = sfn.describe_execution(executionArn=execution)
    assert running["status"] == "RUNNING"
    assert not {"stopDate", "output", "outputDetails", "error", "cause"} & set(running)
    sfn.stop_execution(executionArn=execution, error="Halt", cause="by hand")
    aborted = sfn.describe_execution(executionArn=execution)
    assert (aborted["status"], aborted["error"], aborted["cause"]) == ("ABORTED", "Halt", "by hand")
    assert not {"output", "outputDetails"} & set(aborted)


def test_failed_sync_express_execution_reports_output_details_without_output(sfn):
    arn = sfn.create_state_machine(name="express-fails", roleArn=ROLE, type="EXPRESS", definition=json.dumps(
        {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "it broke"}}}))["stateMachineArn"]
    response = sfn.start_sync_execution(stateMachineArn=arn)
    assert (response["status"], response["error"], response["cause"]) == ("FAILED", "Oops", "it broke")
    assert response["outputDetails"] == {"included": True} and "output" not in response


# ─── EXPRESS machines: Request Response only ─────────────────────────────────────────────────

CALLBACK = {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True,
                  "Parameters": {"QueueUrl": "https://sqs/q", "MessageBody": {"t.$": "$$.Task.Token"}}}}


def test_express_machines_refuse_callback_tasks_at_create_update_and_validate(sfn):
    definition = json.dumps({"StartAt": "T", "States": CALLBACK})
    code, message = error_of(sfn.create_state_machine, name="x", roleArn=ROLE, type="EXPRESS", definition=definition)
    assert code == "InvalidDefinition"
    assert message == ("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not "
                       "support '.waitForTaskToken' service integration at /States/T/Resource'")
    assert sfn.create_state_machine(name="std", roleArn=ROLE, definition=definition)["stateMachineArn"]

    express = sfn.create_state_machine(name="ex", roleArn=ROLE, type="EXPRESS", definition=definition_text())
    code, _ = error_of(sfn.update_state_machine, stateMachineArn=express["stateMachineArn"], definition=definition)
    assert code == "InvalidDefinition"

    checked = sfn.validate_state_machine_definition(definition=definition, type="EXPRESS")
    assert checked["result"] == "FAIL"
    assert [(d["code"], d["location"]) for d in checked["diagnostics"]] == [
        ("SCHEMA_VALIDATION_FAILED", "/States/T/Resource")]
    assert sfn.validate_state_machine_definition(definition=definition, type="STANDARD")["result"] == "OK"


# ─── aliases: AWS's routing messages ─────────────────────────────────────────────────────────


def test_alias_routing_configurations_are_refused_with_aws_messages(sfn):
    machine = create(sfn, "routed", publish=True)["stateMachineArn"]
    sfn.update_state_machine(stateMachineArn=machine, definition=definition_text("v2"), publish=True)
    v1, v2 = f"{machine}:1", f"{machine}:2"

    def refused(*routes):
        return error_of(sfn.create_state_machine_alias, name="live", routingConfiguration=[
            {"stateMachineVersionArn": arn, "weight": weight} for arn, weight in routes])

    assert refused((machine, 50), (v2, 50)) == (
        "ValidationException", f"Routing configuration must contain state machine version ARNs. Received: "
                               f"[{machine}, {v2}]")
    assert refused((v1, 50), (v1, 50)) == (
        "ValidationException", f"Routing configuration must contain distinct state machine version ARNs. "
                               f"Received: [{v1}, {v1}]")
    assert refused((v1, 70), (v2, 29)) == (
        "ValidationException", "Sum of routing configuration weights must equal 100. Received: [70, 29]")
    created = sfn.create_state_machine_alias(name="live", routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 100}])
    assert error_of(sfn.create_state_machine_alias, name="live", routingConfiguration=[
        {"stateMachineVersionArn": v2, "weight": 100}]) == (
        "ConflictException", "Failed to create alias because an alias with the same name and a different routing "
                             "configuration already exists.")
    assert error_of(sfn.delete_state_machine_version, stateMachineVersionArn=v1) == (
        "ConflictException", "Version to be deleted must not be referenced by an alias. Current list of aliases "
                             "referencing this version: [live]")
    assert created["stateMachineAliasArn"] == f"{machine}:live"


def test_unreadable_pagination_tokens_are_refused_with_aws_text(sfn):
    machine = create(sfn, "paged", publish=True)["stateMachineArn"]
    sfn.create_state_machine_alias(name="a1", routingConfiguration=[
        {"stateMachineVersionArn": f"{machine}:1", "weight": 100}])
    for call, kwargs in ((sfn.list_state_machines, {}), (sfn.list_state_machine_aliases, {"stateMachineArn": machine}),
                         (sfn.list_state_machine_versions, {"stateMachineArn": machine}),
                         (sfn.list_activities, {})):
        assert error_of(call, nextToken="not-a-token", **kwargs) == ("InvalidToken", "Invalid Token: 'Invalid token'")


def test_list_executions_of_a_version_or_alias_names_them(sfn):
    """AWS: an execution started through an alias is associated with the alias and its version,
    one started through a version with that version only; the listings say so."""
    machine = sfn.create_state_machine(name="listed", roleArn=ROLE, publish=True, definition=json.dumps(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}))["stateMachineArn"]
    version = f"{machine}:1"
    alias = sfn.create_state_machine_alias(name="prod", routingConfiguration=[
        {"stateMachineVersionArn": version, "weight": 100}])["stateMachineAliasArn"]
    through_alias = sfn.start_execution(stateMachineArn=alias, name="via-alias")["executionArn"]
    through_version = sfn.start_execution(stateMachineArn=version, name="via-version")["executionArn"]
    sfn.start_execution(stateMachineArn=machine, name="plain")

    def listed(arn):
        return {e["name"]: e for e in sfn.list_executions(stateMachineArn=arn)["executions"]}

    everything = listed(machine)
    assert set(everything) == {"via-alias", "via-version", "plain"}
    assert (everything["via-alias"]["stateMachineAliasArn"], everything["via-alias"]["stateMachineVersionArn"]) == (
        alias, version)
    assert everything["via-version"]["stateMachineVersionArn"] == version
    assert "stateMachineAliasArn" not in everything["via-version"]
    assert not {"stateMachineAliasArn", "stateMachineVersionArn"} & set(everything["plain"])
    assert all(e["stateMachineArn"] == machine for e in everything.values())
    assert set(listed(version)) == {"via-alias", "via-version"}
    assert set(listed(alias)) == {"via-alias"}
    assert listed(alias)["via-alias"]["executionArn"] == through_alias != through_version
