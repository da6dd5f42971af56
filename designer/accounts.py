"""Each user's own AWS account id, as it appears in every ARN of their resources.

The first account handed out is STATECRAFT_ACCOUNT_ID (000000000000 unless configured), so a
one-user setup keeps the ARNs it always had; every later user gets a random 12-digit id of
their own. An ARN naming another account is refused (`check_account`), as AWS refuses access to
another account's resources without a resource policy.
"""

from __future__ import annotations

import secrets

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction


class ForeignAccount(Exception):
    """An ARN names an account other than the caller's; `str(exc)` is AWS's message."""


def account_id_for(user_or_id) -> str:
    """The account id of a user (a user object or its primary key), assigned on first use."""
    Account = apps.get_model("designer", "Account")  # noqa: N806  (models import this module)
    user_id = getattr(user_or_id, "pk", user_or_id)
    if user_id is None:
        return settings.STATECRAFT_ACCOUNT_ID
    found = Account.objects.filter(user_id=user_id).values_list("account_id", flat=True).first()
    if found is not None:
        return found
    for _ in range(5):
        candidate = (settings.STATECRAFT_ACCOUNT_ID if not Account.objects.exists()
                     else f"{secrets.randbelow(10**12):012d}")
        try:
            with transaction.atomic():
                return Account.objects.create(user_id=user_id, account_id=candidate).account_id
        except IntegrityError:
            found = Account.objects.filter(user_id=user_id).values_list("account_id", flat=True).first()
            if found is not None:
                return found  # another request assigned it meanwhile
    raise IntegrityError("could not assign an account id")


def check_account(arn_account: str, user, arn: str, action: str = "states:*") -> None:
    """Refuse an ARN whose account is not the caller's own."""
    own = account_id_for(user)
    if arn_account != own:
        raise ForeignAccount(
            f"User: arn:aws:iam::{own}:user/{getattr(user, 'username', user)} is not authorized to perform: "
            f"{action} on resource: {arn} because no resource-based policy allows the {action} action"
        )
