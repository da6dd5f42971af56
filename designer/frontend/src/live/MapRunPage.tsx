// The Map Run page (/machines/<name>/executions/<execution>/map-run?arn=<map run ARN>): a
// Distributed Map run's counts by status (refreshed every second while it runs), its settings
// with UpdateMapRun's controls, and its child executions page by page, each linking to its page.
import { useCallback, useEffect, useState } from "react";
import { call } from "../api";
import { Link } from "../router";
import { EXECUTION_DONE, pretty, time } from "./format";
import { executionPath } from "./liveApi";
import "./live.css";

const enc = encodeURIComponent;

interface MapRunDetail {
  arn: string;
  state_name: string;
  status: string;
  start_date: string | null;
  stop_date: string | null;
  execution_id: number;
  execution_name: string;
  machine: string;
  counts: Record<string, number>;
  settings: Record<string, unknown> & { max_concurrency: number; tolerated_failure_count: number; tolerated_failure_percentage: number };
}

interface Child { id: number; name: string; arn: string; status: string; start_date: string | null; stop_date: string | null }
interface ChildPage { total: number; page: number; page_size: number; items: Child[] }

export const mapRunApi = {
  detail: (arn: string) => call<MapRunDetail>("GET", `/api/map-run?arn=${enc(arn)}`),
  children: (arn: string, page: number) => call<ChildPage>("GET", `/api/map-run/children?arn=${enc(arn)}&page=${page}`),
  update: (arn: string, changes: Record<string, number>) => call<MapRunDetail>("POST", "/api/map-run/update", { arn, ...changes }),
  ofExecution: (id: number) => call<Array<{ arn: string; state_name: string; status: string }>>("GET", `/api/executions/${id}/map-runs`),
};

export function mapRunPath(machine: string, execution: string, arn: string): string {
  return `${executionPath(machine, execution)}map-run?arn=${enc(arn)}`;
}

const COUNT_ORDER = ["total", "pending", "running", "succeeded", "failed", "timedOut", "aborted", "resultsWritten"];

export function MapRunPage({ machine, execution, arn }: { machine: string; execution: string; arn: string }) {
  const [run, setRun] = useState<MapRunDetail | null>(null);
  const [children, setChildren] = useState<ChildPage | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      const [detail, kids] = await Promise.all([mapRunApi.detail(arn), mapRunApi.children(arn, page)]);
      setRun(detail);
      setChildren(kids);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [arn, page]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const running = run !== null && !EXECUTION_DONE.has(run.status);
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void refresh(), 1000);
    return () => window.clearInterval(timer);
  }, [running, refresh]);
  if (error && !run) return <div className="page-error">{error} <Link to={executionPath(machine, execution)}>Back to the execution</Link></div>;
  if (!run) return <div className="page-loading">Loading Map Run…</div>;
  const pages = children ? Math.max(1, Math.ceil(children.total / children.page_size)) : 1;
  return (
    <div className="execution-page map-run-page" data-testid="map-run-page">
      <div className="exec-header">
        <div className="exec-title">
          <Link to={executionPath(machine, execution)} className="muted">{machine} / {execution}</Link>
          <h1>Map Run of {run.state_name}</h1>
        </div>
        <span className={`exec-status status-${run.status}`} data-testid="map-run-status" data-status={run.status}>{run.status}</span>
        <dl className="exec-facts">
          <dt>Started</dt><dd>{time(run.start_date)}</dd>
          {run.stop_date && <><dt>Ended</dt><dd>{time(run.stop_date)}</dd></>}
        </dl>
      </div>
      <p className="muted map-run-arn" data-testid="map-run-arn">{run.arn}</p>
      <section className="map-run-counts" data-testid="map-run-counts">
        {COUNT_ORDER.map((key) => (
          <div key={key} className="map-run-count" data-testid={`map-run-count-${key}`} data-count={run.counts[key] ?? 0}>
            <span className="map-run-count-value">{run.counts[key] ?? 0}</span>
            <span className="muted">{key}</span>
          </div>
        ))}
      </section>
      <div className="map-run-body">
        <section className="map-run-settings" data-testid="map-run-settings">
          <h2>Settings</h2>
          <dl>
            <dt>Label</dt><dd>{String(run.settings.label ?? "—")}</dd>
            <dt>Child execution type</dt><dd>{String(run.settings.execution_type)}</dd>
            {(["ItemReader", "ItemBatcher", "ResultWriter"] as const).map((field) =>
              run.settings[field] ? <div key={field}><dt>{field}</dt><dd><pre>{pretty(run.settings[field])}</pre></dd></div> : null)}
          </dl>
          <UpdateForm run={run} disabled={!running} onUpdated={(updated) => setRun(updated)} />
        </section>
        <section className="map-run-children">
          <h2>Child executions ({children?.total ?? 0})</h2>
          <table className="history-table" data-testid="map-run-children">
            <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Ended</th></tr></thead>
            <tbody>
              {children?.items.map((child) => (
                <tr key={child.id} data-testid="map-run-child-row" data-status={child.status}>
                  <td><Link to={executionPath(machine, child.name)} data-testid="map-run-child-link">{child.name}</Link></td>
                  <td><span className={`exec-status status-${child.status}`}>{child.status}</span></td>
                  <td>{time(child.start_date)}</td>
                  <td>{child.stop_date ? time(child.stop_date) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 && (
            <div className="map-run-pager">
              <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)} data-testid="map-run-prev">Previous</button>
              <span className="muted">page {page} of {pages}</span>
              <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="map-run-next">Next</button>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function UpdateForm({ run, disabled, onUpdated }: { run: MapRunDetail; disabled: boolean; onUpdated: (run: MapRunDetail) => void }) {
  const [concurrency, setConcurrency] = useState(String(run.settings.max_concurrency ?? 0));
  const [count, setCount] = useState(String(run.settings.tolerated_failure_count ?? 0));
  const [percentage, setPercentage] = useState(String(run.settings.tolerated_failure_percentage ?? 0));
  const [message, setMessage] = useState<string | null>(null);
  const submit = async () => {
    try {
      const updated = await mapRunApi.update(run.arn, {
        max_concurrency: Number(concurrency), tolerated_failure_count: Number(count), tolerated_failure_percentage: Number(percentage),
      });
      onUpdated(updated);
      setMessage("Updated");
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  return (
    <form className="map-run-update" data-testid="map-run-update" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>Update Map Run</h3>
      <label>Max concurrency <input type="number" min={0} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} data-testid="map-run-max-concurrency" /></label>
      <label>Tolerated failure count <input type="number" min={0} value={count} onChange={(e) => setCount(e.target.value)} data-testid="map-run-tolerated-count" /></label>
      <label>Tolerated failure % <input type="number" min={0} max={100} step="any" value={percentage} onChange={(e) => setPercentage(e.target.value)} data-testid="map-run-tolerated-percentage" /></label>
      <button type="submit" className="accent" disabled={disabled} data-testid="map-run-update-submit">Update</button>
      {message && <span className="muted" data-testid="map-run-update-message">{message}</span>}
    </form>
  );
}

/** On the execution page: links to the Map Runs of the selected Distributed Map state (refetched as events arrive). */
export function MapRunLinks({ machine, execution, executionId, state, events }: { machine: string; execution: string; executionId: number; state: string | null; events: number }) {
  const [runs, setRuns] = useState<Array<{ arn: string; state_name: string; status: string }>>([]);
  useEffect(() => {
    if (!state) return;
    mapRunApi.ofExecution(executionId).then(setRuns, () => setRuns([]));
  }, [executionId, state, events]);
  const mine = runs.filter((run) => run.state_name === state);
  if (!state || mine.length === 0) return null;
  return (
    <div className="map-run-links" data-testid="map-run-links">
      {mine.map((run, i) => (
        <Link key={run.arn} to={mapRunPath(machine, execution, run.arn)} className="button" data-testid="open-map-run">
          Map Run{mine.length > 1 ? ` ${i + 1}` : ""}: {run.status}
        </Link>
      ))}
    </div>
  );
}
