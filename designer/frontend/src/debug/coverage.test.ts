// @vitest-environment node
import { describe, expect, it } from "vitest";
import { coverageByState } from "./coverage";

describe("coverageByState", () => {
  it("marks each state and lists what in it no test case exercised", () => {
    const byState = coverageByState({
      percent: 50, covered: 3, total: 6,
      targets: [
        { kind: "state", state: "Route", index: null, covered: true },
        { kind: "choice", state: "Route", index: 0, covered: true },
        { kind: "choice", state: "Route", index: 1, covered: false },
        { kind: "default", state: "Route", index: null, covered: false },
        { kind: "state", state: "Charge", index: null, covered: true },
        { kind: "catch", state: "Charge", index: 0, covered: false },
        { kind: "state", state: "Rejected", index: null, covered: false },
      ],
    });
    expect(byState).toEqual({
      Route: { covered: true, missing: ["Rule 2", "Default"] },
      Charge: { covered: true, missing: ["Catch 1"] },
      Rejected: { covered: false, missing: [] },
    });
  });
});
