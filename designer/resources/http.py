"""`arn:aws:states:::http:invoke`: a real HTTP request with urllib, behind a host allow-list.

Parameters as AWS documents them (ApiEndpoint, Method, Headers, QueryParameters, RequestBody,
Transform); the result is `{"Headers", "ResponseBody", "StatusCode", "StatusText"}`. A non-2xx
answer fails with `States.Http.StatusCode.<code>`; a connection problem with
`States.Http.Socket`. STATECRAFT_HTTP_ALLOWED_HOSTS (setting, or comma-separated environment
variable) lists the hosts that may be called: `api.example.com` (ports 80 and 443),
`api.example.com:8443`, `*.example.com:*` (any port); empty: any public host on any port.
Loopback, private, link-local and other non-public addresses (also in every IPv6 form that
embeds one: mapped, compatible, 6to4, NAT64, Teredo) are refused unless host and port are
listed explicitly, so a workflow cannot reach into the server's own network by accident.
The name is resolved once; the connection goes to the address that was checked (DNS rebinding
cannot swap it), and environment proxies are not used.
"""

from __future__ import annotations

import fnmatch
import http.client
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
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Resolution goes through this name so that a test can stand in for DNS (a rebinding resolver).
_getaddrinfo = socket.getaddrinfo


def allowed_hosts() -> list[str]:
    value = getattr(settings, "STATECRAFT_HTTP_ALLOWED_HOSTS", None)
    if value is None:
        value = os.environ.get("STATECRAFT_HTTP_ALLOWED_HOSTS", "")
    if isinstance(value, str):
        value = [h.strip() for h in value.split(",") if h.strip()]
    return [h.lower() for h in value]


def _split_entry(entry: str) -> tuple[str, str | None]:
    """`host`, `host:port`, `host:*`, `[v6]:port` → (host pattern, port pattern or None)."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, port
    return entry, None


def _listed(host: str, port: int) -> bool:
    """An allow-list entry matches host and port: a bare host allows ports 80 and 443 only."""
    for entry in allowed_hosts():
        if entry == "*":
            continue
        pattern, port_pattern = _split_entry(entry)
        if not fnmatch.fnmatchcase(host, pattern):
            continue
        if port_pattern is None:
            if port in _DEFAULT_PORTS.values():
                return True
        elif port_pattern == "*" or port_pattern == str(port):
            return True
    return False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and may reach: mapped (::ffff:a.b.c.d),
    compatible (::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48),
    6to4 (2002:AABB:CCDD::/48) and Teredo (2001::/32: server and de-obfuscated client)."""
    value = int(ip)
    low32 = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if value >> 32 == 0 or value >> 32 == 0xFFFF00000000 >> 32 or value >> 32 == 0xFFFF0000:
        found.append(low32)  # ::/96 (compatible), ::ffff:0:0/96 (SIIT)
    if ip in ipaddress.IPv6Network("64:ff9b::/96") or ip in ipaddress.IPv6Network("64:ff9b:1::/48"):
        found.append(low32)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def is_public(address: str) -> bool:
    """True for a globally routable unicast address, including every IPv4 an IPv6 form embeds."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return False
    if ip.version == 6:
        return all(v4.is_global and not v4.is_multicast for v4 in _embedded_ipv4(ip))
    return True


def _refused(host: str, port: int) -> StatesError:
    return StatesError(
        f"The host '{host}' (port {port}) is not in STATECRAFT_HTTP_ALLOWED_HOSTS, so HTTP Task states may not "
        "call it.",
        error="States.Runtime",
    )


def _resolve(host: str, port: int) -> list[tuple]:
    try:
        return _getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise StatesError(f"Unable to resolve host '{host}': {exc}", error="States.Http.Socket") from None


def check_host(host: str, port: int | None = None) -> list[tuple]:
    """Raise States.Runtime when an HTTP Task may not call host:port (default port 443).

    Returns the getaddrinfo entries that were checked ([] for a listed host, whose addresses are
    all allowed): the connection goes to exactly these, with no second lookup, so a DNS answer
    that changes between the check and the connection cannot redirect it.
    """
    host = host.lower().strip("[]")
    port = port or 443
    patterns = allowed_hosts()
    listed = _listed(host, port)
    if patterns and not listed and "*" not in patterns:
        raise _refused(host, port)
    if listed:
        return []
    infos = _resolve(host, port)
    for info in infos:
        address = info[4][0]
        if not is_public(address):
            raise StatesError(
                f"The host '{host}' resolves to the non-public address {address}; list it in "
                "STATECRAFT_HTTP_ALLOWED_HOSTS to allow HTTP Task states to call it.",
                error="States.Runtime",
            )
    return infos


def _pinned_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
    """socket.create_connection to an address that check_host approved, and only to it."""
    host, port = address
    last_error: OSError | None = None
    for family, socktype, proto, _, sockaddr in check_host(host, port) or _resolve(host.strip("[]"), port):
        sock = socket.socket(family, socktype, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            last_error = exc
            sock.close()
    raise last_error or OSError(f"no address to connect to for {host}")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _pinned_connection


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    # TLS still verifies the certificate against the host name (server_hostname=self.host).
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _pinned_connection


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PinnedHTTPConnection, req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_PinnedHTTPSConnection, req, context=self._context)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a host the allow-list and the address rules permit."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urlsplit(newurl)
        if target.scheme not in _DEFAULT_PORTS:
            raise StatesError(f"Refusing to follow a redirect to '{newurl}'.", error="States.Runtime")
        check_host(target.hostname or "", target.port or _DEFAULT_PORTS[target.scheme])
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# No environment proxies: the address checked must be the address connected to.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _PinnedHTTPHandler, _PinnedHTTPSHandler, _CheckedRedirects
)


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
    try:
        port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    except ValueError:
        raise StatesError(f"The ApiEndpoint '{url}' has an invalid port.", error="States.Runtime") from None
    check_host(parsed.hostname, port)
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
