// Small SVG charts for the Metrics tab, drawn by hand (no chart library): a stacked bar chart over
// time, a line chart over time, and a horizontal bar list. Each is a <figure data-testid="metrics-chart">.
import type { ReactNode } from "react";

export const STATUS_COLORS: Record<string, string> = {
  SUCCEEDED: "#1f8a4c", FAILED: "#c62828", RUNNING: "#2563c9", TIMED_OUT: "#9c27b0", ABORTED: "#7a7f87", PENDING_REDRIVE: "#e47911",
};

const W = 640;
const H = 220;
const PAD = { left: 58, right: 12, top: 12, bottom: 28 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

function Frame({ title, kind, children, legend, label }: { title: string; kind: string; children: ReactNode; legend?: ReactNode; label: string }) {
  return (
    <figure className="chart" data-testid="metrics-chart" data-chart={kind}>
      <figcaption>{title}</figcaption>
      {legend && <div className="chart-legend">{legend}</div>}
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">{children}</svg>
    </figure>
  );
}

function Axes({ max, format, ticks }: { max: number; format: (v: number) => string; ticks: Array<{ x: number; text: string }> }) {
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  return (
    <g className="axes">
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} className="grid" />
          <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end">{format(max * f)}</text>
        </g>
      ))}
      {ticks.map((t, i) => <text key={i} x={t.x} y={H - 8} textAnchor="middle">{t.text}</text>)}
    </g>
  );
}

function timeTicks(starts: string[], bucketSeconds: number, x: (i: number) => number): Array<{ x: number; text: string }> {
  const every = Math.max(1, Math.ceil(starts.length / 6));
  return starts.map((s, i) => ({ i, s })).filter(({ i }) => i % every === 0).map(({ i, s }) => {
    const d = new Date(s);
    const text = bucketSeconds >= 86400 ? d.toLocaleDateString([], { month: "short", day: "numeric" }) : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return { x: x(i), text };
  });
}

/** Executions per status per time bucket, stacked. */
export function StatusChart({ buckets, statuses, bucketSeconds }: { buckets: Array<{ start: string; counts: Record<string, number> }>; statuses: string[]; bucketSeconds: number }) {
  const totals = buckets.map((b) => Object.values(b.counts).reduce((a, c) => a + c, 0));
  const max = niceMax(Math.max(0, ...totals));
  const inner = W - PAD.left - PAD.right;
  const slot = inner / Math.max(1, buckets.length);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const used = statuses.filter((s) => buckets.some((b) => b.counts[s]));
  return (
    <Frame title="Executions per status" kind="status" label={`Executions per status over time, ${totals.reduce((a, c) => a + c, 0)} in all`}
      legend={used.map((s) => <span key={s}><i style={{ background: STATUS_COLORS[s] ?? "#888" }} />{s}</span>)}>
      <Axes max={max} format={(v) => String(Math.round(v))} ticks={timeTicks(buckets.map((b) => b.start), bucketSeconds, x)} />
      {buckets.map((b, i) => {
        let base = 0;
        return statuses.filter((s) => b.counts[s]).map((s) => {
          const n = b.counts[s];
          const top = y(base + n);
          const rect = <rect key={`${i}-${s}`} x={x(i) - Math.max(1, slot * 0.35)} width={Math.max(2, slot * 0.7)} y={top} height={y(base) - top} fill={STATUS_COLORS[s] ?? "#888"}><title>{`${new Date(b.start).toLocaleString()}: ${n} ${s}`}</title></rect>;
          base += n;
          return rect;
        });
      })}
    </Frame>
  );
}

export function seconds(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (v === 0) return "0 s";
  if (v < 0.01) return `${(v * 1000).toFixed(v < 0.001 ? 2 : 1)} ms`;
  if (v < 1) return `${Math.round(v * 1000)} ms`;
  if (v < 120) return `${v.toFixed(v < 10 ? 1 : 0)} s`;
  return `${(v / 60).toFixed(1)} min`;
}

/** Duration p50 and p95 per time bucket, as two lines (gaps where nothing finished). */
export function DurationChart({ buckets, bucketSeconds }: { buckets: Array<{ start: string; p50: number | null; p95: number | null }>; bucketSeconds: number }) {
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.p95 ?? 0)));
  const inner = W - PAD.left - PAD.right;
  const slot = inner / Math.max(1, buckets.length);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const line = (key: "p50" | "p95") => {
    let d = "";
    let pen = false;
    buckets.forEach((b, i) => {
      const v = b[key];
      if (v === null) { pen = false; return; }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    return d.trim();
  };
  return (
    <Frame title="Duration" kind="duration" label="Execution duration p50 and p95 over time"
      legend={<><span><i style={{ background: "#2563c9" }} />p50</span><span><i style={{ background: "#e47911" }} />p95</span></>}>
      <Axes max={max} format={seconds} ticks={timeTicks(buckets.map((b) => b.start), bucketSeconds, x)} />
      <path d={line("p95")} className="line" stroke="#e47911" />
      <path d={line("p50")} className="line" stroke="#2563c9" />
      {buckets.map((b, i) => (b.p95 === null ? null : (
        <g key={i}>
          <circle cx={x(i)} cy={y(b.p95)} r={3} fill="#e47911"><title>{`p95 ${seconds(b.p95)}`}</title></circle>
          <circle cx={x(i)} cy={y(b.p50 ?? 0)} r={3} fill="#2563c9"><title>{`p50 ${seconds(b.p50)}`}</title></circle>
        </g>
      )))}
    </Frame>
  );
}

/** Labelled horizontal bars, longest first (slowest states, most frequent failures). */
export function BarList({ title, kind, rows, format, empty, color }: { title: string; kind: string; rows: Array<{ label: string; value: number; mark?: number | null; note?: string }>; format: (v: number) => string; empty: string; color: string }) {
  const rowH = 26;
  const height = Math.max(40, rows.length * rowH + 10);
  const labelW = 190;
  const max = niceMax(Math.max(0, ...rows.map((r) => r.value)));
  const width = (v: number) => ((W - labelW - 90) * v) / max;
  return (
    <figure className="chart" data-testid="metrics-chart" data-chart={kind}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? <p className="muted small">{empty}</p> : (
        <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`${title}: ${rows.map((r) => `${r.label} ${format(r.value)}`).join(", ")}`}>
          {rows.map((r, i) => (
            <g key={i} transform={`translate(0, ${i * rowH + 5})`}>
              <text x={labelW - 8} y={15} textAnchor="end" className="bar-label">{r.label.length > 28 ? `${r.label.slice(0, 27)}…` : r.label}<title>{r.note ? `${r.label}: ${r.note}` : r.label}</title></text>
              <rect x={labelW} y={3} height={rowH - 10} width={Math.max(2, width(r.value))} fill={color} rx={3}><title>{`${r.label}: ${format(r.value)}${r.note ? ` — ${r.note}` : ""}`}</title></rect>
              {r.mark !== undefined && r.mark !== null && <line x1={labelW + width(r.mark)} x2={labelW + width(r.mark)} y1={1} y2={rowH - 5} className="bar-mark"><title>{`p50 ${format(r.mark)}`}</title></line>}
              <text x={labelW + Math.max(2, width(r.value)) + 6} y={15} className="bar-value">{format(r.value)}</text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}
