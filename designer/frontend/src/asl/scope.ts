// Nested blocks: finding, walking and immutably editing the StartAt/States blocks of a machine
// (the root, each Parallel branch, each Map ItemProcessor or legacy Iterator), and node ids.
import { innerBlocks, processorKey, stateFacts } from "./stateTypes";
import type { Block, Machine, ScopePath } from "./types";

/** The block at `path`, or undefined when the path no longer exists. */
export function getBlock(doc: Machine, path: ScopePath): Block | undefined {
  let block: Block | undefined = doc;
  for (const step of path) {
    block = innerBlocks(block?.States?.[step.state])[step.branch];
    if (!block) return undefined;
  }
  return block;
}

/** Copy-on-write edit of the block at `path`: `edit` receives a shallow copy whose `States` is also a copy. */
export function editBlock(doc: Machine, path: ScopePath, edit: (block: Block) => void): Machine {
  const rewrite = (block: Block, depth: number): Block => {
    const copy: Block = { ...block, States: { ...(block.States ?? {}) } };
    if (depth === path.length) {
      edit(copy);
      return copy;
    }
    const step = path[depth];
    const container = copy.States[step.state];
    if (!container) throw new Error(`No state ${step.state}`);
    if (stateFacts(container.Type).blocks === "Branches") {
      const branches = [...container.Branches];
      branches[step.branch] = rewrite(branches[step.branch], depth + 1);
      copy.States[step.state] = { ...container, Branches: branches };
    } else {
      const key = processorKey(container);
      copy.States[step.state] = { ...container, [key]: rewrite(container[key] ?? { States: {} }, depth + 1) };
    }
    return copy;
  };
  return rewrite(doc, 0) as Machine;
}

/** Visit every block, outermost first. */
export function walkBlocks(doc: Machine, visit: (block: Block, path: ScopePath) => void, path: ScopePath = []): void {
  const block = getBlock(doc, path);
  if (!block) return;
  visit(block, path);
  for (const [name, state] of Object.entries(block.States ?? {})) {
    innerBlocks(state).forEach((_, branch) => walkBlocks(doc, visit, [...path, { state: name, branch }]));
  }
}

/** Every state name in the machine, nested ones included (ASL wants them unique machine-wide). */
export function allStateNames(doc: Machine): Set<string> {
  const names = new Set<string>();
  walkBlocks(doc, (block) => Object.keys(block.States ?? {}).forEach((n) => names.add(n)));
  return names;
}

/** Stable id of a nested block, e.g. `Fan out[1]/Each[0]`; "" for the root. */
export function scopeId(path: ScopePath): string {
  return path.map((s) => `${s.state}[${s.branch}]`).join("/");
}

/** React Flow node id of a state: its block id and its name. */
export function nodeId(path: ScopePath, name: string): string {
  const scope = scopeId(path);
  return scope ? `${scope}/${name}` : name;
}

/** Find a state anywhere by name: its block path. */
export function findState(doc: Machine, name: string): ScopePath | undefined {
  let found: ScopePath | undefined;
  walkBlocks(doc, (block, path) => {
    if (!found && block.States && Object.prototype.hasOwnProperty.call(block.States, name)) found = path;
  });
  return found;
}

export function samePath(a: ScopePath, b: ScopePath): boolean {
  return a.length === b.length && a.every((s, i) => s.state === b[i].state && s.branch === b[i].branch);
}

/** The block path and state name behind a React Flow node id. */
export function locateNode(doc: Machine, id: string): { path: ScopePath; name: string } | undefined {
  let found: { path: ScopePath; name: string } | undefined;
  walkBlocks(doc, (block, path) => {
    if (found) return;
    const prefix = scopeId(path);
    const name = prefix ? (id.startsWith(`${prefix}/`) ? id.slice(prefix.length + 1) : undefined) : id;
    if (name !== undefined && block.States && Object.prototype.hasOwnProperty.call(block.States, name)) found = { path, name };
  });
  return found;
}

/**
 * Map a diagnostic's JSON pointer (`/States/Fan out/Branches/0/States/Pack/Retry/0`) to the node id
 * of the innermost state it names and the field path inside that state (`Retry/0`).
 */
export function pointerTarget(pointer: string): { id: string; field: string } | undefined {
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const path: ScopePath = [];
  let i = 0;
  let last: { id: string; field: string } | undefined;
  while (parts[i] === "States" && parts[i + 1] !== undefined) {
    const name = parts[i + 1];
    const rest = parts.slice(i + 2);
    last = { id: nodeId(path, name), field: rest.join("/") };
    if (rest[0] === "Branches" && rest[2] === "States") {
      path.push({ state: name, branch: Number(rest[1]) });
      i += 4;
    } else if ((rest[0] === "ItemProcessor" || rest[0] === "Iterator") && rest[1] === "States") {
      path.push({ state: name, branch: 0 });
      i += 3;
    } else break;
  }
  return last;
}
