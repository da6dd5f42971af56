// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { Machine } from "../asl/types";
import { EXEC_FIT, executionGraph } from "./ExecutionDiagram";

describe("executionGraph", () => {
  it("puts the Start marker above a start state the user placed, as the editor does", () => {
    const doc: Machine = { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Succeed" } } };
    const auto = { __start: { x: 64, y: 0 }, A: { x: 0, y: 84 }, B: { x: 0, y: 188 }, __end: { x: 64, y: 292 } };
    const graph = executionGraph(doc, auto, { A: { x: 400, y: 500 }, B: { x: 700, y: 900 } });
    const start = graph.nodes.find((n) => n.id === "__start");
    expect(start?.position.y).toBeLessThan(500);
    expect(start?.position.x).toBe(400 + 100 - 36);
  });
});

describe("EXEC_FIT", () => {
  it("clears the legend at the top and caps the zoom as the editor does", () => {
    expect(parseInt(EXEC_FIT.padding.top, 10)).toBeGreaterThanOrEqual(64);
    expect(EXEC_FIT.maxZoom).toBe(1.1);
  });
});
