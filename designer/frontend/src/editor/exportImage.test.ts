// @vitest-environment node
import { describe, expect, it } from "vitest";
import { aslToGraph } from "../asl/graph";
import { layoutMachine } from "../asl/layout";
import type { Machine } from "../asl/types";
import { graphToSvg } from "./exportImage";

describe("graphToSvg", () => {
  it("draws rule edges from their own handles with labels above their targets, as the canvas does", async () => {
    const doc: Machine = {
      StartAt: "Pick",
      States: {
        Pick: { Type: "Choice", Choices: [{ Variable: "$.x", IsPresent: true, Next: "Yes" }], Default: "No" },
        Yes: { Type: "Succeed" },
        No: { Type: "Fail", Error: "X" },
      },
    };
    const graph = aslToGraph(doc, await layoutMachine(doc, { onPage: true }));
    const svg = graphToSvg(graph);
    const pick = graph.nodes.find((n) => n.id === "Pick")!;
    const yes = graph.nodes.find((n) => n.id === "Yes")!;
    // Rule 1 leaves from the first of Pick's two bottom handles, not from its middle.
    const starts = [...svg.matchAll(/<path d="M([\d.]+)[ ,]([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(starts.some(([x, y]) => Math.abs(x - (pick.position.x + pick.width / 3)) < 0.01 && y === pick.position.y + pick.height)).toBe(true);
    const label = /<text x="([\d.]+)" y="([\d.]+)"[^>]*>\$\.x is present<\/text>/.exec(svg);
    expect(label).not.toBeNull();
    expect(Number(label![1])).toBeCloseTo(yes.position.x + yes.width / 2);
    expect(Number(label![2])).toBeLessThan(yes.position.y);
    expect(svg).toContain('stroke-dasharray="2 3"');
  });
});
