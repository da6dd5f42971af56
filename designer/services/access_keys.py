"""SigV4 access keys of the AWS API's users."""

from __future__ import annotations

import secrets
import string

from designer.models import AccessKey


def access_key_create(*, user, access_key_id: str | None = None, secret: str | None = None) -> AccessKey:
    """A new SigV4 key for `user` (random AKIA-style id and 40-character secret unless given)."""
    alphabet = string.ascii_uppercase + string.digits
    access_key_id = access_key_id or "AKSC" + "".join(secrets.choice(alphabet) for _ in range(16))
    secret = secret or secrets.token_urlsafe(30)[:40]
    return AccessKey.objects.create(user=user, access_key_id=access_key_id, secret=secret)


def ensure_access_key(user, access_key_id: str, secret: str) -> AccessKey:
    """Make `access_key_id`/`secret` an enabled key of `user` (e.g. the local admin's test/test)."""
    key, _ = AccessKey.objects.update_or_create(
        access_key_id=access_key_id, defaults={"user": user, "secret": secret, "enabled": True}
    )
    return key
