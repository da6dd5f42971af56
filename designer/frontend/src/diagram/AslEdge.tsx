// Transitions on the canvas: smooth-step paths with their condition or error label; Catch dashed.
// The edge's group carries data-id, which the palette uses to find the edge a state is dropped on.
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, Position, useStoreApi } from "@xyflow/react";
import type { EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { GraphEdgeData } from "../asl/graph";

const LABEL_ABOVE_TARGET = 32;
const TURN_ABOVE_TARGET = 48;

function AslEdgeInner({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, selected }: EdgeProps) {
  const d = data as GraphEdgeData;
  const store = useStoreApi();
  // An edge that skips a layer (a Choice rule, a state going to End) would turn sideways halfway,
  // across the states of the layer it passes. It turns in the gap just above its target instead,
  // which ELK keeps free of nodes (ELK reserves the straight run down for the edge's dummy nodes).
  const downward = sourcePosition === Position.Bottom && targetPosition === Position.Top && targetY - sourceY > 2 * TURN_ABOVE_TARGET;
  const [path, midX, midY] = getSmoothStepPath({
    sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10, offset: 18,
    centerY: downward ? targetY - TURN_ABOVE_TARGET : undefined,
  });
  // Labels of rule edges go on that last stretch too, above the target, never over a state, and
  // clear of the reconnect grip at the target end.
  const nearTarget = d.kind === "choice" || d.kind === "default";
  const labelX = nearTarget ? targetX : midX;
  const labelY = nearTarget ? targetY - LABEL_ABOVE_TARGET : midY;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`asl-edge edge-${d.kind}${selected ? " selected" : ""}`} interactionWidth={24} />
      {d.label && (
        <EdgeLabelRenderer>
          <div className={`edge-label edge-label-${d.kind}${selected ? " selected" : ""}`} data-edge-id={id}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }} title={d.label}
            onClick={(e) => {
              // The label sits outside the edge's SVG group: select the edge as a click on it would.
              e.stopPropagation();
              const { addSelectedEdges, unselectNodesAndEdges, multiSelectionActive } = store.getState();
              if (!multiSelectionActive) unselectNodesAndEdges();
              addSelectedEdges([id]);
            }}>
            {d.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const AslEdge = memo(AslEdgeInner);
