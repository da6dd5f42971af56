// Access keys (/access-keys/): keys for the AWS API (SigV4) of the signed-in user. A new key's
// secret is shown once, right after it is made; revoking a key refuses requests signed with it.
import { useEffect, useState } from "react";
import { studioApi } from "./studioApi";
import type { AccessKey } from "./studioApi";

export function AccessKeysPage() {
  const [keys, setKeys] = useState<AccessKey[] | null>(null);
  const [created, setCreated] = useState<AccessKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => studioApi.accessKeys().then(setKeys, (e) => setError((e as Error).message));
  useEffect(() => { void reload(); }, []);
  const create = async () => {
    setError(null);
    try {
      setCreated(await studioApi.createAccessKey());
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const revoke = async (id: string) => {
    if (!window.confirm(`Revoke ${id}? Programs using it stop working.`)) return;
    try {
      await studioApi.revokeAccessKey(id);
      if (created?.access_key_id === id) setCreated(null);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="studio-page" data-testid="access-keys-page">
      <header className="page-head">
        <h1>Access keys</h1>
        <span className="muted">For the AWS SDKs and CLI: point them at this server's URL as the endpoint</span>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => void create()} data-testid="create-access-key">Create access key</button>
      </header>
      {error && <div className="page-error inline" role="alert">{error}</div>}
      {created?.secret && (
        <div className="secret-once" role="status" data-testid="new-secret">
          <strong>Copy the secret now: it is not shown again.</strong>
          <div className="secret-grid">
            <span>Access key id</span><code data-testid="new-access-key-id">{created.access_key_id}</code>
            <span>Secret access key</span><code data-testid="new-secret-value">{created.secret}</code>
          </div>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.secret ?? "")}>Copy secret</button>
          <button type="button" className="link" onClick={() => setCreated(null)}>I have saved it</button>
        </div>
      )}
      <table className="data-table">
        <thead><tr><th>Access key id</th><th>Created</th><th>Status</th><th /></tr></thead>
        <tbody>
          {(keys ?? []).map((k) => (
            <tr key={k.access_key_id} data-testid="access-key-row" data-key={k.access_key_id}>
              <td><code>{k.access_key_id}</code></td>
              <td>{new Date(k.created).toLocaleString()}</td>
              <td>{k.enabled ? "active" : "disabled"}</td>
              <td className="row-actions"><button type="button" className="link danger" onClick={() => void revoke(k.access_key_id)} data-testid="revoke-access-key">Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {keys && keys.length === 0 && <p className="muted empty">No access keys yet.</p>}
    </div>
  );
}
