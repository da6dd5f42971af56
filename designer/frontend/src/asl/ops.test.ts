// @vitest-environment node
// Pure document operations: jsdom (which needs a newer Node) is not required here.
import { describe, expect, it } from "vitest";
import { addBranch, addState, connect, copyStates, deleteState, disconnect, duplicateState, emptyMachine, insertBetween, pasteStates, renamePositions, renameState, uniqueName, unreachable } from "./ops";
import { allStateNames, getBlock } from "./scope";
import type { Machine } from "./types";

const chain = (): Machine => ({
  StartAt: "A",
  States: {
    A: { Type: "Pass", Next: "B" },
    B: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:1:function:f", Next: "C", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Oops" }] },
    C: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 1, Next: "D" }], Default: "B" },
    D: { Type: "Succeed" },
    Oops: { Type: "Fail", Error: "E" },
  },
});

describe("addState", () => {
  it("makes the first state of an empty machine its StartAt", () => {
    const doc = addState(emptyMachine(), [], "Hello", { Type: "Pass", End: true });
    expect(doc.StartAt).toBe("Hello");
    expect(doc.States.Hello).toEqual({ Type: "Pass", End: true });
  });

  it("adds into a Parallel branch and a Map processor", () => {
    let doc: Machine = { StartAt: "P", States: { P: { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Pass", End: true } } }], End: true }, M: { Type: "Map", ItemProcessor: { StartAt: "Y", States: { Y: { Type: "Pass", End: true } } }, End: true } } };
    doc = addState(doc, [{ state: "P", branch: 0 }], "X2", { Type: "Pass", End: true });
    doc = addState(doc, [{ state: "M", branch: 0 }], "Y2", { Type: "Pass", End: true });
    expect(Object.keys(doc.States.P.Branches[0].States)).toEqual(["X", "X2"]);
    expect(Object.keys(doc.States.M.ItemProcessor.States)).toEqual(["Y", "Y2"]);
  });

  it("keeps untouched states identical (structural sharing)", () => {
    const before = chain();
    const after = addState(before, [], "Z", { Type: "Pass", End: true });
    expect(after.States.A).toBe(before.States.A);
    expect(before.States.Z).toBeUndefined();
  });

  it("renames nested states of a new container so names stay unique machine-wide", () => {
    let doc = addState(emptyMachine(), [], "Pass", { Type: "Pass", End: true });
    doc = addState(doc, [], "Parallel", { Type: "Parallel", Branches: [{ StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } }], End: true });
    expect(doc.States.Parallel.Branches[0].StartAt).toBe("Pass (1)");
    expect(allStateNames(doc).size).toBe(3);
  });
});

describe("insertBetween", () => {
  it("drops a state on a Next edge", () => {
    const doc = insertBetween(chain(), [], "A", "next", "B", "New", { Type: "Wait", Seconds: 1, End: true });
    expect(doc.States.A.Next).toBe("New");
    expect(doc.States.New).toEqual({ Type: "Wait", Seconds: 1, Next: "B" });
  });

  it("drops on a Choice rule edge and on the start edge", () => {
    let doc = insertBetween(chain(), [], "C", "choice:0", "D", "Log", { Type: "Pass", End: true });
    expect(doc.States.C.Choices[0].Next).toBe("Log");
    expect(doc.States.Log.Next).toBe("D");
    doc = insertBetween(doc, [], "", "next", "A", "First", { Type: "Pass", End: true });
    expect(doc.StartAt).toBe("First");
    expect(doc.States.First.Next).toBe("A");
  });

  it("drops on an end edge: the source now continues to the new End state", () => {
    const doc = insertBetween({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }, [], "A", "next", undefined, "B", { Type: "Pass", End: true });
    expect(doc.States.A).toEqual({ Type: "Pass", Next: "B" });
    expect(doc.States.B.End).toBe(true);
  });
});

describe("deleteState", () => {
  it("rewires predecessors to the deleted state's Next", () => {
    const doc = deleteState(chain(), [], "B");
    expect(doc.States.A.Next).toBe("C");
    expect(doc.States.C.Default).toBe("C");
    expect(doc.States.B).toBeUndefined();
  });

  it("ends a predecessor whose successor was terminal and drops rules and catchers into it", () => {
    let doc = deleteState(chain(), [], "D");
    expect(doc.States.C.Choices).toEqual([]);
    doc = deleteState(chain(), [], "Oops");
    expect(doc.States.B.Catch).toBeUndefined();
    const ended = deleteState({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", End: true } } }, [], "B");
    expect(ended.States.A).toEqual({ Type: "Pass", End: true });
  });

  it("moves StartAt on", () => {
    const doc = deleteState(chain(), [], "A");
    expect(doc.StartAt).toBe("B");
  });

  it("deletes inside a branch without touching the root", () => {
    const doc: Machine = { StartAt: "P", States: { P: { Type: "Parallel", End: true, Branches: [{ StartAt: "X", States: { X: { Type: "Pass", Next: "Y" }, Y: { Type: "Pass", End: true } } }] } } };
    const after = deleteState(doc, [{ state: "P", branch: 0 }], "X");
    expect(after.States.P.Branches[0]).toEqual({ StartAt: "Y", States: { Y: { Type: "Pass", End: true } } });
  });
});

describe("renameState", () => {
  it("rewrites StartAt, Next, Default, Choices[].Next and Catch[].Next", () => {
    let doc = renameState(chain(), [], "B", "Charge");
    expect(doc.States.A.Next).toBe("Charge");
    expect(doc.States.C.Default).toBe("Charge");
    expect(Object.keys(doc.States)).toEqual(["A", "Charge", "C", "D", "Oops"]);
    doc = renameState(doc, [], "D", "Done");
    expect(doc.States.C.Choices[0].Next).toBe("Done");
    doc = renameState(doc, [], "Oops", "Failed");
    expect(doc.States.Charge.Catch[0].Next).toBe("Failed");
    doc = renameState(doc, [], "A", "Begin");
    expect(doc.StartAt).toBe("Begin");
  });

  it("renames inside its own block only", () => {
    const doc: Machine = { StartAt: "P", States: { P: { Type: "Parallel", End: true, Branches: [{ StartAt: "X", States: { X: { Type: "Pass", Next: "Y" }, Y: { Type: "Pass", End: true } } }] } } };
    const after = renameState(doc, [{ state: "P", branch: 0 }], "Y", "Z");
    expect(after.States.P.Branches[0]).toEqual({ StartAt: "X", States: { X: { Type: "Pass", Next: "Z" }, Z: { Type: "Pass", End: true } } });
  });

  it("refuses a name already taken", () => {
    const doc = chain();
    expect(renameState(doc, [], "A", "B").States.A).toBeDefined();
  });

  it("moves positions of the state and its nested nodes", () => {
    expect(renamePositions({ P: { x: 1, y: 2 }, "P[0]": { x: 3, y: 4 }, "P[0]/X": { x: 5, y: 6 }, Q: { x: 0, y: 0 } }, "P", "R")).toEqual({ R: { x: 1, y: 2 }, "R[0]": { x: 3, y: 4 }, "R[0]/X": { x: 5, y: 6 }, Q: { x: 0, y: 0 } });
  });
});

describe("connect, disconnect, duplicate, paste, branches", () => {
  it("connects handles and adds a catcher from the free catch handle", () => {
    let doc = connect(chain(), [], "D", "next", "A"); // Succeed has no Next: unchanged
    expect(doc.States.D.Next).toBeUndefined();
    doc = connect(chain(), [], "B", "catch:1", "D");
    expect(doc.States.B.Catch[1]).toEqual({ ErrorEquals: ["States.ALL"], Next: "D" });
    doc = connect(doc, [], "C", "choice:0", "A");
    expect(doc.States.C.Choices[0].Next).toBe("A");
  });

  it("disconnects: Next becomes End; Default, rule and catcher go", () => {
    expect(disconnect(chain(), [], "A", "next").States.A).toEqual({ Type: "Pass", End: true });
    expect(disconnect(chain(), [], "C", "default").States.C.Default).toBeUndefined();
    expect(disconnect(chain(), [], "B", "catch:0").States.B.Catch).toBeUndefined();
  });

  it("duplicates under a fresh name", () => {
    const { doc, name } = duplicateState(chain(), [], "A");
    expect(name).toBe("A (1)");
    expect(doc.States[name]).toEqual(doc.States.A);
  });

  it("pastes with fresh names, internal links kept, outside links ended", () => {
    const source = chain();
    const clip = copyStates(source, [], ["A", "B"]);
    const { doc, names } = pasteStates({ StartAt: "Z", States: { Z: { Type: "Pass", End: true } } }, [], clip);
    expect(names).toEqual(["A", "B"]);
    expect(doc.States.A.Next).toBe("B");
    expect(doc.States.B.End).toBe(true);
    expect(doc.States.B.Catch).toBeUndefined();
    const again = pasteStates(source, [], clip);
    expect(again.names).toEqual(["A (1)", "B (1)"]);
    expect(again.doc.States["A (1)"].Next).toBe("B (1)");
  });

  it("adds a branch with a uniquely named state", () => {
    const doc = addBranch({ StartAt: "P", States: { P: { Type: "Parallel", End: true, Branches: [{ StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } }] } } }, [], "P");
    expect(doc.States.P.Branches).toHaveLength(2);
    expect(getBlock(doc, [{ state: "P", branch: 1 }])!.StartAt).toBe("Pass (1)");
  });

  it("names new states like the designer does", () => {
    expect(uniqueName(chain(), "A")).toBe("A (1)");
    expect(uniqueName(chain(), "Fresh")).toBe("Fresh");
    expect(unreachable(chain())).toEqual([]);
  });
});

describe("insertAfter", () => {
  it("continues a state's Next, and makes the new state a Choice's Default when it has none", async () => {
    const { insertAfter } = await import("./ops");
    let doc: Machine = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };
    doc = insertAfter(doc, [], "A", "C", { Type: "Choice", Choices: [] });
    expect(doc.States.A.Next).toBe("C");
    doc = insertAfter(doc, [], "C", "D", { Type: "Pass", End: true });
    expect(doc.States.C.Default).toBe("D");
    doc = insertAfter(doc, [], "C", "E", { Type: "Pass", End: true });
    expect(doc.States.E).toEqual({ Type: "Pass", End: true });
  });
});
