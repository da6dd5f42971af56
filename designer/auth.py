"""AWS Signature Version 4 verification for the Step Functions API.

A request must carry `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/
states/aws4_request, SignedHeaders=…, Signature=…` made with an enabled `AccessKey`'s secret.
The key decides the user; the credential scope decides the region of every ARN in the request.
The payload hash in the canonical request is always computed from the body received, so a
signature binds the body; an `X-Amz-Content-Sha256` header, when sent, must agree with it.
Algorithm: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

from designer.models import AccessKey

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_CLOCK_SKEW = timedelta(minutes=15)
# AWS: only S3 (and presigned URLs) accept an unsigned payload; Step Functions signs the body.
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


class AuthError(Exception):
    """A refused request; `code` and `message` exactly as AWS answers them."""

    def __init__(self, code: str, message: str, http_status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class Identity:
    user: object
    access_key: AccessKey
    region: str


def _meta_header(meta, name: str) -> str | None:
    if name == "content-type":
        return meta.get("CONTENT_TYPE")
    if name == "content-length":
        return meta.get("CONTENT_LENGTH")
    return meta.get("HTTP_" + name.upper().replace("-", "_"))


def _canonical_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature_for(
    *,
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    signed_headers: list[str],
    body: bytes,
    amz_date: str,
    scope: str,
    secret: str,
) -> str:
    """The hex signature AWS would compute for this request (exposed for tests).

    The payload hash is the body's own: a header claiming another hash changes nothing here
    (`authenticate` refuses such a header before it gets this far).
    """
    payload_hash = hashlib.sha256(body).hexdigest()
    canonical_headers = "".join(f"{name}:{' '.join((headers.get(name) or '').split())}\n" for name in signed_headers)
    canonical_request = "\n".join(
        [
            method,
            quote(path or "/", safe="/-_.~"),
            _canonical_query(query_string),
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
    date, region, service, _ = scope.split("/")
    return hmac.new(_signing_key(secret, date, region, service), string_to_sign.encode(), hashlib.sha256).hexdigest()


def authenticate(request, *, now: datetime | None = None) -> Identity:
    """Verify the request's SigV4 signature; raise AuthError with AWS's code and message."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        raise AuthError("MissingAuthenticationTokenException", "Missing Authentication Token")
    match = _AUTH_RE.match(header)
    if not match:
        raise AuthError(
            "IncompleteSignatureException",
            f"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. "
            f"Authorization={header}",
        )
    credential = match["credential"].split("/")
    if len(credential) != 5 or credential[4] != "aws4_request":
        raise AuthError("IncompleteSignatureException", "Credential should be scoped to a valid region. ")
    key_id, date, region, service, _ = credential
    key = AccessKey.objects.select_related("user").filter(access_key_id=key_id, enabled=True).first()
    if key is None or not key.user.is_active or key.secret is None:
        raise AuthError("UnrecognizedClientException", "The security token included in the request is invalid.")
    amz_date = request.META.get("HTTP_X_AMZ_DATE", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise AuthError("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. ") from None
    _check_date(amz_date, signed_at, now or datetime.now(UTC))
    body = request.body
    _check_payload_header(request.META.get("HTTP_X_AMZ_CONTENT_SHA256"), body)
    signed_headers = match["signed"].lower().split(";")
    headers = {name: _meta_header(request.META, name) or "" for name in signed_headers}
    expected = signature_for(
        method=request.method,
        path=request.path,
        query_string=request.META.get("QUERY_STRING", ""),
        headers=headers,
        signed_headers=signed_headers,
        body=body,
        amz_date=amz_date,
        scope="/".join([date, region, service, "aws4_request"]),
        secret=key.secret,
    )
    if not hmac.compare_digest(expected, match["signature"].lower()):
        raise AuthError("InvalidSignatureException", _SIGNATURE_MISMATCH)
    return Identity(user=key.user, access_key=key, region=region)


def _check_date(amz_date: str, signed_at: datetime, now: datetime) -> None:
    """AWS's two messages: a signature from the future is "not yet current", an old one "expired"."""
    fmt = "%Y%m%dT%H%M%SZ"
    if signed_at - now > MAX_CLOCK_SKEW:
        raise AuthError(
            "InvalidSignatureException",
            f"Signature not yet current: {amz_date} is still later than {(now + MAX_CLOCK_SKEW).strftime(fmt)} "
            f"({now.strftime(fmt)} + 15 min.)",
        )
    if now - signed_at > MAX_CLOCK_SKEW:
        raise AuthError(
            "InvalidSignatureException",
            f"Signature expired: {amz_date} is now earlier than {(now - MAX_CLOCK_SKEW).strftime(fmt)} "
            f"({now.strftime(fmt)} - 15 min.)",
        )


def _check_payload_header(claimed: str | None, body: bytes) -> None:
    """An X-Amz-Content-Sha256 header must be the body's hash; UNSIGNED-PAYLOAD is S3's alone."""
    if claimed is None:
        return
    if claimed.strip() == UNSIGNED_PAYLOAD:
        raise AuthError("InvalidSignatureException", _SIGNATURE_MISMATCH)
    if not hmac.compare_digest(claimed.strip().lower(), hashlib.sha256(body).hexdigest()):
        raise AuthError(
            "InvalidSignatureException",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )
