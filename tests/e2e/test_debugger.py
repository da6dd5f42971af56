"""The debugger in the browser: a breakpoint set in the editor pauses a debug execution, whose
paused input is edited, stepped and continued; "Run from here"; the Tests panel runs the example's
own test cases and shows coverage on the canvas; "Test state" in the inspector."""

import json
import re

from playwright.sync_api import expect

CHAIN = {"QueryLanguage": "JSONata", "StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Output": {"x": 1}, "Assign": {"seen": "prepared"}, "Next": "Double"},
    "Double": {"Type": "Pass", "Output": {"y": "{% $states.input.x * 2 %}", "seen": "{% $seen %}"}, "Next": "Finish"},
    "Finish": {"Type": "Pass", "Output": {"result": "{% $states.input.y + 1 %}"}, "End": True},
}}


def test_breakpoint_pause_edit_step_continue_and_run_from_here(logged_in_page, studio_api):
    page = logged_in_page
    studio_api.post("/api/machines", {"name": "debug-chain", "definition": CHAIN})

    # A breakpoint set in the editor's inspector shows on the node.
    page.goto("/machines/debug-chain/")
    page.get_by_test_id("state-Double").click()
    page.get_by_test_id("breakpoint-toggle").click()
    expect(page.get_by_test_id("state-Double")).to_have_attribute("data-breakpoint", "true")

    page.goto("/machines/debug-chain/executions/")
    page.get_by_test_id("start-execution").click()
    page.get_by_test_id("execution-input").fill("{}")
    page.get_by_test_id("debug-mode").check()
    page.get_by_test_id("start-execution-confirm").click()
    expect(page).to_have_url(re.compile(r"/machines/debug-chain/executions/[^/]+/$"))

    paused = page.get_by_test_id("debug-paused")
    expect(paused).to_have_attribute("data-state", "Double", timeout=20_000)
    expect(page.get_by_test_id("execution-status")).to_have_text("RUNNING")
    assert json.loads(page.get_by_test_id("debug-input").input_value()) == {"x": 1}
    assert json.loads(page.get_by_test_id("debug-variables").input_value()) == {"seen": "prepared"}
    page.get_by_test_id("debug-input").fill('{"x": 20}')
    page.get_by_test_id("debug-step").click()
    expect(paused).to_have_attribute("data-state", "Finish", timeout=20_000)
    assert json.loads(page.get_by_test_id("debug-input").input_value()) == {"y": 40, "seen": "prepared"}
    page.get_by_test_id("debug-continue").click()
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED", timeout=20_000)
    expect(paused).to_have_count(0)
    expect(page.get_by_test_id("execution-output")).to_contain_text("41")

    # Run from here: a new execution at Double with an edited input, linked to this one.
    page.get_by_test_id("state-Double").click()
    page.get_by_test_id("rerun-from-state").click()
    page.get_by_test_id("rerun-input").fill('{"x": 5}')
    page.get_by_test_id("rerun-confirm").click()
    expect(page.get_by_test_id("rerun-origin")).to_contain_text("Double", timeout=20_000)
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED", timeout=20_000)
    expect(page.get_by_test_id("execution-output")).to_contain_text("11")
    expect(page.get_by_test_id("state-Prepare")).to_have_attribute("data-status", "NOT_STARTED")


def test_tests_panel_runs_the_examples_test_cases_with_coverage_and_test_state(logged_in_page):
    page = logged_in_page
    page.goto("/machines/order-processing/")
    page.get_by_test_id("tests-tab").click()
    panel = page.get_by_test_id("tests-panel")
    rows = panel.get_by_test_id("test-case-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("data-result", "not-run")
    page.get_by_test_id("run-tests").click()
    for name in ("declined-card", "invalid-order", "standard-order"):
        row = panel.locator(f'[data-testid=test-case-row][data-name="{name}"]')
        expect(row).to_have_attribute("data-result", "passed")
    expect(page.get_by_test_id("coverage-percent")).to_have_text("81%")
    # On the canvas: the state no case reaches, and a state whose retrier no case tries.
    expect(page.get_by_test_id("state-FulfilmentFailed")).to_have_attribute("data-covered", "false")
    expect(page.get_by_test_id("state-ValidateOrder")).to_have_attribute("data-covered", "false")
    expect(page.get_by_test_id("state-OrderConfirmed")).to_have_attribute("data-covered", "true")

    # Test one state: NotifyCustomer with a mocked result, each processing step shown.
    page.get_by_test_id("state-NotifyCustomer").click()
    page.get_by_test_id("test-state").click()
    page.get_by_test_id("test-state-input").fill(json.dumps(
        {"orderId": "A-1", "customer": {"email": "a@example.com"}, "fulfilment": {"payment": {"chargeId": "ch_1"}}}))
    page.get_by_test_id("test-state-mock-result").fill('{"sent": true}')
    page.get_by_test_id("test-state-run").click()
    result = page.get_by_test_id("test-state-result")
    expect(result).to_have_attribute("data-status", "SUCCEEDED")
    expect(page.get_by_test_id("inspection-afterParameters")).to_contain_text('"chargeId":"ch_1"')
    expect(page.get_by_test_id("inspection-afterResultPath")).to_contain_text('"notification":{"sent":true}')
    expect(page.get_by_test_id("test-state-next")).to_have_text("OrderConfirmed")
