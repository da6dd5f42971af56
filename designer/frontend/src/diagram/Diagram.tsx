// The diagram: React Flow over a derived graph. Used by the designer (editable) and by the
// execution page (readOnly, with a status overlay). It owns no document state: gestures are
// reported through callbacks and the parent turns them into document operations.
import { Background, Controls, MarkerType, MiniMap, ReactFlow } from "@xyflow/react";
import type { Connection, Edge, EdgeChange, FitViewOptions, Node, NodeChange, OnDelete } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import type { Graph, GraphEdge, GraphNode } from "../asl/graph";
import type { XY } from "../asl/types";
import { NODE_DEFS, nodeDef } from "../nodes/registry";
import { AslEdge } from "./AslEdge";
import type { NodeOverlay, Overlay } from "./overlay";
import { GroupNode, MarkerNode, StateNodeView } from "./StateNodeView";

const nodeTypes = { ...Object.fromEntries(NODE_DEFS.map((d) => [d.type, StateNodeView])), Unknown: StateNodeView, marker: MarkerNode, group: GroupNode };
const edgeTypes = { asl: AslEdge };
const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#5f6b7a" } };

export interface DiagramProps {
  fitViewOptions?: FitViewOptions;
  graph: Graph;
  overlay?: Overlay;
  readOnly?: boolean;
  selection?: string[];
  onSelectionChange?: (nodeIds: string[]) => void;
  onNodeMoved?: (id: string, position: XY) => void;
  onConnect?: (c: { source: string; sourceHandle: string; target: string }) => void;
  onReconnect?: (edge: GraphEdge, target: string) => void;
  onDelete?: (nodeIds: string[], edges: GraphEdge[]) => void;
  onNodeDoubleClick?: (id: string) => void;
  /** Told which edges are selected (a parent that handles the Delete key itself needs them). */
  onEdgeSelectionChange?: (edgeIds: string[]) => void;
  /** Let React Flow's own Delete/Backspace handling delete the selection (default: when editable). */
  deleteKeys?: boolean;
  children?: ReactNode;
}

interface Cached {
  base: GraphNode;
  overlay?: NodeOverlay;
  selected: boolean;
  drag?: XY;
  out: Node;
}

function sameNode(a: GraphNode, b: GraphNode): boolean {
  return a.id === b.id && a.type === b.type && a.parentId === b.parentId && a.position.x === b.position.x && a.position.y === b.position.y
    && a.width === b.width && a.height === b.height && a.data.state === b.data.state && a.data.name === b.data.name
    && a.data.isStartAt === b.data.isStartAt && a.data.handles.join() === b.data.handles.join();
}

export function Diagram({ graph, overlay, readOnly, selection = [], onSelectionChange, onNodeMoved, onConnect, onReconnect, onDelete, onNodeDoubleClick, onEdgeSelectionChange, deleteKeys = true, fitViewOptions, children }: DiagramProps) {
  const cache = useRef(new Map<string, Cached>());
  const edgeCache = useRef(new Map<string, { base: GraphEdge; selected: boolean; out: Edge }>());
  const [drag, setDrag] = useState<Record<string, XY>>({});
  const [selectedEdges, setSelectedEdges] = useState<string[]>([]);

  // Reuse node objects that did not change, so React Flow re-renders only what an edit touched.
  const nodes = useMemo(() => {
    const selected = new Set(selection);
    const next = new Map<string, Cached>();
    const out = graph.nodes.map((n) => {
      const ov = overlay?.[n.id];
      const sel = selected.has(n.id);
      const dp = drag[n.id];
      const prev = cache.current.get(n.id);
      if (prev && prev.overlay === ov && prev.selected === sel && prev.drag === dp && sameNode(prev.base, n)) {
        next.set(n.id, prev);
        return prev.out;
      }
      const type = n.data.kind === "state" && !nodeTypes[n.type as keyof typeof nodeTypes] ? "Unknown" : n.type;
      const rf: Node = {
        id: n.id, type, position: dp ?? n.position, parentId: n.parentId, width: n.width, height: n.height, style: n.style,
        data: { ...n.data, overlay: ov, readOnly }, selected: sel,
        draggable: !readOnly && n.draggable !== false, selectable: n.selectable !== false, connectable: !readOnly && n.connectable !== false,
        deletable: !readOnly && n.deletable !== false, zIndex: n.data.kind === "group" ? -1 : undefined,
      };
      next.set(n.id, { base: n, overlay: ov, selected: sel, drag: dp, out: rf });
      return rf;
    });
    cache.current = next;
    return out;
  }, [graph, overlay, selection, drag, readOnly]);

  const edges = useMemo(() => {
    const sel = new Set(selectedEdges);
    const next = new Map<string, { base: GraphEdge; selected: boolean; out: Edge }>();
    const out = graph.edges.map((e) => {
      const prev = edgeCache.current.get(e.id);
      const s = sel.has(e.id);
      if (prev && prev.selected === s && prev.base.label === e.label && prev.base.data.kind === e.data.kind) {
        next.set(e.id, prev);
        return prev.out;
      }
      const rf: Edge = { ...e, selected: s, deletable: !readOnly && e.deletable, reconnectable: readOnly ? false : e.reconnectable, animated: false };
      next.set(e.id, { base: e, selected: s, out: rf });
      return rf;
    });
    edgeCache.current = next;
    return out;
  }, [graph, selectedEdges, readOnly]);

  const dragRef = useRef(drag);
  dragRef.current = drag;
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    let selectionChanged = false;
    const selected = new Set(selection);
    let nextDrag: Record<string, XY> | undefined;
    for (const c of changes) {
      if (c.type === "select") {
        selectionChanged = true;
        if (c.selected) selected.add(c.id);
        else selected.delete(c.id);
      } else if (c.type === "position") {
        nextDrag ??= { ...dragRef.current };
        if (c.dragging && c.position) nextDrag[c.id] = c.position;
        else if (!c.dragging) {
          const final = c.position ?? nextDrag[c.id];
          delete nextDrag[c.id];
          if (final) onNodeMoved?.(c.id, final);
        }
      }
    }
    if (nextDrag) setDrag(nextDrag);
    if (selectionChanged) onSelectionChange?.([...selected]);
  }, [selection, onNodeMoved, onSelectionChange]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const picked = changes.filter((c) => c.type === "select");
    if (!picked.length) return;
    setSelectedEdges((current) => {
      const set = new Set(current);
      for (const c of picked) if (c.type === "select") (c.selected ? set.add(c.id) : set.delete(c.id));
      return [...set];
    });
  }, []);

  useEffect(() => onEdgeSelectionChange?.(selectedEdges), [selectedEdges, onEdgeSelectionChange]);
  // An edge that left the graph (deleted, rewired) leaves the selection too.
  useEffect(() => {
    setSelectedEdges((current) => {
      if (!current.length) return current;
      const ids = new Set(graph.edges.map((e) => e.id));
      const kept = current.filter((id) => ids.has(id));
      return kept.length === current.length ? current : kept;
    });
  }, [graph]);

  const handleConnect = useCallback((c: Connection) => {
    if (c.source && c.target && c.sourceHandle) onConnect?.({ source: c.source, sourceHandle: c.sourceHandle, target: c.target });
  }, [onConnect]);

  const handleReconnect = useCallback((old: Edge, c: Connection) => {
    if (c.target) onReconnect?.(old as unknown as GraphEdge, c.target);
  }, [onReconnect]);

  const handleDelete: OnDelete = useCallback(({ nodes: gone, edges: goneEdges }) => {
    const ids = new Set(gone.filter((n) => (n.data as GraphNode["data"]).kind === "state").map((n) => n.id));
    // Deleting a node also reports its edges and children: only independent choices count.
    const roots = [...ids].filter((id) => {
      const n = gone.find((g) => g.id === id)!;
      let parent = n.parentId;
      while (parent) {
        const group = graph.nodes.find((g) => g.id === parent);
        if (group && ids.has(group.parentId ?? "")) return false;
        parent = group?.parentId;
      }
      return true;
    });
    const edgesOnly = goneEdges.filter((e) => !ids.has(e.source) && !ids.has(e.target)) as unknown as GraphEdge[];
    setSelectedEdges([]);
    onDelete?.(roots, edgesOnly);
  }, [graph, onDelete]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      defaultEdgeOptions={defaultEdgeOptions}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={handleConnect}
      onReconnect={handleReconnect}
      onDelete={handleDelete}
      onNodeDoubleClick={(_, n) => onNodeDoubleClick?.(n.id)}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      edgesReconnectable={!readOnly}
      deleteKeyCode={readOnly || !deleteKeys ? null : ["Delete", "Backspace"]}
      multiSelectionKeyCode={["Shift", "Meta", "Control"]}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements={graph.nodes.length > 300}
      proOptions={{ hideAttribution: true }}
      fitView
      fitViewOptions={fitViewOptions}
    >
      <Background gap={16} size={1} color="#d5dae1" />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable style={{ width: 160, height: 110 }} nodeColor={(n) => ((n.data as GraphNode["data"])?.kind === "state" ? nodeDef((n.data as GraphNode["data"]).state?.Type).color : "#c9d0da")} />
      {children}
    </ReactFlow>
  );
}
