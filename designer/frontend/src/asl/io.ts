// Reading and writing definitions: ASL as JSON or YAML, and CloudFormation/SAM templates whose
// state machines carry a Definition (object) or DefinitionString (text, or Fn::Sub / Fn::Join).
import YAML from "yaml";
import type { Machine } from "./types";

export type Format = "json" | "yaml";

/** Serialise a definition the way the code view and export show it. */
export function stringify(doc: unknown, format: Format): string {
  return format === "json" ? JSON.stringify(doc, null, 2) : YAML.stringify(doc, { aliasDuplicateObjects: false });
}

/** Parse JSON or YAML text (YAML is a superset, but JSON's errors read better for JSON). */
export function parseText(text: string, format: Format): unknown {
  if (format === "json") return JSON.parse(text);
  const parsed = YAML.parse(text, { customTags: cloudFormationTags() });
  return parsed;
}

// CloudFormation's short-form tags (!Sub, !Ref, …) read as their long form so templates parse.
function cloudFormationTags() {
  const names = ["Sub", "Ref", "GetAtt", "Join", "If", "Select", "Split", "FindInMap", "ImportValue", "Base64", "GetAZs", "Equals", "And", "Or", "Not", "Condition"];
  return names.flatMap((name) => {
    const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
    const wrap = (value: unknown) => ({ [key]: value });
    return [
      { tag: `!${name}`, resolve: (v: string) => wrap(v) },
      { tag: `!${name}`, collection: "seq" as const, resolve: (v: any) => wrap(v.toJSON()) },
      { tag: `!${name}`, collection: "map" as const, resolve: (v: any) => wrap(v.toJSON()) },
    ];
  });
}

export interface Imported {
  definition: Machine;
  /** Where it came from: "asl", or the template's logical id. */
  source: string;
}

const MACHINE_TYPES = new Set(["AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"]);

function definitionText(value: any): string | undefined {
  if (typeof value === "string") return value;
  if (value?.["Fn::Sub"] !== undefined) return Array.isArray(value["Fn::Sub"]) ? value["Fn::Sub"][0] : value["Fn::Sub"];
  if (Array.isArray(value?.["Fn::Join"])) {
    const [sep, parts] = value["Fn::Join"];
    return (parts as unknown[]).map((p) => (typeof p === "string" ? p : "")).join(sep);
  }
  return undefined;
}

/** The state machines in a parsed file: an ASL document itself, or each one in a template. */
export function extractDefinitions(data: any): Imported[] {
  if (data && typeof data === "object" && data.States && typeof data.States === "object") return [{ definition: data, source: "asl" }];
  const out: Imported[] = [];
  for (const [logicalId, resource] of Object.entries<any>(data?.Resources ?? {})) {
    if (!MACHINE_TYPES.has(resource?.Type)) continue;
    const props = resource.Properties ?? {};
    if (props.Definition && typeof props.Definition === "object") {
      out.push({ definition: props.Definition, source: logicalId });
      continue;
    }
    const text = definitionText(props.DefinitionString);
    if (text !== undefined) out.push({ definition: JSON.parse(text), source: logicalId });
  }
  return out;
}

/** Parse an imported file by its name and content. */
export function importFile(fileName: string, text: string): Imported[] {
  const format: Format = /\.json$/i.test(fileName) || text.trimStart().startsWith("{") ? "json" : "yaml";
  let data: unknown;
  try {
    data = parseText(text, format);
  } catch (error) {
    if (format === "json") data = parseText(text, "yaml");
    else throw error;
  }
  const found = extractDefinitions(data);
  if (!found.length) throw new Error("No state machine definition found (expected States, or a template with Definition/DefinitionString).");
  return found;
}
