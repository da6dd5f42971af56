// @vitest-environment node
// The TypeScript overlay gives exactly the Python overlay's answers on the shared fixture
// (made by tests/designer/test_live_overlay.py from real engine histories).
import { describe, expect, it } from "vitest";
import fixture from "./overlay.fixture.json";
import { buildOverlay, Overlay } from "./overlay";
import type { HistoryEvent } from "./overlay";

interface Case {
  name: string;
  definition: unknown;
  events: HistoryEvent[];
  overlays: { upto: number; overlay: unknown }[];
}

const cases = fixture as unknown as Case[];

describe("overlay", () => {
  it.each(cases.map((c) => [c.name, c] as const))("matches designer/overlay.py on %s", (_name, c) => {
    for (const checkpoint of c.overlays) {
      expect(buildOverlay(c.events.slice(0, checkpoint.upto), c.definition)).toEqual(checkpoint.overlay);
    }
  });

  it("applied one event at a time equals applied all at once", () => {
    const c = cases.find((x) => x.name === "retry-catch-parallel-map")!;
    const overlay = new Overlay(c.definition);
    for (const e of c.events) overlay.apply(e);
    expect(overlay.result()).toEqual(c.overlays[c.overlays.length - 1].overlay);
  });

  it("keeps what the inspector shows: input, output, error, cause, retries and timings", () => {
    const c = cases.find((x) => x.name === "retry-catch-parallel-map")!;
    const overlay = new Overlay(c.definition);
    c.events.forEach((e) => overlay.apply(e));
    const flaky = overlay.runs.find((r) => r.name === "Flaky")!;
    expect(flaky.retries).toBe(1);
    expect(flaky.status).toBe("SUCCEEDED");
    expect(flaky.enteredAt).toBeTruthy();
    expect(flaky.exitedAt).toBeTruthy();
    expect(JSON.parse(flaky.input!)).toEqual({ items: [1, 2, 3, 4, 5, 6] });
    const risky = overlay.runs.find((r) => r.name === "Risky")!;
    expect(risky.status).toBe("CAUGHT_ERROR");
    expect(risky.error).toBe("Boom");
    expect(risky.cause).toBe("always");
    expect(JSON.parse(risky.output!).error.Error).toBe("Boom");
  });

  it("opens one Map iteration: the runs inside it only", () => {
    const c = cases.find((x) => x.name === "retry-catch-parallel-map")!;
    const overlay = new Overlay(c.definition);
    c.events.forEach((e) => overlay.apply(e));
    const items = overlay.runs.find((r) => r.name === "Items")!;
    const odd = [...items.iterations].find(([, s]) => s === "FAILED")![0];
    const even = [...items.iterations].find(([, s]) => s === "SUCCEEDED")![0];
    expect(overlay.resultWithin({ parent: items.id, kind: "i", index: odd }).Check.status).toBe("FAILED");
    expect(overlay.resultWithin({ parent: items.id, kind: "i", index: even }).Check).toEqual({ status: "SUCCEEDED", counts: { SUCCEEDED: 1 } });
  });
});
