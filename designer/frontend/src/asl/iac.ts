// Infrastructure as code: a machine as a CloudFormation or SAM template, and state machines read
// back from one. ARNs the definition uses become DefinitionSubstitutions (`${OrderValidateFunctionArn}`)
// so the template can point them at other accounts or stages; reading applies them again.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-statemachine.html
import YAML from "yaml";
import { parseText } from "./io";
import type { Machine } from "./types";

export type TemplateKind = "cloudformation" | "sam";

// Service integrations (arn:aws:states:::lambda:invoke) name an API, not a resource: kept as is.
const INTEGRATION = /^arn:aws[\w-]*:states:::/;
const ARN = /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d*:.+/;

function pascal(text: string): string {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

/** A readable substitution name for an ARN: arn:aws:lambda:…:function:order-validate → OrderValidateFunctionArn. */
export function substitutionName(arn: string): string {
  const [, , service, , , ...rest] = arn.split(":");
  const resource = rest.join(":");
  const [kind, ...names] = resource.split(/[:/]/);
  const name = names.length ? names.join("-") : kind;
  const label = names.length ? pascal(kind) : pascal(service);
  return `${pascal(name)}${label}Arn`.replace(/^(\d)/, "A$1");
}

function mapStrings(value: unknown, f: (s: string) => string): any {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

/** The definition with each resource ARN replaced by `${Name}`, and the Name → ARN table. */
export function withSubstitutions(doc: Machine): { definition: Machine; substitutions: Record<string, string> } {
  const byArn = new Map<string, string>();
  const taken = new Set<string>();
  const definition = mapStrings(doc, (s) => {
    if (!ARN.test(s) || INTEGRATION.test(s)) return s;
    let key = byArn.get(s);
    if (!key) {
      const base = substitutionName(s);
      key = base;
      for (let i = 2; taken.has(key); i++) key = `${base}${i}`;
      taken.add(key);
      byArn.set(s, key);
    }
    return `\${${key}}`;
  });
  return { definition, substitutions: Object.fromEntries([...byArn].map(([arn, key]) => [key, arn])) };
}

/** Replace `${Name}` with its value; names without a plain-text value are reported, left as they are. */
export function applySubstitutions(doc: Machine, substitutions: Record<string, unknown>): { definition: Machine; unresolved: string[] } {
  const unresolved = new Set<string>();
  const definition = mapStrings(doc, (s) => s.replace(/\$\{([A-Za-z0-9_.:-]+)\}/g, (whole, key: string) => {
    const value = substitutions[key];
    if (typeof value === "string" || typeof value === "number") return String(value);
    unresolved.add(key);
    return whole;
  }));
  return { definition, unresolved: [...unresolved] };
}

/** A template holding one machine, as CloudFormation or SAM YAML. */
export function exportTemplate(name: string, doc: Machine, kind: TemplateKind, options: { type?: string; roleArn?: string } = {}): string {
  const { definition, substitutions } = withSubstitutions(doc);
  const logicalId = pascal(name) || "StateMachine";
  const hasSubs = Object.keys(substitutions).length > 0;
  const properties: Record<string, unknown> = kind === "sam"
    ? { Name: name, Type: options.type ?? "STANDARD", ...(options.roleArn ? { Role: options.roleArn } : {}), Definition: definition, ...(hasSubs ? { DefinitionSubstitutions: substitutions } : {}) }
    : { StateMachineName: name, StateMachineType: options.type ?? "STANDARD", ...(options.roleArn ? { RoleArn: options.roleArn } : {}), Definition: definition, ...(hasSubs ? { DefinitionSubstitutions: substitutions } : {}) };
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    ...(kind === "sam" ? { Transform: "AWS::Serverless-2016-10-31" } : {}),
    Description: `${name}, exported from Statecraft`,
    Resources: { [logicalId]: { Type: kind === "sam" ? "AWS::Serverless::StateMachine" : "AWS::StepFunctions::StateMachine", Properties: properties } },
  };
  return YAML.stringify(template, { aliasDuplicateObjects: false, lineWidth: 0 });
}

export interface TemplateMachine {
  logicalId: string;
  name?: string;
  /** The definition once read (inline, DefinitionString, or the DefinitionUri file), substitutions applied. */
  definition?: Machine;
  /** A local file the definition lives in (DefinitionUri), still to be read. */
  definitionUri?: string;
  substitutions: Record<string, unknown>;
  unresolved: string[];
}

const MACHINE_TYPES = new Set(["AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"]);

function subText(value: any): { text?: string; vars: Record<string, unknown> } {
  if (typeof value === "string") return { text: value, vars: {} };
  const sub = value?.["Fn::Sub"];
  if (typeof sub === "string") return { text: sub, vars: {} };
  if (Array.isArray(sub)) return { text: sub[0], vars: sub[1] ?? {} };
  if (Array.isArray(value?.["Fn::Join"])) {
    const [sep, parts] = value["Fn::Join"];
    return { text: (parts as unknown[]).map((p) => (typeof p === "string" ? p : "")).join(sep), vars: {} };
  }
  return { vars: {} };
}

function finish(m: TemplateMachine, raw: Machine): TemplateMachine {
  const { definition, unresolved } = applySubstitutions(raw, m.substitutions);
  return { ...m, definition, unresolved };
}

/** Every state machine in a parsed CloudFormation or SAM template. */
export function templateMachines(data: any): TemplateMachine[] {
  const out: TemplateMachine[] = [];
  for (const [logicalId, resource] of Object.entries<any>(data?.Resources ?? {})) {
    if (!MACHINE_TYPES.has(resource?.Type)) continue;
    const props = resource.Properties ?? {};
    const base: TemplateMachine = { logicalId, name: props.StateMachineName ?? props.Name, substitutions: { ...(props.DefinitionSubstitutions ?? {}) }, unresolved: [] };
    if (props.Definition && typeof props.Definition === "object") out.push(finish(base, props.Definition));
    else if (props.DefinitionString !== undefined) {
      const { text, vars } = subText(props.DefinitionString);
      if (text !== undefined) out.push(finish({ ...base, substitutions: { ...base.substitutions, ...vars } }, JSON.parse(text.replace(/\$\{!/g, "${"))));
    } else if (typeof props.DefinitionUri === "string") out.push({ ...base, definitionUri: props.DefinitionUri });
    else if (props.DefinitionS3Location || props.DefinitionUri) out.push({ ...base, unresolved: ["DefinitionS3Location (an S3 object cannot be read from here)"] });
  }
  return out;
}

/** Read a DefinitionUri file's text (JSON or YAML) into the machine. */
export function withDefinitionFile(m: TemplateMachine, fileName: string, text: string): TemplateMachine {
  const raw = parseText(text, /\.json$/i.test(fileName) || text.trimStart().startsWith("{") ? "json" : "yaml") as Machine;
  return finish({ ...m, definitionUri: undefined }, raw);
}

/** Whether parsed data is a template (rather than an ASL document). */
export function isTemplate(data: any): boolean {
  return !!data && typeof data === "object" && !data.States && typeof data.Resources === "object";
}
