"""Task resources without a server: mocked responses, the HTTP host rules, Resource parsing,
local function registration."""

from __future__ import annotations

import json

import pytest

from designer.resources import _split_service, functions, http, mocks
from engine.errors import StatesError
from engine.testcases.mocks import answer


@pytest.fixture
def mock_config(tmp_path, settings):
    path = tmp_path / "MockConfigFile.json"
    path.write_text(json.dumps({
        "StateMachines": {"Orders": {"TestCases": {"Happy": {"Charge": "Charged"}, "Flaky": {"Charge": "Retry"}}}},
        "MockedResponses": {
            "Charged": {"0": {"Return": {"ok": True}}},
            "Retry": {"0": {"Throw": {"Error": "Busy", "Cause": "try later"}}, "1-2": {"Throw": {"Error": "Slow"}},
                      "3": {"Return": {"ok": "finally"}}},
        },
    }))
    settings.STATECRAFT_MOCK_CONFIG = str(path)
    return path


def test_mocked_responses_follow_invocation_numbers_and_ranges(mock_config):
    assert mocks.response_name("Orders", "Flaky", "Charge") == "Retry"
    assert mocks.response_name("Orders", None, "Charge") is None
    assert mocks.response_name("Orders", "Happy", "Ship") is None
    with pytest.raises(StatesError) as first:
        answer(mocks.response("Retry", 0))
    assert (first.value.error, first.value.cause) == ("Busy", "try later")
    for number in (1, 2):
        with pytest.raises(StatesError) as again:
            answer(mocks.response("Retry", number))
        assert again.value.error == "Slow"
    assert answer(mocks.response("Retry", 3)) == {"ok": "finally"}
    assert answer(mocks.response("Retry", 7)) == {"ok": "finally"}  # the last answer repeats
    with pytest.raises(StatesError, match="not defined"):
        answer(mocks.response("Nope", 0))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.8", "192.168.1.1", "169.254.169.254", "::1"])
def test_http_refuses_non_public_addresses_unless_listed(settings, host):
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = []
    with pytest.raises(StatesError) as refused:
        http.check_host(host)
    assert refused.value.error == "States.Runtime" and "STATECRAFT_HTTP_ALLOWED_HOSTS" in refused.value.cause
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = [host]
    http.check_host(host)


def test_http_allow_list_limits_public_hosts_too(settings):
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = ["*.example.com"]
    http.check_host("api.example.com")
    with pytest.raises(StatesError, match="not in STATECRAFT_HTTP_ALLOWED_HOSTS"):
        http.check_host("example.org")


def test_http_parameters_are_checked_before_any_request(settings):
    with pytest.raises(StatesError, match="ApiEndpoint and Method"):
        http.invoke({"Method": "GET"})
    with pytest.raises(StatesError, match="not an http"):
        http.invoke({"ApiEndpoint": "ftp://example.com/x", "Method": "GET"})


@pytest.mark.parametrize("resource, parts", [
    ("arn:aws:states:::states:startExecution.sync:2", ("states", "startExecution", ".sync:2")),
    ("arn:aws:states:::states:startExecution.sync", ("states", "startExecution", ".sync")),
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", ("sqs", "sendMessage", ".waitForTaskToken")),
    ("arn:aws:states:::aws-sdk:sfn:startExecution", ("aws-sdk:sfn", "startExecution", "")),
    ("arn:aws:states:::http:invoke", ("http", "invoke", "")),
])
def test_service_resources_split_into_service_action_and_pattern(resource, parts):
    assert _split_service(resource) == parts


def test_functions_come_from_settings_and_the_decorator(settings):
    settings.STATECRAFT_FUNCTIONS = {"from-settings": "designer.examples.functions.validate_order"}

    @functions.statecraft_function("decorated-for-test")
    def handler(event):
        return event

    assert functions.find("decorated-for-test") is handler
    assert functions.find("from-settings").__name__ == "validate_order"
    assert functions.find("missing") is None
    assert {"from-settings", "decorated-for-test"} <= set(functions.function_names())


def test_http_does_not_follow_a_redirect_to_a_refused_host(settings):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.STATECRAFT_HTTP_ALLOWED_HOSTS = ["127.0.0.1:*"]
    try:
        with pytest.raises(StatesError) as refused:
            http.invoke({"ApiEndpoint": f"http://127.0.0.1:{server.server_port}/", "Method": "GET"})
        assert refused.value.error == "States.Runtime" and "169.254.169.254" in refused.value.cause
    finally:
        server.shutdown()
