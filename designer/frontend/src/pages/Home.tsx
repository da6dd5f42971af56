// The home page: state machines (search, create, rename, delete) and the template gallery.
import { useEffect, useState } from "react";
import { api } from "../api";
import type { MachineSummary, Template } from "../api";
import { Link, navigate } from "../router";

export function Home() {
  const [machines, setMachines] = useState<MachineSummary[] | null>(null);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [search, setSearch] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);

  const reload = (q = search) => api.machines(q).then(setMachines, (e) => setError((e as Error).message));
  useEffect(() => {
    const t = window.setTimeout(() => void reload(search), 200);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);
  useEffect(() => {
    api.templates().then(setTemplates, () => setTemplates([]));
  }, []);

  const remove = async (name: string) => {
    if (!window.confirm(`Delete state machine “${name}”? Its revisions and executions go with it.`)) return;
    try {
      await api.remove(name);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const rename = async () => {
    if (!renaming || !renaming.to.trim() || renaming.to === renaming.from) return setRenaming(null);
    try {
      await api.rename(renaming.from, renaming.to.trim());
      setRenaming(null);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="home">
      <div className="home-head">
        <h1>State machines</h1>
        <span className="spacer" />
        <input type="search" placeholder="Search by name" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search state machines" data-testid="machine-search" />
        <button type="button" className="primary" data-testid="create-machine" onClick={() => navigate("/machines/new")}>Create state machine</button>
      </div>
      {error && <div className="field-error" role="alert">{error}</div>}
      <table className="machine-list" data-testid="machine-list">
        <thead><tr><th>Name</th><th>Type</th><th>Revision</th><th>Last updated</th><th /></tr></thead>
        <tbody>
          {machines === null && <tr><td colSpan={5} className="muted">Loading…</td></tr>}
          {machines?.length === 0 && <tr><td colSpan={5} className="muted">{search ? "No state machine matches." : "No state machines yet. Create one, or start from a template below."}</td></tr>}
          {machines?.map((m) => (
            <tr key={m.name} data-testid={`machine-row-${m.name}`}>
              <td>
                {renaming?.from === m.name ? (
                  <input autoFocus value={renaming.to} data-testid="rename-input" onChange={(e) => setRenaming({ from: m.name, to: e.target.value })}
                    onKeyDown={(e) => { if (e.key === "Enter") void rename(); if (e.key === "Escape") setRenaming(null); }} onBlur={() => void rename()} />
                ) : (
                  <Link to={`/machines/${encodeURIComponent(m.name)}/`} className="machine-link">{m.name}</Link>
                )}
                {m.description && <div className="muted small">{m.description}</div>}
              </td>
              <td>{m.type}</td>
              <td>{m.revision}</td>
              <td>{m.updated ? new Date(m.updated).toLocaleString() : ""}</td>
              <td className="row-actions">
                <button type="button" className="link" data-testid="rename-machine" onClick={() => setRenaming({ from: m.name, to: m.name })}>Rename</button>
                <button type="button" className="link danger" data-testid="delete-machine" onClick={() => void remove(m.name)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {templates.length > 0 && (
        <>
          <h2>Start from a template</h2>
          <div className="templates" data-testid="template-gallery">
            {templates.map((t) => (
              <button type="button" key={t.name} className="template-card" data-testid={`template-${t.name}`} onClick={() => navigate(`/machines/new?template=${encodeURIComponent(t.name)}`)}>
                <strong>{t.title}</strong>
                <span>{t.description}</span>
                <span className="muted small">{Object.keys(t.definition?.States ?? {}).length} states</span>
              </button>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
