// Editor commands built from the pure operations: what a palette drop, a key or a toolbar
// button does to the document in the store (one undo step each).
import type { GraphEdge } from "../asl/graph";
import { addState, connect, copyStates, deleteStates, disconnect, duplicateState, insertAfter, insertBetween, pasteStates, setStartAt, uniqueName } from "../asl/ops";
import type { Clip } from "../asl/ops";
import { locateNode, nodeId, samePath } from "../asl/scope";
import type { Machine, ScopePath, State, XY } from "../asl/types";
import type { PaletteItem } from "../nodes/registry";
import { useEditor } from "./store";

export type DropTarget =
  | { kind: "edge"; edge: GraphEdge }
  | { kind: "block"; path: ScopePath; position?: XY }
  | { kind: "after"; id: string };

/** Patterns may ask for a failure handler: point their catcher at a new Fail state. */
function failureHandler(doc: Machine, state: State, taken: Set<string>): { state: State; failName?: string } {
  if (!Array.isArray(state.Catch) || !state.Catch.some((c: any) => c.Next === "__unset__")) return { state };
  const failName = uniqueName(doc, "Handle Failure", taken);
  return { state: { ...state, Catch: state.Catch.map((c: any) => (c.Next === "__unset__" ? { ...c, Next: failName } : c)) }, failName };
}

/** Add a palette item where it was dropped (or after the selection when clicked). */
export function addFromPalette(item: PaletteItem, target: DropTarget): string | undefined {
  const store = useEditor.getState();
  const name = uniqueName(store.doc, item.baseName);
  let newId: string | undefined;
  let position: XY | undefined;
  store.apply((d) => {
    // The new state's own name is reserved first so the failure handler never takes it.
    const { state, failName } = failureHandler(d, item.make(), new Set([name]));
    let path: ScopePath = [];
    let next: Machine;
    if (target.kind === "edge") {
      const e = target.edge.data;
      path = e.path;
      next = e.kind === "end" && e.handle === "end"
        ? addState(d, path, name, state) // after Succeed/Fail: nothing to continue
        : insertBetween(d, path, e.sourceName, e.kind === "start" ? "next" : e.handle, e.targetName, name, state);
    } else if (target.kind === "after" && locateNode(d, target.id)) {
      const at = locateNode(d, target.id)!;
      path = at.path;
      next = insertAfter(d, path, at.name, name, state);
    } else {
      path = target.kind === "block" ? target.path : [];
      position = target.kind === "block" ? target.position : undefined;
      next = addState(d, path, name, state);
    }
    newId = nodeId(path, name);
    return failName ? addState(next, path, failName, { Type: "Fail", Error: "TaskFailed", Cause: "The task failed after its retries" }) : next;
  }, { select: [], positions: (p) => (position && newId ? { ...p, [newId]: position } : p) });
  if (newId) store.select([newId]);
  return newId;
}

/** Delete states (with rewiring) and edges. */
export function deleteItems(nodeIds: string[], edges: GraphEdge[]): void {
  const store = useEditor.getState();
  store.apply((d) => {
    let doc = d;
    // Edges first, from the last handle so indexes of rules and catchers stay valid.
    const sorted = [...edges].sort((a, b) => b.data.handle.localeCompare(a.data.handle, undefined, { numeric: true }));
    for (const e of sorted) if (e.data.kind !== "start" && e.data.kind !== "end") doc = disconnect(doc, e.data.path, e.data.sourceName, e.data.handle);
    const targets = nodeIds.map((id) => locateNode(doc, id)).filter((x): x is { path: ScopePath; name: string } => !!x);
    return deleteStates(doc, targets);
  }, { select: [] });
}

export function connectNodes(source: string, handle: string, target: string): void {
  const store = useEditor.getState();
  const s = locateNode(store.doc, source);
  const t = locateNode(store.doc, target);
  if (!s || !t || !samePath(s.path, t.path)) return; // transitions never leave their block
  store.apply((d) => connect(d, s.path, s.name, handle, t.name));
}

export function reconnectEdge(edge: GraphEdge, target: string): void {
  const store = useEditor.getState();
  const t = locateNode(store.doc, target);
  const e = edge.data;
  if (!t || !samePath(t.path, e.path) || e.kind === "end") return;
  if (e.kind === "start") store.apply((d) => setStartAt(d, e.path, t.name));
  else store.apply((d) => connect(d, e.path, e.sourceName, e.handle, t.name));
}

export function duplicateSelection(): void {
  const store = useEditor.getState();
  const created: string[] = [];
  store.apply((d) => {
    let doc = d;
    for (const id of store.selection) {
      const at = locateNode(doc, id);
      if (!at) continue;
      const result = duplicateState(doc, at.path, at.name);
      doc = result.doc;
      created.push(nodeId(at.path, result.name));
    }
    return doc;
  });
  if (created.length) store.select(created);
}

let clipboard: { clip: Clip; path: ScopePath } | null = null;

export function copySelection(): void {
  const { doc, selection } = useEditor.getState();
  const located = selection.map((id) => locateNode(doc, id)).filter((x): x is { path: ScopePath; name: string } => !!x);
  if (!located.length) return;
  const path = located[0].path;
  clipboard = { clip: copyStates(doc, path, located.filter((l) => samePath(l.path, path)).map((l) => l.name)), path };
  try {
    void navigator.clipboard?.writeText(JSON.stringify(clipboard.clip.states, null, 2));
  } catch {
    // The in-app clipboard is enough; the system one is a convenience.
  }
}

export function pasteClipboard(): void {
  if (!clipboard) return;
  const store = useEditor.getState();
  const sel = store.selection.length === 1 ? locateNode(store.doc, store.selection[0]) : undefined;
  const path = sel?.path ?? [];
  let names: string[] = [];
  store.apply((d) => {
    const result = pasteStates(d, path, clipboard!.clip);
    names = result.names;
    return result.doc;
  });
  store.select(names.map((n) => nodeId(path, n)));
}
