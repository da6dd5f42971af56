// A machine's Versions tab: published versions with descriptions, a diff between any two, restore
// as draft, executions per version, the publish dialog, and aliases with weights edited in place.
import { useCallback, useEffect, useState } from "react";
import { diffLines } from "../asl/diff";
import { stringify } from "../asl/io";
import { Link, navigate } from "../router";
import { Dialog } from "../ui/Dialog";
import { MachinePage } from "./MachineTabs";
import { studioApi } from "./studioApi";
import type { Alias, Route, Version } from "./studioApi";

const enc = encodeURIComponent;

export function VersionsPage({ machine }: { machine: string }) {
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [aliases, setAliases] = useState<Alias[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [pair, setPair] = useState<[number, number] | null>(null);
  const reload = useCallback(() => {
    studioApi.versions(machine).then((v) => {
      setVersions(v);
      setPair((p) => p ?? (v.length > 1 ? [v[1].version, v[0].version] : null));
    }, (e) => setError((e as Error).message));
    studioApi.aliases(machine).then(setAliases, (e) => setError((e as Error).message));
  }, [machine]);
  useEffect(reload, [reload]);

  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const restore = async (n: number) => {
    setError(null);
    try {
      await studioApi.restore(machine, n);
      navigate(`/machines/${enc(machine)}/`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <MachinePage machine={machine} current="versions">
      <section className="panel">
        <header className="panel-head">
          <h2>Versions</h2>
          <span className="spacer" />
          <button type="button" className="primary" data-testid="publish-version" onClick={() => setPublishing(true)}>Publish version…</button>
        </header>
        {error && <div className="page-error inline" role="alert">{error}</div>}
        {versions && versions.length === 0 && <p className="muted">No published versions yet. Publishing freezes the deployed definition as version 1.</p>}
        {versions && versions.length > 0 && (
          <table className="data-table">
            <thead><tr><th>Version</th><th>Description</th><th>Revision</th><th>Published</th><th>Executions</th><th /></tr></thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} data-testid="version-row" data-version={v.version}>
                  <td><strong>{v.version}</strong></td>
                  <td>{v.description || <span className="muted">—</span>}</td>
                  <td>{v.revision}</td>
                  <td>{new Date(v.created).toLocaleString()}</td>
                  <td><Link to={`/executions/?machine=${enc(machine)}&version=${v.version}`} data-testid="version-executions">{v.executions}</Link></td>
                  <td className="row-actions">
                    <button type="button" className="link" onClick={() => void restore(v.version)} data-testid="restore-version">Restore as draft</button>
                    <button type="button" className="link danger" onClick={() => { if (window.confirm(`Delete version ${v.version}?`)) void act(() => studioApi.deleteVersion(machine, v.version)); }}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Aliases machine={machine} aliases={aliases} versions={versions ?? []} act={act} />
      {versions && versions.length > 0 && <VersionDiff machine={machine} versions={versions} pair={pair ?? [versions[0].version, versions[0].version]} setPair={setPair} />}
      {publishing && <PublishDialog machine={machine} onClose={() => setPublishing(false)} onPublished={() => { setPublishing(false); reload(); }} />}
    </MachinePage>
  );
}

function VersionDiff({ machine, versions, pair, setPair }: { machine: string; versions: Version[]; pair: [number, number]; setPair: (p: [number, number]) => void }) {
  const [texts, setTexts] = useState<[string, string] | null>(null);
  useEffect(() => {
    Promise.all(pair.map((n) => studioApi.version(machine, n))).then(([a, b]) => setTexts([stringify(a.definition, "json"), stringify(b.definition, "json")]), () => setTexts(null));
  }, [machine, pair]);
  const diff = texts ? diffLines(texts[0], texts[1]) : [];
  const changed = diff.filter((l) => l.op !== " ").length;
  const options = versions.map((v) => <option key={v.version} value={v.version}>Version {v.version}{v.description ? ` · ${v.description}` : ""}</option>);
  return (
    <section className="panel">
      <header className="panel-head">
        <h2>Compare</h2>
        <label>From <select data-testid="version-a" value={pair[0]} onChange={(e) => setPair([Number(e.target.value), pair[1]])}>{options}</select></label>
        <label>To <select data-testid="version-b" value={pair[1]} onChange={(e) => setPair([pair[0], Number(e.target.value)])}>{options}</select></label>
        <span className="muted">{changed} changed line{changed === 1 ? "" : "s"}</span>
      </header>
      <pre className="diff" data-testid="version-diff">
        {diff.map((l, i) => <div key={i} className={`diff-${l.op === "+" ? "add" : l.op === "-" ? "del" : "same"}`}>{l.op} {l.text}</div>)}
      </pre>
    </section>
  );
}

function Aliases({ machine, aliases, versions, act }: { machine: string; aliases: Alias[]; versions: Version[]; act: (f: () => Promise<unknown>) => Promise<void> }) {
  const [name, setName] = useState("");
  const [version, setVersion] = useState<number | "">("");
  const newest = versions[0]?.version;
  return (
    <section className="panel">
      <header className="panel-head"><h2>Aliases</h2></header>
      {aliases.length === 0 && <p className="muted">No aliases. An alias routes StartExecution to one version, or splits traffic between two.</p>}
      {aliases.length > 0 && (
        <table className="data-table">
          <thead><tr><th>Alias</th><th>Routing</th><th /></tr></thead>
          <tbody>{aliases.map((a) => <AliasRow key={a.name} alias={a} versions={versions} machine={machine} act={act} />)}</tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); const v = version || newest; if (name.trim() && v) void act(() => studioApi.createAlias(machine, name.trim(), [{ version: v, weight: 100 }])).then(() => setName("")); }}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="New alias name, e.g. prod" aria-label="Alias name" data-testid="alias-name" />
        <select value={version} onChange={(e) => setVersion(e.target.value ? Number(e.target.value) : "")} aria-label="Version">
          <option value="">Newest version{newest ? ` (${newest})` : ""}</option>
          {versions.map((v) => <option key={v.version} value={v.version}>Version {v.version}</option>)}
        </select>
        <button type="submit" disabled={!versions.length || !name.trim()} data-testid="create-alias">Create alias</button>
      </form>
    </section>
  );
}

function AliasRow({ alias, versions, machine, act }: { alias: Alias; versions: Version[]; machine: string; act: (f: () => Promise<unknown>) => Promise<void> }) {
  const [routes, setRoutes] = useState<Route[]>(alias.routing);
  useEffect(() => setRoutes(alias.routing), [alias]);
  const total = routes.reduce((sum, r) => sum + (Number.isFinite(r.weight) ? r.weight : 0), 0);
  const changed = JSON.stringify(routes) !== JSON.stringify(alias.routing);
  const setWeight = (i: number, weight: number) => {
    const next = routes.map((r, j) => (j === i ? { ...r, weight } : r));
    // With two versions, the other weight follows so the sum stays 100.
    if (next.length === 2) next[1 - i] = { ...next[1 - i], weight: Math.max(0, 100 - weight) };
    setRoutes(next);
  };
  const others = versions.filter((v) => !routes.some((r) => r.version === v.version));
  return (
    <tr data-testid="alias-row" data-alias={alias.name}>
      <td><strong>{alias.name}</strong><div className="muted small">{alias.arn}</div></td>
      <td>
        <div className="routes">
          {routes.map((r, i) => (
            <span key={r.version} className="route">
              <span>v{r.version}</span>
              <input type="number" min={0} max={100} value={r.weight} aria-label={`Weight of version ${r.version}`} data-testid="alias-weight"
                onChange={(e) => setWeight(i, Number(e.target.value))} />%
              {routes.length > 1 && <button type="button" className="link" aria-label={`Stop routing to version ${r.version}`} onClick={() => setRoutes(routes.filter((_, j) => j !== i).map((x) => ({ ...x, weight: 100 })))}>×</button>}
            </span>
          ))}
          {routes.length < 2 && others.length > 0 && (
            <select aria-label="Split with another version" value="" onChange={(e) => e.target.value && setRoutes([{ ...routes[0], weight: 90 }, { version: Number(e.target.value), weight: 10 }])}>
              <option value="">Split with…</option>
              {others.map((v) => <option key={v.version} value={v.version}>Version {v.version}</option>)}
            </select>
          )}
        </div>
        {total !== 100 && <div className="field-error">Weights add up to {total}, not 100</div>}
      </td>
      <td className="row-actions">
        <button type="button" disabled={!changed || total !== 100} onClick={() => void act(() => studioApi.updateAlias(machine, alias.name, routes))} data-testid="save-alias">Save</button>
        <button type="button" className="link danger" onClick={() => { if (window.confirm(`Delete alias ${alias.name}?`)) void act(() => studioApi.deleteAlias(machine, alias.name)); }}>Delete</button>
      </td>
    </tr>
  );
}

/** Publish the deployed definition as a new version, with a description. */
export function PublishDialog({ machine, onClose, onPublished }: { machine: string; onClose: () => void; onPublished: (v: Version) => void }) {
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const publish = async () => {
    try {
      onPublished(await studioApi.publish(machine, description));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Dialog label="Publish a version" onClose={onClose} testId="publish-dialog">
      <h2>Publish a version of {machine}</h2>
      <p className="muted small">The deployed definition becomes an immutable, numbered version that aliases can route to. A draft is not published.</p>
      <label className="stack">Description
        <textarea rows={3} value={description} maxLength={256} onChange={(e) => setDescription(e.target.value)} data-testid="publish-description" placeholder="What changed in this version" />
      </label>
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="primary" onClick={() => void publish()} data-testid="publish-confirm">Publish</button>
      </div>
    </Dialog>
  );
}
