"""SigV4 binds the payload: the hash is computed from the body, never taken from a header.

A captured request must not be replayable with another body; X-Amz-Content-Sha256, when sent,
must agree with the body; UNSIGNED-PAYLOAD is refused (AWS accepts it only for S3); future and
past dates get AWS's two different messages.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.test import RequestFactory

from designer import auth
from tests.designer.conftest import ACCESS_KEY_ID, SECRET

pytestmark = pytest.mark.django_db

TARGET = "AWSStepFunctions.StartExecution"
HOST = "testserver"


def signed_headers(body: bytes, *, content_sha: str | None = None, when: datetime | None = None,
                   sign_content_sha: bool = True) -> dict[str, str]:
    """Headers botocore would send for `body` (optionally with an X-Amz-Content-Sha256)."""
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET, "Host": HOST}
    if content_sha is not None and sign_content_sha:
        headers["X-Amz-Content-Sha256"] = content_sha
    request = AWSRequest(method="POST", url=f"http://{HOST}/", data=body, headers=headers)
    signer = SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET), "states", "us-east-1")
    if when is not None:
        from unittest import mock

        with mock.patch("botocore.auth.get_current_datetime", lambda: when.replace(tzinfo=None)):
            signer.add_auth(request)
    else:
        signer.add_auth(request)
    out = dict(request.headers)
    if content_sha is not None and not sign_content_sha:
        out["X-Amz-Content-Sha256"] = content_sha
    return out


def django_request(body: bytes, headers: dict[str, str]):
    meta = {}
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            continue
        meta["HTTP_" + key] = value
    return RequestFactory().post("/", data=body, content_type=headers["Content-Type"], **meta)


def test_a_rewritten_body_with_the_original_unsigned_hash_header_is_refused(access_key):
    original = b'{"stateMachineArn": "a", "input": "{\\"amount\\": 1}"}'
    forged = b'{"stateMachineArn": "a", "input": "{\\"amount\\": 1000000}"}'
    # botocore signs the body's hash; an attacker adds the original hash as an unsigned header.
    headers = signed_headers(original, content_sha=hashlib.sha256(original).hexdigest(), sign_content_sha=False)
    assert auth.authenticate(django_request(original, headers)).user == access_key.user
    with pytest.raises(auth.AuthError) as excinfo:
        auth.authenticate(django_request(forged, headers))
    assert excinfo.value.code == "InvalidSignatureException"


def test_a_signed_hash_header_that_disagrees_with_the_body_is_refused(access_key):
    original = b'{"a": 1}'
    headers = signed_headers(original, content_sha=hashlib.sha256(original).hexdigest())
    assert auth.authenticate(django_request(original, headers)).user == access_key.user
    with pytest.raises(auth.AuthError) as excinfo:
        auth.authenticate(django_request(b'{"a": 2}', headers))
    assert excinfo.value.code == "InvalidSignatureException"


def test_unsigned_payload_is_refused_by_step_functions(access_key):
    headers = signed_headers(b'{"a": 1}', content_sha="UNSIGNED-PAYLOAD")
    with pytest.raises(auth.AuthError) as excinfo:
        auth.authenticate(django_request(b'{"a": 1}', headers))
    assert excinfo.value.code == "InvalidSignatureException"


def test_a_future_dated_signature_is_not_yet_current(access_key):
    now = datetime(2026, 12, 3, 19, 35, 0, tzinfo=UTC)
    headers = signed_headers(b"{}", when=now + timedelta(minutes=20))
    with pytest.raises(auth.AuthError) as excinfo:
        auth.authenticate(django_request(b"{}", headers), now=now)
    assert excinfo.value.code == "InvalidSignatureException"
    assert excinfo.value.message == (
        "Signature not yet current: 20261203T195500Z is still later than 20261203T195000Z "
        "(20261203T193500Z + 15 min.)"
    )


def test_an_expired_signature_names_both_dates(access_key):
    now = datetime(2026, 12, 3, 19, 35, 0, tzinfo=UTC)
    headers = signed_headers(b"{}", when=now - timedelta(minutes=20))
    with pytest.raises(auth.AuthError) as excinfo:
        auth.authenticate(django_request(b"{}", headers), now=now)
    assert excinfo.value.message == (
        "Signature expired: 20261203T191500Z is now earlier than 20261203T192000Z (20261203T193500Z - 15 min.)"
    )
