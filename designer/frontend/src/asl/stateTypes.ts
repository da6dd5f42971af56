// The facts about each ASL state type, in one table: how a state of that type moves on, whether it
// may carry Retry and Catch, and which nested blocks it holds. The canvas, the editor's gestures,
// the inspector and the live view all read these facts from here rather than testing `Type`.
// ASL: https://states-language.net/spec.html#state-types
import type { Block, State } from "./types";

export interface StateTypeFacts {
  /** How the state moves on: `Next`/`End`, Choice's rules and Default, or not at all (Succeed, Fail). */
  moves: "next" | "choices" | "none";
  /** A terminal type ends its block by itself, with this outcome (Succeed, Fail); null otherwise. */
  terminal: "succeed" | "fail" | null;
  /** May carry `Retry` (retriers) and `Catch` (catchers). */
  canRetry: boolean;
  canCatch: boolean;
  /** The nested blocks it holds: Parallel's `Branches`, or a Map's item processor. */
  blocks: "Branches" | "ItemProcessor" | null;
}

export const STATE_TYPES: Record<string, StateTypeFacts> = {
  Task: { moves: "next", terminal: null, canRetry: true, canCatch: true, blocks: null },
  Parallel: { moves: "next", terminal: null, canRetry: true, canCatch: true, blocks: "Branches" },
  Map: { moves: "next", terminal: null, canRetry: true, canCatch: true, blocks: "ItemProcessor" },
  Pass: { moves: "next", terminal: null, canRetry: false, canCatch: false, blocks: null },
  Wait: { moves: "next", terminal: null, canRetry: false, canCatch: false, blocks: null },
  Choice: { moves: "choices", terminal: null, canRetry: false, canCatch: false, blocks: null },
  Succeed: { moves: "none", terminal: "succeed", canRetry: false, canCatch: false, blocks: null },
  Fail: { moves: "none", terminal: "fail", canRetry: false, canCatch: false, blocks: null },
};

/** An unknown type (a typo, or a type still being typed) is treated like Pass: it moves on by Next. */
const UNKNOWN: StateTypeFacts = { moves: "next", terminal: null, canRetry: false, canCatch: false, blocks: null };

export function stateFacts(type: string | undefined): StateTypeFacts {
  return (type !== undefined && Object.prototype.hasOwnProperty.call(STATE_TYPES, type) && STATE_TYPES[type]) || UNKNOWN;
}

/** Types that never have Next or End. */
export function isTerminalType(type: string | undefined): boolean {
  return stateFacts(type).terminal !== null;
}

export function canCatch(state: State): boolean {
  return stateFacts(state.Type).canCatch;
}

export function canRetry(state: State): boolean {
  return stateFacts(state.Type).canRetry;
}

/** Does the state hold nested blocks (Parallel, Map)? */
export function isContainer(state: State | undefined): boolean {
  return stateFacts(state?.Type).blocks !== null;
}

/**
 * The key of a Map's item processor: `ItemProcessor`, or the legacy `Iterator` when only that is
 * present (the editor keeps the spelling the document uses).
 */
export function processorKey(state: State): "ItemProcessor" | "Iterator" {
  return state.ItemProcessor || !state.Iterator ? "ItemProcessor" : "Iterator";
}

/** The nested blocks a container state holds, in order (Parallel branches, or a Map's processor). */
export function innerBlocks(state: State | undefined): Block[] {
  if (!state) return [];
  const blocks = stateFacts(state.Type).blocks;
  if (blocks === "Branches") return Array.isArray(state.Branches) ? state.Branches : [];
  if (blocks === "ItemProcessor") {
    const processor = state[processorKey(state)];
    return processor && typeof processor === "object" ? [processor] : [];
  }
  return [];
}
