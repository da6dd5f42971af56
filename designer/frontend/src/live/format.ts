// Small display helpers of the live view.
import type { Counts, Status } from "./overlay";

export const STATUS_LABEL: Record<Status, string> = {
  NOT_STARTED: "Not started",
  IN_PROGRESS: "In progress",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CAUGHT_ERROR: "Caught error",
  CANCELLED: "Cancelled",
};

const SYMBOL: Partial<Record<Status, string>> = { IN_PROGRESS: "▶", SUCCEEDED: "✓", FAILED: "✗", CAUGHT_ERROR: "!", CANCELLED: "⊘" };
const ORDER: Status[] = ["IN_PROGRESS", "SUCCEEDED", "CAUGHT_ERROR", "FAILED", "CANCELLED"];

/** "▶ 2 ✓ 97 ✗ 1": counts by status, in a fixed order. */
export function countsText(counts: Counts | undefined): string {
  if (!counts) return "";
  return ORDER.filter((s) => counts[s]).map((s) => `${SYMBOL[s]} ${counts[s]}`).join("  ");
}

export function countsTitle(counts: Counts | undefined, noun: string): string {
  if (!counts) return "";
  return ORDER.filter((s) => counts[s]).map((s) => `${counts[s]} ${noun} ${STATUS_LABEL[s].toLowerCase()}`).join(", ");
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleDateString()} ${d.toLocaleTimeString()}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** JSON text (or a value) pretty-printed; text that is not JSON is shown as it is. */
export function pretty(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

export const EXECUTION_DONE = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);
export const REDRIVABLE = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

/** Express executions keep no history (as on AWS); the page says so instead of showing "0 of 0 events". */
export function expressNote(type: string | undefined): string | null {
  return type === "EXPRESS"
    ? "Express executions keep no execution history (as on AWS): states are not coloured and no events are listed. Its status is in the header, its input and output in the Execution panel."
    : null;
}
