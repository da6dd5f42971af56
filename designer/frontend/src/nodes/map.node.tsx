// Map: runs its ItemProcessor block once per item of the input array.
import { processorKey } from "../asl/stateTypes";
import { JsonField, NumberField, SelectField, TextField, withField } from "../inspector/fields";
import { defineNode } from "./defineNode";

export const mapNode = defineNode({
  type: "Map",
  title: "Map",
  description: "Run the same steps for each item",
  color: "#b0327a",
  icon: "Map",
  defaults: () => ({ Type: "Map", ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } }, End: true }),
  subtitle: (s) => `${s.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED" ? "Distributed" : "Inline"} · ${s.ItemsPath ?? (s.Items !== undefined ? "Items" : "$")}`,
  io: { InputPath: true, Parameters: "ItemSelector", ResultSelector: true, ResultPath: true, OutputPath: true, Output: true, Assign: true },
  Section: ({ state, change, jsonata }) => {
    const key = processorKey(state);
    const processor = state[key] ?? { States: {} };
    const config = processor.ProcessorConfig ?? {};
    const setConfig = (key: string, value: unknown) => change({ ...state, [key]: { ...processor, ProcessorConfig: withField(config, key, value) } });
    return (
      <>
        {jsonata ? (
          <JsonField label="Items" field="Items" value={state.Items} onChange={(v) => change(withField(state, "Items", v))} rows={2} />
        ) : (
          <TextField label="ItemsPath" field="ItemsPath" value={state.ItemsPath} placeholder="$" onChange={(v) => change(withField(state, "ItemsPath", v))} />
        )}
        <SelectField label="Processing mode" field="ProcessorConfig" value={config.Mode ?? "INLINE"} options={[["INLINE", "Inline"], ["DISTRIBUTED", "Distributed"]]} onChange={(v) => setConfig("Mode", v)} />
        {config.Mode === "DISTRIBUTED" && (
          <SelectField label="Child execution type" field="ExecutionType" value={config.ExecutionType ?? "STANDARD"} options={[["STANDARD", "Standard"], ["EXPRESS", "Express"]]} onChange={(v) => setConfig("ExecutionType", v)} />
        )}
        <NumberField label="MaxConcurrency" field="MaxConcurrency" value={typeof state.MaxConcurrency === "number" ? state.MaxConcurrency : undefined} min={0} onChange={(v) => change(withField(state, "MaxConcurrency", v))} />
        {!jsonata && <TextField label="MaxConcurrencyPath" field="MaxConcurrencyPath" value={state.MaxConcurrencyPath} onChange={(v) => change(withField(state, "MaxConcurrencyPath", v))} />}
        <NumberField label="ToleratedFailurePercentage" field="ToleratedFailurePercentage" value={state.ToleratedFailurePercentage} min={0} onChange={(v) => change(withField(state, "ToleratedFailurePercentage", v))} />
        <NumberField label="ToleratedFailureCount" field="ToleratedFailureCount" value={state.ToleratedFailureCount} min={0} onChange={(v) => change(withField(state, "ToleratedFailureCount", v))} />
        <TextField label="Label" field="Label" value={state.Label} onChange={(v) => change(withField(state, "Label", v))} />
        <JsonField label="ItemReader" field="ItemReader" value={state.ItemReader} onChange={(v) => change(withField(state, "ItemReader", v))} rows={2} />
        <JsonField label="ItemBatcher" field="ItemBatcher" value={state.ItemBatcher} onChange={(v) => change(withField(state, "ItemBatcher", v))} rows={2} />
        <JsonField label="ResultWriter" field="ResultWriter" value={state.ResultWriter} onChange={(v) => change(withField(state, "ResultWriter", v))} rows={2} />
      </>
    );
  },
});
