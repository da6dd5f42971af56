// Task: runs work named by Resource (a local Lambda handler or a service integration).
import { NumberField, TextField, withField } from "../inspector/fields";
import { defineNode, resourceLabel } from "./defineNode";

export const taskNode = defineNode({
  type: "Task",
  title: "Task",
  description: "Run a Lambda function or call a service integration",
  color: "#e07a16",
  icon: "Task",
  defaults: () => ({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "FunctionName": "", "Payload.$": "$" }, End: true }),
  subtitle: (s) => resourceLabel(s.Resource),
  io: { InputPath: true, Parameters: "Parameters", ResultSelector: true, ResultPath: true, OutputPath: true, Arguments: true, Output: true, Assign: true },
  Section: ({ state, change, errors }) => (
    <>
      <TextField label="Resource" field="Resource" value={state.Resource} list="resource-options" error={errors.Resource}
        hint="A local handler or an integration such as arn:aws:states:::lambda:invoke"
        onChange={(v) => change(withField(state, "Resource", v))} />
      <NumberField label="Timeout (seconds)" field="TimeoutSeconds" value={state.TimeoutSeconds} min={1} onChange={(v) => change(withField(state, "TimeoutSeconds", v))} />
      <TextField label="TimeoutSecondsPath" field="TimeoutSecondsPath" value={state.TimeoutSecondsPath} onChange={(v) => change(withField(state, "TimeoutSecondsPath", v))} />
      <NumberField label="Heartbeat (seconds)" field="HeartbeatSeconds" value={state.HeartbeatSeconds} min={1} onChange={(v) => change(withField(state, "HeartbeatSeconds", v))} />
      <TextField label="HeartbeatSecondsPath" field="HeartbeatSecondsPath" value={state.HeartbeatSecondsPath} onChange={(v) => change(withField(state, "HeartbeatSecondsPath", v))} />
    </>
  ),
});
