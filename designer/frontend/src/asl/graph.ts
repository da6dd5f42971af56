// aslToGraph: the canvas derived from the document. Pure: the same document and positions
// always give the same nodes and edges. Containers (Parallel branches, Map item processors)
// become nested group nodes whose size follows their children.
import { nodeId, scopeId } from "./scope";
import { innerBlocks, isTerminalType, stateFacts } from "./stateTypes";
import { isEnd, outputHandles, transitions } from "./transitions";
import type { Block, Machine, Positions, ScopePath, State, XY } from "./types";

export const STATE_W = 200;
export const STATE_H = 48;
export const MARKER_W = 72;
export const MARKER_H = 28;
export const GROUP_PAD = 16;
export const GROUP_HEAD = 28;
export const CONTAINER_HEAD = 44;
const GAP_Y = 56;

export type GraphNodeKind = "state" | "start" | "end" | "group";

export interface GraphNodeData {
  [key: string]: unknown;
  kind: GraphNodeKind;
  /** ASL state name (states), or the block label (groups, markers). */
  name: string;
  state?: State;
  /** The block this node belongs to (for a group: the block it shows). */
  path: ScopePath;
  handles: string[];
  isStartAt?: boolean;
}

export interface GraphNode {
  id: string;
  type: string;
  position: XY;
  data: GraphNodeData;
  parentId?: string;
  width: number;
  height: number;
  style?: Record<string, number | string>;
  draggable?: boolean;
  selectable?: boolean;
  connectable?: boolean;
  deletable?: boolean;
  zIndex?: number;
}

export type EdgeKind = "next" | "default" | "choice" | "catch" | "start" | "end";

export interface GraphEdgeData {
  [key: string]: unknown;
  kind: EdgeKind;
  label?: string;
  path: ScopePath;
  /** ASL names: source "" is the block's start marker; target undefined is the end marker. */
  sourceName: string;
  targetName?: string;
  handle: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: string;
  targetHandle: string;
  type: string;
  label?: string;
  data: GraphEdgeData;
  animated?: boolean;
  deletable?: boolean;
  reconnectable?: boolean | "source" | "target";
  className?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function startId(path: ScopePath): string {
  return nodeId(path, "__start");
}
export function endId(path: ScopePath): string {
  return nodeId(path, "__end");
}

interface Built {
  width: number;
  height: number;
}

/**
 * The positions the canvas draws with: the user's where they placed something, ELK's elsewhere.
 * A block's Start and End markers that the user never moved follow the states the user placed:
 * ELK's marker positions belong to ELK's own arrangement, so after a drop they would float
 * among the states (a Start below its state, with the arrow pointing up).
 */
export function mergePositions(doc: Machine, auto: Positions, user: Positions): Positions {
  const merged: Positions = { ...auto, ...user };
  const visit = (block: Block, path: ScopePath) => {
    const states = block.States ?? {};
    const start = startId(path);
    const first = block.StartAt && states[block.StartAt] ? user[nodeId(path, block.StartAt)] : undefined;
    if (!user[start] && first) merged[start] = { x: first.x + (STATE_W - MARKER_W) / 2, y: first.y - MARKER_H - GAP_Y };
    const end = endId(path);
    const ending = Object.keys(states).filter((name) => isEnd(states[name]));
    if (!user[end] && ending.some((name) => user[nodeId(path, name)])) {
      let bottom = -Infinity;
      let centre = 0;
      let counted = 0;
      for (const name of ending) {
        const at = merged[nodeId(path, name)];
        if (!at) continue;
        // A container is taller than a state; ELK's own gap to the End marker says by how much.
        const autoAt = auto[nodeId(path, name)];
        const height = innerBlocks(states[name]).length && autoAt && auto[end] ? Math.max(STATE_H, auto[end].y - autoAt.y - GAP_Y) : STATE_H;
        bottom = Math.max(bottom, at.y + height);
        centre += at.x + STATE_W / 2;
        counted += 1;
      }
      if (counted) merged[end] = { x: centre / counted - MARKER_W / 2, y: bottom + GAP_Y };
    }
    for (const [name, state] of Object.entries(states)) innerBlocks(state).forEach((child, branch) => visit(child, [...path, { state: name, branch }]));
  };
  visit(doc, []);
  return merged;
}

/** Derive React Flow nodes and edges from an ASL document and the position map. */
export function aslToGraph(doc: Machine, positions: Positions = {}): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];

  // Lays out one block's nodes (relative to `parentId`) and returns the extent they need.
  const buildBlock = (block: Block, path: ScopePath, parentId: string | undefined, origin: XY): Built => {
    const order = reachOrder(block);
    let cursorY = origin.y + MARKER_H + GAP_Y;
    const blockNodes: GraphNode[] = [];
    const start: GraphNode = {
      id: startId(path), type: "marker", parentId, width: MARKER_W, height: MARKER_H,
      position: positions[startId(path)] ?? { x: origin.x + (STATE_W - MARKER_W) / 2, y: origin.y },
      data: { kind: "start", name: "Start", path, handles: ["next"] },
      draggable: true, connectable: false, deletable: false, selectable: false,
    };
    blockNodes.push(start);
    // A state without a position yet (just added or renamed, layout pending) goes under a
    // predecessor that has one, so it appears next to where it belongs.
    const placed = new Map<string, GraphNode>();
    const predecessors = new Map<string, string[]>();
    for (const name of order) for (const t of transitions(block.States[name])) predecessors.set(t.target, [...(predecessors.get(t.target) ?? []), name]);
    const guess = (name: string): XY => {
      const pred = (predecessors.get(name) ?? []).map((p) => placed.get(p)).find((n) => n && positions[n.id]);
      return pred ? { x: pred.position.x + (pred.width - STATE_W) / 2, y: pred.position.y + pred.height + GAP_Y } : { x: origin.x, y: cursorY };
    };
    for (const name of order) {
      const state = block.States[name];
      const id = nodeId(path, name);
      let width = STATE_W;
      let height = STATE_H;
      const position = positions[id] ?? guess(name);
      const node: GraphNode = {
        id, type: state?.Type ?? "Pass", parentId, position, width, height,
        data: { kind: "state", name, state, path, handles: outputHandles(state), isStartAt: block.StartAt === name },
      };
      blockNodes.push(node);
      nodes.push(node);
      placed.set(name, node);
      const inner = innerBlocks(state);
      if (inner.length) {
        let x = GROUP_PAD;
        let tallest = 0;
        inner.forEach((child, branch) => {
          const childPath = [...path, { state: name, branch }];
          const groupId = scopeId(childPath);
          const group: GraphNode = {
            id: groupId, type: "group", parentId: id, width: 0, height: 0,
            position: positions[groupId] ?? { x, y: CONTAINER_HEAD },
            data: { kind: "group", name: stateFacts(state.Type).blocks === "ItemProcessor" ? "Item processor" : `Branch ${branch + 1}`, path: childPath, handles: [] },
            draggable: false, selectable: false, connectable: false, deletable: false,
          };
          nodes.push(group);
          const size = buildBlock(child, childPath, groupId, { x: GROUP_PAD, y: GROUP_HEAD });
          group.width = size.width + GROUP_PAD;
          group.height = size.height + GROUP_PAD;
          group.style = { width: group.width, height: group.height };
          x = Math.max(x, group.position.x + group.width + GROUP_PAD);
          tallest = Math.max(tallest, group.position.y + group.height);
        });
        width = Math.max(STATE_W, x);
        height = tallest + GROUP_PAD;
        node.width = width;
        node.height = height;
        node.style = { width, height };
      }
      cursorY += height + GAP_Y;
    }
    const end: GraphNode = {
      id: endId(path), type: "marker", parentId, width: MARKER_W, height: MARKER_H,
      position: positions[endId(path)] ?? { x: origin.x + (STATE_W - MARKER_W) / 2, y: cursorY },
      data: { kind: "end", name: "End", path, handles: [] },
      draggable: true, connectable: false, deletable: false, selectable: false,
    };
    blockNodes.push(end);
    nodes.push(start, end);

    if (block.StartAt && block.States?.[block.StartAt]) {
      edges.push(edge(path, start.id, "next", nodeId(path, block.StartAt), { kind: "start", path, sourceName: "", targetName: block.StartAt, handle: "next" }));
    }
    for (const name of order) {
      const state = block.States[name];
      const from = nodeId(path, name);
      for (const t of transitions(state)) {
        if (!block.States[t.target]) continue; // dangling: the validator reports it
        edges.push(edge(path, from, t.handle, nodeId(path, t.target), { kind: t.kind, label: t.label, path, sourceName: name, targetName: t.target, handle: t.handle }));
      }
      if (isEnd(state)) {
        const handle = isTerminalType(state.Type) ? "end" : "next";
        edges.push(edge(path, from, handle, end.id, { kind: "end", path, sourceName: name, targetName: undefined, handle }));
      }
    }
    let right = origin.x;
    let bottom = origin.y;
    for (const n of blockNodes) {
      right = Math.max(right, n.position.x + n.width);
      bottom = Math.max(bottom, n.position.y + n.height);
    }
    return { width: right, height: bottom };
  };

  buildBlock(doc, [], undefined, { x: 0, y: 0 });
  return { nodes: sortParentsFirst(nodes), edges };
}

function edge(path: ScopePath, source: string, handle: string, target: string, data: GraphEdgeData): GraphEdge {
  return {
    id: `${source}->${handle}->${target}`,
    source, target, sourceHandle: handle, targetHandle: "in", type: "asl",
    label: data.label, data,
    deletable: data.kind !== "start" && data.kind !== "end",
    reconnectable: data.kind !== "start" && data.kind !== "end" ? "target" : false,
    className: `edge-${data.kind}`,
  };
}

/** React Flow wants a parent before its children. */
function sortParentsFirst(nodes: GraphNode[]): GraphNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const depth = (n: GraphNode): number => (n.parentId ? 1 + depth(byId.get(n.parentId)!) : 0);
  return nodes.map((n, i) => ({ n, i, d: depth(n) })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.n);
}

/** States in a readable order: depth-first from StartAt, then any unreachable ones. */
export function reachOrder(block: Block): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !block.States?.[name]) return;
    seen.add(name);
    out.push(name);
    for (const t of transitions(block.States[name])) visit(t.target);
  };
  if (block.StartAt) visit(block.StartAt);
  for (const name of Object.keys(block.States ?? {})) visit(name);
  return out;
}
