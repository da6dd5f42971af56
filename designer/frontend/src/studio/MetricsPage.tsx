// A machine's Metrics tab: how it behaves over time, as charts (executions per status, duration
// p50/p95, the slowest states, the most frequent failure causes) over a chosen window.
import { useEffect, useState } from "react";
import { BarList, DurationChart, seconds, StatusChart } from "./charts";
import { MachinePage } from "./MachineTabs";
import { studioApi } from "./studioApi";
import type { Metrics } from "./studioApi";

const WINDOWS: Array<[number, string]> = [[1, "1 hour"], [6, "6 hours"], [24, "24 hours"], [72, "3 days"], [168, "7 days"], [720, "30 days"]];

export function MetricsPage({ machine }: { machine: string }) {
  const [hours, setHours] = useState(24);
  const [data, setData] = useState<Metrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    studioApi.metrics(machine, hours).then(setData, (e) => setError((e as Error).message));
  }, [machine, hours]);
  return (
    <MachinePage machine={machine} current="metrics">
      <div className="panel-head">
        <label>Window <select value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="metrics-window">{WINDOWS.map(([h, t]) => <option key={h} value={h}>{t}</option>)}</select></label>
        {data && <span className="muted">{data.executions} execution{data.executions === 1 ? "" : "s"} · p50 {seconds(data.duration.p50)} · p95 {seconds(data.duration.p95)}</span>}
      </div>
      {error && <div className="page-error inline">{error}</div>}
      {data && (
        <div className="charts">
          <StatusChart buckets={data.buckets} statuses={data.statuses} bucketSeconds={data.bucket_seconds} />
          <DurationChart buckets={data.buckets} bucketSeconds={data.bucket_seconds} />
          <BarList title="Slowest states (p95, line at p50)" kind="slowest-states" color="#2f7dd1" format={seconds} empty="No state has finished in this window."
            rows={data.slowest_states.map((s) => ({ label: s.name, value: s.p95 ?? 0, mark: s.p50, note: `${s.count} run${s.count === 1 ? "" : "s"}` }))} />
          <BarList title="Most frequent failure causes" kind="failures" color="#c62828" format={(v) => String(v)} empty="No failures in this window."
            rows={data.failure_causes.map((f) => ({ label: f.error, value: f.count, note: f.cause }))} />
        </div>
      )}
    </MachinePage>
  );
}
