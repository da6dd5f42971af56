// The event history: every event with its state, time and elapsed time; filter by kind,
// search in types, names and details, expand a row to see its details, export all as JSON.
import { Fragment, useMemo, useState } from "react";
import { pretty, time } from "./format";
import type { HistoryEvent, Overlay } from "./overlay";
import { detailsOf } from "./overlay";

const PAGE = 200;
const KINDS: Record<string, (e: HistoryEvent) => boolean> = {
  all: () => true,
  states: (e) => /State(Entered|Exited)$/.test(e.type),
  tasks: (e) => /^(Task|LambdaFunction|Activity)/.test(e.type),
  maps: (e) => /^(Map|Parallel)/.test(e.type),
  errors: (e) => /(Failed|TimedOut|Aborted)$/.test(e.type),
  execution: (e) => e.type.startsWith("Execution"),
};

export function HistoryTable({ events, overlay, version, fileName }: { events: HistoryEvent[]; overlay: Overlay | null; version: number; fileName: string }) {
  const [kind, setKind] = useState("all");
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [limit, setLimit] = useState(PAGE);
  const start = events[0] ? Date.parse(events[0].timestamp) : 0;

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const test = KINDS[kind] ?? KINDS.all;
    return events.filter((e) => {
      if (!test(e)) return false;
      if (!needle) return true;
      const step = overlay?.runOf(e.id)?.name ?? "";
      return e.type.toLowerCase().includes(needle) || step.toLowerCase().includes(needle) || JSON.stringify(detailsOf(e)).toLowerCase().includes(needle);
    });
    // `version` changes when events are appended to the same array.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [events, version, kind, search, overlay]);

  const toggle = (id: number) => setOpen((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  const exportJson = () => {
    const blob = new Blob([JSON.stringify({ events }, null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="history" data-testid="event-history">
      <div className="history-tools">
        <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="event-filter" aria-label="Filter events">
          <option value="all">All events</option>
          <option value="states">State entered / exited</option>
          <option value="tasks">Tasks</option>
          <option value="maps">Map and Parallel</option>
          <option value="errors">Failures</option>
          <option value="execution">Execution</option>
        </select>
        <input type="search" placeholder="Search types, states, details…" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="event-search" />
        <span className="muted">{rows.length} of {events.length} events</span>
        <span className="spacer" />
        <button type="button" onClick={exportJson} data-testid="export-history">Export JSON</button>
      </div>
      <table className="history-table">
        <thead><tr><th>ID</th><th>Type</th><th>Step</th><th>Elapsed</th><th>Time</th></tr></thead>
        <tbody>
          {rows.slice(0, limit).map((e) => {
            const run = overlay?.runOf(e.id);
            const step = run ? `${run.name}${run.scope?.kind === "i" ? ` [${run.scope.index}]` : ""}` : "";
            return (
              <Fragment key={e.id}>
                <tr data-testid="event-row" data-event-type={e.type} className={`event-row${/(Failed|TimedOut|Aborted)$/.test(e.type) ? " event-error" : ""}${open.has(e.id) ? " open" : ""}`} onClick={() => toggle(e.id)}>
                  <td>{e.id}</td><td>{e.type}</td><td>{step}</td><td>{Math.max(0, Date.parse(e.timestamp) - start)} ms</td><td>{time(e.timestamp)}</td>
                </tr>
                {open.has(e.id) && (
                  <tr className="event-details"><td colSpan={5}><pre className="json">{pretty(detailsOf(e)) || "(no details)"}</pre></td></tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {rows.length > limit && <button type="button" className="link" onClick={() => setLimit(limit + PAGE * 5)}>Show more ({rows.length - limit} left)</button>}
    </div>
  );
}
