// The inspector's own checks: what can be told from the form alone, shown inline beside the
// field while the server's full validation (engine.validate) runs in the background.
import { stateFacts } from "../asl/stateTypes";
import { getBlock } from "../asl/scope";
import type { Machine, ScopePath, State } from "../asl/types";

const PATH_FIELDS = ["InputPath", "OutputPath", "ResultPath", "ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "MaxConcurrencyPath", "ErrorPath", "CausePath"];
const NULLABLE = new Set(["InputPath", "OutputPath", "ResultPath"]);

/** Checks the form can make on its own, keyed by field (the inspector's data-field names). */
export function localErrors(doc: Machine, path: ScopePath, name: string, state: State): Record<string, string> {
  const errors: Record<string, string> = {};
  const block = getBlock(doc, path);
  const has = (n: unknown) => typeof n === "string" && !!block?.States[n];
  const jsonata = (state.QueryLanguage ?? doc.QueryLanguage) === "JSONata";
  if (state.Type === "Task" && !state.Resource) errors.Resource = "Resource is required";
  if (state.Type === "Choice") {
    if (!state.Choices?.length) errors.Choices = "A Choice state needs at least one rule";
    (state.Choices ?? []).forEach((r: any, i: number) => {
      if (!has(r?.Next)) errors[`Choices/${i}/Next`] = "Choose the state this rule goes to";
    });
  }
  if (state.Next !== undefined && !has(state.Next)) errors.Next = `No state named "${state.Next}"`;
  else if (stateFacts(state.Type).moves === "next" && state.Next === undefined && state.End !== true) errors.Next = "Choose the next state or end here";
  if (state.Type === "Wait" && typeof state.Seconds === "number" && state.Seconds < 0) errors.Seconds = "Must be 0 or more";
  (state.Catch ?? []).forEach((c: any, i: number) => {
    if (!has(c?.Next)) errors[`Catch/${i}/Next`] = "Choose the fallback state";
  });
  if (!jsonata) {
    for (const field of PATH_FIELDS) {
      const value = state[field];
      if (value === undefined || (value === null && NULLABLE.has(field))) continue;
      if (typeof value !== "string" || !value.startsWith("$")) errors[field] = "A path starts with $ (for example $.order)";
    }
  }
  if (name.length > 80) errors.Name = "At most 80 characters";
  return errors;
}
