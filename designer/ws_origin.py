"""The WebSocket origin check: only the studio's own pages may open a stream.

Channels' AllowedHostsOriginValidator compares the Origin's host with ALLOWED_HOSTS and ignores
scheme and port, so a page served from another port of the same host could read execution
streams with the user's cookie. Here the Origin must be exactly the origin the socket was
opened on (scheme, host and port, from the Host header and ws/wss), or one listed in
CSRF_TRUSTED_ORIGINS (the public origin when a proxy rewrites the Host or terminates TLS).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as `http://127.0.0.1:8000`, or None if malformed."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme]


def allowed(scope) -> bool:
    """True when the handshake's Origin is the studio's own origin (or a trusted one)."""
    headers = dict(scope.get("headers") or [])
    origin_text = headers.get(b"origin", b"").decode("latin-1")
    origin = normalise_origin(origin_text) if origin_text else None
    if origin is None:
        return False
    if origin in {normalise_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    host_header = headers.get(b"host", b"").decode("latin-1").strip().lower()
    host, port = split_domain_port(host_header)
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    own = (scheme, host.strip("[]"), int(port) if port else _DEFAULT_PORTS[scheme])
    return origin == (own[0], own[1], own[2]) or origin == (own[0], f"[{own[1]}]", own[2])


class SameOriginValidator:
    """ASGI middleware: refuse the WebSocket handshake unless `allowed(scope)`."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
