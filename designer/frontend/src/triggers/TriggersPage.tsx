// A machine's Triggers tab (/machines/<name>/triggers/): its schedules (with a plain-language
// description and the next five fire times in the schedule's zone), event rules and webhooks,
// each created, edited, enabled, disabled and deleted here, and every fire, matched event or
// webhook call with its result: the execution it started, or why it did not start.
import { MachineTabs } from "../studio/MachineTabs";
import { useCallback, useEffect, useState } from "react";
import { Link } from "../router";
import { RuleForm, ScheduleForm, WebhookForm } from "./TriggerForms";
import { executionLink, triggersApi, zonedTime } from "./triggersApi";
import type { FireInfo, Kind, RuleInfo, ScheduleInfo, TriggersInfo, WebhookInfo } from "./triggersApi";
import "./triggers.css";

const REFRESH_MS = 4000;

type Editing = { kind: Kind; item: ScheduleInfo | RuleInfo | WebhookInfo | null } | null;

export function TriggersPage({ machine }: { machine: string }) {
  const [data, setData] = useState<TriggersInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);

  const load = useCallback(() => {
    triggersApi.list(machine).then((d) => { setData(d); setError(null); }, (e) => setError((e as Error).message));
  }, [machine]);
  useEffect(() => {
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const saved = () => { setEditing(null); load(); };
  const enc = encodeURIComponent(machine);

  return (
    <div className="triggers-page" data-testid="triggers-page">
      <MachineTabs machine={machine} current="triggers" />
      <div className="exec-header">
        <div className="exec-title">
          <Link to={`/machines/${enc}`} className="muted">{machine}</Link>
          <h1>Triggers</h1>
        </div>
        <span className="spacer" />
        <Link to={`/machines/${enc}`} className="button">Editor</Link>
        <Link to={`/machines/${enc}/executions/`} className="button">Executions</Link>
      </div>
      {error && <div className="page-error triggers-error" data-testid="triggers-error" role="alert">{error}</div>}
      {editing && (
        <div className="trigger-editor">
          {editing.kind === "schedules" && <ScheduleForm machine={machine} initial={editing.item as ScheduleInfo | null} onSaved={saved} onCancel={() => setEditing(null)} />}
          {editing.kind === "rules" && <RuleForm machine={machine} initial={editing.item as RuleInfo | null} onSaved={saved} onCancel={() => setEditing(null)} />}
          {editing.kind === "webhooks" && <WebhookForm machine={machine} initial={editing.item as WebhookInfo | null} onSaved={saved} onCancel={() => setEditing(null)} />}
        </div>
      )}
      {!data && !error && <p className="page-loading">Loading…</p>}
      {data && (
        <>
          <Section title="Schedules" kind="schedules" hint="EventBridge Scheduler: cron, rate or at expressions in a time zone." onNew={() => setEditing({ kind: "schedules", item: null })}>
            {data.schedules.length === 0 ? <Empty what="schedules" /> : data.schedules.map((s) => (
              <div className="trigger-row" data-testid="schedule-row" data-name={s.name} key={s.id}>
                <div className="trigger-main">
                  <strong>{s.name}</strong> <State on={s.state === "ENABLED"} />
                  <div className="trigger-summary" data-testid="schedule-summary">{s.summary}</div>
                  <code className="muted">{s.expression}</code>{s.description && <span className="muted"> · {s.description}</span>}
                </div>
                <ol className="next-fires" data-testid="schedule-next" aria-label={`Next fires in ${s.timezone}`}>
                  {s.next.length === 0 ? <li className="muted">No upcoming fires</li> : s.next.map((t) => <li key={t}>{zonedTime(t)}</li>)}
                </ol>
                <Actions kind="schedule" on={s.state === "ENABLED"} onEdit={() => setEditing({ kind: "schedules", item: s })}
                  onToggle={() => act(() => triggersApi.setEnabled(machine, "schedules", s.id, s.state !== "ENABLED"))}
                  onDelete={() => act(() => triggersApi.remove(machine, "schedules", s.id))} />
              </div>
            ))}
          </Section>
          <Section title="Event rules" kind="rules" hint="EventBridge rules whose target is this machine; by default the execution's input is the whole event." onNew={() => setEditing({ kind: "rules", item: null })}>
            {data.rules.length === 0 ? <Empty what="rules" /> : data.rules.map((r) => (
              <div className="trigger-row" data-testid="rule-row" data-name={r.name} key={r.id}>
                <div className="trigger-main">
                  <strong>{r.name}</strong> <span className="muted">on bus {r.bus}</span> <State on={r.state.startsWith("ENABLED")} />
                  {r.event_pattern && <pre className="trigger-pattern">{pretty(r.event_pattern)}</pre>}
                  {r.schedule_expression && <div className="trigger-summary">{r.summary} <code className="muted">{r.schedule_expression}</code></div>}
                </div>
                <Actions kind="rule" on={r.state.startsWith("ENABLED")} onEdit={() => setEditing({ kind: "rules", item: r })}
                  onToggle={() => act(() => triggersApi.setEnabled(machine, "rules", r.id, !r.state.startsWith("ENABLED")))}
                  onDelete={() => act(() => triggersApi.remove(machine, "rules", r.id))} />
              </div>
            ))}
          </Section>
          <Section title="Webhooks" kind="webhooks" hint="POST to the URL to start an execution; JSON bodies are the input." onNew={() => setEditing({ kind: "webhooks", item: null })}>
            {data.webhooks.length === 0 ? <Empty what="webhooks" /> : data.webhooks.map((w) => (
              <div className="trigger-row" data-testid="webhook-row" data-name={w.name} key={w.id}>
                <div className="trigger-main">
                  <strong>{w.name}</strong> <State on={w.enabled} />
                  <div><code className="webhook-url" data-testid="webhook-url">{w.url}</code></div>
                  <span className="muted">{w.signed ? `HMAC-SHA256 signature in ${w.signature_header}` : "No signature check"} · {w.rate_limit_per_minute} calls a minute</span>
                </div>
                <Actions kind="webhook" on={w.enabled} onEdit={() => setEditing({ kind: "webhooks", item: w })}
                  onToggle={() => act(() => triggersApi.setEnabled(machine, "webhooks", w.id, !w.enabled))}
                  onDelete={() => act(() => triggersApi.remove(machine, "webhooks", w.id))} />
              </div>
            ))}
          </Section>
          <section className="trigger-section">
            <h2>Recent fires</h2>
            {data.fires.length === 0 ? <p className="muted empty">Nothing has fired yet.</p> : (
              <table className="executions-table fires-table">
                <thead><tr><th>Time</th><th>Trigger</th><th>Result</th><th>Execution or reason</th></tr></thead>
                <tbody>{data.fires.map((f) => <FireRow key={f.id} fire={f} />)}</tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function Section({ title, kind, hint, onNew, children }: { title: string; kind: Kind; hint: string; onNew: () => void; children: React.ReactNode }) {
  const noun = kind === "schedules" ? "schedule" : kind === "rules" ? "rule" : "webhook";
  return (
    <section className="trigger-section" data-testid={`${noun}-section`}>
      <div className="trigger-section-head">
        <h2>{title}</h2>
        <span className="muted">{hint}</span>
        <span className="spacer" />
        <button type="button" data-testid={`${noun}-new`} onClick={onNew}>New {noun}</button>
      </div>
      {children}
    </section>
  );
}

function Empty({ what }: { what: string }) {
  return <p className="muted empty">No {what} start this machine.</p>;
}

function State({ on }: { on: boolean }) {
  return <span className={`trigger-state ${on ? "on" : "off"}`}>{on ? "Enabled" : "Disabled"}</span>;
}

function Actions({ kind, on, onEdit, onToggle, onDelete }: { kind: string; on: boolean; onEdit: () => void; onToggle: () => void; onDelete: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="trigger-actions">
      <button type="button" data-testid={`${kind}-edit`} onClick={onEdit}>Edit</button>
      <button type="button" data-testid={`${kind}-toggle`} onClick={onToggle}>{on ? "Disable" : "Enable"}</button>
      <button type="button" className={confirming ? "danger" : ""} data-testid={`${kind}-delete`}
        onClick={() => (confirming ? onDelete() : setConfirming(true))} onBlur={() => setConfirming(false)}>
        {confirming ? "Really delete?" : "Delete"}
      </button>
    </div>
  );
}

function FireRow({ fire }: { fire: FireInfo }) {
  const link = fire.execution_arn ? executionLink(fire.execution_arn) : null;
  const what = fire.kind === "schedule" ? "Schedule" : fire.kind === "rule" ? "Rule" : "Webhook";
  return (
    <tr data-testid="trigger-fire-row" data-kind={fire.kind} data-status={fire.status}>
      <td>{new Date(fire.time).toLocaleString()}</td>
      <td>{what} <strong>{fire.trigger}</strong></td>
      <td><span className={`exec-status small fire-${fire.status}`}>{fire.status}</span>{fire.attempts > 1 && <span className="muted"> after {fire.attempts} attempts</span>}</td>
      <td>
        {link && <Link to={link} data-testid="fire-execution-link">{fire.execution_arn!.split(":").pop()}</Link>}
        {!link && fire.execution_arn && <code>{fire.execution_arn}</code>}
        {fire.reason && <span className="fire-reason" data-testid="fire-reason">{fire.reason}</span>}
      </td>
    </tr>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
