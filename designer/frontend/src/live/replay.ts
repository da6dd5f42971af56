// Replay: the status overlay as it was after the first N events of an execution. A cursor keeps
// the overlay it built last, so moving forward applies only the new events; moving back starts
// again from an empty overlay (an overlay cannot un-apply an event).
import type { HistoryEvent } from "./overlay";
import { Overlay } from "./overlay";

export class ReplayCursor {
  private overlay: Overlay;
  private position = 0;

  constructor(private definition?: unknown) {
    this.overlay = new Overlay(definition);
  }

  /** The overlay after `events[0..count)` (events in id order, as the live store keeps them). */
  seek(events: HistoryEvent[], count: number): Overlay {
    const target = Math.max(0, Math.min(count, events.length));
    if (target < this.position) {
      this.overlay = new Overlay(this.definition);
      this.position = 0;
    }
    for (; this.position < target; this.position++) this.overlay.apply(events[this.position]);
    return this.overlay;
  }
}

/** How long the play button waits between events: a whole replay takes about ten seconds. */
export function playInterval(total: number): number {
  return Math.max(16, Math.min(400, Math.floor(10_000 / Math.max(1, total))));
}
