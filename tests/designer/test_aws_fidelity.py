"""AWS's observable behaviour where it is easy to get subtly wrong: orders, exact messages and the
members of responses, checked through boto3 against the live server. The texts are AWS's own, as
recorded against real Step Functions."""

from __future__ import annotations

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
