// The node registry: every state type declared once; the palette, React Flow's nodeTypes and
// the inspector all derive from it. Ready patterns are pre-filled states built on the same types.
import type { State } from "../asl/types";
import { choiceNode } from "./choice.node";
import type { NodeDef } from "./defineNode";
import { failNode } from "./fail.node";
import { mapNode } from "./map.node";
import { parallelNode } from "./parallel.node";
import { passNode } from "./pass.node";
import { succeedNode } from "./succeed.node";
import { taskNode } from "./task.node";
import { waitNode } from "./wait.node";

export const NODE_DEFS: NodeDef[] = [taskNode, passNode, choiceNode, waitNode, succeedNode, failNode, parallelNode, mapNode];

export const NODE_BY_TYPE: Record<string, NodeDef> = Object.fromEntries(NODE_DEFS.map((d) => [d.type, d]));

export function nodeDef(type: string | undefined): NodeDef {
  return NODE_BY_TYPE[type ?? ""] ?? passNode;
}

/** A palette entry: a state type or a ready pattern. */
export interface PaletteItem {
  id: string;
  title: string;
  description: string;
  icon: string;
  color: string;
  /** Base of the new state's name. */
  baseName: string;
  make: () => State;
  group: "Flow" | "Actions" | "Patterns";
}

const RETRY = [{ ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" }];

export const PATTERNS: PaletteItem[] = [
  {
    id: "LambdaInvoke", title: "Lambda invoke", description: "Invoke a function with Retry and Catch", icon: "Lambda", color: "#e07a16", baseName: "Lambda Invoke", group: "Patterns",
    make: () => ({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "FunctionName": "", "Payload.$": "$" }, OutputPath: "$.Payload", Retry: RETRY, Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "__unset__" }], End: true }),
  },
  {
    id: "HttpCall", title: "HTTP call", description: "Call an HTTPS API endpoint", icon: "Http", color: "#e07a16", baseName: "Call HTTPS API", group: "Patterns",
    make: () => ({ Type: "Task", Resource: "arn:aws:states:::http:invoke", Parameters: { ApiEndpoint: "https://example.com/", Method: "GET" }, Retry: [{ ErrorEquals: ["States.Http.StatusCode.429", "States.Http.StatusCode.503"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }], End: true }),
  },
  {
    id: "WaitForCallback", title: "Wait for callback", description: "Pause until SendTaskSuccess with the task token", icon: "Callback", color: "#e07a16", baseName: "Wait For Callback", group: "Patterns",
    make: () => ({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", Parameters: { "FunctionName": "", "Payload": { "input.$": "$", "taskToken.$": "$$.Task.Token" } }, HeartbeatSeconds: 3600, End: true }),
  },
  {
    id: "NestedExecution", title: "Nested execution", description: "Start another state machine and wait for it", icon: "Nested", color: "#e07a16", baseName: "Start Nested Execution", group: "Patterns",
    make: () => ({ Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: "", "Input.$": "$" }, End: true }),
  },
  {
    id: "MapOverItems", title: "Map over items", description: "Process each item of $.items", icon: "Map", color: "#b0327a", baseName: "Map Over Items", group: "Patterns",
    make: () => ({ Type: "Map", ItemsPath: "$.items", MaxConcurrency: 10, ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "Process Item", States: { "Process Item": { Type: "Pass", End: true } } }, End: true }),
  },
];

const FLOW = new Set(["Choice", "Parallel", "Map", "Wait", "Pass", "Succeed", "Fail"]);

export const PALETTE: PaletteItem[] = [
  ...NODE_DEFS.map((d): PaletteItem => ({ id: d.type, title: d.title, description: d.description, icon: d.icon, color: d.color, baseName: d.type, make: d.defaults, group: FLOW.has(d.type) && d.type !== "Task" ? "Flow" : "Actions" })),
  ...PATTERNS,
];
