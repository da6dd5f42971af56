// @vitest-environment node
// The live store applies events in id order, drops duplicates and resyncs from the REST
// history on a gap, buffering what arrives meanwhile.
import { describe, expect, it } from "vitest";
import fixture from "./overlay.fixture.json";
import type { HistoryEvent } from "./overlay";
import { buildOverlay } from "./overlay";
import { LiveExecution } from "./store";
import type { ExecutionInfo, SnapshotMessage } from "./store";

const c = (fixture as any[]).find((x) => x.name === "order-processing");
const events: HistoryEvent[] = c.events;
const final = c.overlays[c.overlays.length - 1].overlay;
const execution = { id: 7, name: "run", status: "RUNNING", definition: c.definition } as unknown as ExecutionInfo;

function snapshot(upTo: number, after = 0, truncated = false): SnapshotMessage {
  return {
    type: "execution.snapshot", execution, overlay: buildOverlay(events.slice(0, upTo), c.definition),
    events: truncated ? [] : events.slice(after, upTo), after, last_event_id: upTo, truncated, history_url: "",
  };
}

function restHistory(calls: number[]) {
  return async (afterId: number) => {
    calls.push(afterId);
    return events.filter((e) => e.id > afterId);
  };
}

describe("LiveExecution", () => {
  it("applies the snapshot then streamed batches and ends with the final history's overlay", () => {
    const live = new LiveExecution(restHistory([]));
    live.receive(snapshot(10));
    live.receive({ type: "execution.events", events: events.slice(10, 20) });
    live.receive({ type: "execution.events", events: events.slice(20) });
    expect(live.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(live.overlay.result()).toEqual(final);
    expect(live.execution?.status).toBe("SUCCEEDED");
  });

  it("drops duplicates", () => {
    const calls: number[] = [];
    const live = new LiveExecution(restHistory(calls));
    live.receive(snapshot(10));
    live.receive({ type: "execution.events", events: events.slice(5, 15) });
    live.receive({ type: "execution.events", events: events.slice(12, 15) });
    live.receive({ type: "execution.events", events: events.slice(15) });
    expect(live.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(calls).toEqual([]);
    expect(live.overlay.result()).toEqual(final);
  });

  it("resyncs from the REST history on a gap and replays what arrived meanwhile", async () => {
    const calls: number[] = [];
    const live = new LiveExecution(restHistory(calls));
    live.receive(snapshot(10));
    live.receive({ type: "execution.events", events: events.slice(14, 18) }); // 11..14 went missing
    live.receive({ type: "execution.events", events: events.slice(18) }); // arrives during the resync
    await live.resync();
    expect(calls).toEqual([10]);
    expect(live.resyncs).toBe(1);
    expect(live.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(live.overlay.result()).toEqual(final);
  });

  it("accepts a hole the REST history itself has, without resyncing again and again", async () => {
    const calls: number[] = [];
    const holed = events.filter((e) => e.id <= 3 || e.id === events.length);
    const live = new LiveExecution(async (afterId) => {
      calls.push(afterId);
      return holed.filter((e) => e.id > afterId);
    });
    live.receive(snapshot(3));
    live.receive({ type: "execution.events", events: [events[events.length - 1]] });
    await live.resync();
    live.receive({ type: "execution.events", events: [events[events.length - 1]] }); // a duplicate now
    expect(calls).toEqual([3]);
    expect(live.events.map((e) => e.id)).toEqual([1, 2, 3, events.length]);
  });

  it("reads the REST history when the snapshot says it is too far behind", async () => {
    const calls: number[] = [];
    const live = new LiveExecution(restHistory(calls));
    live.receive(snapshot(events.length, 0, true));
    await live.resync();
    expect(calls).toEqual([0]);
    expect(live.overlay.result()).toEqual(final);
  });

  it("resumes after a reconnect with ?after without gaps or duplicates", () => {
    const calls: number[] = [];
    const live = new LiveExecution(restHistory(calls));
    live.receive(snapshot(12));
    live.receive(snapshot(20, 12)); // the reconnect's snapshot: events after 12
    live.receive({ type: "execution.events", events: events.slice(18) });
    expect(live.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(calls).toEqual([]);
  });
});
