"""The Map Run page in the browser: reached from the Distributed Map on the execution page, its
counts change live, UpdateMapRun from its form, child executions listed with links."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

FAN_OUT = {
    "StartAt": "Fan out",
    "States": {"Fan out": {
        "Type": "Map", "ItemsPath": "$.orders", "Label": "orders", "MaxConcurrency": 1,
        "ItemBatcher": {"MaxItemsPerBatch": 2},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Pause",
            "States": {"Pause": {"Type": "Wait", "Seconds": 2, "Next": "Count"},
                       "Count": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.Items)"}, "End": True}},
        },
        "End": True,
    }},
}


def test_map_run_page_shows_live_counts_children_and_updates_the_run(logged_in_page, studio_api):
    page = logged_in_page
    studio_api.post("/api/machines", {"name": "fan-out-orders", "definition": FAN_OUT})
    started = studio_api.post("/api/machines/fan-out-orders/executions",
                              {"input": {"orders": [{"id": i} for i in range(16)]}})
    page.goto(f"/machines/fan-out-orders/executions/{started['name']}/")
    fan_out = page.get_by_test_id("state-Fan out")
    expect(fan_out).to_have_attribute("data-status", "IN_PROGRESS", timeout=20_000)
    # The diagram may still be settling (layout, fit) when it first shows: select the Map by its
    # header (not its processor) until its details offer the Map Run.
    link = page.get_by_test_id("open-map-run")
    for _ in range(10):
        fan_out.click(position={"x": 40, "y": 12})
        try:
            link.wait_for(timeout=2_000)
            break
        except PlaywrightTimeout:
            continue
    link.click()
    expect(page).to_have_url(re.compile(r"/map-run\?arn="))
    expect(page.get_by_test_id("map-run-page")).to_be_visible()
    # While it runs (one child at a time, two seconds each), raise its concurrency.
    expect(page.get_by_test_id("map-run-status")).to_have_text("RUNNING")
    expect(page.get_by_test_id("map-run-count-running")).to_have_attribute("data-count", "1")
    page.get_by_test_id("map-run-max-concurrency").fill("4")
    page.get_by_test_id("map-run-update-submit").click()
    expect(page.get_by_test_id("map-run-update-message")).to_have_text("Updated")

    expect(page.get_by_test_id("map-run-status")).to_have_text("SUCCEEDED", timeout=30_000)
    expect(page.get_by_test_id("map-run-count-total")).to_have_attribute("data-count", "8")  # 16 orders, 2 a batch
    expect(page.get_by_test_id("map-run-count-succeeded")).to_have_attribute("data-count", "8")
    rows = page.get_by_test_id("map-run-child-row")
    expect(rows).to_have_count(8)
    settings = page.get_by_test_id("map-run-settings")
    expect(settings).to_contain_text("MaxItemsPerBatch")
    expect(page.get_by_test_id("map-run-max-concurrency")).to_have_value("4")

    rows.first.get_by_test_id("map-run-child-link").click()
    expect(page.get_by_test_id("execution-page")).to_be_visible()
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED")
