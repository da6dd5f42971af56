// Fail: stops the execution with an error name and a cause.
import { TextField, withField } from "../inspector/fields";
import { defineNode } from "./defineNode";

export const failNode = defineNode({
  type: "Fail",
  title: "Fail",
  description: "Stop and fail with an error",
  color: "#c62828",
  icon: "Fail",
  defaults: () => ({ Type: "Fail", Error: "Failed" }),
  subtitle: (s) => (s.Error ? `Error: ${s.Error}` : "Fail"),
  io: {},
  Section: ({ state, change, jsonata }) => (
    <>
      <TextField label="Error" field="Error" value={state.Error} onChange={(v) => change(withField(state, "Error", v))} />
      {!jsonata && <TextField label="ErrorPath" field="ErrorPath" value={state.ErrorPath} onChange={(v) => change(withField(state, "ErrorPath", v))} />}
      <TextField label="Cause" field="Cause" value={state.Cause} onChange={(v) => change(withField(state, "Cause", v))} />
      {!jsonata && <TextField label="CausePath" field="CausePath" value={state.CausePath} onChange={(v) => change(withField(state, "CausePath", v))} />}
    </>
  ),
});
