"""End-to-end fixtures: a live Statecraft server and Debian's chromium, driven by Playwright.

Every test under tests/e2e can use these (they are plain pytest fixtures, no plugin needed):

`statecraft_server` (session)
    (Not called `live_server`: that name belongs to pytest-django, whose own server is WSGI-only.)
    A `LiveServer` (tests/e2e/live_server.py, importable by any test): the real ASGI app
    (`designer.asgi:application`) under daphne, in a subprocess on a free port, with its own
    temporary SQLite database (migrated). The user `e2e_user` exists
    and owns the example workflows (`load_examples --owner e2e`). The in-memory channel layer is
    used unless REDIS_URL is set in the environment.
    - `.url`: base URL without a trailing slash, e.g. `http://127.0.0.1:43127`
    - `.create_user(username, password, superuser=False)`: a new user in the server's database
    - `.manage(*args)`: run a manage.py command against the server's database; returns stdout
    - `.log_tail(lines)`: the end of the server's log (also attached to a failing test's report)
    The server's database is not the one pytest-django gives tests/designer: create data through
    these helpers, the REST API or the page, not through the ORM of the test process (which
    cannot be used anyway while the browser is open: Playwright's sync API keeps an asyncio loop
    running in this thread, so Django raises SynchronousOnlyOperation and `asyncio.run` fails;
    that is also why tests/conftest.py runs the e2e tests last).
`live_server_url` (session)
    `statecraft_server.url`.
`e2e_user` (session)
    `Credentials(username, password)` of the session's ordinary user.
`browser` (session)
    Headless chromium from /usr/bin/chromium (skipped with the reason when it is missing; `make test`
    installs it).
`context`, `page` (per test)
    A fresh browser context (no cookies; `base_url` is the live server, so `page.goto("/")` works)
    and a page in it. Default timeout 15 s. When a test fails, a screenshot is saved to
    test-results/<test>.png and the page's console errors and the server log's tail are added
    to the report.
`login` (per test)
    `login(page, username, password)`: signs in through the login form and waits for the studio.
`logged_in_page` (per test)
    `page`, signed in as `e2e_user`, showing the studio shell.
`studio_api` (per test)
    The REST API as `logged_in_page`'s user (its session cookie and CSRF header), to set up or
    check data around a browser test: `studio_api.get("/api/machines")`,
    `studio_api.post("/api/machines/order-processing/executions", {"input": "{}"})`; `put`,
    `patch`, `delete` too. Each returns the decoded JSON (None for 204) and fails the test on a
    non-2xx answer, showing the body.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live_server import REPO_ROOT, Credentials, LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 15_000
RESULTS_DIR = REPO_ROOT / "test-results"


# ─── server fixtures ─────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def statecraft_server() -> Iterator[LiveServer]:
    with tempfile.TemporaryDirectory(prefix="statecraft-e2e-") as workdir:
        server = LiveServer(Path(workdir))
        try:
            server.start()
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def live_server_url(statecraft_server: LiveServer) -> str:
    return statecraft_server.url


@pytest.fixture(scope="session")
def e2e_user(statecraft_server: LiveServer) -> Credentials:
    credentials = statecraft_server.create_user("e2e", "e2e-password-" + secrets.token_hex(4))
    statecraft_server.manage("load_examples", "--owner", credentials.username)
    return credentials


# ─── browser fixtures ────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); make test does")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser, statecraft_server: LiveServer):
    context = browser.new_context(base_url=statecraft_server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context, request):
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    request.node.stash[_PAGE_PROBLEMS] = problems
    yield page
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        try:
            page.screenshot(path=str(RESULTS_DIR / f"{safe_name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            problems.append(f"(no screenshot: {exc})")


@pytest.fixture
def login():
    def sign_in(page, username: str, password: str) -> None:
        """Sign in through the login form and wait until the studio shell is shown."""
        page.goto("/accounts/login/")
        page.get_by_test_id("login-username").fill(username)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("app-shell").wait_for()

    return sign_in


@pytest.fixture
def logged_in_page(page, login, e2e_user: Credentials):
    login(page, e2e_user.username, e2e_user.password)
    return page


class StudioApi:
    """The studio REST API called with the browser context's session, as the UI calls it."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url

    def request(self, method: str, path: str, body=None):
        cookies = {c["name"]: c["value"] for c in self.page.context.cookies(self.base_url)}
        response = self.page.request.fetch(
            self.base_url + path,
            method=method,
            data=body,
            headers={"X-CSRFToken": cookies.get("csrftoken", ""), "Referer": self.base_url + "/"},
        )
        assert response.ok, f"{method} {path} answered {response.status}: {response.text()}"
        return None if response.status == 204 else response.json()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body=None):
        return self.request("POST", path, body)

    def put(self, path: str, body=None):
        return self.request("PUT", path, body)

    def patch(self, path: str, body=None):
        return self.request("PATCH", path, body)

    def delete(self, path: str):
        return self.request("DELETE", path)


@pytest.fixture
def studio_api(logged_in_page, statecraft_server: LiveServer) -> StudioApi:
    return StudioApi(logged_in_page, statecraft_server.url)


# ─── failure reports ─────────────────────────────────────────────────────────────────────────

_CALL_REPORT = pytest.StashKey[pytest.TestReport]()
_PAGE_PROBLEMS = pytest.StashKey[list]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    if report.failed:
        problems = item.stash.get(_PAGE_PROBLEMS, None)
        if problems:
            report.sections.append(("browser console", "\n".join(problems)))
        server = item.funcargs.get("statecraft_server") if hasattr(item, "funcargs") else None
        if server is not None:
            report.sections.append(("live server log (tail)", server.log_tail()))
    return report
