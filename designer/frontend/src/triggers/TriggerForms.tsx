// The create/edit forms of the Triggers tab. The schedule form previews its expression (the
// description and the next five fire times) as it is typed.
import { useEffect, useState } from "react";
import { triggersApi, zonedTime } from "./triggersApi";
import type { Preview, RuleInfo, ScheduleInfo, WebhookInfo } from "./triggersApi";

const ZONES = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago",
  "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"];

interface FormProps<T> { machine: string; initial: T | null; onSaved: () => void; onCancel: () => void }

function useSubmit(onSaved: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function parseInput(text: string): unknown {
  return text.trim() ? JSON.parse(text) : null;
}

export function ScheduleForm({ machine, initial, onSaved, onCancel }: FormProps<ScheduleInfo>) {
  const [name, setName] = useState(initial?.name ?? "");
  const [expression, setExpression] = useState(initial?.expression ?? "cron(0 7 ? * MON-FRI *)");
  const [timezone, setTimezone] = useState(initial?.timezone ?? "UTC");
  const [input, setInput] = useState(initial?.input ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [preview, setPreview] = useState<Preview | string | null>(null);
  const { error, busy, submit } = useSubmit(onSaved);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      triggersApi.preview(expression, timezone).then(setPreview, (e) => setPreview((e as Error).message));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [expression, timezone]);

  const save = () => submit(async () => {
    const body = { name, expression, timezone, input: parseInput(input), description, state: initial?.state ?? "ENABLED" };
    if (initial) await triggersApi.update(machine, "schedules", initial.id, body);
    else await triggersApi.create(machine, "schedules", body);
  });

  return (
    <form className="trigger-form" data-testid="schedule-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3>{initial ? `Edit schedule ${initial.name}` : "New schedule"}</h3>
      <label>Name<input data-testid="schedule-name" value={name} onChange={(e) => setName(e.target.value)} disabled={!!initial} required /></label>
      <label>Expression<input data-testid="schedule-expression" value={expression} onChange={(e) => setExpression(e.target.value)} placeholder="cron(0 7 ? * MON-FRI *) · rate(15 minutes) · at(2027-01-01T09:00:00)" /></label>
      <label>Time zone<input data-testid="schedule-timezone" list="trigger-zones" value={timezone} onChange={(e) => setTimezone(e.target.value)} /></label>
      <datalist id="trigger-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
      <div className="trigger-preview" data-testid="schedule-preview">
        {typeof preview === "string" ? <span className="form-error">{preview}</span> : preview && (
          <>
            <strong>{preview.summary}</strong>
            <ol>{preview.next.map((t) => <li key={t}>{zonedTime(t)}</li>)}</ol>
          </>
        )}
      </div>
      <label>Input (JSON, optional)<textarea data-testid="schedule-input" value={input} onChange={(e) => setInput(e.target.value)} rows={3} placeholder='{"report": "daily"}' /></label>
      <label>Description<input data-testid="schedule-description" value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      {error && <div className="form-error" role="alert">{error}</div>}
      <div className="form-buttons">
        <button type="submit" className="primary" data-testid="schedule-save" disabled={busy}>Save schedule</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

const SAMPLE_PATTERN = '{\n  "source": ["my.app"],\n  "detail-type": ["Order Placed"]\n}';

export function RuleForm({ machine, initial, onSaved, onCancel }: FormProps<RuleInfo>) {
  const [name, setName] = useState(initial?.name ?? "");
  const [pattern, setPattern] = useState(initial ? (initial.event_pattern ?? "") : SAMPLE_PATTERN);
  const [schedule, setSchedule] = useState(initial?.schedule_expression ?? "");
  const [input, setInput] = useState(initial?.input ?? "");
  const { error, busy, submit } = useSubmit(onSaved);

  const save = () => submit(async () => {
    const body = { name, event_pattern: pattern.trim() || null, schedule_expression: schedule.trim(), input: parseInput(input),
      bus: initial?.bus ?? "default", state: initial?.state ?? "ENABLED" };
    if (initial) await triggersApi.update(machine, "rules", initial.id, body);
    else await triggersApi.create(machine, "rules", body);
  });

  return (
    <form className="trigger-form" data-testid="rule-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3>{initial ? `Edit rule ${initial.name}` : "New event rule"}</h3>
      <label>Name<input data-testid="rule-name" value={name} onChange={(e) => setName(e.target.value)} disabled={!!initial} required /></label>
      <label>Event pattern (JSON)<textarea data-testid="rule-pattern" value={pattern} onChange={(e) => setPattern(e.target.value)} rows={6} /></label>
      <label>or a schedule expression<input data-testid="rule-schedule" value={schedule} onChange={(e) => setSchedule(e.target.value)} placeholder="rate(1 hour)" /></label>
      <label>Input (JSON, optional: default is the whole event)<textarea data-testid="rule-input" value={input} onChange={(e) => setInput(e.target.value)} rows={2} /></label>
      {error && <div className="form-error" role="alert">{error}</div>}
      <div className="form-buttons">
        <button type="submit" className="primary" data-testid="rule-save" disabled={busy}>Save rule</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

export function WebhookForm({ machine, initial, onSaved, onCancel }: FormProps<WebhookInfo>) {
  const [name, setName] = useState(initial?.name ?? "");
  const [header, setHeader] = useState(initial?.signature_header ?? "");
  const [secret, setSecret] = useState("");
  const [limit, setLimit] = useState(initial?.rate_limit_per_minute ?? 60);
  const { error, busy, submit } = useSubmit(onSaved);

  const save = () => submit(async () => {
    const body = { name, signature_header: header, signature_secret: secret, rate_limit_per_minute: limit, enabled: initial?.enabled ?? true };
    if (initial) await triggersApi.update(machine, "webhooks", initial.id, body);
    else await triggersApi.create(machine, "webhooks", body);
  });

  return (
    <form className="trigger-form" data-testid="webhook-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3>{initial ? `Edit webhook ${initial.name}` : "New webhook"}</h3>
      <label>Name<input data-testid="webhook-name" value={name} onChange={(e) => setName(e.target.value)} required /></label>
      <label>Signature header (optional, e.g. X-Hub-Signature-256)<input data-testid="webhook-signature-header" value={header} onChange={(e) => setHeader(e.target.value)} /></label>
      <label>Signature secret{initial?.signed ? " (leave empty to keep the current one)" : ""}<input type="password" data-testid="webhook-signature-secret" value={secret} onChange={(e) => setSecret(e.target.value)} /></label>
      <label>Calls a minute<input type="number" min={1} data-testid="webhook-rate-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))} /></label>
      {error && <div className="form-error" role="alert">{error}</div>}
      <div className="form-buttons">
        <button type="submit" className="primary" data-testid="webhook-save" disabled={busy}>Save webhook</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
