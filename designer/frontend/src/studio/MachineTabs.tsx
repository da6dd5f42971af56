// The tabs of one machine's pages: Design (the editor), Executions, Versions, Metrics, Settings.
// Other pages of a machine add their tab to TABS.
import { Link } from "../router";

const enc = encodeURIComponent;

export const TABS: Array<{ id: string; title: string; path: (m: string) => string; testId?: string }> = [
  { id: "design", title: "Design", path: (m) => `/machines/${enc(m)}/` },
  { id: "executions", title: "Executions", path: (m) => `/machines/${enc(m)}/executions/` },
  { id: "versions", title: "Versions", path: (m) => `/machines/${enc(m)}/versions/`, testId: "versions-tab" },
  { id: "metrics", title: "Metrics", path: (m) => `/machines/${enc(m)}/metrics/`, testId: "metrics-tab" },
  { id: "triggers", title: "Triggers", path: (m) => `/machines/${enc(m)}/triggers/`, testId: "triggers-tab" },
  { id: "settings", title: "Settings", path: (m) => `/machines/${enc(m)}/settings/`, testId: "settings-tab" },
];

export function MachineTabs({ machine, current }: { machine: string; current: string }) {
  return (
    <nav className="machine-tabs" aria-label={`${machine} pages`}>
      {TABS.map((t) => (
        <Link key={t.id} to={t.path(machine)} className={t.id === current ? "active" : ""} data-testid={t.testId ?? `${t.id}-tab`}
          aria-current={t.id === current ? "page" : undefined}>{t.title}</Link>
      ))}
    </nav>
  );
}

/** A machine's page below its tabs. */
export function MachinePage({ machine, current, children }: { machine: string; current: string; children: React.ReactNode }) {
  return (
    <div className="machine-page">
      <div className="machine-page-head">
        <h1>{machine}</h1>
        <MachineTabs machine={machine} current={current} />
      </div>
      <div className="machine-page-body">{children}</div>
    </div>
  );
}
