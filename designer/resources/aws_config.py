"""Where Statecraft's AWS calls go and as whom: boto3 sessions built from the SDK's own settings.

Everything the AWS SDK reads by itself applies unchanged: `AWS_PROFILE`, `AWS_ACCESS_KEY_ID` /
`AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, `AWS_REGION` / `AWS_DEFAULT_REGION`,
`AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_S3`), and the
shared config and credentials files.  So one machine runs against real AWS, LocalStack or
moto's server by changing the environment only.

Statecraft adds one setting, `STATECRAFT_AWS_ROLE_PROFILES` (a dict, or JSON in the environment
variable of that name): a state machine's roleArn (or a Task's `Credentials.RoleArn`) → the
name of a credential profile to call AWS with.  The key `"*"` names the profile for roles not
listed.  A role that maps to nothing uses the default credential chain.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from django.conf import settings

from engine.errors import StatesError

_lock = threading.Lock()
_sessions: dict[tuple, Any] = {}
_clients: dict[tuple, Any] = {}

NOT_CONFIGURED = (
    "no AWS credentials are configured. Set the AWS SDK's standard settings in Statecraft's "
    "environment: AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_REGION, and for "
    "LocalStack or moto_server AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_<SERVICE>, e.g. "
    "AWS_ENDPOINT_URL_{service}); map a role to a profile with STATECRAFT_AWS_ROLE_PROFILES; or mock "
    "the state in STATECRAFT_MOCK_CONFIG"
)


class NotConfigured(Exception):
    """No credentials could be found for an AWS call."""


def role_profiles() -> dict[str, str]:
    """The roleArn → profile mapping from the setting or the environment."""
    mapping = getattr(settings, "STATECRAFT_AWS_ROLE_PROFILES", None)
    if mapping is None:
        text = os.environ.get("STATECRAFT_AWS_ROLE_PROFILES", "")
        mapping = json.loads(text) if text.strip() else {}
    return dict(mapping)


def profile_for(role_arn: str | None) -> str | None:
    mapping = role_profiles()
    if role_arn and role_arn in mapping:
        return mapping[role_arn]
    return mapping.get("*")


def _environment_key() -> tuple:
    # Sessions read the environment when made: a changed environment (tests, a reconfigured
    # server) gets fresh sessions and clients.
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))


def session(profile: str | None) -> Any:
    import boto3.session

    key = (profile, _environment_key())
    with _lock:
        found = _sessions.get(key)
        if found is None:
            found = _sessions[key] = boto3.session.Session(profile_name=profile)
        return found


def client(service: str, *, role_arn: str | None, region: str) -> Any:
    """A boto3 client of botocore service `service` for the role's profile (cached, thread-safe)."""
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    profile = profile_for(role_arn)
    try:
        sdk_session = session(profile)
    except ProfileNotFound:
        raise StatesError(
            f"The credential profile '{profile}' (STATECRAFT_AWS_ROLE_PROFILES, role {role_arn}) does not exist.",
            error="States.Runtime",
        ) from None
    region = sdk_session.region_name or region
    key = (id(sdk_session), service, region)
    with _lock:
        found = _clients.get(key)
    if found is not None:
        return found
    if sdk_session.get_credentials() is None:
        raise NotConfigured(service)
    made = sdk_session.client(service, region_name=region, config=Config(
        connect_timeout=5, read_timeout=70, retries={"mode": "standard", "max_attempts": 3}))
    with _lock:
        return _clients.setdefault(key, made)


def not_configured(resource: str, env_service: str) -> StatesError:
    """The failure of an integration that has neither AWS settings nor a mocked response."""
    return StatesError(f"The service integration '{resource}' cannot run: "
                       + NOT_CONFIGURED.format(service=env_service), error="States.Runtime")


def endpoint_configured(env_service: str) -> bool:
    """True when AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE> is set."""
    return bool(os.environ.get("AWS_ENDPOINT_URL") or os.environ.get(f"AWS_ENDPOINT_URL_{env_service}"))
