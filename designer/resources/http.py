"""`arn:aws:states:::http:invoke`: a real HTTP request with urllib, behind a host allow-list.

Parameters as AWS documents them (ApiEndpoint, Method, Headers, QueryParameters, RequestBody,
Transform); the result is `{"Headers", "ResponseBody", "StatusCode", "StatusText"}`. A non-2xx
answer fails with `States.Http.StatusCode.<code>`; a connection problem with
`States.Http.Socket`. STATECRAFT_HTTP_ALLOWED_HOSTS (setting, or comma-separated environment
variable) lists the hosts that may be called (`*.example.com` patterns; empty: any public host).
Loopback, private, link-local and other non-public addresses are refused unless their host is
listed explicitly, so a workflow cannot reach into the server's own network by accident.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from engine.errors import StatesError

TIMEOUT_SECONDS = 60


def allowed_hosts() -> list[str]:
    value = getattr(settings, "STATECRAFT_HTTP_ALLOWED_HOSTS", None)
    if value is None:
        value = os.environ.get("STATECRAFT_HTTP_ALLOWED_HOSTS", "")
    if isinstance(value, str):
        value = [h.strip() for h in value.split(",") if h.strip()]
    return [h.lower() for h in value]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def check_host(host: str) -> None:
    """Raise States.Runtime when `host` may not be called."""
    host = host.lower().strip("[]")
    patterns = allowed_hosts()
    listed = any(fnmatch.fnmatchcase(host, p) for p in patterns if p != "*")
    if patterns and not listed and "*" not in patterns:
        raise StatesError(
            f"The host '{host}' is not in STATECRAFT_HTTP_ALLOWED_HOSTS, so HTTP Task states may not call it.",
            error="States.Runtime",
        )
    if listed:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise StatesError(f"Unable to resolve host '{host}': {exc}", error="States.Http.Socket") from None
    for address in addresses:
        if not _public(address.split("%", 1)[0]):
            raise StatesError(
                f"The host '{host}' resolves to the non-public address {address}; list it in "
                "STATECRAFT_HTTP_ALLOWED_HOSTS to allow HTTP Task states to call it.",
                error="States.Runtime",
            )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a host the allow-list and the address rules permit."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        host = urllib.parse.urlsplit(newurl).hostname or ""
        check_host(host)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def _encode_query(params: dict) -> str:
    pairs = []
    for key, value in (params or {}).items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item if isinstance(item, str) else json.dumps(item)))
    return urllib.parse.urlencode(pairs)


def _body(parameters: dict, headers: dict) -> bytes | None:
    if "RequestBody" not in parameters:
        return None
    body = parameters["RequestBody"]
    encoding = (parameters.get("Transform") or {}).get("RequestBodyEncoding", "NONE")
    if encoding == "URL_ENCODED" and isinstance(body, dict):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return _encode_query(body).encode()
    if isinstance(body, str):
        headers.setdefault("Content-Type", "text/plain")
        return body.encode()
    headers.setdefault("Content-Type", "application/json")
    return json.dumps(body).encode()


def invoke(parameters: dict) -> dict:
    """Send the request (blocking; the runtime calls this on a worker thread)."""
    if not isinstance(parameters, dict) or not parameters.get("ApiEndpoint") or not parameters.get("Method"):
        raise StatesError("The http:invoke parameters need ApiEndpoint and Method.", error="States.Runtime")
    url = parameters["ApiEndpoint"]
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise StatesError(f"The ApiEndpoint '{url}' is not an http(s) URL.", error="States.Runtime")
    check_host(parsed.hostname)
    query = _encode_query(parameters.get("QueryParameters") or {})
    if query:
        url = f"{url}{'&' if parsed.query else '?'}{query}"
    headers = {str(k): str(v) for k, v in (parameters.get("Headers") or {}).items()}
    data = _body(parameters, headers)
    request = urllib.request.Request(url, data=data, headers=headers, method=str(parameters["Method"]).upper())
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, reason = response.status, response.reason
            raw_headers, raw = response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, reason, raw_headers, raw = exc.code, exc.reason, exc.headers, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StatesError(f"Failed to connect to {parsed.hostname}: {reason}", error="States.Http.Socket") from None
    text = raw.decode("utf-8", errors="replace")
    try:
        body: Any = json.loads(text) if text else ""
    except ValueError:
        body = text
    result = {
        "Headers": {k: [v] for k, v in raw_headers.items()},
        "ResponseBody": body,
        "StatusCode": status,
        "StatusText": reason or "",
    }
    if not 200 <= status < 300:
        raise StatesError(json.dumps(result), error=f"States.Http.StatusCode.{status}")
    return result
