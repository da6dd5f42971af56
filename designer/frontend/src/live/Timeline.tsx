// A timeline of state durations: one bar per run, from entered to exited (or now), coloured
// by status. A Map's thousands of runs are capped to keep the page responsive.
import { duration } from "./format";
import type { Overlay } from "./overlay";

const MAX_BARS = 300;

export function Timeline({ overlay, stop }: { overlay: Overlay | null; version: number; stop: string | null }) {
  if (!overlay || !overlay.runs.length) return <p className="muted">No state has run yet.</p>;
  const runs = overlay.runs.filter((r) => !r.removed);
  const start = Math.min(...runs.slice(0, 1000).map((r) => Date.parse(r.enteredAt)));
  const now = stop ? Date.parse(stop) : Date.now();
  const end = Math.max(now, ...runs.slice(-1000).map((r) => (r.exitedAt ? Date.parse(r.exitedAt) : 0)));
  const span = Math.max(1, end - start);
  return (
    <div className="timeline" data-testid="timeline">
      {runs.slice(0, MAX_BARS).map((r) => {
        const from = Date.parse(r.enteredAt) - start;
        const to = (r.exitedAt ? Date.parse(r.exitedAt) : r.open ? now : Date.parse(r.enteredAt)) - start;
        const label = `${r.name}${r.scope?.kind === "i" ? ` [${r.scope.index}]` : ""}`;
        return (
          <div className="timeline-row" key={r.id}>
            <span className="timeline-label" title={label}>{label}</span>
            <span className="timeline-track">
              <span className={`timeline-bar status-${r.status}`} title={`${label}: ${duration(to - from)}`}
                style={{ left: `${(from / span) * 100}%`, width: `max(2px, ${((to - from) / span) * 100}%)` }} />
            </span>
            <span className="timeline-duration">{duration(to - from)}</span>
          </div>
        );
      })}
      {runs.length > MAX_BARS && <p className="muted">… {runs.length - MAX_BARS} more runs not drawn.</p>}
    </div>
  );
}
