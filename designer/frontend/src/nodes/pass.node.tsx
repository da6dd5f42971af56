// Pass: passes its input to its output, optionally injecting a fixed Result.
import { JsonField, withField } from "../inspector/fields";
import { defineNode } from "./defineNode";

export const passNode = defineNode({
  type: "Pass",
  title: "Pass",
  description: "Pass input to output, or inject fixed data",
  color: "#6b7a90",
  icon: "Pass",
  defaults: () => ({ Type: "Pass", End: true }),
  subtitle: (s) => (s.Result !== undefined ? "Injects a result" : "Pass state"),
  io: { InputPath: true, Parameters: "Parameters", ResultPath: true, OutputPath: true, Output: true, Assign: true },
  Section: ({ state, change, jsonata }) =>
    jsonata ? null : <JsonField label="Result" field="Result" value={state.Result} onChange={(v) => change(withField(state, "Result", v))} />,
});
