// Dropping palette items on the canvas: onto an edge (insert there, the edge lit while hovered),
// into a branch or item processor (found by geometry), or onto the open canvas.
import { useReactFlow } from "@xyflow/react";
import type { ReactFlowInstance } from "@xyflow/react";
import type { DragEvent, RefObject } from "react";
import { useCallback, useRef } from "react";
import type { Graph, GraphEdge } from "../asl/graph";
import type { ScopePath, XY } from "../asl/types";
import { PALETTE } from "../nodes/registry";
import { addFromPalette } from "./actions";
import { PALETTE_MIME } from "./Palette";

export function useCanvasDrop(graph: Graph, canvasRef: RefObject<HTMLDivElement | null>) {
  const flow = useReactFlow();
  const dropTargetAt = useCallback((x: number, y: number): { edge?: GraphEdge; path: ScopePath; groupId?: string } => {
    for (const el of document.elementsFromPoint(x, y)) {
      const label = (el as HTMLElement).closest?.("[data-edge-id]");
      const edgeEl = label ?? (el as Element).closest?.(".react-flow__edge");
      const edgeId = label?.getAttribute("data-edge-id") ?? edgeEl?.getAttribute("data-id");
      if (edgeId) {
        const edge = graph.edges.find((e) => e.id === edgeId);
        if (edge && !(edge.data.kind === "end" && edge.data.handle === "end")) return { edge, path: edge.data.path };
      }
    }
    // Branch and item-processor groups take no pointer events (so the pane still pans over
    // them): find the innermost one under the drop point by geometry instead.
    const at = flow.screenToFlowPosition({ x, y });
    let best: { path: ScopePath; groupId: string } | undefined;
    for (const n of graph.nodes) {
      if (n.data.kind !== "group") continue;
      const abs = flow.getInternalNode(n.id)?.internals.positionAbsolute;
      if (!abs || at.x < abs.x || at.y < abs.y || at.x > abs.x + n.width || at.y > abs.y + n.height) continue;
      if (!best || n.data.path.length > best.path.length) best = { path: n.data.path, groupId: n.id };
    }
    return best ?? { path: [] };
  }, [graph, flow]);

  // While a palette item is dragged over an edge, the edge lights up: dropping inserts there.
  const hovered = useRef<string | null>(null);
  const highlightEdge = (id: string | null) => {
    if (hovered.current === id) return;
    const root = canvasRef.current;
    if (hovered.current) root?.querySelector(`.react-flow__edge[data-id="${CSS.escape(hovered.current)}"]`)?.classList.remove("drop-hover");
    if (id) root?.querySelector(`.react-flow__edge[data-id="${CSS.escape(id)}"]`)?.classList.add("drop-hover");
    hovered.current = id;
  };
  const onDragOver = (e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    highlightEdge(dropTargetAt(e.clientX, e.clientY).edge?.id ?? null);
  };

  const onDrop = (e: DragEvent) => {
    const id = e.dataTransfer.getData(PALETTE_MIME) || e.dataTransfer.getData("text/plain");
    const item = PALETTE.find((p) => p.id === id);
    if (!item) return;
    e.preventDefault();
    const target = dropTargetAt(e.clientX, e.clientY);
    if (target.edge) {
      addFromPalette(item, { kind: "edge", edge: target.edge });
      return;
    }
    // On the open canvas the state stays where it was dropped; inside a branch the layout
    // places it, since the group grows around its states.
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const position: XY | undefined = target.groupId ? undefined : { x: Math.round(at.x - 100), y: Math.round(at.y - 24) };
    addFromPalette(item, { kind: "block", path: target.path, position });
  };

  return { onDragOver, onDragLeave: () => highlightEdge(null), onDrop: (e: DragEvent) => { highlightEdge(null); onDrop(e); } };
}

/** Scroll the canvas to a node when it is out of view, keeping the zoom. */
export function revealNode(flow: ReactFlowInstance, canvas: HTMLElement | null, id: string): void {
  const n = flow.getInternalNode(id);
  const box = canvas?.getBoundingClientRect();
  if (!n || !box) return;
  const { x, y, zoom } = flow.getViewport();
  const left = n.internals.positionAbsolute.x * zoom + x;
  const top = n.internals.positionAbsolute.y * zoom + y;
  const w = (n.measured.width ?? 200) * zoom;
  const h = (n.measured.height ?? 48) * zoom;
  if (left >= 0 && top >= 0 && left + w <= box.width && top + h <= box.height) return;
  flow.setCenter(n.internals.positionAbsolute.x + (n.measured.width ?? 200) / 2, n.internals.positionAbsolute.y + (n.measured.height ?? 48) / 2, { zoom, duration: 200 });
}
