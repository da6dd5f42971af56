// The inspector of the execution page: the selected state's runs (input, output, variables,
// error and cause, retries, timings) and, for a Map or Parallel, its iterations or branches,
// each of which can be opened to colour the diagram with that iteration alone.
import { stateFacts } from "../asl/stateTypes";
import { ChildExecutions } from "./ChildExecutions";
import { useState } from "react";
import { duration, pretty, STATUS_LABEL, time } from "./format";
import type { Overlay, Run, Scope, Status } from "./overlay";
import { inScope } from "./overlay";
import type { ExecutionInfo } from "./store";

const MAX_CHIPS = 500;

/** The debugger's controls beside a state's details (designer/frontend/src/debug). */
export interface StateDebugControls {
  breakpoints: string[];
  onToggleBreakpoint: (state: string) => void;
  onRerun: (state: string, input: string) => void;
}

export function StateDetails({ name, overlay, scope, onOpen, execution, debug }: {
  name: string | null;
  overlay: Overlay | null;
  scope: Scope | null;
  onOpen: (scope: Scope | null) => void;
  execution: ExecutionInfo | null;
  debug?: StateDebugControls;
}) {
  if (!name || !overlay) return <ExecutionDetails execution={execution} />;
  const all = overlay.runs.filter((r) => r.name === name && !r.removed);
  // With an iteration opened, a state inside it shows that iteration's run; the others all theirs.
  const scoped = scope ? all.filter((r) => inScope(r, scope)) : all;
  const runs = scoped.length ? scoped : all;
  return <RunsOf key={`${name}:${scope ? `${scope.parent}/${scope.index}` : ""}`} name={name} runs={runs} overlay={overlay} onOpen={onOpen} debug={debug} />;
}

function RunsOf({ name, runs, overlay, onOpen, debug }: { name: string; runs: Run[]; overlay: Overlay; onOpen: (s: Scope | null) => void; debug?: StateDebugControls }) {
  const preferred = runs.find((r) => r.status === "FAILED") ?? runs.find((r) => r.status === "IN_PROGRESS") ?? runs[runs.length - 1];
  const [picked, setPicked] = useState<number | null>(null);
  const run = runs.find((r) => r.id === picked) ?? preferred;
  return (
    <div className="exec-details" data-testid="state-details">
      <h3>{name}</h3>
      {debug && (
        <div className="state-debug-actions">
          <button type="button" data-testid="breakpoint-toggle" aria-pressed={debug.breakpoints.includes(name)}
            className={debug.breakpoints.includes(name) ? "breakpoint-on" : ""} onClick={() => debug.onToggleBreakpoint(name)}>
            <span className="breakpoint-dot" aria-hidden="true" />{debug.breakpoints.includes(name) ? "Breakpoint set" : "Set breakpoint"}
          </button>
          <button type="button" data-testid="rerun-from-state" disabled={!run || run.input === undefined || !!run.scope}
            title={run?.scope ? "Run from here starts at a state of the top level" : "Start a new execution at this state"}
            onClick={() => run && debug.onRerun(name, pretty(run.input) || "{}")}>Run from here</button>
        </div>
      )}
      {!run && <p className="muted">Not started in this execution.</p>}
      {runs.length > 1 && (
        <label className="run-picker">Run
          <select value={run?.id ?? ""} onChange={(e) => setPicked(Number(e.target.value))}>
            {runs.slice(0, 1000).map((r, i) => (
              <option key={r.id} value={r.id}>{runLabel(r, i, overlay)} — {STATUS_LABEL[r.status]}</option>
            ))}
          </select>
        </label>
      )}
      {run && <RunView run={run} onOpen={onOpen} />}
    </div>
  );
}

function runLabel(run: Run, i: number, overlay: Overlay): string {
  if (run.scope?.kind === "i") return `iteration ${run.scope.index}`;
  if (run.scope?.kind === "b") return `branch ${run.scope.index + 1}`;
  void overlay;
  return `run ${i + 1}`;
}

function RunView({ run, onOpen }: { run: Run; onOpen: (s: Scope | null) => void }) {
  const end = run.exitedAt ? Date.parse(run.exitedAt) : Date.now();
  return (
    <>
      <dl className="run-facts">
        <dt>Status</dt><dd><span className={`status-pill status-${run.status}`}>{STATUS_LABEL[run.status]}</span></dd>
        <dt>Type</dt><dd>{run.type}</dd>
        <dt>Entered</dt><dd>{time(run.enteredAt)}</dd>
        <dt>Exited</dt><dd>{run.exitedAt ? time(run.exitedAt) : "—"}</dd>
        <dt>Duration</dt><dd>{duration(end - Date.parse(run.enteredAt))}{run.exitedAt ? "" : " so far"}</dd>
        <dt>Retries</dt><dd>{run.retries}</dd>
      </dl>
      {(run.error || run.cause) && (
        <section className="run-error">
          <h4>Error</h4>
          <div className="error-name">{run.error}</div>
          {run.cause && <pre className="json">{pretty(run.cause)}</pre>}
        </section>
      )}
      {run.type === "Task" && <ChildExecutions eventIds={run.eventIds} output={run.output} />}
      {stateFacts(run.type).blocks === "ItemProcessor" && <Iterations run={run} onOpen={onOpen} />}
      {stateFacts(run.type).blocks === "Branches" && <Branches run={run} onOpen={onOpen} />}
      <section><h4>Input</h4><pre className="json" data-testid="state-input">{pretty(run.input) || "—"}</pre></section>
      <section><h4>Output</h4><pre className="json" data-testid="state-output">{pretty(run.output) || "—"}</pre></section>
      {run.variables && <section><h4>Variables assigned</h4><pre className="json">{pretty(run.variables)}</pre></section>}
    </>
  );
}

function Iterations({ run, onOpen }: { run: Run; onOpen: (s: Scope | null) => void }) {
  const [filter, setFilter] = useState<Status | "">("");
  const all = [...run.iterations].sort((a, b) => a[0] - b[0]);
  const shown = all.filter(([, s]) => !filter || s === filter);
  return (
    <section>
      <h4>Iterations ({all.length})</h4>
      <select value={filter} onChange={(e) => setFilter(e.target.value as Status | "")} aria-label="Filter iterations">
        <option value="">All</option>
        {(["IN_PROGRESS", "SUCCEEDED", "FAILED", "CANCELLED"] as Status[]).map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
      </select>
      <div className="iteration-chips">
        {shown.slice(0, MAX_CHIPS).map(([index, status]) => (
          <button key={index} type="button" className={`chip status-${status}`} data-testid="iteration" title={`Open iteration ${index}: ${STATUS_LABEL[status]}`}
            onClick={() => onOpen({ parent: run.id, kind: "i", index })}>{index}</button>
        ))}
        {shown.length > MAX_CHIPS && <span className="muted">… and {shown.length - MAX_CHIPS} more (filter by status)</span>}
      </div>
    </section>
  );
}

function Branches({ run, onOpen }: { run: Run; onOpen: (s: Scope | null) => void }) {
  return (
    <section>
      <h4>Branches</h4>
      <div className="iteration-chips">
        {run.branches.map((status, index) => (
          <button key={index} type="button" className={`chip status-${status}`} title={`Open branch ${index + 1}: ${STATUS_LABEL[status]}`}
            onClick={() => onOpen({ parent: run.id, kind: "b", index })}>{index + 1}</button>
        ))}
      </div>
    </section>
  );
}

function ExecutionDetails({ execution }: { execution: ExecutionInfo | null }) {
  if (!execution) return null;
  return (
    <div className="exec-details">
      <h3>Execution</h3>
      <p className="muted">Click a state to see its input, output, error and timings.</p>
      {(execution.error || execution.cause) && (
        <section className="run-error"><h4>Error</h4><div className="error-name">{execution.error}</div>
          {execution.cause && <pre className="json">{pretty(execution.cause)}</pre>}</section>
      )}
      <section><h4>Input</h4><pre className="json">{pretty(execution.input)}</pre></section>
      <section><h4>Output</h4><pre className="json" data-testid="execution-output">{pretty(execution.output) || "—"}</pre></section>
    </div>
  );
}
