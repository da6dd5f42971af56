"""The designer in a real browser: build a machine from an empty canvas, edit it in the
inspector and the code view, undo and redo, save and reload, import and export."""

import json
import re

from playwright.sync_api import expect


def state(page, name):
    return page.get_by_test_id(f"state-{name}")


def drag_palette_to_canvas(page, item, x, y):
    """Drag a palette entry onto the canvas at (x, y) relative to the canvas (HTML5 drag and drop)."""
    page.get_by_test_id(f"palette-{item}").drag_to(page.get_by_test_id("canvas"), target_position={"x": x, "y": y})


def edge_center(page, edge_id):
    box = page.locator(f'[data-testid="rf__edge-{edge_id}"] path.react-flow__edge-path').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def connect(page, source, handle, target):
    """Drag from a state's output handle to another state's input handle."""
    start = state(page, source).locator(f'.react-flow__handle[data-handleid="{handle}"]').bounding_box()
    end = state(page, target).locator('.react-flow__handle[data-handleid="in"]').bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 5, end["y"] + 5, steps=8)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=4)
    page.mouse.up()


def wait_for_layout(page):
    """Wait until the editor's first ELK layout is on screen (nodes stop moving)."""
    page.wait_for_function("performance.getEntriesByName('statecraft:layout-ready').length > 0")


def machine_definition(studio_api, name):
    return studio_api.get(f"/api/machines/{name}")["definition"]


def test_build_a_machine_from_an_empty_canvas_save_and_reload(logged_in_page, studio_api):
    page = logged_in_page
    page.goto("/machines/new")
    expect(page.get_by_test_id("canvas")).to_be_visible()

    drag_palette_to_canvas(page, "Pass", 300, 120)
    expect(state(page, "Pass")).to_have_attribute("data-state-type", "Pass")
    drag_palette_to_canvas(page, "Task", 300, 330)
    expect(state(page, "Task")).to_have_attribute("data-state-type", "Task")

    # Pass is the start state and ends; connecting its output to Task makes Task its Next.
    connect(page, "Pass", "next", "Task")
    expect(page.get_by_test_id("rf__edge-Pass->next->Task")).to_be_attached()

    # Drop a Wait onto the Pass -> Task edge: it is inserted between them.
    x, y = edge_center(page, "Pass->next->Task")
    canvas = page.get_by_test_id("canvas").bounding_box()
    drag_palette_to_canvas(page, "Wait", x - canvas["x"], y - canvas["y"])
    expect(state(page, "Wait")).to_be_visible()
    expect(page.get_by_test_id("rf__edge-Pass->next->Wait")).to_be_attached()
    expect(page.get_by_test_id("rf__edge-Wait->next->Task")).to_be_attached()

    # The inspector edits the selected state: a resource, a wait time, then a new name.
    state(page, "Task").click()
    inspector = page.get_by_test_id("inspector")
    inspector.locator('[data-field="Resource"]').fill("arn:aws:lambda:us-east-1:000000000000:function:order-validate")
    state(page, "Wait").click()
    inspector.locator('[data-field="Seconds"]').fill("3")
    state(page, "Task").click()
    name = inspector.locator('[data-field="Name"]')
    # Every inspector has a Name field: wait for Task's, or the fill can land in Wait's just
    # before the inspector switches (seen under load in a full make test run).
    expect(name).to_have_value("Task")
    name.fill("Validate")
    name.press("Enter")
    expect(state(page, "Validate")).to_be_visible()
    expect(page.get_by_test_id("rf__edge-Wait->next->Validate")).to_be_attached()

    page.get_by_test_id("machine-name").fill("built-in-browser")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/machines/built-in-browser/$"))

    definition = machine_definition(studio_api, "built-in-browser")
    assert definition["StartAt"] == "Pass"
    assert definition["States"]["Pass"]["Next"] == "Wait"
    assert definition["States"]["Wait"] == {"Type": "Wait", "Seconds": 3, "Next": "Validate"}
    assert definition["States"]["Validate"]["Resource"].endswith("function:order-validate")
    assert definition["States"]["Validate"]["End"] is True

    page.reload()
    for name, kind in [("Pass", "Pass"), ("Wait", "Wait"), ("Validate", "Task")]:
        expect(state(page, name)).to_have_attribute("data-state-type", kind)
    expect(page.get_by_test_id("rf__edge-Pass->next->Wait")).to_be_attached()
    expect(page.get_by_test_id("rf__edge-Wait->next->Validate")).to_be_attached()


def test_click_to_add_undo_redo_and_keyboard(logged_in_page):
    page = logged_in_page
    page.goto("/machines/new")
    page.get_by_test_id("palette-Pass").click()
    expect(state(page, "Pass")).to_be_visible()
    page.get_by_test_id("palette-Succeed").click()  # added after the selected Pass
    expect(page.get_by_test_id("rf__edge-Pass->next->Succeed")).to_be_attached()

    page.get_by_test_id("undo").click()
    expect(state(page, "Succeed")).to_have_count(0)
    page.get_by_test_id("redo").click()
    expect(state(page, "Succeed")).to_be_visible()

    # Focus is on a toolbar button, not in a field: the editor's shortcuts apply.
    page.keyboard.press("Control+z")
    expect(state(page, "Succeed")).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(state(page, "Succeed")).to_be_visible()

    # Delete rewires: deleting the Pass start state makes Succeed the start.
    page.wait_for_timeout(400)  # a click-added state is scrolled into view: let that finish
    state(page, "Pass").click()
    page.keyboard.press("Delete")
    expect(state(page, "Pass")).to_have_count(0)
    expect(page.get_by_test_id("rf__edge-__start->next->Succeed")).to_be_attached()


def test_code_view_edits_drive_the_graph_and_bad_text_is_kept(logged_in_page, studio_api):
    studio_api.post(
        "/api/machines",
        {"name": "code-edits", "definition": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}}},
    )
    page = logged_in_page
    page.goto("/machines/code-edits/")
    expect(state(page, "One")).to_be_visible()
    page.get_by_test_id("toggle-code").click()
    code = page.get_by_test_id("code-view")
    expect(code).to_contain_text('"One"')

    new = {"StartAt": "One", "States": {"One": {"Type": "Pass", "Next": "Two"}, "Two": {"Type": "Succeed"}}}
    code.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(json.dumps(new, indent=2))
    expect(state(page, "Two")).to_have_attribute("data-state-type", "Succeed")
    expect(page.get_by_test_id("rf__edge-One->next->Two")).to_be_attached()

    # Invalid text is marked, kept, and leaves the graph alone.
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(" oops")
    expect(code.locator(".code-error")).to_be_visible()
    expect(code).to_contain_text("oops")
    expect(state(page, "Two")).to_be_visible()

    # A graph edit does not overwrite the invalid text either.
    state(page, "Two").click()
    page.get_by_test_id("inspector").locator('[data-field="Comment"]').fill("done")
    expect(code).to_contain_text("oops")

    # Nor does closing the code view: it opens again with the same text, still marked.
    page.get_by_test_id("toggle-code").click()
    expect(code).to_have_count(0)
    page.get_by_test_id("toggle-code").click()
    expect(code).to_contain_text("oops")
    expect(code.locator(".code-error")).to_be_visible()

    # Graph edits flow into valid text: fix the text, then rename in the inspector.
    code.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(json.dumps(new, indent=2))
    expect(code.locator(".code-error")).to_have_count(0)
    state(page, "Two").click()
    name = page.get_by_test_id("inspector").locator('[data-field="Name"]')
    name.fill("Finish")
    name.press("Enter")
    expect(code).to_contain_text('"Next": "Finish"')

    page.get_by_test_id("format-yaml").click()
    expect(code).to_contain_text("StartAt: One")


def test_diagnostics_are_listed_and_select_the_node(logged_in_page, studio_api):
    studio_api.post(
        "/api/machines",
        {"name": "has-problems", "definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}},
    )
    page = logged_in_page
    page.goto("/machines/has-problems/")
    page.get_by_test_id("toggle-code").click()
    page.get_by_test_id("code-view").locator(".cm-content").click()
    page.keyboard.press("Control+a")
    bad = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "", "Next": "Missing"}}}
    page.keyboard.insert_text(json.dumps(bad, indent=2))
    diagnostic = page.get_by_test_id("diagnostic").first
    expect(diagnostic).to_be_visible()
    assert diagnostic.get_attribute("data-path").startswith("/States/A")
    diagnostic.click()
    expect(page.get_by_test_id("inspector").locator('[data-field="Name"]')).to_have_value("A")


def test_import_a_yaml_file_and_export_it_again(logged_in_page, tmp_path):
    page = logged_in_page
    page.goto("/machines/new")
    source = tmp_path / "flow.asl.yaml"
    source.write_text(
        "StartAt: Check\n"
        "States:\n"
        "  Check:\n"
        "    Type: Choice\n"
        "    Choices:\n"
        "      - Variable: $.ok\n"
        "        BooleanEquals: true\n"
        "        Next: Yes\n"
        "    Default: No\n"
        "  'Yes': {Type: Succeed}\n"
        "  'No': {Type: Fail, Error: Nope}\n"
    )
    page.get_by_test_id("import-file").set_input_files(str(source))
    expect(state(page, "Check")).to_have_attribute("data-state-type", "Choice")
    expect(state(page, "Yes")).to_be_visible()
    expect(page.get_by_test_id("rf__edge-Check->choice:0->Yes")).to_be_attached()
    expect(page.locator('[data-edge-id="Check->choice:0->Yes"]')).to_have_text("$.ok == true")

    # Select the Default edge by its label and delete it: the Default goes, the rule stays.
    page.locator('[data-edge-id="Check->default->No"]').click()
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("rf__edge-Check->default->No")).to_have_count(0)
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("rf__edge-Check->default->No")).to_be_attached()

    page.get_by_test_id("export").click()
    with page.expect_download() as download:
        page.get_by_test_id("export-json").click()
    exported = json.loads(download.value.path().read_text())
    assert exported == {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Succeed"},
            "No": {"Type": "Fail", "Error": "Nope"},
        },
    }
    page.get_by_test_id("export").click()
    with page.expect_download() as svg:
        page.get_by_test_id("export-svg").click()
    assert svg.value.path().read_text().startswith("<svg")


def test_machine_list_search_rename_delete_and_template(logged_in_page, studio_api):
    studio_api.post(
        "/api/machines", {"name": "to-rename", "definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}}
    )
    page = logged_in_page
    page.goto("/")
    expect(page.get_by_test_id("machine-list")).to_be_visible()
    row = page.get_by_test_id("machine-row-to-rename")
    expect(row).to_be_visible()
    row.get_by_test_id("rename-machine").click()
    page.get_by_test_id("rename-input").fill("renamed-one")
    page.get_by_test_id("rename-input").press("Enter")
    expect(page.get_by_test_id("machine-row-renamed-one")).to_be_visible()

    page.get_by_test_id("machine-search").fill("renamed")
    expect(page.get_by_test_id("machine-row-order-processing")).to_have_count(0)
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("machine-row-renamed-one").get_by_test_id("delete-machine").click()
    expect(page.get_by_test_id("machine-row-renamed-one")).to_have_count(0)

    page.get_by_test_id("machine-search").fill("")
    page.get_by_test_id("template-hello-world").click()
    expect(page).to_have_url(re.compile(r"/machines/new\?template=hello-world$"))
    expect(page.locator('[data-testid^="state-"]').first).to_be_visible()
    page.get_by_test_id("machine-name").fill("from-template")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/machines/from-template/$"))
    assert (
        studio_api.get("/api/machines/from-template")["definition"]
        == studio_api.get("/api/machines/hello-world")["definition"]
    )

    page.get_by_role("link", name="State machines").click()
    page.get_by_test_id("machine-row-order-processing").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/machines/order-processing/$"))
    expect(state(page, "ValidateOrder")).to_be_visible()


def test_drop_into_a_parallel_branch_copy_paste_and_duplicate(logged_in_page, studio_api):
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "End": True,
                "Branches": [{"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}}],
            }
        },
    }
    studio_api.post("/api/machines", {"name": "nested-edits", "definition": definition})
    page = logged_in_page
    page.goto("/machines/nested-edits/")
    expect(state(page, "Left")).to_be_visible()
    wait_for_layout(page)

    group = page.locator('.react-flow__node[data-id="Fan[0]"]').bounding_box()
    canvas = page.get_by_test_id("canvas").bounding_box()
    drag_palette_to_canvas(
        page, "Wait", group["x"] - canvas["x"] + group["width"] / 2, group["y"] - canvas["y"] + group["height"] - 12
    )
    expect(page.locator('.react-flow__node[data-id="Fan[0]/Wait"]')).to_be_attached()

    # A second branch from the Parallel's inspector, edited in place like the first.
    state(page, "Fan").locator(".state-head").click()
    page.get_by_test_id("inspector").locator('[data-field="AddBranch"]').click()
    expect(page.locator('.react-flow__node[data-id="Fan[1]"]')).to_be_attached()
    page.get_by_test_id("undo").click()
    expect(page.locator('.react-flow__node[data-id="Fan[1]"]')).to_have_count(0)

    state(page, "Left").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(state(page, "Left (1)")).to_be_visible()
    page.keyboard.press("Control+d")
    expect(state(page, "Left (2)")).to_be_visible()

    expect(page.locator('.react-flow__node[data-id="Fan[0]/Left (2)"]')).to_be_attached()

    # Unreachable states do not validate: the save keeps a draft, which executions do not run.
    page.get_by_test_id("save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as draft revision 2")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-draft", "true")

    # Remove the copies (multi-select with Shift), chain Left -> Wait in the inspector, save.
    # The copies land right of their originals, past the canvas's right edge at this window
    # size (under the inspector): fit the view first, as a user would.
    page.locator(".react-flow__controls-fitview").click()
    state(page, "Left (1)").click()
    state(page, "Left (2)").click(modifiers=["Shift"])
    page.keyboard.press("Delete")
    expect(state(page, "Left (1)")).to_have_count(0)
    expect(state(page, "Left (2)")).to_have_count(0)
    state(page, "Left").click()
    page.get_by_test_id("inspector").locator('[data-field="Next"]').select_option("Wait")
    expect(page.get_by_test_id("rf__edge-Fan[0]/Left->next->Fan[0]/Wait")).to_be_attached()
    page.get_by_test_id("save").click()
    expect(page.get_by_text("Saved revision 3")).to_be_visible()
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-draft", "false")
    branch = studio_api.get("/api/machines/nested-edits")["definition"]["States"]["Fan"]["Branches"][0]
    assert branch["StartAt"] == "Left"
    assert branch["States"]["Left"] == {"Type": "Pass", "Next": "Wait"}
    assert branch["States"]["Wait"]["End"] is True


def test_revisions_diff_and_start_execution_navigates_to_the_live_view(logged_in_page, studio_api):
    studio_api.post(
        "/api/machines",
        {
            "name": "runs",
            "definition": {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": "hi", "End": True}}},
        },
    )
    page = logged_in_page
    page.goto("/machines/runs/")
    state(page, "Hello").click()
    page.get_by_test_id("inspector").locator('[data-field="Comment"]').fill("second revision")
    page.keyboard.press("Control+s")
    expect(page.get_by_text("Saved revision 2")).to_be_visible()

    page.get_by_role("button", name="Revisions").click()
    diff = page.get_by_test_id("revision-diff")
    expect(diff.locator(".diff-add", has_text="second revision")).to_be_visible()
    page.get_by_role("button", name="Close").click()

    page.get_by_test_id("publish").click()
    page.get_by_test_id("publish-description").fill("first release")
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Published version 1")
    assert [v["version"] for v in studio_api.get("/api/machines/runs/versions")] == [1]

    page.get_by_test_id("start-execution").click()
    page.get_by_test_id("execution-name").fill("first-run")
    page.get_by_test_id("execution-input").fill('{"who": "world"}')
    page.get_by_test_id("start-execution-confirm").click()
    expect(page).to_have_url(re.compile(r"/machines/runs/executions/first-run/$"))


def test_import_a_cloudformation_template_definition_string(logged_in_page, tmp_path):
    page = logged_in_page
    page.goto("/machines/new")
    definition = {"StartAt": "Only", "States": {"Only": {"Type": "Wait", "Seconds": 1, "End": True}}}
    template = tmp_path / "stack.yaml"
    template.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Flow:\n"
        "    Type: AWS::StepFunctions::StateMachine\n"
        "    Properties:\n"
        "      DefinitionString: !Sub |\n"
        f"        {json.dumps(definition)}\n"
    )
    page.get_by_test_id("import-file").set_input_files(str(template))
    expect(state(page, "Only")).to_have_attribute("data-state-type", "Wait")
    page.get_by_test_id("toggle-code").click()
    page.get_by_test_id("format-yaml").click()
    expect(page.get_by_test_id("code-view")).to_contain_text("Seconds: 1")


def test_reconnect_an_edge_by_dragging_its_end(logged_in_page, studio_api):
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "C"}], "Default": "B"},
            "B": {"Type": "Succeed"},
            "C": {"Type": "Fail", "Error": "X"},
        },
    }
    studio_api.post("/api/machines", {"name": "reconnects", "definition": definition})
    page = logged_in_page
    page.goto("/machines/reconnects/")
    expect(page.get_by_test_id("rf__edge-A->default->B")).to_be_attached()
    wait_for_layout(page)
    anchor = page.locator('[data-testid="rf__edge-A->default->B"] .react-flow__edgeupdater-target').bounding_box()
    target = state(page, "C").locator('.react-flow__handle[data-handleid="in"]').bounding_box()
    # Grab the reconnect anchor just above the target handle (the handle itself sits on top).
    page.mouse.move(anchor["x"] + anchor["width"] / 2, anchor["y"] + 3)
    page.mouse.down()
    page.mouse.move(target["x"] + 3, target["y"] + 3, steps=10)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=3)
    page.mouse.up()
    expect(page.get_by_test_id("rf__edge-A->default->C")).to_be_attached()
    expect(page.get_by_test_id("rf__edge-A->default->B")).to_have_count(0)
