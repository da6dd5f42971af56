// @vitest-environment node
// Replay's overlay at event N equals the overlay built from the first N events, whichever way
// the cursor got there (forward, back, jumping).
import { describe, expect, it } from "vitest";
import fixture from "./overlay.fixture.json";
import { buildOverlay } from "./overlay";
import type { HistoryEvent } from "./overlay";
import { playInterval, ReplayCursor } from "./replay";

const cases = fixture as unknown as { name: string; definition: unknown; events: HistoryEvent[] }[];

describe("replay", () => {
  it.each(cases.map((c) => [c.name, c] as const))("the cursor's overlay equals a fresh build at every step (%s)", (_n, c) => {
    const cursor = new ReplayCursor(c.definition);
    const order = [...c.events.keys()].map((i) => i + 1);
    const seeks = [...order, 0, Math.floor(order.length / 2), order.length, 1, order.length];
    for (const n of seeks) {
      expect(cursor.seek(c.events, n).result()).toEqual(buildOverlay(c.events.slice(0, n), c.definition));
    }
  });

  it("keeps a whole replay near ten seconds, within bounds", () => {
    expect(playInterval(10)).toBe(400);
    expect(playInterval(100)).toBe(100);
    expect(playInterval(100_000)).toBe(16);
  });
});
