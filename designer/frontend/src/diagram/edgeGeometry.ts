// Where an edge runs and where its label sits: shared by the canvas (AslEdge) and the SVG export,
// so an exported diagram reads like the canvas.
import { isContainer } from "../asl/stateTypes";
import { getSmoothStepPath, Position } from "@xyflow/react";
import type { EdgeKind, GraphNode } from "../asl/graph";

const LABEL_ABOVE_TARGET = 32;
const TURN_ABOVE_TARGET = 48;

export interface EdgeEnds {
  sourceX: number;
  sourceY: number;
  targetX: number;
  targetY: number;
  sourcePosition: Position;
  targetPosition: Position;
}

/** The edge's SVG path and its label's centre. */
export function edgeGeometry(ends: EdgeEnds, kind: EdgeKind): { path: string; labelX: number; labelY: number } {
  const { sourceY, targetX, targetY, sourcePosition, targetPosition } = ends;
  // An edge that skips a layer (a Choice rule, a state going to End) would turn sideways halfway,
  // across the states of the layer it passes. It turns in the gap just above its target instead,
  // which ELK keeps free of nodes (ELK reserves the straight run down for the edge's dummy nodes).
  const downward = sourcePosition === Position.Bottom && targetPosition === Position.Top && targetY - sourceY > 2 * TURN_ABOVE_TARGET;
  const [path, midX, midY] = getSmoothStepPath({ ...ends, borderRadius: 10, offset: 18, centerY: downward ? targetY - TURN_ABOVE_TARGET : undefined });
  // Labels of rule edges go on that last stretch too, above the target, never over a state, and
  // clear of the reconnect grip at the target end.
  const nearTarget = kind === "choice" || kind === "default";
  return { path, labelX: nearTarget ? targetX : midX, labelY: nearTarget ? targetY - LABEL_ABOVE_TARGET : midY };
}

/** Where a node's output handle sits, as StateNodeView places it (x, y relative to the node). */
export function handlePoint(node: GraphNode, handle: string): { x: number; y: number; position: Position } {
  const handles = node.data.handles;
  const east = handles.filter((h) => h.startsWith("catch:"));
  if (handle.startsWith("catch:")) {
    const i = Math.max(0, east.indexOf(handle));
    const top = isContainer(node.data.state) ? 14 + i * 12 : ((i + 1) / (east.length + 1)) * node.height;
    return { x: node.width, y: top, position: Position.Right };
  }
  const south = handles.filter((h) => !h.startsWith("catch:"));
  const i = south.indexOf(handle);
  const left = i >= 0 ? (i + 1) / (south.length + 1) : 0.5;
  return { x: left * node.width, y: node.height, position: Position.Bottom };
}
