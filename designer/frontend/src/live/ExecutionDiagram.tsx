// The designer's diagram, read-only, each state coloured by its live status, with a legend.
// Map and Parallel nodes carry their iteration / branch counts; a state run many times (inside
// a Map) carries its run counts. Node overlay objects are reused while a state's status does
// not change, so the diagram re-renders only the nodes that did.
import { stateFacts } from "../asl/stateTypes";
import { ReactFlowProvider } from "@xyflow/react";
import { useMemo, useRef } from "react";
import { aslToGraph, mergePositions } from "../asl/graph";
import type { Machine, Positions } from "../asl/types";
import { Diagram } from "../diagram/Diagram";
import type { NodeOverlay, Overlay as DiagramOverlay } from "../diagram/overlay";
import { useAutoLayout } from "../diagram/useAutoLayout";
import { countsText, countsTitle, STATUS_LABEL } from "./format";
import type { Counts, OverlayResult, Status } from "./overlay";
import { STATUSES } from "./overlay";

export interface DiagramStatus {
  states: OverlayResult["states"];
  iterations: OverlayResult["iterations"];
}

/** The execution page's graph: positions merged as the editor merges them, so markers follow placed states. */
export function executionGraph(definition: Machine, auto: Positions, positions: Positions) {
  return aslToGraph(definition, mergePositions(definition, auto, positions));
}

/** Fit as the editor does, with the top padding clearing the legend (which may wrap to two rows). */
export const EXEC_FIT = { padding: { top: "80px", bottom: "32px", left: "56px", right: "184px" }, maxZoom: 1.1 } as const;

export function ExecutionDiagram({ definition, positions, status, selected, onSelect, breakpoints }: {
  definition: Machine;
  positions: Positions;
  status: DiagramStatus;
  selected: string | null;
  onSelect: (name: string | null) => void;
  /** States with a breakpoint (the debugger). */
  breakpoints?: string[];
}) {
  const auto = useAutoLayout(definition);
  const graph = useMemo(() => executionGraph(definition, auto.positions, positions), [definition, auto.positions, positions]);
  const cache = useRef(new Map<string, NodeOverlay>());

  const overlay = useMemo(() => {
    const out: DiagramOverlay = {};
    const next = new Map<string, NodeOverlay>();
    for (const node of graph.nodes) {
      if (node.data.kind !== "state") continue;
      const name = node.data.name;
      const entry = status.states[name];
      const st: Status = entry?.status ?? "NOT_STARTED";
      // A container counts its iterations (Map) or branches (Parallel); any other state its runs.
      const blocks = stateFacts(node.data.state?.Type).blocks;
      const counts: Counts | undefined = blocks ? status.iterations[name] : entry?.counts;
      const total = Object.values(counts ?? {}).reduce((a, b) => a + (b ?? 0), 0);
      const showCounts = blocks ? total > 0 : total > 1;
      const noun = blocks === "ItemProcessor" ? "iterations" : blocks === "Branches" ? "branches" : "runs";
      const badge = showCounts ? countsText(counts) : undefined;
      const badgeTitle = showCounts ? countsTitle(counts, noun) : undefined;
      const prev = cache.current.get(node.id);
      const breakpoint = breakpoints?.includes(name) || undefined;
      const value = prev && prev.status === st && prev.badge === badge && prev.breakpoint === breakpoint ? prev : { status: st, badge, badgeTitle, breakpoint };
      next.set(node.id, value);
      out[node.id] = value;
    }
    cache.current = next;
    return out;
  }, [graph, status, breakpoints]);

  const idToName = useMemo(() => new Map(graph.nodes.filter((n) => n.data.kind === "state").map((n) => [n.id, n.data.name])), [graph]);
  const selection = useMemo(() => graph.nodes.filter((n) => n.data.kind === "state" && n.data.name === selected).map((n) => n.id), [graph, selected]);

  if (!auto.ready) return <div className="exec-canvas-loading">Laying out the diagram…</div>;
  return (
    <ReactFlowProvider>
      <Diagram
        key={auto.key}
        graph={graph}
        overlay={overlay}
        readOnly
        fitViewOptions={EXEC_FIT}
        selection={selection}
        onSelectionChange={(ids) => {
          const name = ids.map((id) => idToName.get(id)).find(Boolean);
          if (name !== undefined || ids.length === 0) onSelect(name ?? null);
        }}
      />
    </ReactFlowProvider>
  );
}

export function Legend() {
  return (
    <div className="exec-legend" data-testid="status-legend">
      {STATUSES.map((s) => (
        <span key={s} className={`legend-item legend-${s}`}><span className="legend-swatch" />{STATUS_LABEL[s]}</span>
      ))}
    </div>
  );
}
