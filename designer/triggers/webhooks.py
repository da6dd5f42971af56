"""Webhooks: a secret URL per machine (or alias) that starts an execution from an HTTP POST.

A JSON body is the input; any other content type arrives as {"body": "<text>", "contentType": …}.
An optional HMAC-SHA256 check reads the configured header, in GitHub's form (`sha256=<hex>`),
Stripe's (`t=<unix time>,v1=<hex>` over "<t>.<body>") or as bare hex or base64. Calls are
limited per webhook per minute, counted from the recorded calls, so every process agrees.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from designer import errors, selectors
from designer.services import executions
from designer.triggers.errors import Conflict, NotFound
from designer.triggers.models import FireStatus, TriggerFire, Webhook

# AWS: an execution's input is at most 256 KiB.
MAX_BODY_BYTES = 256 * 1024
STRIPE_TOLERANCE_SECONDS = 300


@dataclass
class Answer:
    """What the HTTP adapter sends back: a status and a JSON body (and headers)."""

    status: int
    body: dict
    headers: dict | None = None


def webhook_create(*, machine, name: str | None = None, alias=None, signature_header: str = "",
                   signature_secret: str = "", rate_limit_per_minute: int = 60) -> Webhook:
    name = name or (f"{machine.name}-{alias.name}" if alias is not None else machine.name)
    try:
        with transaction.atomic():
            return Webhook.objects.create(
                machine=machine, alias=alias, name=name, token=secrets.token_urlsafe(24),
                signature_header=signature_header, signature_secret=signature_secret,
                rate_limit_per_minute=rate_limit_per_minute,
            )
    except IntegrityError:
        raise Conflict(f"Webhook {name} already exists for {machine.name}.") from None


def webhook_update(*, webhook: Webhook, **changes) -> Webhook:
    for key, value in changes.items():
        if value is not None:
            setattr(webhook, key, value)
    webhook.save()
    return webhook


def webhook_get(*, owner, pk: int) -> Webhook:
    found = Webhook.objects.select_related("machine", "alias").filter(pk=pk, machine__owner=owner).first()
    if found is None:
        raise NotFound(f"Webhook {pk} does not exist.")
    return found


def path_for(webhook: Webhook) -> str:
    return f"/webhooks/{webhook.token}"


def _signature_ok(webhook: Webhook, body: bytes, header_value: str | None) -> bool:
    if not header_value:
        return False
    secret = webhook.signature_secret.encode()
    value = header_value.strip()
    if value.startswith("t=") and ",v1=" in value:  # Stripe
        parts = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
        stamp = parts.get("t", "")
        if not stamp.isdigit() or abs(timezone.now().timestamp() - int(stamp)) > STRIPE_TOLERANCE_SECONDS:
            return False
        expected = hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        return any(hmac.compare_digest(expected, v) for k, v in
                   (item.split("=", 1) for item in value.split(",") if "=" in item) if k == "v1")
    digest = hmac.new(secret, body, hashlib.sha256)
    if value.startswith("sha256="):  # GitHub
        value = value[len("sha256="):]
    return hmac.compare_digest(digest.hexdigest(), value.lower()) or hmac.compare_digest(
        base64.b64encode(digest.digest()).decode(), value)


def _record(webhook: Webhook, status: str, reason: str = "", execution_arn: str = "") -> TriggerFire:
    return TriggerFire.objects.create(
        kind="webhook", owner=webhook.machine.owner, webhook=webhook, trigger_name=webhook.name,
        target_arn=webhook.alias.arn if webhook.alias else webhook.machine.arn, status=status, reason=reason,
        execution_arn=execution_arn, attempts=1,
    )


def _input(body: bytes, content_type: str) -> str | Answer:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        try:
            json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            return Answer(400, {"error": "InvalidJson", "message": f"The body is not valid JSON: {exc}"})
        return body.decode() if body else "{}"
    text = body.decode("utf-8", errors="replace")
    return json.dumps({"body": text, "contentType": content_type or ""})


def call(*, token: str, body: bytes, content_type: str, headers: dict, wait: bool) -> Answer:
    """One POST to a webhook URL: check it, start the execution, record the call."""
    webhook = Webhook.objects.select_related("machine", "alias", "machine__owner").filter(token=token).first()
    if webhook is None:
        return Answer(404, {"error": "UnknownWebhook", "message": "No webhook has this URL."})
    if not webhook.enabled:
        _record(webhook, FireStatus.REJECTED, "The webhook is disabled.")
        return Answer(403, {"error": "WebhookDisabled", "message": "This webhook is disabled."})
    if len(body) > MAX_BODY_BYTES:
        # Only the size limit is named: the view does not read a body whose Content-Length is over it.
        _record(webhook, FireStatus.REJECTED, f"Body of more than {MAX_BODY_BYTES} bytes is over the limit.")
        return Answer(413, {"error": "PayloadTooLarge",
                            "message": f"The body is over {MAX_BODY_BYTES} bytes, the most accepted."})
    recent = TriggerFire.objects.filter(webhook=webhook, created__gte=timezone.now() - timedelta(minutes=1)).count()
    if recent >= webhook.rate_limit_per_minute:
        return Answer(429, {"error": "TooManyRequests",
                            "message": f"This webhook accepts {webhook.rate_limit_per_minute} calls a minute."},
                      {"Retry-After": "60"})
    if webhook.signature_header:
        if not _signature_ok(webhook, body, headers.get(webhook.signature_header.lower())):
            _record(webhook, FireStatus.REJECTED, f"Missing or wrong signature in {webhook.signature_header}.")
            return Answer(401, {"error": "BadSignature",
                                "message": f"The {webhook.signature_header} header does not sign this body."})
    payload = _input(body, content_type)
    if isinstance(payload, Answer):
        _record(webhook, FireStatus.REJECTED, payload.body["message"])
        return payload
    target = selectors.Target(machine=webhook.machine, alias=webhook.alias)
    try:
        if wait and webhook.machine.type == "EXPRESS":
            result = executions.sync_execution_run(state_machine=target, input=payload)
            _record(webhook, FireStatus.STARTED, execution_arn=result["executionArn"])
            return Answer(200, {k: (v.timestamp() if hasattr(v, "timestamp") else v) for k, v in result.items()})
        execution, _ = executions.execution_start(state_machine=target, input=payload)
    except errors.ServiceError as exc:
        _record(webhook, FireStatus.FAILED, f"{exc.code}: {exc.message}")
        return Answer(400, {"error": exc.code, "message": exc.message})
    _record(webhook, FireStatus.STARTED, execution_arn=execution.arn)
    return Answer(202, {"executionArn": execution.arn, "startDate": execution.start_date.timestamp()})
