"""Access keys: secrets encrypted at rest (readable back for SigV4, never stored in the clear)."""

from __future__ import annotations

import pytest
from django.db import connection

from designer.models import AccessKey
from designer.services import access_keys

pytestmark = pytest.mark.django_db


def _raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM designer_accesskey")
        return cursor.fetchall()


def test_access_key_secrets_are_not_stored_in_the_clear(user):
    key = access_keys.access_key_create(user=user, secret="a-very-recognisable-secret-0123456789")
    access_keys.ensure_access_key(user, "test", "test")
    stored = " ".join(str(value) for row in _raw_rows() for value in row)
    assert "a-very-recognisable-secret" not in stored
    assert AccessKey.objects.get(pk=key.pk).secret == "a-very-recognisable-secret-0123456789"
    assert AccessKey.objects.get(access_key_id="test").secret == "test"


def test_a_secret_encrypted_under_another_secret_key_is_unreadable_not_an_error(user, settings):
    key = access_keys.access_key_create(user=user)
    plaintext, old_secret_key = key.secret, settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-entirely-0123456789-abcdef"
    assert AccessKey.objects.get(pk=key.pk).secret is None
    # Rotating the secret key the Django way keeps the secrets readable.
    settings.SECRET_KEY_FALLBACKS = [old_secret_key]
    assert AccessKey.objects.get(pk=key.pk).secret == plaintext
