"""The studio's pages in a real browser: drafts and save conflicts in the editor, the Versions,
Metrics and Settings tabs, all executions, activities, access keys, and the offline API docs."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from playwright.sync_api import expect

VALID = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}
WAITS = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": True}}}


def sfn_client(url: str, key: dict):
    return boto3.client(
        "stepfunctions", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key["access_key_id"],
        aws_secret_access_key=key["secret"], config=Config(retries={"max_attempts": 1}),
    )


def test_a_draft_survives_a_reload_while_the_aws_api_describes_the_deployed_definition(
    logged_in_page, studio_api, live_server_url
):
    machine = studio_api.post("/api/machines", {"name": "drafty", "definition": VALID})
    page = logged_in_page
    page.goto("/machines/drafty/")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-draft", "false")
    # A state dropped apart from the flow: the definition no longer validates.
    page.get_by_test_id("palette-Pass").drag_to(page.get_by_test_id("canvas"), target_position={"x": 520, "y": 380})
    expect(page.get_by_test_id("state-Pass")).to_be_visible()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-draft", "true")
    expect(page.get_by_test_id("deploy")).to_be_disabled()

    page.reload()
    expect(page.get_by_test_id("state-Pass")).to_be_visible()
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-draft", "true")
    expect(page.locator('[data-testid=diagnostic][data-path="/States/Pass"]').first).to_be_visible()

    key = studio_api.post("/api/access-keys")
    described = sfn_client(live_server_url, key).describe_state_machine(stateMachineArn=machine["arn"])
    assert json.loads(described["definition"]) == VALID


def test_a_save_over_someone_elses_newer_revision_opens_the_conflict_dialog(logged_in_page, studio_api):
    studio_api.post("/api/machines", {"name": "contested", "definition": VALID})
    page = logged_in_page
    page.goto("/machines/contested/")
    expect(page.get_by_test_id("state-Hello")).to_be_visible()
    # Someone else saves revision 2 meanwhile.
    studio_api.put("/api/machines/contested", {"definition": {**VALID, "Comment": "theirs"}, "base_revision": 1})
    page.get_by_test_id("palette-Pass").click()
    page.get_by_test_id("save").click()
    dialog = page.get_by_test_id("conflict-dialog")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # dialogs close with Esc
    expect(dialog).to_be_hidden()
    page.get_by_test_id("save").click()
    page.get_by_test_id("conflict-compare").click()
    expect(page.get_by_test_id("conflict-diff")).to_contain_text("theirs")
    page.get_by_test_id("conflict-overwrite").click()
    expect(dialog).to_be_hidden()
    saved = studio_api.get("/api/machines/contested")
    assert saved["revision"] == 3 and "Pass" in saved["definition"]["States"]


def test_versions_tab_publishes_compares_routes_an_alias_and_restores_a_draft(logged_in_page, studio_api):
    studio_api.post("/api/machines", {"name": "versioned", "definition": VALID})
    page = logged_in_page
    page.goto("/machines/versioned/")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("publish-description").fill("first cut")
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_test_id("publish-dialog")).to_be_hidden()
    studio_api.put("/api/machines/versioned", {"definition": {**VALID, "Comment": "second"}})
    studio_api.post("/api/machines/versioned/versions", {"description": "second cut"})

    page.get_by_test_id("versions-tab").click()
    rows = page.get_by_test_id("version-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("first cut")
    expect(page.get_by_test_id("version-diff")).to_contain_text('"Comment": "second"')

    page.get_by_test_id("alias-name").fill("prod")
    page.get_by_test_id("create-alias").click()
    alias = page.get_by_test_id("alias-row")
    expect(alias).to_contain_text("prod")
    alias.get_by_role("combobox", name="Split with another version").select_option("1")
    alias.get_by_test_id("alias-weight").first.fill("70")
    expect(alias.get_by_test_id("alias-weight").nth(1)).to_have_value("30")
    alias.get_by_test_id("save-alias").click()
    expect(alias.get_by_test_id("save-alias")).to_be_disabled()
    routing = studio_api.get("/api/machines/versioned/aliases")[0]["routing"]
    assert routing == [{"version": 2, "weight": 70}, {"version": 1, "weight": 30}]

    rows.nth(1).get_by_test_id("restore-version").click()
    expect(page).to_have_url(re.compile(r"/machines/versioned/$"))
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-draft", "true")


def test_all_executions_filter_search_page_and_bulk_stop(logged_in_page, studio_api):
    studio_api.post("/api/machines", {"name": "waits-long", "definition": WAITS})
    for i in range(27):
        studio_api.post("/api/machines/waits-long/executions", {"input": {"order": f"o-{i}"}, "name": f"long-{i}"})
    page = logged_in_page
    page.goto("/executions/?machine=waits-long&page_size=25")
    rows = page.get_by_test_id("execution-row")
    expect(rows).to_have_count(25)
    page.get_by_test_id("page-next").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("page-info")).to_have_text("Page 2 of 2")

    page.get_by_test_id("filter-search").fill("o-13")  # matches the input, not the name
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-name", "long-13")
    page.get_by_test_id("select-all").check()
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("bulk-stop").click()
    expect(rows.first).to_have_attribute("data-status", "ABORTED")
    page.get_by_test_id("filter-status").select_option("RUNNING")
    expect(rows).to_have_count(0)


def test_activities_page_creates_lists_and_deletes(logged_in_page):
    page = logged_in_page
    page.goto("/activities/")
    page.get_by_test_id("activity-name").fill("approve-refund")
    page.get_by_test_id("create-activity").click()
    row = page.locator('[data-testid=activity-row][data-activity="approve-refund"]')
    expect(row).to_be_visible()
    expect(row.get_by_test_id("activity-waiting")).to_contain_text("0")
    expect(row.get_by_test_id("activity-workers")).to_contain_text("none")
    page.once("dialog", lambda d: d.accept())
    row.get_by_test_id("delete-activity").click()
    expect(row).to_have_count(0)


def test_access_keys_page_shows_the_secret_once_and_revokes(logged_in_page, live_server_url):
    page = logged_in_page
    page.goto("/access-keys/")
    page.get_by_test_id("create-access-key").click()
    key = {"access_key_id": page.get_by_test_id("new-access-key-id").inner_text(),
           "secret": page.get_by_test_id("new-secret-value").inner_text()}
    row = page.locator(f'[data-testid=access-key-row][data-key="{key["access_key_id"]}"]')
    expect(row).to_be_visible()
    assert "stateMachines" in sfn_client(live_server_url, key).list_state_machines()
    page.reload()
    expect(page.get_by_test_id("new-secret")).to_have_count(0)  # shown once
    expect(page.get_by_text(key["secret"])).to_have_count(0)
    page.once("dialog", lambda d: d.accept())
    row.get_by_test_id("revoke-access-key").click()
    expect(row).to_have_count(0)


def test_metrics_tab_draws_charts_and_settings_delete_lists_running_executions(logged_in_page, studio_api):
    studio_api.post("/api/machines", {"name": "measured", "definition": WAITS})
    studio_api.post("/api/machines/measured/executions", {"input": {}, "name": "still-waiting"})
    page = logged_in_page
    page.goto("/machines/measured/metrics/")
    charts = page.get_by_test_id("metrics-chart")
    expect(charts).to_have_count(4)
    expect(charts.first.locator("svg rect")).not_to_have_count(0)

    page.get_by_test_id("settings-tab").click()
    page.get_by_test_id("add-tag").click()
    page.get_by_test_id("tag-key").fill("team")
    page.get_by_test_id("tag-value").fill("payments")
    page.get_by_test_id("settings-tracing").check()
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_role("status")).to_have_text("Settings saved")
    settings = studio_api.get("/api/machines/measured/settings")
    assert settings["tags"] == {"team": "payments"} and settings["tracing"] == {"enabled": True}

    page.get_by_test_id("delete-machine").click()
    dialog = page.get_by_test_id("delete-dialog")
    expect(dialog.get_by_test_id("running-executions")).to_contain_text("still-waiting")
    expect(page.get_by_test_id("delete-confirm-name")).to_be_focused()  # focus moves into the dialog
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_api_docs_page_loads_offline_and_documents_the_studio_and_live_endpoints(logged_in_page, live_server_url):
    page = logged_in_page
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto("/api/docs")
    # Swagger UI's bundle is large: parsing it under a loaded CI machine takes a while.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/machines/{name}/versions/{number}/restore")
    expect(page.locator(".swagger-ui")).to_contain_text("/api/bulk/executions/stop")
    expect(page.locator(".swagger-ui")).to_contain_text("/api/live/machines/{name}/executions/{execution_name}")
    assert hosts == {urlparse(live_server_url).hostname}, hosts


def test_a_task_started_by_sync_links_to_its_child_execution(logged_in_page, studio_api):
    child = studio_api.post("/api/machines", {"name": "sync-child", "definition": VALID})
    parent = {"StartAt": "RunChild", "States": {"RunChild": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": child["arn"], "Name": "child-of-parent", "Input": {}}, "End": True}}}
    studio_api.post("/api/machines", {"name": "sync-parent", "definition": parent})
    studio_api.post("/api/machines/sync-parent/executions", {"input": {}, "name": "parent-run"})
    page = logged_in_page
    page.goto("/machines/sync-parent/executions/parent-run/")
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED", timeout=20_000)
    page.get_by_test_id("state-RunChild").click()
    page.get_by_test_id("child-execution-link").click()
    expect(page).to_have_url(re.compile(r"/machines/sync-child/executions/child-of-parent/$"))
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED")


def test_two_states_connect_with_the_keyboard(logged_in_page):
    page = logged_in_page
    page.goto("/machines/new")
    page.get_by_test_id("palette-Pass").click()
    page.get_by_test_id("palette-Succeed").drag_to(page.get_by_test_id("canvas"), target_position={"x": 520, "y": 380})
    page.get_by_test_id("state-Pass").click()
    page.keyboard.press("c")
    expect(page.get_by_test_id("connect-target")).to_be_focused()
    page.get_by_test_id("connect-target").select_option("Succeed")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("rf__edge-Pass->next->Succeed")).to_be_attached()
