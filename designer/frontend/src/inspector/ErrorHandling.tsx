// Retry and Catch editors for Task, Parallel and Map (ASL "Error handling").
import type { State } from "../asl/types";
import { ListField, NumberField, Section, SelectField, TextField, JsonField, withField } from "./fields";

export function RetryEditor({ state, change }: { state: State; change: (s: State) => void }) {
  const retriers: any[] = state.Retry ?? [];
  const set = (list: any[]) => change(withField(state, "Retry", list.length ? list : undefined));
  const edit = (i: number, key: string, value: unknown) => set(retriers.map((r, j) => (j === i ? withField(r, key, value) : r)));
  return (
    <Section title="Retry" actions={<button type="button" data-field="AddRetry" onClick={() => set([...retriers, { ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }])}>Add retrier</button>}>
      {retriers.map((r, i) => (
        <div className="rule" key={i}>
          <div className="rule-head"><strong>Retrier #{i + 1}</strong><span className="spacer" /><button type="button" className="link danger" onClick={() => set(retriers.filter((_, j) => j !== i))}>Delete</button></div>
          <ListField label="Errors" field={`Retry/${i}/ErrorEquals`} value={r.ErrorEquals} placeholder="States.ALL" onChange={(v) => edit(i, "ErrorEquals", v)} />
          <div className="grid2">
            <NumberField label="Interval (s)" field={`Retry/${i}/IntervalSeconds`} value={r.IntervalSeconds} onChange={(v) => edit(i, "IntervalSeconds", v)} />
            <NumberField label="Max attempts" field={`Retry/${i}/MaxAttempts`} value={r.MaxAttempts} onChange={(v) => edit(i, "MaxAttempts", v)} />
            <NumberField label="Backoff rate" field={`Retry/${i}/BackoffRate`} value={r.BackoffRate} onChange={(v) => edit(i, "BackoffRate", v)} />
            <NumberField label="Max delay (s)" field={`Retry/${i}/MaxDelaySeconds`} value={r.MaxDelaySeconds} onChange={(v) => edit(i, "MaxDelaySeconds", v)} />
          </div>
          <SelectField label="Jitter" field={`Retry/${i}/JitterStrategy`} value={r.JitterStrategy ?? "NONE"} options={[["NONE", "None"], ["FULL", "Full"]]} onChange={(v) => edit(i, "JitterStrategy", v === "NONE" ? undefined : v)} />
        </div>
      ))}
    </Section>
  );
}

export function CatchEditor({ state, change, targets, jsonata, errors }: { state: State; change: (s: State) => void; targets: string[]; jsonata: boolean; errors: Record<string, string> }) {
  const catchers: any[] = state.Catch ?? [];
  const set = (list: any[]) => change(withField(state, "Catch", list.length ? list : undefined));
  const edit = (i: number, key: string, value: unknown) => set(catchers.map((c, j) => (j === i ? withField(c, key, value) : c)));
  return (
    <Section title="Catch" actions={<button type="button" data-field="AddCatch" onClick={() => set([...catchers, { ErrorEquals: ["States.ALL"], Next: targets[0] ?? "" }])}>Add catcher</button>}>
      {catchers.map((c, i) => (
        <div className="rule" key={i}>
          <div className="rule-head"><strong>Catcher #{i + 1}</strong><span className="spacer" /><button type="button" className="link danger" onClick={() => set(catchers.filter((_, j) => j !== i))}>Delete</button></div>
          <ListField label="Errors" field={`Catch/${i}/ErrorEquals`} value={c.ErrorEquals} placeholder="States.ALL" onChange={(v) => edit(i, "ErrorEquals", v)} />
          <SelectField label="Fallback state" field={`Catch/${i}/Next`} value={c.Next ?? ""} error={errors[`Catch/${i}/Next`]} options={[["", "— choose —"], ...targets.map((t): [string, string] => [t, t])]} onChange={(v) => edit(i, "Next", v)} />
          {jsonata ? (
            <JsonField label="Output" field={`Catch/${i}/Output`} value={c.Output} onChange={(v) => edit(i, "Output", v)} rows={2} />
          ) : (
            <TextField label="ResultPath" field={`Catch/${i}/ResultPath`} value={c.ResultPath} placeholder="$" onChange={(v) => edit(i, "ResultPath", v)} />
          )}
        </div>
      ))}
    </Section>
  );
}
