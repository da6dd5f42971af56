"""Each user has their own account id in ARNs; an ARN naming another account is refused."""

from __future__ import annotations

import pytest

from designer.services import access_keys
from tests.designer.conftest import definition_text

pytestmark = pytest.mark.django_db(transaction=True)
ROLE = "arn:aws:iam::000000000000:role/r"


def _account(arn: str) -> str:
    return arn.split(":")[4]


def test_users_have_their_own_account_ids(sfn, sfn_client_for, other_user, settings):
    mine = sfn.create_state_machine(name="m", definition=definition_text(), roleArn=ROLE)["stateMachineArn"]
    theirs = sfn_client_for(other_user).create_state_machine(name="m", definition=definition_text(),
                                                             roleArn=ROLE)["stateMachineArn"]
    assert _account(mine) == settings.STATECRAFT_ACCOUNT_ID  # the first account keeps the configured id
    assert _account(theirs) != _account(mine) and len(_account(theirs)) == 12
    assert mine != theirs
    execution = sfn_client_for(other_user).start_execution(stateMachineArn=theirs)["executionArn"]
    assert _account(execution) == _account(theirs)


def test_an_arn_naming_another_account_is_refused(sfn, user):
    machine = sfn.create_state_machine(name="m", definition=definition_text(), roleArn=ROLE)["stateMachineArn"]
    foreign = machine.replace(f":{_account(machine)}:", ":999999999999:")
    with pytest.raises(sfn.exceptions.ClientError) as refused:
        sfn.describe_state_machine(stateMachineArn=foreign)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(sfn.exceptions.ClientError) as refused:
        sfn.start_execution(stateMachineArn=foreign)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert sfn.describe_state_machine(stateMachineArn=machine)["name"] == "m"
    access_keys.access_key_create(user=user)  # keys and accounts are independent
