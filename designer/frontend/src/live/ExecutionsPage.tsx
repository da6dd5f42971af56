// A machine's executions (/machines/<name>/executions/): filter by status, search by name or
// input, new executions and status changes arrive live from ws/machines/<name>/executions/.
import { useCallback, useEffect, useState } from "react";
import { Link } from "../router";
import { MachineTabs } from "../studio/MachineTabs";
import { duration, time } from "./format";
import { executionPath, liveApi } from "./liveApi";
import { useExecutionsSocket } from "./socket";
import { StartExecutionDialog } from "./StartExecutionDialog";
import type { ExecutionInfo } from "./store";
import "./live.css";

const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

export function ExecutionsPage({ machine }: { machine: string }) {
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const [rows, setRows] = useState<ExecutionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      liveApi.executions(machine, status, search).then(setRows, (e) => setError((e as Error).message));
    }, 200);
    return () => window.clearTimeout(timer);
  }, [machine, status, search]);

  const onChange = useCallback((execution: ExecutionInfo) => {
    setRows((current) => {
      if (!current) return current;
      const others = current.filter((r) => r.id !== execution.id);
      const matches = (!status || execution.status === status) && (!search || execution.name.toLowerCase().includes(search.toLowerCase())
        || JSON.stringify(execution.input ?? "").toLowerCase().includes(search.toLowerCase()));
      if (!matches) return others;
      const known = current.some((r) => r.id === execution.id);
      return known ? current.map((r) => (r.id === execution.id ? { ...r, ...execution } : r)) : [execution, ...others];
    });
  }, [status, search]);
  useExecutionsSocket(machine, onChange);

  return (
    <div className="executions-page" data-testid="executions-page">
      <MachineTabs machine={machine} current="executions" />
      <div className="exec-header">
        <div className="exec-title">
          <Link to={`/machines/${encodeURIComponent(machine)}`} className="muted">{machine}</Link>
          <h1>Executions</h1>
        </div>
        <span className="spacer" />
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="executions-status-filter" aria-label="Status">
          <option value="">Any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search name or input…" data-testid="executions-search" />
        <button type="button" className="accent" data-testid="start-execution" onClick={() => setStarting(true)}>Start execution</button>
      </div>
      {error && <div className="page-error">{error}</div>}
      <table className="executions-table">
        <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Duration</th></tr></thead>
        <tbody>
          {(rows ?? []).map((r) => (
            <tr key={r.id} data-testid={`execution-row-${r.name}`}>
              <td><Link to={executionPath(machine, r.name)}>{r.name}</Link></td>
              <td><span className={`exec-status small status-${r.status}`}>{r.status}</span></td>
              <td>{time(r.start_date)}</td>
              <td>{r.stop_date ? duration(Date.parse(r.stop_date) - Date.parse(r.start_date)) : "running"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="muted empty">No executions{status || search ? " match" : " yet"}.</p>}
      {starting && <StartExecutionDialog machine={machine} onClose={() => setStarting(false)} />}
    </div>
  );
}
