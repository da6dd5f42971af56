// Live status of one execution: a store separate from the editor's, keyed by state name and
// fed by history events applied strictly in event-id order. A duplicate (id already applied)
// is dropped; a gap (an id past the next one) stops applying and resyncs from the REST history,
// and what arrives meanwhile waits in a buffer. React reads it through a throttled snapshot,
// so a 10,000-item Map re-renders the page a few times a second, not 40,000 times.
import { create } from "zustand";
import type { HistoryEvent, OverlayResult } from "./overlay";
import { Overlay } from "./overlay";

export interface ExecutionInfo {
  id: number;
  arn: string;
  name: string;
  machine: string;
  type?: string;
  status: string;
  input: unknown;
  output: unknown;
  error: string | null;
  cause: string | null;
  start_date: string;
  stop_date: string | null;
  redrive_count?: number;
  definition?: any;
  layout?: { positions?: Record<string, { x: number; y: number }> } | null;
}

export interface SnapshotMessage {
  type: "execution.snapshot";
  execution: ExecutionInfo;
  overlay: OverlayResult;
  events: HistoryEvent[];
  after: number;
  last_event_id: number;
  truncated: boolean;
  history_url: string;
}

export type ServerMessage =
  | SnapshotMessage
  | { type: "execution.events"; events: HistoryEvent[] }
  | { type: "execution.status"; status: string; execution: ExecutionInfo }
  | { type: "error"; message: string };

/** Reads events after an id from the REST history (GET /api/executions/<id>/history?after_id=). */
export type HistoryFetcher = (afterId: number) => Promise<HistoryEvent[]>;

/** The live execution itself, with no React in it (unit-tested on its own). */
export class LiveExecution {
  execution: ExecutionInfo | null = null;
  events: HistoryEvent[] = [];
  overlay: Overlay;
  resyncs = 0;
  private resyncing: Promise<void> | null = null;
  private buffer: HistoryEvent[] = [];

  constructor(
    private fetchHistory: HistoryFetcher,
    private changed: () => void = () => {},
    private definition?: unknown,
  ) {
    this.overlay = new Overlay(definition);
  }

  get lastEventId(): number {
    return this.overlay.lastEventId;
  }

  /** Handle one message from ws/executions/<id>/. */
  receive(message: ServerMessage): void {
    if (message.type === "execution.snapshot") this.snapshot(message);
    else if (message.type === "execution.events") this.add(message.events);
    else if (message.type === "execution.status") {
      this.execution = { ...(this.execution ?? {}), ...message.execution };
      this.changed();
    }
  }

  private snapshot(message: SnapshotMessage): void {
    if (this.definition === undefined && message.execution.definition) {
      this.definition = message.execution.definition;
      this.overlay = new Overlay(this.definition);
    }
    this.execution = message.execution;
    if (message.last_event_id < this.lastEventId) {
      // The server knows fewer events than we applied: not the history we had. Start over.
      this.overlay = new Overlay(this.definition);
      this.events = [];
    }
    if (message.truncated) {
      // Too far behind for the socket: read the missing part from the REST history.
      void this.resync();
    } else {
      this.add(message.events);
    }
    this.changed();
  }

  /** Apply a batch: in id order, duplicates dropped, a gap → resync. */
  add(batch: HistoryEvent[]): void {
    if (!batch.length) return;
    if (this.resyncing) {
      this.buffer.push(...batch);
      return;
    }
    const sorted = [...batch].sort((a, b) => a.id - b.id);
    for (let i = 0; i < sorted.length; i++) {
      const event = sorted[i];
      if (event.id <= this.lastEventId) continue; // a duplicate
      if (event.id !== this.lastEventId + 1) {
        this.buffer.push(...sorted.slice(i));
        void this.resync();
        break;
      }
      this.apply(event);
    }
    this.changed();
  }

  private apply(event: HistoryEvent): void {
    this.overlay.apply(event);
    this.events.push(event);
    const status = terminalStatus(event.type);
    if (status && this.execution) this.execution = { ...this.execution, status };
  }

  /** Fetch what is missing from the REST history, then replay what arrived meanwhile.
   *
   * The REST history is the authority: what it returns is applied even when its ids jump
   * (a history with a hole stays that way), and buffered events past its end are accepted
   * without asking again, so a hole never turns into a loop of resyncs. */
  resync(): Promise<void> {
    if (this.resyncing) return this.resyncing;
    this.resyncs += 1;
    const run = async () => {
      try {
        const events = await this.fetchHistory(this.lastEventId);
        for (const event of [...events].sort((a, b) => a.id - b.id)) if (event.id > this.lastEventId) this.apply(event);
      } finally {
        this.resyncing = null;
      }
      const waiting = this.buffer.sort((a, b) => a.id - b.id);
      this.buffer = [];
      for (const event of waiting) if (event.id > this.lastEventId) this.apply(event);
      this.changed();
    };
    this.resyncing = run();
    return this.resyncing;
  }
}

function terminalStatus(type: string): string | null {
  switch (type) {
    case "ExecutionSucceeded": return "SUCCEEDED";
    case "ExecutionFailed": return "FAILED";
    case "ExecutionTimedOut": return "TIMED_OUT";
    case "ExecutionAborted": return "ABORTED";
    case "ExecutionRedriven": return "RUNNING"; // not ExecutionStarted: the summary knows better
    default: return null;
  }
}

// ─── the throttled React view of it ─────────────────────────────────────────────────────────

export interface LiveView {
  live: LiveExecution | null;
  /** Bumped at most every THROTTLE_MS while events flow: what components re-render on. */
  version: number;
  overlay: OverlayResult | null;
  execution: ExecutionInfo | null;
  eventCount: number;
  connection: "connecting" | "connected" | "disconnected";
  setLive: (live: LiveExecution | null) => void;
  setConnection: (c: LiveView["connection"]) => void;
}

export const THROTTLE_MS = 100;

export const useLive = create<LiveView>((set) => ({
  live: null,
  version: 0,
  overlay: null,
  execution: null,
  eventCount: 0,
  connection: "connecting",
  setLive: (live) => set({ live, version: 0, overlay: live ? live.overlay.result() : null, execution: live?.execution ?? null, eventCount: 0 }),
  setConnection: (connection) => set({ connection }),
}));

/** A `changed` callback that publishes the live execution to the store at most every `ms`. */
export function throttledPublisher(getLive: () => LiveExecution | null, ms = THROTTLE_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  const publish = () => {
    timer = null;
    last = Date.now();
    const live = getLive();
    if (!live) return;
    useLive.setState((s) => ({
      version: s.version + 1,
      overlay: live.overlay.result(),
      execution: live.execution,
      eventCount: live.events.length,
    }));
  };
  return () => {
    if (timer) return;
    timer = setTimeout(publish, Math.max(0, last + ms - Date.now()));
  };
}
