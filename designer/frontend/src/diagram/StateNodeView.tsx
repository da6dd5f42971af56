// How a state looks on the canvas: a type-coloured card with an icon, its name and a summary,
// its input handle on top, its output handles (rules, default, next) below and catchers on the right.
// Parallel and Map draw the same card as a header over their nested branches.
import { Handle, Position } from "@xyflow/react";
import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { GraphNodeData } from "../asl/graph";
import { isContainer, isTerminalType } from "../asl/stateTypes";
import { Icon } from "../nodes/icons";
import { nodeDef } from "../nodes/registry";
import type { NodeOverlay } from "./overlay";

export type StateNodeData = GraphNodeData & { overlay?: NodeOverlay; readOnly?: boolean };

function handleLabel(handle: string): string {
  if (handle.startsWith("choice:")) return `Rule ${Number(handle.slice(7)) + 1}`;
  if (handle === "default") return "Default";
  if (handle.startsWith("catch:")) return "Catch";
  return "";
}

function StateNodeViewInner({ data, selected }: NodeProps) {
  const d = data as StateNodeData;
  const state = d.state!;
  const def = nodeDef(state.Type);
  const container = isContainer(state);
  const south = d.handles.filter((h) => !h.startsWith("catch:"));
  const east = d.handles.filter((h) => h.startsWith("catch:"));
  const terminal = isTerminalType(state.Type);
  const status = d.overlay?.status;
  const problems = d.overlay?.problems ?? 0;
  const covered = d.overlay?.covered;
  const uncovered = d.overlay?.uncovered ?? [];
  return (
    <div
      className={`state-node${container ? " container" : ""}${selected ? " selected" : ""}${status ? ` status-${status}` : ""}${problems ? " has-problems" : ""}${covered === false ? " not-covered" : ""}`}
      style={{ ["--accent" as string]: def.color }}
      data-testid={`state-${d.name}`}
      data-state-type={state.Type}
      data-status={status}
      data-breakpoint={d.overlay?.breakpoint ? "true" : undefined}
      data-covered={covered === undefined ? undefined : String(covered && !uncovered.length)}
      title={d.overlay?.problemText}
    >
      <Handle type="target" id="in" position={Position.Top} className="h-in" isConnectable={!d.readOnly} />
      <div className="state-head">
        <span className="state-icon"><Icon name={def.icon} /></span>
        <span className="state-titles">
          <span className="state-name">{d.name}</span>
          <span className="state-sub">{def.subtitle(state)}</span>
        </span>
        {d.isStartAt && <span className="start-flag" title="Start state">START</span>}
        {problems > 0 && <span className="problem-badge" title={d.overlay?.problemText}>{problems}</span>}
        {d.overlay?.breakpoint && <span className="breakpoint-dot on-node" title="Breakpoint: debug executions pause before this state" />}
      </div>
      {covered !== undefined && (!covered || uncovered.length > 0) && (
        <div className="coverage-badge" title="What no test case exercised">{covered ? `not covered: ${uncovered.join(", ")}` : "never run by a test case"}</div>
      )}
      {d.overlay?.badge && <div className="status-badge" title={d.overlay.badgeTitle}>{d.overlay.badge}</div>}
      {south.map((h, i) => (
        <Handle key={h} type="source" id={h} position={Position.Bottom} className={`h-out h-${h.split(":")[0]}`}
          style={{ left: `${((i + 1) / (south.length + 1)) * 100}%` }} isConnectable={!d.readOnly} title={handleLabel(h)}>
          {south.length > 1 && <span className="h-label">{handleLabel(h)}</span>}
        </Handle>
      ))}
      {terminal && <Handle type="source" id="end" position={Position.Bottom} className="h-out h-end" isConnectable={false} />}
      {east.map((h, i) => (
        <Handle key={h} type="source" id={h} position={Position.Right} className={`h-out h-catch${i === east.length - 1 ? " h-new" : ""}`}
          style={{ top: container ? 14 + i * 12 : `${((i + 1) / (east.length + 1)) * 100}%` }} isConnectable={!d.readOnly}
          title={i === east.length - 1 ? "Drag to add a catcher" : `Catcher ${i + 1}`} />
      ))}
    </div>
  );
}

export const StateNodeView = memo(StateNodeViewInner);

export const MarkerNode = memo(function MarkerNode({ data }: NodeProps) {
  const d = data as GraphNodeData;
  return (
    <div className={`marker-node marker-${d.kind}`} data-testid={d.path.length ? undefined : `marker-${d.kind}`}>
      {d.kind === "end" && <Handle type="target" id="in" position={Position.Top} isConnectable={false} />}
      {d.name}
      {d.kind === "start" && <Handle type="source" id="next" position={Position.Bottom} isConnectable={false} />}
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data }: NodeProps) {
  const d = data as GraphNodeData;
  return (
    <div className="group-node" data-drop-scope={JSON.stringify(d.path)}>
      <span className="group-label">{d.name}</span>
    </div>
  );
});
