// All executions (/executions/): every machine's executions, filtered by status, machine (and
// version), start date range, name or input; paged on the server; bulk stop and bulk redrive.
import { useEffect, useMemo, useState } from "react";
import { api } from "../api";
import type { MachineSummary } from "../api";
import { duration, time } from "../live/format";
import { executionPath } from "../live/liveApi";
import type { ExecutionInfo } from "../live/store";
import { Link, navigate } from "../router";
import { studioApi } from "./studioApi";
import type { ExecutionQuery } from "./studioApi";

const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];
const SIZES = [25, 50, 100, 200];

function fromQuery(q: URLSearchParams): ExecutionQuery {
  return {
    status: q.get("status") ?? "", machine: q.get("machine") ?? "", version: q.get("version") ? Number(q.get("version")) : undefined,
    since: q.get("since") ?? "", until: q.get("until") ?? "", search: q.get("search") ?? "",
    page: Number(q.get("page") ?? 1) || 1, page_size: Number(q.get("page_size") ?? 50) || 50,
  };
}

function toQuery(f: ExecutionQuery): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "" && !(k === "page" && v === 1) && !(k === "page_size" && v === 50)) q.set(k, String(v));
  const s = q.toString();
  return `/executions/${s ? `?${s}` : ""}`;
}

export function AllExecutionsPage({ query }: { query: URLSearchParams }) {
  const filters = useMemo(() => fromQuery(query), [query]);
  const [search, setSearch] = useState(filters.search ?? "");
  const [machines, setMachines] = useState<MachineSummary[]>([]);
  const [rows, setRows] = useState<ExecutionInfo[] | null>(null);
  const [total, setTotal] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  const set = (patch: Partial<ExecutionQuery>) => navigate(toQuery({ ...filters, page: 1, ...patch }), { replace: true });

  useEffect(() => { api.machines().then(setMachines, () => setMachines([])); }, []);
  useEffect(() => {
    const t = window.setTimeout(() => { if (search !== (filters.search ?? "")) set({ search }); }, 250);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);
  useEffect(() => {
    studioApi.executions(filters).then((p) => { setRows(p.items); setTotal(p.total); setSelected(new Set()); }, (e) => setMessage({ kind: "error", text: (e as Error).message }));
  }, [filters, tick]);

  const pages = Math.max(1, Math.ceil(total / (filters.page_size ?? 50)));
  const page = filters.page ?? 1;
  const all = rows?.length ? rows.every((r) => selected.has(r.id)) : false;
  const toggle = (id: number) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const bulk = async (kind: "stop" | "redrive") => {
    const ids = [...selected];
    if (kind === "stop" && !window.confirm(`Stop ${ids.length} execution${ids.length === 1 ? "" : "s"}?`)) return;
    try {
      const r = await (kind === "stop" ? studioApi.bulkStop(ids) : studioApi.bulkRedrive(ids));
      const verb = kind === "stop" ? "Stopped" : "Redrove";
      setMessage({ kind: r.failed.length ? "error" : "ok", text: `${verb} ${r.done.length}${r.failed.length ? `; ${r.failed.length} not: ${r.failed.slice(0, 3).map((f) => f.detail).join("; ")}` : ""}` });
      setTick((t) => t + 1);
    } catch (e) {
      setMessage({ kind: "error", text: (e as Error).message });
    }
  };

  return (
    <div className="studio-page" data-testid="all-executions-page">
      <header className="page-head">
        <h1>All executions</h1>
        <span className="muted">{total} execution{total === 1 ? "" : "s"}</span>
      </header>
      <div className="filters" role="search">
        <select aria-label="Status" value={filters.status} onChange={(e) => set({ status: e.target.value })} data-testid="filter-status">
          <option value="">Any status</option>
          {STATUSES.map((s) => <option key={s}>{s}</option>)}
        </select>
        <select aria-label="State machine" value={filters.machine} onChange={(e) => set({ machine: e.target.value, version: undefined })} data-testid="filter-machine">
          <option value="">Any state machine</option>
          {machines.map((m) => <option key={m.name}>{m.name}</option>)}
        </select>
        {filters.version !== undefined && <span className="chip">version {filters.version} <button type="button" className="link" aria-label="Any version" onClick={() => set({ version: undefined })}>×</button></span>}
        <label>From <input type="date" value={filters.since} onChange={(e) => set({ since: e.target.value })} data-testid="filter-since" /></label>
        <label>To <input type="date" value={filters.until} onChange={(e) => set({ until: e.target.value })} data-testid="filter-until" /></label>
        <input type="search" placeholder="Search name or input…" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="filter-search" aria-label="Search name or input" />
      </div>
      <div className="bulk-bar">
        <span className="muted">{selected.size} selected</span>
        <button type="button" disabled={!selected.size} onClick={() => void bulk("stop")} data-testid="bulk-stop">Stop</button>
        <button type="button" disabled={!selected.size} onClick={() => void bulk("redrive")} data-testid="bulk-redrive">Redrive</button>
        {message && <span className={`toast toast-${message.kind}`} role="status">{message.text}</span>}
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th><input type="checkbox" aria-label="Select all on this page" checked={all} onChange={() => setSelected(all ? new Set() : new Set((rows ?? []).map((r) => r.id)))} data-testid="select-all" /></th>
            <th>Name</th><th>State machine</th><th>Status</th><th>Started</th><th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((r) => (
            <tr key={r.id} data-testid="execution-row" data-name={r.name} data-status={r.status}>
              <td><input type="checkbox" aria-label={`Select ${r.name}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} /></td>
              <td><Link to={executionPath(r.machine, r.name)}>{r.name}</Link></td>
              <td><Link to={`/machines/${encodeURIComponent(r.machine)}/`}>{r.machine}</Link></td>
              <td><span className={`exec-status small status-${r.status}`}>{r.status}</span></td>
              <td>{time(r.start_date)}</td>
              <td>{r.stop_date ? duration(Date.parse(r.stop_date) - Date.parse(r.start_date)) : "running"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="muted empty">No executions match.</p>}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={page <= 1} onClick={() => set({ page: page - 1 })} data-testid="page-prev">‹ Newer</button>
        <span data-testid="page-info">Page {page} of {pages}</span>
        <button type="button" disabled={page >= pages} onClick={() => set({ page: page + 1 })} data-testid="page-next">Older ›</button>
        <label>Per page <select value={filters.page_size} onChange={(e) => set({ page_size: Number(e.target.value) })} data-testid="page-size">{SIZES.map((s) => <option key={s}>{s}</option>)}</select></label>
      </nav>
    </div>
  );
}
