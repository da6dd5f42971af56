// @vitest-environment node
import { describe, expect, it } from "vitest";
import { editBlock, findState, locateNode, nodeId, pointerTarget } from "./scope";
import type { Machine } from "./types";

const doc: Machine = {
  StartAt: "Fan out",
  States: {
    "Fan out": { Type: "Parallel", End: true, Branches: [
      { StartAt: "A", States: { A: { Type: "Pass", End: true } } },
      { StartAt: "Each", States: { Each: { Type: "Map", End: true, Iterator: { StartAt: "Inner", States: { Inner: { Type: "Pass", End: true } } } } } },
    ] },
  },
};

describe("scopes", () => {
  it("names nodes by their block path and finds them again", () => {
    const path = [{ state: "Fan out", branch: 1 }, { state: "Each", branch: 0 }];
    expect(nodeId(path, "Inner")).toBe("Fan out[1]/Each[0]/Inner");
    expect(locateNode(doc, "Fan out[1]/Each[0]/Inner")).toEqual({ path, name: "Inner" });
    expect(locateNode(doc, "Fan out")).toEqual({ path: [], name: "Fan out" });
    expect(locateNode(doc, "Nope")).toBeUndefined();
    expect(findState(doc, "A")).toEqual([{ state: "Fan out", branch: 0 }]);
  });

  it("maps a diagnostic's JSON pointer to the innermost state and its field", () => {
    expect(pointerTarget("/States/Fan out/Branches/1/States/Each/Iterator/States/Inner/Next")).toEqual({ id: "Fan out[1]/Each[0]/Inner", field: "Next" });
    expect(pointerTarget("/States/Fan out/Branches/0/States/A/Retry/0/MaxAttempts")).toEqual({ id: "Fan out[0]/A", field: "Retry/0/MaxAttempts" });
    expect(pointerTarget("/States/Fan out")).toEqual({ id: "Fan out", field: "" });
    expect(pointerTarget("/StartAt")).toBeUndefined();
  });

  it("edits a legacy Iterator block in place", () => {
    const next = editBlock(doc, [{ state: "Fan out", branch: 1 }, { state: "Each", branch: 0 }], (b) => { b.States.Inner = { Type: "Succeed" }; });
    expect(next.States["Fan out"].Branches[1].States.Each.Iterator.States.Inner).toEqual({ Type: "Succeed" });
    expect(next.States["Fan out"].Branches[1].States.Each.ItemProcessor).toBeUndefined();
    expect(doc.States["Fan out"].Branches[1].States.Each.Iterator.States.Inner.Type).toBe("Pass");
  });
});
