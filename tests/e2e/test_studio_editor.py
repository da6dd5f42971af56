"""The editor's studio features in a real browser: renaming a state that the server flags."""

from playwright.sync_api import expect


def test_renaming_a_state_is_not_blocked_by_a_diagnostic_about_the_whole_state(logged_in_page):
    # A Task dropped apart from the flow gets "not reachable" at /States/Task, which the inspector
    # shows on the Name field. Such a diagnostic, often stale (validation is debounced and answers
    # over the network), used to refuse the rename: fill + Enter did nothing.
    page = logged_in_page
    page.goto("/machines/new")
    page.get_by_test_id("palette-Pass").click()
    expect(page.get_by_test_id("state-Pass")).to_be_visible()
    page.get_by_test_id("palette-Task").drag_to(page.get_by_test_id("canvas"), target_position={"x": 420, "y": 320})
    page.get_by_test_id("state-Task").click()
    expect(page.locator('[data-testid=diagnostic][data-path="/States/Task"]').first).to_be_visible()
    name = page.get_by_test_id("inspector").locator('[data-field="Name"]')
    expect(name).to_have_value("Task")
    name.fill("Validate")
    name.press("Enter")
    expect(page.get_by_test_id("state-Validate")).to_be_visible()
