// Gestures as pure functions on the ASL document: add, insert on an edge, delete with rewiring,
// rename with every reference rewritten, duplicate, connect/disconnect, copy/paste, branches.
// Each returns a new document and shares every untouched state with the old one.
import { allStateNames, editBlock, getBlock } from "./scope";
import { isContainer, processorKey, stateFacts } from "./stateTypes";
import { removeTransition, retarget, setTransition, transitions } from "./transitions";
import type { Block, Machine, Positions, ScopePath, State, StatesMap } from "./types";

/** An empty machine, as `/machines/new` starts. */
export function emptyMachine(): Machine {
  return { Comment: "A description of my state machine", StartAt: undefined, States: {} } as Machine;
}

/** `base`, or `base (1)`, `base (2)`… whichever is free machine-wide (and not in `taken`). */
export function uniqueName(doc: Machine, base: string, taken: Set<string> = new Set()): string {
  const names = allStateNames(doc);
  const free = (n: string) => !names.has(n) && !taken.has(n);
  if (free(base)) return base;
  const stem = base.replace(/ \(\d+\)$/, "");
  for (let i = 1; ; i++) if (free(`${stem} (${i})`)) return `${stem} (${i})`;
}

/** Give every state nested inside `state` a machine-wide unique name (for duplicate and paste). */
function renameNestedUnique(doc: Machine, state: State, taken: Set<string>): State {
  if (!isContainer(state)) return state;
  const renameBlock = (block: Block): Block => {
    let inner: Machine = { ...block, States: { ...block.States } } as Machine;
    for (const name of Object.keys(block.States ?? {})) {
      const fresh = uniqueName(doc, name, taken);
      taken.add(fresh);
      if (fresh !== name) inner = renameState(inner, [], name, fresh);
      inner.States[fresh] = renameNestedUnique(doc, inner.States[fresh], taken);
    }
    return inner;
  };
  if (stateFacts(state.Type).blocks === "Branches") return { ...state, Branches: (state.Branches ?? []).map(renameBlock) };
  const key = processorKey(state);
  return state[key] ? { ...state, [key]: renameBlock(state[key]) } : state;
}

/** Add a state to a block; the first state of an empty block becomes its StartAt. */
export function addState(doc: Machine, path: ScopePath, name: string, state: State): Machine {
  const fresh = renameNestedUnique(doc, state, new Set([name]));
  return editBlock(doc, path, (block) => {
    block.States[name] = fresh;
    if (!block.StartAt || !block.States[block.StartAt]) block.StartAt = name;
  });
}

/** Point the new state at `target` (Choice: as its Default) unless it is Succeed/Fail. */
function continueTo(state: State, target: string): State {
  const moves = stateFacts(state.Type).moves;
  if (moves === "none") return state;
  if (moves === "choices") return { ...state, Default: target };
  const { End: _end, ...rest } = state;
  return { ...rest, Next: target } as State;
}

/** Drop a new state on the edge `source --handle--> target`. Source "" means the block's start edge. */
export function insertBetween(doc: Machine, path: ScopePath, source: string, handle: string, target: string | undefined, name: string, state: State): Machine {
  const fresh = renameNestedUnique(doc, state, new Set([name]));
  return editBlock(doc, path, (block) => {
    block.States[name] = target ? continueTo(fresh, target) : fresh;
    if (!source) block.StartAt = name;
    else if (block.States[source]) block.States[source] = setTransition(block.States[source], handle, name);
  });
}

/** Add a new state after `source` (on its `next` edge, or after an End state). */
export function insertAfter(doc: Machine, path: ScopePath, source: string, name: string, state: State): Machine {
  const src = getBlock(doc, path)?.States[source];
  // After a Choice the new state becomes its Default when it has none (AWS does the same).
  const moves = stateFacts(src?.Type).moves;
  if (src && moves === "choices" && src.Default === undefined) return insertBetween(doc, path, source, "default", undefined, name, state);
  if (!src || moves !== "next") return addState(doc, path, name, state);
  return insertBetween(doc, path, source, "next", typeof src.Next === "string" ? src.Next : undefined, name, state);
}

/** Where a deleted state's predecessors go: its Next (a Choice: Default, else its first rule). */
function successorOf(state: State): string | undefined {
  if (stateFacts(state.Type).moves === "choices") return state.Default ?? state.Choices?.find((r: any) => r?.Next)?.Next;
  return typeof state.Next === "string" ? state.Next : undefined;
}

/**
 * Delete a state and rewire like AWS's designer: every transition into it goes to its successor;
 * when it had none (End, Succeed, Fail), a Next becomes End and a rule or catcher into it is dropped.
 */
export function deleteState(doc: Machine, path: ScopePath, name: string): Machine {
  return editBlock(doc, path, (block) => {
    const gone = block.States[name];
    if (!gone) return;
    let successor = successorOf(gone);
    if (successor === name) successor = undefined;
    delete block.States[name];
    for (const [other, state] of Object.entries(block.States)) {
      const rewired = retarget(state, name, successor);
      if (rewired !== state) block.States[other] = rewired;
    }
    if (block.StartAt === name) block.StartAt = successor ?? Object.keys(block.States)[0];
    if (block.StartAt === undefined) delete block.StartAt;
  });
}

/** Delete several states (node ids resolved by the caller to paths). */
export function deleteStates(doc: Machine, targets: Array<{ path: ScopePath; name: string }>): Machine {
  return targets.reduce((d, t) => (getBlock(d, t.path)?.States[t.name] ? deleteState(d, t.path, t.name) : d), doc);
}

/** Rename a state; StartAt, Next, Default, Choices[].Next and Catch[].Next in its block follow. */
export function renameState(doc: Machine, path: ScopePath, from: string, to: string): Machine {
  if (from === to || !to) return doc;
  return editBlock(doc, path, (block) => {
    if (!block.States[from] || block.States[to]) return;
    // Rebuild the map so the renamed state keeps its place in the key order.
    const states: StatesMap = {};
    for (const [name, state] of Object.entries(block.States)) {
      const renamed = transitions(state).some((t) => t.target === from) ? retarget(state, from, to) : state;
      states[name === from ? to : name] = renamed;
    }
    block.States = states;
    if (block.StartAt === from) block.StartAt = to;
  });
}

/** Move positions of a renamed state (and everything nested in it) to the new ids. */
export function renamePositions(positions: Positions, fromId: string, toId: string): Positions {
  const out: Positions = {};
  for (const [id, xy] of Object.entries(positions)) {
    if (id === fromId) out[toId] = xy;
    else if (id.startsWith(`${fromId}[`)) out[toId + id.slice(fromId.length)] = xy;
    else out[id] = xy;
  }
  return out;
}

/** Duplicate a state under a fresh name, not connected from anywhere; returns the doc and the name. */
export function duplicateState(doc: Machine, path: ScopePath, name: string): { doc: Machine; name: string } {
  const state = getBlock(doc, path)?.States[name];
  if (!state) return { doc, name };
  const copyName = uniqueName(doc, name);
  return { doc: addState(doc, path, copyName, structuredClone(state)), name: copyName };
}

/** Connect `source`'s output handle to `target` (or move an existing edge there: reconnect). */
export function connect(doc: Machine, path: ScopePath, source: string, handle: string, target: string): Machine {
  return editBlock(doc, path, (block) => {
    if (!block.States[source] || !block.States[target]) return;
    block.States[source] = setTransition(block.States[source], handle, target);
  });
}

export const reconnect = connect;

/** Remove the transition behind an edge; the start edge cannot be removed. */
export function disconnect(doc: Machine, path: ScopePath, source: string, handle: string): Machine {
  return editBlock(doc, path, (block) => {
    if (block.States[source]) block.States[source] = removeTransition(block.States[source], handle);
  });
}

/** Replace one state's fields (inspector edits); the name is changed with renameState. */
export function updateState(doc: Machine, path: ScopePath, name: string, state: State): Machine {
  return editBlock(doc, path, (block) => {
    if (block.States[name]) block.States[name] = state;
  });
}

/** Make a state the block's StartAt. */
export function setStartAt(doc: Machine, path: ScopePath, name: string): Machine {
  return editBlock(doc, path, (block) => {
    block.StartAt = name;
  });
}

/** Add a branch (with one Pass state) to a Parallel state. */
export function addBranch(doc: Machine, path: ScopePath, parallel: string): Machine {
  const passName = uniqueName(doc, "Pass");
  return editBlock(doc, path, (block) => {
    const state = block.States[parallel];
    if (stateFacts(state?.Type).blocks !== "Branches") return;
    const branch: Block = { StartAt: passName, States: { [passName]: { Type: "Pass", End: true } } };
    block.States[parallel] = { ...state, Branches: [...(state.Branches ?? []), branch] };
  });
}

/** Remove a Parallel branch (AWS requires at least one; the validator reports an empty list). */
export function removeBranch(doc: Machine, path: ScopePath, parallel: string, index: number): Machine {
  return editBlock(doc, path, (block) => {
    const state = block.States[parallel];
    if (stateFacts(state?.Type).blocks !== "Branches") return;
    block.States[parallel] = { ...state, Branches: (state.Branches ?? []).filter((_: unknown, i: number) => i !== index) };
  });
}

/** The clipboard: copied states keep transitions among themselves. */
export interface Clip {
  states: StatesMap;
}

export function copyStates(doc: Machine, path: ScopePath, names: string[]): Clip {
  const block = getBlock(doc, path);
  const states: StatesMap = {};
  for (const n of names) if (block?.States[n]) states[n] = structuredClone(block.States[n]);
  return { states };
}

/** Paste a clip into a block: fresh names, internal transitions follow, transitions outside end the state. */
export function pasteStates(doc: Machine, path: ScopePath, clip: Clip): { doc: Machine; names: string[] } {
  const taken = new Set<string>();
  const rename = new Map<string, string>();
  for (const n of Object.keys(clip.states)) {
    const fresh = uniqueName(doc, n, taken);
    taken.add(fresh);
    rename.set(n, fresh);
  }
  const block = getBlock(doc, path);
  let next = doc;
  for (const [old, state] of Object.entries(clip.states)) {
    let copy = structuredClone(state);
    for (const t of [...transitions(copy)].reverse()) {
      const mapped = rename.get(t.target);
      if (mapped) copy = setTransition(copy, t.handle, mapped);
      else if (!block?.States[t.target]) copy = removeTransition(copy, t.handle);
    }
    next = addState(next, path, rename.get(old)!, copy);
  }
  return { doc: next, names: [...rename.values()] };
}

/** The states of a block that no path from its StartAt reaches. */
export function unreachable(block: Block): string[] {
  const seen = new Set<string>();
  const stack = block.StartAt ? [block.StartAt] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || !block.States[n]) continue;
    seen.add(n);
    transitions(block.States[n]).forEach((t) => stack.push(t.target));
  }
  return Object.keys(block.States).filter((n) => !seen.has(n));
}

