"""Encryption at rest for secrets the server must read back (access-key secrets: SigV4 needs the
plaintext to compute the expected signature, so a one-way hash cannot do).

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with a key derived from SECRET_KEY by
HKDF; keys derived from SECRET_KEY_FALLBACKS still decrypt, so the secret key can be rotated the
way Django rotates it. A database file copied off the machine no longer gives the secrets away.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"statecraft access-key secrets v1"


def _fernet_key(secret_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=4)
def _box(secret_key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in (secret_key, *fallbacks)])


def _current() -> MultiFernet:
    return _box(settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()) or ()))


def encrypt(plaintext: str) -> str:
    """A token that only this installation's secret key opens."""
    return _current().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str | None:
    """The plaintext, or None when the token was made with a secret key no longer configured."""
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
