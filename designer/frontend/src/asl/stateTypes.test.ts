// @vitest-environment node
import { describe, expect, it } from "vitest";
import { canCatch, canRetry, innerBlocks, isContainer, isTerminalType, processorKey, STATE_TYPES, stateFacts } from "./stateTypes";
import { outputHandles } from "./transitions";

describe("the state type table", () => {
  it("holds every ASL type once, with AWS's Retry/Catch rule (Task, Parallel, Map only)", () => {
    expect(Object.keys(STATE_TYPES).sort()).toEqual(["Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait"]);
    const catching = Object.keys(STATE_TYPES).filter((t) => canCatch({ Type: t })).sort();
    expect(catching).toEqual(["Map", "Parallel", "Task"]);
    expect(Object.keys(STATE_TYPES).filter((t) => canRetry({ Type: t })).sort()).toEqual(catching);
  });

  it("knows which types end their block and how the others move on", () => {
    expect(["Succeed", "Fail"].map(isTerminalType)).toEqual([true, true]);
    expect(stateFacts("Succeed").terminal).toBe("succeed");
    expect(stateFacts("Choice").moves).toBe("choices");
    expect(outputHandles({ Type: "Fail" })).toEqual([]);
    expect(outputHandles({ Type: "Pass" })).toEqual(["next"]);
  });

  it("treats an unknown type like Pass instead of failing", () => {
    expect(stateFacts("Tsk")).toMatchObject({ moves: "next", terminal: null, canCatch: false, blocks: null });
    expect(stateFacts(undefined).moves).toBe("next");
  });

  it("finds the blocks a container holds, and keeps a Map's legacy Iterator key", () => {
    const branch = { StartAt: "A", States: { A: { Type: "Pass", End: true } } };
    expect(innerBlocks({ Type: "Parallel", Branches: [branch, branch] })).toHaveLength(2);
    expect(innerBlocks({ Type: "Map", Iterator: branch })).toEqual([branch]);
    expect(processorKey({ Type: "Map", Iterator: branch })).toBe("Iterator");
    expect(processorKey({ Type: "Map" })).toBe("ItemProcessor");
    expect(innerBlocks({ Type: "Task", Branches: [branch] })).toEqual([]);
    expect(isContainer({ Type: "Map" }) && !isContainer({ Type: "Task" })).toBe(true);
  });
});
