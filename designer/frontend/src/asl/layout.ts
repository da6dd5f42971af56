// Automatic layout with elkjs: layered, top-down, one ELK run per block, innermost first so a
// container's size is known before its block is laid out. Output handles are ELK ports in a
// fixed order, so Choice rules keep their left-to-right order and Catchers leave on the right.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ELK as ElkApi, ElkNode, ElkPort, ElkExtendedEdge } from "elkjs/lib/elk-api";
import { CONTAINER_HEAD, endId, GROUP_HEAD, GROUP_PAD, MARKER_H, MARKER_W, reachOrder, startId, STATE_H, STATE_W } from "./graph";
import { allStateNames, nodeId, scopeId } from "./scope";
import { innerBlocks, isTerminalType } from "./stateTypes";
import { isEnd, outputHandles, transitions } from "./transitions";
import type { Block, Machine, Positions, ScopePath, State } from "./types";

const pageElk: ElkApi = new ELK();
let bigElk: ElkApi | null = null;

/** Run big layouts elsewhere (a Web Worker in the browser) so they never freeze the page. */
export function setElkEngine(instance: ElkApi): void {
  bigElk = instance;
}

// Small machines stay on the page: a worker costs a script load on first use, more than the
// layout itself takes for a few dozen states.
const WORKER_FROM_STATES = 150;

// Big blocks get ELK's cheaper strategies: the default ones grow too slow past a few hundred
// states (a 500-state chain took seconds), and a long chain needs no crossing search anyway.
const BIG_BLOCK = 150;
const FAST: Record<string, string> = {
  "elk.layered.thoroughness": "1",
  "elk.layered.nodePlacement.strategy": "LINEAR_SEGMENTS",
};

const OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.padding": "[top=0,left=0,bottom=0,right=0]",
  "elk.spacing.nodeNode": "36",
  // Room between layers for a rule's label above its target and the edge's turn above that.
  "elk.layered.spacing.nodeNodeBetweenLayers": "64",
  "elk.layered.spacing.edgeNodeBetweenLayers": "20",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.separateConnectedComponents": "false",
};

interface Sized {
  width: number;
  height: number;
  positions: Positions;
}

/** ELK ports for a state: `in` on top; Choice rules, Default, Next below (in order); Catchers right. */
export function statePorts(id: string, state: State): ElkPort[] {
  const handles = outputHandles(state);
  if (isTerminalType(state.Type)) handles.push("end");
  const south = handles.filter((h) => !h.startsWith("catch:"));
  const east = handles.filter((h) => h.startsWith("catch:"));
  // ELK numbers FIXED_ORDER ports clockwise from the top-left corner: the east side runs
  // top to bottom, the south side right to left, hence the reversal.
  const ordered = [
    { h: "in", side: "NORTH" },
    ...east.map((h) => ({ h, side: "EAST" })),
    ...[...south].reverse().map((h) => ({ h, side: "SOUTH" })),
  ];
  return ordered.map(({ h, side }, index) => ({
    id: `${id}::${h}`,
    width: 1,
    height: 1,
    layoutOptions: { "elk.port.side": side, "elk.port.index": String(index) },
  }));
}

async function layoutBlock(block: Block, path: ScopePath, elk: ElkApi): Promise<Sized> {
  const positions: Positions = {};
  const children: ElkNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  const order = reachOrder(block);

  const start = startId(path);
  const end = endId(path);
  children.push({ id: start, width: MARKER_W, height: MARKER_H, ports: [{ id: `${start}::next`, width: 1, height: 1, layoutOptions: { "elk.port.side": "SOUTH" } }], layoutOptions: { "elk.portConstraints": "FIXED_SIDE" } });

  for (const name of order) {
    const state = block.States[name];
    const id = nodeId(path, name);
    let width = STATE_W;
    let height = STATE_H;
    const inner = innerBlocks(state);
    if (inner.length) {
      const sizes = await Promise.all(inner.map((child, branch) => layoutBlock(child, [...path, { state: name, branch }], elk)));
      let x = GROUP_PAD;
      let tallest = 0;
      sizes.forEach((size, branch) => {
        const groupId = scopeId([...path, { state: name, branch }]);
        positions[groupId] = { x, y: CONTAINER_HEAD };
        Object.assign(positions, size.positions);
        const groupW = size.width + GROUP_PAD;
        x += groupW + GROUP_PAD;
        tallest = Math.max(tallest, CONTAINER_HEAD + size.height + GROUP_PAD);
      });
      width = Math.max(STATE_W, x);
      height = tallest + GROUP_PAD;
    }
    children.push({ id, width, height, ports: statePorts(id, state), layoutOptions: { "elk.portConstraints": "FIXED_ORDER" } });
    for (const t of transitions(state)) {
      if (!block.States[t.target]) continue;
      edges.push({ id: `${id}->${t.handle}->${t.target}`, sources: [`${id}::${t.handle}`], targets: [`${nodeId(path, t.target)}::in`] });
    }
    if (isEnd(state)) {
      const handle = isTerminalType(state.Type) ? "end" : "next";
      edges.push({ id: `${id}->end`, sources: [`${id}::${handle}`], targets: [`${end}::in`] });
    }
  }
  children.push({ id: end, width: MARKER_W, height: MARKER_H, ports: [{ id: `${end}::in`, width: 1, height: 1, layoutOptions: { "elk.port.side": "NORTH" } }], layoutOptions: { "elk.portConstraints": "FIXED_SIDE" } });
  if (block.StartAt && block.States?.[block.StartAt]) {
    edges.push({ id: `${start}->start`, sources: [`${start}::next`], targets: [`${nodeId(path, block.StartAt)}::in`] });
  }

  const options = children.length > BIG_BLOCK ? { ...OPTIONS, ...FAST } : OPTIONS;
  const result = await elk.layout({ id: scopeId(path) || "root", layoutOptions: options, children, edges });
  // Nested blocks sit below their group's title; the root starts at 0,0.
  const origin = path.length ? { x: GROUP_PAD, y: GROUP_HEAD } : { x: 0, y: 0 };
  let width = 0;
  let height = 0;
  for (const child of result.children ?? []) {
    const x = origin.x + (child.x ?? 0);
    const y = origin.y + (child.y ?? 0);
    positions[child.id] = { x, y };
    width = Math.max(width, x + (child.width ?? 0));
    height = Math.max(height, y + (child.height ?? 0));
  }
  return { width, height, positions };
}

/** Lay out the whole machine: positions for every state, marker and group, relative to its parent. */
export async function layoutMachine(doc: Machine, options: { onPage?: boolean } = {}): Promise<Positions> {
  const elk = !options.onPage && bigElk && allStateNames(doc).size >= WORKER_FROM_STATES ? bigElk : pageElk;
  return (await layoutBlock(doc, [], elk)).positions;
}

/** A key that changes only when the layout could: the block structure and the transitions. */
export function structureKey(doc: Machine): string {
  const parts: string[] = [];
  const visit = (block: Block, path: string) => {
    parts.push(`${path}>${block.StartAt ?? ""}`);
    for (const [name, state] of Object.entries(block.States ?? {})) {
      const hs = outputHandles(state).join(",");
      parts.push(`${path}/${name}:${state?.Type}:${hs}:${transitions(state).map((t) => t.target).join(",")}:${isEnd(state) ? 1 : 0}`);
      innerBlocks(state).forEach((child, i) => visit(child, `${path}/${name}[${i}]`));
    }
  };
  visit(doc, "");
  return parts.join("\n");
}

/** A short fingerprint of the structure, saved with the layout to know when it still applies. */
export function structureHash(doc: Machine): string {
  const text = structureKey(doc);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}:${text.length}`;
}
