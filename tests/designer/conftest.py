"""Shared fixtures for tests/designer (pytest-django).

`user`, `other_user`: ordinary users. `access_key`: the `user`'s SigV4 key (test-key/test-secret).
`sfn` (function scope): a boto3 Step Functions client signed as `user`, pointed at
pytest-django's `live_server` (the API is plain Django HTTP, so the WSGI live server serves it;
the channels/daphne server lives in tests/e2e). `sfn_client_for(user, region=…)` makes more.
`definition_text(**states)`: a small valid definition as JSON text.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config

from designer.services import access_keys

ACCESS_KEY_ID = "test-key"
SECRET = "test-secret"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="pw-alice-123")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="pw-bob-12345")


@pytest.fixture
def access_key(user):
    return access_keys.ensure_access_key(user, ACCESS_KEY_ID, SECRET)


def make_client(url: str, key_id: str, secret: str, region: str = "us-east-1", validate: bool = True):
    """A boto3 Step Functions client for `url`; validate=False lets bad input reach the server."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(
            retries={"max_attempts": 1}, inject_host_prefix=False, read_timeout=90, parameter_validation=validate
        ),
    )


@pytest.fixture
def sfn_client_for(live_server):
    def build(user, region: str = "us-east-1"):
        key = access_keys.access_key_create(user=user)
        return make_client(live_server.url, key.access_key_id, key.secret, region)

    return build


@pytest.fixture
def sfn(live_server, access_key):
    return make_client(live_server.url, ACCESS_KEY_ID, SECRET)


def definition_text(comment: str = "pass") -> str:
    return json.dumps(
        {
            "Comment": comment,
            "StartAt": "Hello",
            "States": {"Hello": {"Type": "Pass", "Result": {"ok": 1}, "End": True}},
        }
    )


@pytest.fixture
def role_arn() -> str:
    return "arn:aws:iam::000000000000:role/test-role"


# Lines any test module may add (e.g. a conformance pass rate); printed after the run.
SUMMARY_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)
