"""Writes: the studio's Settings tab for one machine (role, logging, tracing, encryption, tags).

Encryption follows the shape of AWS's EncryptionConfiguration
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_EncryptionConfiguration.html);
Statecraft keeps no keys of its own, so the setting is recorded and reported, not applied.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from designer import checks, errors
from designer.models import StateMachine
from designer.services import machines
from designer.services.tags import MAX_TAGS

ENCRYPTION_TYPES = ("AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY")


def check_encryption(configuration: dict) -> dict:
    """AWS's rules for EncryptionConfiguration, with its error texts where it has them."""
    kind = configuration.get("type")
    if kind not in ENCRYPTION_TYPES:
        raise errors.ValidationException(f"encryptionConfiguration.type must be one of {', '.join(ENCRYPTION_TYPES)}")
    if kind == "AWS_OWNED_KEY":
        return {"type": kind}
    key = str(configuration.get("kmsKeyId") or "").strip()
    if not key:
        raise errors.ValidationException("kmsKeyId is required when type is CUSTOMER_MANAGED_KMS_KEY")
    period = configuration.get("kmsDataKeyReusePeriodSeconds", 300)
    if not isinstance(period, int) or isinstance(period, bool) or not 60 <= period <= 900:
        raise errors.ValidationException("kmsDataKeyReusePeriodSeconds must be between 60 and 900")
    return {"type": kind, "kmsKeyId": key, "kmsDataKeyReusePeriodSeconds": period}


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise errors.TooManyTags(f"Too many tags: at most {MAX_TAGS} per resource")
    for key, value in tags.items():
        if not key or len(key) > 128 or key.startswith("aws:"):
            raise errors.ValidationException(f"Invalid tag key: '{key}' (1-128 characters, not starting with aws:)")
        if len(value) > 256:
            raise errors.ValidationException(f"The value of tag '{key}' is longer than 256 characters")
    return dict(tags)


@transaction.atomic
def settings_update(
    *, machine: StateMachine, role_arn: str | None = None, logging: dict | None = None,
    tracing: dict | None = None, encryption: dict | None = None, tags: dict[str, str] | None = None,
) -> StateMachine:
    """Apply the Settings form; parts left out (None) stay as they are."""
    machine = StateMachine.objects.select_for_update().get(pk=machine.pk)
    before = (machine.role_arn, machine.logging_configuration, machine.tracing_configuration)
    if role_arn is not None:
        checks.check_role_arn(role_arn)
        machine.role_arn = role_arn or machines.default_role_arn()
    if logging is not None:
        machine.logging_configuration = checks.check_logging(logging)
    if tracing is not None:
        machine.tracing_configuration = {"enabled": bool(tracing.get("enabled"))}
    if encryption is not None:
        machine.encryption_configuration = check_encryption(encryption)
    if tags is not None:
        machine.tags = check_tags(tags)
    if (machine.role_arn, machine.logging_configuration, machine.tracing_configuration) != before:
        # AWS: changing the role, logging or tracing is an update, which gets a new revisionId.
        # No revision row is added: those hold definitions, and a studio draft stays the newest.
        machine.revision_id = str(uuid.uuid4())
    machine.save()
    return machine
