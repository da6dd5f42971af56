// The shape of a node type declaration: one per ASL Type, in its own *.node.tsx module.
import type { ComponentType } from "react";
import type { Machine, ScopePath, State } from "../asl/types";

/** What a type's inspector section receives. */
export interface SectionProps {
  state: State;
  name: string;
  path: ScopePath;
  doc: Machine;
  jsonata: boolean;
  /** Replace the state (copy-on-write). */
  change: (state: State) => void;
  /** Errors found in the form, keyed by field. */
  errors: Record<string, string>;
}

export interface NodeDef {
  type: string;
  title: string;
  description: string;
  /** Accent colour of the icon and border. */
  color: string;
  icon: string;
  /** A fresh state of this type as dropped from the palette. */
  defaults: () => State;
  /** One line under the name on the canvas. */
  subtitle: (state: State) => string;
  /** Fields shown in the inspector's type section (everything not common to all states). */
  Section?: ComponentType<SectionProps>;
  /** Which of the JSONPath processing fields the type accepts (ASL's per-type table). */
  io: { InputPath?: boolean; Parameters?: "Parameters" | "ItemSelector"; ResultSelector?: boolean; ResultPath?: boolean; OutputPath?: boolean; Arguments?: boolean; Output?: boolean; Assign?: boolean };
}
// How a type moves on, whether it may Retry and Catch, and which blocks it holds are facts of the
// ASL type, kept in one table for the canvas and the live view alike: asl/stateTypes.ts.

/** Declare a node type (keeps the registry typed). */
export function defineNode(def: NodeDef): NodeDef {
  return def;
}

/** The short name of a Resource ARN for the subtitle. */
export function resourceLabel(resource: unknown): string {
  if (typeof resource !== "string" || !resource) return "No resource";
  const integration = resource.match(/^arn:aws:states:::(.+)$/);
  if (integration) return integration[1];
  const fn = resource.match(/:function:([^:]+)/);
  if (fn) return `λ ${fn[1]}`;
  return resource.length > 32 ? `…${resource.slice(-30)}` : resource;
}
