// @vitest-environment node
import { beforeEach, describe, expect, it } from "vitest";
import { addState, renameState } from "../asl/ops";
import { useEditor } from "./store";

describe("editor store undo stack", () => {
  beforeEach(() => useEditor.getState().load(null, { States: {} }));

  it("undoes and redoes whole documents", () => {
    const { apply } = useEditor.getState();
    apply((d) => addState(d, [], "A", { Type: "Pass", End: true }));
    apply((d) => renameState(d, [], "A", "B"));
    expect(Object.keys(useEditor.getState().doc.States)).toEqual(["B"]);
    useEditor.getState().undo();
    expect(Object.keys(useEditor.getState().doc.States)).toEqual(["A"]);
    useEditor.getState().undo();
    expect(useEditor.getState().doc.States).toEqual({});
    useEditor.getState().redo();
    useEditor.getState().redo();
    expect(Object.keys(useEditor.getState().doc.States)).toEqual(["B"]);
  });

  it("coalesces a burst of edits to one field into one undo step", () => {
    const { apply } = useEditor.getState();
    apply((d) => addState(d, [], "A", { Type: "Pass", End: true }));
    for (const c of ["h", "he", "hey"]) apply((d) => ({ ...d, Comment: c }), { key: "A/Comment" });
    expect(useEditor.getState().past).toHaveLength(2);
    useEditor.getState().undo();
    expect(useEditor.getState().doc.Comment).toBeUndefined();
  });

  it("drops the redo branch on a new change and ignores no-op gestures", () => {
    const { apply } = useEditor.getState();
    apply((d) => addState(d, [], "A", { Type: "Pass", End: true }));
    useEditor.getState().undo();
    apply((d) => d);
    expect(useEditor.getState().future).toHaveLength(1);
    apply((d) => addState(d, [], "B", { Type: "Pass", End: true }));
    expect(useEditor.getState().future).toHaveLength(0);
  });
});

describe("positions in the undo stack", () => {
  it("undoes a drag (a positions-only change) like a document change", () => {
    useEditor.getState().load(null, { StartAt: "A", States: { A: { Type: "Pass", End: true } } });
    useEditor.getState().apply((d) => d, { key: "move", positions: (p) => ({ ...p, A: { x: 10, y: 20 } }) });
    expect(useEditor.getState().positions).toEqual({ A: { x: 10, y: 20 } });
    useEditor.getState().undo();
    expect(useEditor.getState().positions).toEqual({});
  });
});
