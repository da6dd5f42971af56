// Wait: pauses for a number of seconds or until a timestamp, fixed or read from the input.
import { NumberField, SelectField, TextField } from "../inspector/fields";
import { defineNode } from "./defineNode";

const MODES = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"] as const;

export const waitNode = defineNode({
  type: "Wait",
  title: "Wait",
  description: "Delay for a time or until a timestamp",
  color: "#2f7dd1",
  icon: "Wait",
  defaults: () => ({ Type: "Wait", Seconds: 5, End: true }),
  subtitle: (s) => {
    const mode = MODES.find((m) => s[m] !== undefined);
    return mode ? `${mode === "Seconds" ? `${s.Seconds} s` : `${mode}: ${s[mode]}`}` : "No wait time";
  },
  io: { InputPath: true, OutputPath: true, Output: true, Assign: true },
  Section: ({ state, change, errors }) => {
    const mode = MODES.find((m) => state[m] !== undefined) ?? "Seconds";
    const setMode = (next: string) => {
      const copy: Record<string, any> = { ...state };
      MODES.forEach((m) => delete copy[m]);
      copy[next] = next === "Seconds" ? 5 : next === "Timestamp" ? new Date().toISOString().replace(/\.\d+Z$/, "Z") : "$.";
      change(copy as typeof state);
    };
    return (
      <>
        <SelectField label="Wait mode" field="WaitMode" value={mode} onChange={setMode} options={MODES.map((m) => [m, m])} />
        {mode === "Seconds" ? (
          typeof state.Seconds === "string" ? (
            <TextField label="Seconds (JSONata)" field="Seconds" value={state.Seconds} onChange={(v) => change({ ...state, Seconds: v })} />
          ) : (
            <NumberField label="Seconds" field="Seconds" value={state.Seconds} min={0} error={errors.Seconds} onChange={(v) => change({ ...state, Seconds: v ?? 0 })} />
          )
        ) : (
          <TextField label={mode} field={mode} value={state[mode]} error={errors[mode]} onChange={(v) => change({ ...state, [mode]: v })} />
        )}
      </>
    );
  },
});
