"""Replay in the browser: a finished execution's page shows the execution as it was at any
event (slider), and the play button walks it from the start to the end."""

import json
import re

from playwright.sync_api import expect


def test_replay_shows_the_execution_as_it_was_at_each_event(logged_in_page):
    page = logged_in_page
    page.goto("/machines/hello-world/executions/")
    page.get_by_test_id("start-execution").click()
    page.get_by_test_id("execution-input").fill(json.dumps({"name": "Ada", "language": "en"}))
    page.get_by_test_id("start-execution-confirm").click()
    expect(page).to_have_url(re.compile(r"/machines/hello-world/executions/[^/]+/$"))
    expect(page.get_by_test_id("execution-status")).to_have_text("SUCCEEDED", timeout=20_000)
    greet, choice, say = (page.get_by_test_id(f"state-{n}") for n in ("Greet", "PickLanguage", "SayIt"))
    slider = page.get_by_test_id("replay-slider")
    expect(slider).to_have_attribute("max", "8")  # ExecutionStarted … ExecutionSucceeded
    expect(say).to_have_attribute("data-status", "SUCCEEDED")

    slider.fill("0")
    for state in (greet, choice, say):
        expect(state).to_have_attribute("data-status", "NOT_STARTED")
    slider.fill("2")  # PassStateEntered of Greet
    expect(greet).to_have_attribute("data-status", "IN_PROGRESS")
    slider.fill("4")  # Greet exited, the Choice entered
    expect(greet).to_have_attribute("data-status", "SUCCEEDED")
    expect(choice).to_have_attribute("data-status", "IN_PROGRESS")
    expect(say).to_have_attribute("data-status", "NOT_STARTED")
    expect(page.get_by_test_id("replay-position")).to_contain_text("Event 4 of 8")
    expect(page.get_by_test_id("replay-position")).to_contain_text("ChoiceStateEntered")

    # The state details follow the replay: Greet's output exists once it has exited.
    greet.click()
    expect(page.get_by_test_id("state-output")).to_contain_text("Hello, Ada!")

    slider.fill("1")
    page.get_by_test_id("replay-play").click()
    expect(say).to_have_attribute("data-status", "SUCCEEDED", timeout=15_000)
    expect(page.get_by_test_id("replay-play")).to_have_text("Play")
    expect(page.get_by_test_id("replay-position")).to_contain_text("Event 8 of 8")
