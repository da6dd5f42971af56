"""http:invoke's SSRF filter: every IPv6 spelling of a private address, host-and-port allow-list
entries, and the checked address being the one connected to (no DNS rebinding)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from designer.resources import http
from engine.errors import StatesError


@pytest.mark.parametrize("host", [
    "[::127.0.0.1]",                 # IPv4-compatible
    "[::ffff:127.0.0.1]",            # IPv4-mapped
    "[::ffff:0:127.0.0.1]",          # SIIT
    "[::ffff:a9fe:a9fe]",            # mapped 169.254.169.254
    "[2002:7f00:1::1]",              # 6to4 of 127.0.0.1
    "[2002:a9fe:a9fe::]",            # 6to4 of 169.254.169.254
    "[2002:c0a8:101::1]",            # 6to4 of 192.168.1.1
    "[64:ff9b::7f00:1]",             # NAT64 of 127.0.0.1
    "[64:ff9b::a00:1]",              # NAT64 of 10.0.0.1
    "[64:ff9b:1::a9fe:a9fe]",        # local-use NAT64 of 169.254.169.254
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo whose client is 127.0.0.1
    "[::]", "[fe80::1]", "[fd00::1]",
])
def test_every_ipv6_form_of_a_private_address_is_refused(settings, host):
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = []
    with pytest.raises(StatesError) as refused:
        http.check_host(host, 80)
    assert refused.value.error == "States.Runtime", refused.value.cause


def test_public_ipv6_and_its_6to4_form_pass(settings):
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = []
    assert http.is_public("2606:4700:4700::1111")
    assert http.is_public("2002:0101:0101::1")  # 6to4 of 1.1.1.1
    assert not http.is_public("2002:0a00:0001::1")


def test_the_allow_list_matches_host_and_port(settings):
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = ["127.0.0.1:8080", "localhost", "[::1]:*"]
    http.check_host("127.0.0.1", 8080)
    with pytest.raises(StatesError, match="port 6379"):
        http.check_host("127.0.0.1", 6379)
    http.check_host("localhost", 443)  # a bare host allows the default ports only
    with pytest.raises(StatesError, match="not in STATECRAFT_HTTP_ALLOWED_HOSTS"):
        http.check_host("localhost", 5432)
    http.check_host("::1", 5432)


def test_a_listed_port_does_not_open_the_hosts_other_ports_through_redirects(settings):
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:6379/")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    try:
        with pytest.raises(StatesError) as refused:
            http.invoke({"ApiEndpoint": f"http://127.0.0.1:{server.server_port}/", "Method": "GET"})
        assert refused.value.error == "States.Runtime" and "6379" in refused.value.cause
    finally:
        server.shutdown()


def test_dns_rebinding_cannot_swap_the_checked_address(settings, monkeypatch):
    """A name that answers a public address to the check and loopback afterwards."""
    hits = []

    class Victim(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"internal secrets")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Victim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    answers = iter(["1.1.1.1"] + ["127.0.0.1"] * 10)
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "rebind.test":
            address = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    # The resolver is the one stand-in here: no DNS server runs in the tests.
    monkeypatch.setattr(http, "_getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 2)
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = []
    try:
        with pytest.raises(StatesError) as failed:
            http.invoke({"ApiEndpoint": f"http://rebind.test:{port}/secret", "Method": "GET"})
        assert failed.value.error in ("States.Http.Socket", "States.Runtime")
        assert hits == []
    finally:
        server.shutdown()
