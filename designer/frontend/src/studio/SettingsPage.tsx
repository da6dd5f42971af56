// A machine's Settings tab: type, role, logging (level, execution data, log group), tracing,
// encryption and tags; deleting asks for confirmation and lists the executions still running.
import { useEffect, useState } from "react";
import { api } from "../api";
import { executionPath } from "../live/liveApi";
import { Link, navigate } from "../router";
import { Dialog } from "../ui/Dialog";
import { MachinePage } from "./MachineTabs";
import { studioApi } from "./studioApi";
import type { Settings } from "./studioApi";

const LEVELS = ["OFF", "ALL", "ERROR", "FATAL"];

export function SettingsPage({ machine }: { machine: string }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [form, setForm] = useState<Settings | null>(null);
  const [tags, setTags] = useState<Array<[string, string]>>([]);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [deleting, setDeleting] = useState(false);
  const load = (s: Settings) => {
    setSettings(s);
    setForm(s);
    setTags(Object.entries(s.tags));
  };
  useEffect(() => {
    studioApi.settings(machine).then(load, (e) => setMessage({ kind: "error", text: (e as Error).message }));
  }, [machine]);
  if (!form || !settings) return <MachinePage machine={machine} current="settings">{message ? <div className="page-error">{message.text}</div> : <div className="page-loading">Loading…</div>}</MachinePage>;

  const logGroup = form.logging.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn ?? "";
  const setLogging = (patch: Partial<Settings["logging"]> & { logGroup?: string }) => {
    const { logGroup: group, ...rest } = patch;
    const destinations = group !== undefined ? (group ? [{ cloudWatchLogsLogGroup: { logGroupArn: group } }] : []) : form.logging.destinations;
    setForm({ ...form, logging: { ...form.logging, ...rest, destinations } });
  };
  const save = async () => {
    setMessage(null);
    try {
      const saved = await studioApi.saveSettings(machine, {
        role_arn: form.role_arn, logging: form.logging, tracing: form.tracing, encryption: form.encryption,
        tags: Object.fromEntries(tags.filter(([k]) => k.trim()).map(([k, v]) => [k.trim(), v])),
      });
      load(saved);
      setMessage({ kind: "ok", text: "Settings saved" });
    } catch (e) {
      setMessage({ kind: "error", text: (e as Error).message });
    }
  };
  const cmk = form.encryption.type === "CUSTOMER_MANAGED_KMS_KEY";
  return (
    <MachinePage machine={machine} current="settings">
      <form className="panel settings-form" data-testid="settings-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <h2>Settings</h2>
        <div className="settings-grid">
          <span className="label">Type</span>
          <span><strong>{form.type === "EXPRESS" ? "Express" : "Standard"}</strong> <span className="muted small">(fixed when the machine is created, as on AWS)</span></span>
          <span className="label">ARN</span><code className="small">{form.arn}</code>
          <label htmlFor="set-role" className="label">Execution role</label>
          <input id="set-role" data-testid="settings-role" value={form.role_arn} onChange={(e) => setForm({ ...form, role_arn: e.target.value })} />
          <label htmlFor="set-level" className="label">Log level</label>
          <select id="set-level" data-testid="settings-log-level" value={form.logging.level} onChange={(e) => setLogging({ level: e.target.value })}>
            {LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
          {form.logging.level !== "OFF" && (<>
            <label htmlFor="set-group" className="label">Log group ARN</label>
            <input id="set-group" data-testid="settings-log-group" value={logGroup} placeholder="arn:aws:logs:us-east-1:123456789012:log-group:my-group:*" onChange={(e) => setLogging({ logGroup: e.target.value })} />
          </>)}
          <span className="label">Execution data</span>
          <label className="check"><input type="checkbox" data-testid="settings-include-data" checked={form.logging.includeExecutionData} onChange={(e) => setLogging({ includeExecutionData: e.target.checked })} /> Include input and output in the logs</label>
          <span className="label">Tracing</span>
          <label className="check"><input type="checkbox" data-testid="settings-tracing" checked={form.tracing.enabled} onChange={(e) => setForm({ ...form, tracing: { enabled: e.target.checked } })} /> X-Ray tracing</label>
          <label htmlFor="set-enc" className="label">Encryption</label>
          <select id="set-enc" data-testid="settings-encryption" value={form.encryption.type} onChange={(e) => setForm({ ...form, encryption: e.target.value === "AWS_OWNED_KEY" ? { type: "AWS_OWNED_KEY" } : { type: e.target.value, kmsKeyId: "", kmsDataKeyReusePeriodSeconds: 300 } })}>
            <option value="AWS_OWNED_KEY">AWS owned key</option>
            <option value="CUSTOMER_MANAGED_KMS_KEY">Customer managed KMS key</option>
          </select>
          {cmk && (<>
            <label htmlFor="set-kms" className="label">KMS key</label>
            <input id="set-kms" data-testid="settings-kms-key" value={form.encryption.kmsKeyId ?? ""} placeholder="alias/my-key or a key ARN" onChange={(e) => setForm({ ...form, encryption: { ...form.encryption, kmsKeyId: e.target.value } })} />
            <label htmlFor="set-reuse" className="label">Data key reuse (s)</label>
            <input id="set-reuse" type="number" min={60} max={900} value={form.encryption.kmsDataKeyReusePeriodSeconds ?? 300} onChange={(e) => setForm({ ...form, encryption: { ...form.encryption, kmsDataKeyReusePeriodSeconds: Number(e.target.value) } })} />
          </>)}
          <span className="label">Tags</span>
          <div className="tags-editor">
            {tags.map(([k, v], i) => (
              <div key={i} className="tag-row">
                <input aria-label="Tag key" value={k} placeholder="key" data-testid="tag-key" onChange={(e) => setTags(tags.map((t, j) => (j === i ? [e.target.value, t[1]] : t)))} />
                <input aria-label="Tag value" value={v} placeholder="value" data-testid="tag-value" onChange={(e) => setTags(tags.map((t, j) => (j === i ? [t[0], e.target.value] : t)))} />
                <button type="button" className="link danger" aria-label={`Remove tag ${k}`} onClick={() => setTags(tags.filter((_, j) => j !== i))}>×</button>
              </div>
            ))}
            <button type="button" onClick={() => setTags([...tags, ["", ""]])} data-testid="add-tag">Add tag</button>
          </div>
        </div>
        <div className="form-actions">
          {message && <span className={`toast toast-${message.kind}`} role="status">{message.text}</span>}
          <span className="spacer" />
          <button type="submit" className="primary" data-testid="settings-save">Save settings</button>
        </div>
      </form>
      <section className="panel danger-zone">
        <h2>Delete this state machine</h2>
        <p className="muted">Its revisions, versions, aliases and executions go with it.</p>
        <button type="button" className="danger-button" data-testid="delete-machine" onClick={() => setDeleting(true)}>Delete…</button>
      </section>
      {deleting && <DeleteDialog machine={machine} onClose={() => setDeleting(false)} />}
    </MachinePage>
  );
}

function DeleteDialog({ machine, onClose }: { machine: string; onClose: () => void }) {
  const [running, setRunning] = useState<Settings["running"] | null>(null);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    studioApi.settings(machine).then((s) => setRunning(s.running), () => setRunning([]));
  }, [machine]);
  const remove = async () => {
    try {
      await api.remove(machine);
      navigate("/");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Dialog label={`Delete ${machine}`} onClose={onClose} testId="delete-dialog" initialFocus="input">
      <h2>Delete {machine}?</h2>
      {running === null ? <p className="muted">Looking for running executions…</p> : running.length ? (
        <>
          <p><strong>{running.length} execution{running.length === 1 ? " is" : "s are"} running</strong> and will be stopped:</p>
          <ul className="running-list" data-testid="running-executions">
            {running.map((r) => <li key={r.id}><Link to={executionPath(machine, r.name)}>{r.name}</Link></li>)}
          </ul>
        </>
      ) : <p>No executions are running.</p>}
      <label className="stack">Type the machine's name to confirm
        <input value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="delete-confirm-name" />
      </label>
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="danger-button" disabled={typed !== machine} onClick={() => void remove()} data-testid="delete-confirm">Delete</button>
      </div>
    </Dialog>
  );
}
