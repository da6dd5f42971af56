"""The live execution view in the browser: start from the UI, watch states change without a
reload, stop from the UI, find executions in the list. The runtime runs executions for real."""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

EXAMPLES = Path(__file__).resolve().parents[2] / "designer" / "examples"


def _start_from_the_executions_page(page, machine: str, input_text: str) -> None:
    page.goto(f"/machines/{machine}/executions/")
    page.get_by_test_id("start-execution").click()
    page.get_by_test_id("execution-input").fill(input_text)
    page.get_by_test_id("start-execution-confirm").click()
    expect(page).to_have_url(re.compile(rf"/machines/{machine}/executions/[^/]+/$"))
    expect(page.get_by_test_id("execution-page")).to_be_visible()


def test_an_execution_started_from_the_ui_changes_status_live_on_its_page(logged_in_page):
    page = logged_in_page
    _start_from_the_executions_page(page, "order-processing", (EXAMPLES / "order-processing.input.json").read_text())
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # The order waits two seconds for its batch window: seen in progress, then done.
    wait = page.get_by_test_id("state-WaitForBatchWindow")
    expect(wait).to_have_attribute("data-status", "IN_PROGRESS")
    expect(page.get_by_test_id("state-ValidateOrder")).to_have_attribute("data-status", "SUCCEEDED")
    expect(page.get_by_test_id("state-OrderConfirmed")).to_have_attribute("data-status", "NOT_STARTED")
    expect(page.get_by_test_id("execution-status")).to_have_text("RUNNING")

    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED", timeout=20_000)
    expect(wait).to_have_attribute("data-status", "SUCCEEDED")
    expect(page.get_by_test_id("state-OrderConfirmed")).to_have_attribute("data-status", "SUCCEEDED")
    expect(page.get_by_test_id("state-RejectOrder")).to_have_attribute("data-status", "NOT_STARTED")
    expect(page.get_by_test_id("state-ReserveItems")).to_contain_text("✓ 2")  # both order lines
    assert page.evaluate("window.__sameDocument") is True
    rows = page.get_by_test_id("event-row")
    expect(rows.first).to_contain_text("ExecutionStarted")
    expect(rows.last).to_contain_text("ExecutionSucceeded")

    # The history: search, expand, and a state's details in the inspector.
    page.get_by_test_id("event-search").fill("ChargePayment")
    expect(rows.first).to_contain_text("ChargePayment")
    rows.first.click()
    expect(page.locator(".event-details")).to_be_visible()
    page.get_by_test_id("state-ValidateOrder").click()
    expect(page.get_by_test_id("state-output")).to_contain_text('"total"')


def test_a_running_execution_is_stopped_from_the_ui_and_redriven(logged_in_page):
    page = logged_in_page
    input_text = json.dumps({"orderId": "A-7", "reviewer": "rev@example.com"})
    _start_from_the_executions_page(page, "wait-for-approval", input_text)
    # Stopped while it waits for the reviewer's answer (up to five minutes), so a slow machine
    # cannot let the state finish before the Stop arrives.
    ask = page.get_by_test_id("state-AskForApproval")
    expect(ask).to_have_attribute("data-status", "IN_PROGRESS", timeout=20_000)
    expect(page.get_by_test_id("state-CoolingOff")).to_have_attribute("data-status", "SUCCEEDED")
    expect(page.get_by_test_id("redrive-execution")).to_be_disabled()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("stop-execution").click()

    expect(page.get_by_test_id("execution-status")).to_have_text("ABORTED", timeout=15_000)
    expect(ask).to_have_attribute("data-status", "CANCELLED")
    expect(page.get_by_test_id("stop-execution")).to_be_disabled()
    expect(page.get_by_test_id("redrive-execution")).to_be_enabled()
    expect(page.get_by_test_id("event-row").last).to_contain_text("ExecutionAborted")

    # Redrive: the stopped Task runs again, on the same page.
    page.get_by_test_id("redrive-execution").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("RUNNING")
    expect(page.get_by_test_id("event-row").last).not_to_contain_text("ExecutionAborted", timeout=15_000)
    expect(ask).to_have_attribute("data-status", "IN_PROGRESS", timeout=15_000)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("stop-execution").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("ABORTED", timeout=15_000)


def test_the_executions_list_filters_searches_and_shows_new_executions_live(logged_in_page, studio_api):
    page = logged_in_page
    page.goto("/machines/hello-world/executions/")
    expect(page.get_by_test_id("executions-page")).to_be_visible()

    studio_api.post(
        "/api/machines/hello-world/executions", {"name": "live-list-one", "input": {"name": "Ada", "language": "en"}}
    )
    row = page.get_by_test_id("execution-row-live-list-one")
    expect(row).to_be_visible()  # arrived over ws/machines/hello-world/executions/
    expect(row).to_contain_text("SUCCEEDED", timeout=15_000)

    studio_api.post(
        "/api/machines/hello-world/executions", {"name": "live-list-two", "input": {"name": "Grace", "language": "en"}}
    )
    page.get_by_test_id("executions-search").fill("Grace")  # matches the input, not the name
    expect(page.get_by_test_id("execution-row-live-list-two")).to_be_visible()
    expect(row).to_have_count(0)
    page.get_by_test_id("executions-search").fill("")
    page.get_by_test_id("executions-status-filter").select_option("FAILED")
    expect(row).to_have_count(0)
    page.get_by_test_id("executions-status-filter").select_option("SUCCEEDED")
    expect(row).to_be_visible()

    row.get_by_role("link").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED")


WATCH_SCRIPT = """
([id, after]) => new Promise((resolve) => {
  const messages = [];
  const socket = new WebSocket(`ws://${location.host}/ws/executions/${id}/?after=${after}`);
  socket.onmessage = (m) => {
    const data = JSON.parse(m.data);
    messages.push(data);
    if (data.type === "execution.status" && data.status !== "RUNNING") { socket.close(); resolve(messages); }
  };
  setTimeout(() => { socket.close(); resolve(messages); }, 30000);
})
"""


def test_a_real_run_watched_over_the_socket_gives_the_overlay_of_its_final_history(logged_in_page, studio_api):
    from designer import overlay  # pure Python: no Django needed

    page = logged_in_page
    recipients = [f"guest-{i}" for i in range(120)]
    for machine, input_value, delay_ms in [
        ("order-processing", json.loads((EXAMPLES / "order-processing.input.json").read_text()), 800),
        ("map-items", {"event": "launch", "recipients": recipients}, 0),
    ]:
        execution = studio_api.post(f"/api/machines/{machine}/executions", {"input": input_value})
        page.wait_for_timeout(delay_ms)  # join while it runs
        messages = page.evaluate(WATCH_SCRIPT, [execution["id"], 0])
        snapshot = messages[0]
        streamed = [e for m in messages if m["type"] == "execution.events" for e in m["events"]]
        final = studio_api.get(f"/api/executions/{execution['id']}/history")
        definition = execution["definition"]

        assert snapshot["type"] == "execution.snapshot"
        if machine == "order-processing":  # joined during its two-second wait: both halves exist
            assert snapshot["events"] and streamed
        assert snapshot["overlay"] == overlay.build(snapshot["events"], definition)
        assert [e["id"] for e in snapshot["events"] + streamed] == list(range(1, len(final) + 1))
        assert overlay.build(snapshot["events"] + streamed, definition) == overlay.build(final, definition)
        assert messages[-1]["type"] == "execution.status" and messages[-1]["status"] == "SUCCEEDED"
