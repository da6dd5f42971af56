// Activities (/activities/): create and delete activities, see the workers polling each one now
// and the tasks waiting for a worker. Refreshes every few seconds.
import { useCallback, useEffect, useState } from "react";
import { executionPath } from "../live/liveApi";
import { Link } from "../router";
import { studioApi } from "./studioApi";
import type { Activity } from "./studioApi";

export function ActivitiesPage() {
  const [list, setList] = useState<Activity[] | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => studioApi.activities().then(setList, (e) => setError((e as Error).message)), []);
  useEffect(() => {
    void reload();
    const timer = window.setInterval(() => void reload(), 4000);
    return () => window.clearInterval(timer);
  }, [reload]);
  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="studio-page" data-testid="activities-page">
      <header className="page-head">
        <h1>Activities</h1>
        <span className="muted">Tasks that your own workers poll for with GetActivityTask</span>
      </header>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); if (name.trim()) void act(() => studioApi.createActivity(name.trim())).then(() => setName("")); }}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="New activity name" aria-label="Activity name" data-testid="activity-name" />
        <button type="submit" className="primary" disabled={!name.trim()} data-testid="create-activity">Create activity</button>
      </form>
      {error && <div className="page-error inline" role="alert">{error}</div>}
      <table className="data-table">
        <thead><tr><th>Activity</th><th>Workers polling now</th><th>Tasks waiting</th><th>In progress</th><th /></tr></thead>
        <tbody>
          {(list ?? []).map((a) => (
            <tr key={a.name} data-testid="activity-row" data-activity={a.name}>
              <td><strong>{a.name}</strong><div className="muted small">{a.arn}</div></td>
              <td data-testid="activity-workers">{a.workers.length ? a.workers.map((w) => <span key={w.name} className="chip" title={`last poll ${new Date(w.last_seen).toLocaleTimeString()}`}>{w.name}</span>) : <span className="muted">none</span>}</td>
              <td data-testid="activity-waiting">
                {a.waiting}
                {a.tasks.length > 0 && (
                  <ul className="task-list">
                    {a.tasks.map((t, i) => <li key={i}><Link to={executionPath(t.machine, t.execution)}>{t.machine} / {t.execution}</Link> · {t.state} <span className="muted small">{t.status === "SCHEDULED" ? "waiting" : "with a worker"}</span></li>)}
                  </ul>
                )}
              </td>
              <td>{a.started}</td>
              <td className="row-actions"><button type="button" className="link danger" onClick={() => { if (window.confirm(`Delete activity ${a.name}?`)) void act(() => studioApi.deleteActivity(a.name)); }} data-testid="delete-activity">Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && list.length === 0 && <p className="muted empty">No activities yet.</p>}
    </div>
  );
}
