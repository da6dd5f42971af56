"""The Triggers tab in the browser: create, edit, disable and delete a schedule, a rule and a
webhook on a machine, and see each fire or call with its result (a link to the execution it
started, or why it did not start)."""

import json
import re

from playwright.sync_api import expect


def test_the_triggers_tab_manages_schedules_rules_and_webhooks_and_shows_their_fires(logged_in_page,
                                                                                     live_server_url):
    page = logged_in_page
    page.goto("/machines/hello-world")
    page.get_by_test_id("triggers-tab").click()
    expect(page).to_have_url(re.compile(r"/machines/hello-world/triggers/$"))
    expect(page.get_by_test_id("triggers-page")).to_be_visible()

    # A schedule: the form previews the expression in plain words with its next fires.
    page.get_by_test_id("schedule-new").click()
    page.get_by_test_id("schedule-name").fill("weekday-report")
    page.get_by_test_id("schedule-expression").fill("cron(0 7 ? * MON-FRI *)")
    page.get_by_test_id("schedule-timezone").fill("America/New_York")
    expect(page.get_by_test_id("schedule-preview")).to_contain_text("Every weekday, at 07:00 (America/New_York)")
    page.get_by_test_id("schedule-input").fill('{"report": "daily"}')
    page.get_by_test_id("schedule-save").click()
    row = page.get_by_test_id("schedule-row").filter(has_text="weekday-report")
    expect(row.get_by_test_id("schedule-summary")).to_have_text("Every weekday, at 07:00 (America/New_York)")
    expect(row.get_by_test_id("schedule-next").locator("li")).to_have_count(5)
    expect(row.get_by_test_id("schedule-next").locator("li").first).to_contain_text(re.compile(r"07:00 \(-0[45]:00\)"))
    row.get_by_test_id("schedule-toggle").click()
    expect(row).to_contain_text("Disabled")
    expect(row.get_by_test_id("schedule-next")).to_contain_text("No upcoming fires")
    row.get_by_test_id("schedule-toggle").click()
    expect(row).to_contain_text("Enabled")

    # Edited to every minute, it fires at once (rate counts from now) and the fire links its execution.
    row.get_by_test_id("schedule-edit").click()
    page.get_by_test_id("schedule-expression").fill("rate(1 minute)")
    page.get_by_test_id("schedule-save").click()
    expect(row.get_by_test_id("schedule-summary")).to_have_text("Every minute")
    fire = page.get_by_test_id("trigger-fire-row").filter(has_text="weekday-report")
    expect(fire.first.get_by_test_id("fire-execution-link")).to_be_visible(timeout=30_000)

    # An event rule.
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("rule-name").fill("on-upload")
    pattern = {"source": ["uploads"], "detail": {"size": [{"numeric": [">", 0]}]}}
    page.get_by_test_id("rule-pattern").fill(json.dumps(pattern))
    page.get_by_test_id("rule-save").click()
    rule = page.get_by_test_id("rule-row").filter(has_text="on-upload")
    expect(rule).to_contain_text('"numeric"')
    rule.get_by_test_id("rule-toggle").click()
    expect(rule).to_contain_text("Disabled")

    # A webhook: a JSON call starts the machine, a malformed one is refused and shown with why.
    page.get_by_test_id("webhook-new").click()
    page.get_by_test_id("webhook-name").fill("from-ci")
    page.get_by_test_id("webhook-save").click()
    hook = page.get_by_test_id("webhook-row").filter(has_text="from-ci")
    url = hook.get_by_test_id("webhook-url").inner_text()
    assert url.startswith(live_server_url + "/webhooks/")
    accepted = page.request.post(url, data=b'{"commit": "abc"}', headers={"Content-Type": "application/json"})
    assert accepted.status == 202 and ":execution:hello-world:" in accepted.json()["executionArn"]
    refused = page.request.post(url, data=b"{nope", headers={"Content-Type": "application/json"})
    assert refused.status == 400
    calls = page.get_by_test_id("trigger-fire-row").filter(has_text="from-ci")
    expect(calls.filter(has=page.get_by_test_id("fire-execution-link"))).to_have_count(1)
    expect(calls.get_by_test_id("fire-reason")).to_contain_text("not valid JSON")

    # Following a fire's link opens the execution it started.
    calls.get_by_test_id("fire-execution-link").click()
    expect(page.get_by_test_id("execution-page")).to_be_visible()
    page.go_back()

    # Delete asks once more, then each is gone.
    for kind, name in (("schedule", "weekday-report"), ("rule", "on-upload"), ("webhook", "from-ci")):
        item = page.get_by_test_id(f"{kind}-row").filter(has_text=name)
        item.get_by_test_id(f"{kind}-delete").click()
        item.get_by_test_id(f"{kind}-delete").click()
        expect(page.get_by_test_id(f"{kind}-row").filter(has_text=name)).to_have_count(0)
