// A state's outgoing transitions as handle ids (`next`, `default`, `choice:<i>`, `catch:<i>`),
// and copy-on-write setters. ASL: Next/End, Choice Choices[].Next and Default, Catch[].Next.
import { describeRule } from "./choiceRules";
import { canCatch, isTerminalType, stateFacts } from "./stateTypes";
import type { State } from "./types";

export interface Transition {
  handle: string;
  target: string;
  kind: "next" | "default" | "choice" | "catch";
  label?: string;
}

/** Does the state end its block (End: true, Succeed, Fail)? */
export function isEnd(state: State): boolean {
  return isTerminalType(state.Type) || state.End === true;
}

/** Outgoing transitions in handle order: Choice rules, Default, Next, then Catchers. */
export function transitions(state: State): Transition[] {
  const out: Transition[] = [];
  if (stateFacts(state.Type).moves === "choices") {
    (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule: any, i: number) => {
      if (typeof rule?.Next === "string") out.push({ handle: `choice:${i}`, target: rule.Next, kind: "choice", label: describeRule(rule) });
    });
    if (typeof state.Default === "string") out.push({ handle: "default", target: state.Default, kind: "default", label: "Default" });
  } else if (typeof state.Next === "string") {
    out.push({ handle: "next", target: state.Next, kind: "next" });
  }
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher: any, i: number) => {
      if (typeof catcher?.Next === "string") {
        const errors = Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.join(", ") : "";
        out.push({ handle: `catch:${i}`, target: catcher.Next, kind: "catch", label: `Catch ${errors}`.trim() });
      }
    });
  }
  return out;
}

/** The output handles a state offers (a free `catch:<n>` handle adds a new Catcher). */
export function outputHandles(state: State): string[] {
  const handles: string[] = [];
  const moves = stateFacts(state.Type).moves;
  if (moves === "choices") {
    (state.Choices ?? []).forEach((_: unknown, i: number) => handles.push(`choice:${i}`));
    handles.push("default");
  } else if (moves === "next") {
    handles.push("next");
  }
  if (canCatch(state)) {
    const n = Array.isArray(state.Catch) ? state.Catch.length : 0;
    for (let i = 0; i <= n; i++) handles.push(`catch:${i}`);
  }
  return handles;
}

function parseHandle(handle: string): { kind: string; index: number } {
  const [kind, index] = handle.split(":");
  return { kind, index: index === undefined ? -1 : Number(index) };
}

/** Point one handle at `target`. A `next` on an End state clears End; `catch:<len>` adds a Catcher. */
export function setTransition(state: State, handle: string, target: string): State {
  const { kind, index } = parseHandle(handle);
  if (kind === "next") {
    if (stateFacts(state.Type).moves !== "next") return state;
    const { End: _end, ...rest } = state;
    return { ...rest, Next: target } as State;
  }
  if (kind === "default") return { ...state, Default: target };
  if (kind === "choice") {
    const choices = [...(state.Choices ?? [])];
    if (!choices[index]) return state;
    choices[index] = { ...choices[index], Next: target };
    return { ...state, Choices: choices };
  }
  if (kind === "catch") {
    const catchers = [...(state.Catch ?? [])];
    catchers[index] = catchers[index] ? { ...catchers[index], Next: target } : { ErrorEquals: ["States.ALL"], Next: target };
    return { ...state, Catch: catchers };
  }
  return state;
}

/** Remove one transition: Next becomes End, a Choice rule or Catcher is dropped, Default is removed. */
export function removeTransition(state: State, handle: string): State {
  const { kind, index } = parseHandle(handle);
  if (kind === "next") {
    const { Next: _next, ...rest } = state;
    return { ...rest, End: true } as State;
  }
  if (kind === "default") {
    const { Default: _default, ...rest } = state;
    return rest as State;
  }
  if (kind === "choice") return { ...state, Choices: (state.Choices ?? []).filter((_: unknown, i: number) => i !== index) };
  if (kind === "catch") {
    const catchers = (state.Catch ?? []).filter((_: unknown, i: number) => i !== index);
    const { Catch: _catch, ...rest } = state;
    return (catchers.length ? { ...rest, Catch: catchers } : rest) as State;
  }
  return state;
}

/** Replace every transition to `from` with `to` (or drop it when `to` is undefined). */
export function retarget(state: State, from: string, to: string | undefined): State {
  let next = state;
  // Walk handles from the last so that removing a rule or catcher keeps earlier indexes valid.
  for (const t of [...transitions(state)].reverse()) {
    if (t.target !== from) continue;
    next = to === undefined ? removeTransition(next, t.handle) : setTransition(next, t.handle, to);
  }
  return next;
}
