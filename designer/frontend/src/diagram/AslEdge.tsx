// Transitions on the canvas: smooth-step paths with their condition or error label; Catch dashed.
// The edge's group carries data-id, which the palette uses to find the edge a state is dropped on.
import { BaseEdge, EdgeLabelRenderer, useStoreApi } from "@xyflow/react";
import type { EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { GraphEdgeData } from "../asl/graph";
import { edgeGeometry } from "./edgeGeometry";

function AslEdgeInner({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, selected }: EdgeProps) {
  const d = data as GraphEdgeData;
  const store = useStoreApi();
  const { path, labelX, labelY } = edgeGeometry({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }, d.kind);
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
