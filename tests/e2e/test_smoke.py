"""The first thing a user does: open the studio, sign in, see it live."""

import re

from playwright.sync_api import expect


def test_home_redirects_to_login_then_shows_the_studio_with_a_live_websocket(page, live_server_url, e2e_user):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    page.get_by_test_id("login-username").fill(e2e_user.username)
    page.get_by_test_id("login-password").fill(e2e_user.password)
    page.get_by_test_id("login-submit").click()

    expect(page).to_have_url(f"{live_server_url}/")
    expect(page.get_by_test_id("app-shell")).to_be_visible()
    # "connected" is shown only after the server answered the shell's ping with a pong.
    expect(page.get_by_test_id("ws-status")).to_have_text("connected")


def test_the_home_page_lists_the_example_workflows(logged_in_page):
    rows = logged_in_page.get_by_test_id("machine-list")
    for name in ("order-processing", "hello-world", "map-items", "wait-for-approval"):
        expect(rows.get_by_test_id(f"machine-row-{name}")).to_be_visible()


def test_wrong_password_is_refused_with_a_message(page, e2e_user):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-username").fill(e2e_user.username)
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()

    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("app-shell")).to_have_count(0)


def test_the_studio_assets_are_served(logged_in_page, live_server_url):
    response = logged_in_page.request.get(f"{live_server_url}/static/designer/app.js")
    assert response.ok
    assert "javascript" in response.headers["content-type"]


def test_the_session_user_owns_the_example_workflows_through_the_rest_api(studio_api):
    names = [machine["name"] for machine in studio_api.get("/api/machines")]
    assert {"order-processing", "hello-world", "map-items", "wait-for-approval"} <= set(names)

    answer = studio_api.post("/api/validate", {"definition": {"StartAt": "Nowhere", "States": {}}})
    assert answer["diagnostics"]
