// ASL document types: loose on purpose, since the editor must keep fields it does not know about.

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One state: `Type` plus whatever fields ASL (or the user) puts beside it. */
export type State = { Type: string; [field: string]: any };

export type StatesMap = Record<string, State>;

/** A block of states: the machine itself, a Parallel branch, or a Map item processor. */
export interface Block {
  StartAt?: string;
  States: StatesMap;
  [field: string]: any;
}

/** The state machine document (the root block). */
export type Machine = Block;

/** One step into a nested block: the container state's name and the branch index (0 for Map). */
export interface ScopeStep {
  state: string;
  branch: number;
}

/** Where a block lives: [] for the root, then one step per container on the way down. */
export type ScopePath = ScopeStep[];

/** A user-dragged position, relative to the node's parent container. */
export interface XY {
  x: number;
  y: number;
}

/** The layout sidecar, saved beside the definition and never inside it. */
export type Positions = Record<string, XY>;
