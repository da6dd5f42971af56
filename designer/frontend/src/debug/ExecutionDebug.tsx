// The execution page's debugger: "Paused at <state>" with the input the state is about to
// receive and the variables in scope, both editable, and Continue / Step; the breakpoints of a
// debug execution; a link to the execution a "run from here" started from.
import { useCallback, useEffect, useState } from "react";
import { Link } from "../router";
import { executionPath } from "../live/liveApi";
import type { DebugState } from "./debugApi";
import { debugApi } from "./debugApi";
import "./debug.css";

/** The execution's debug state, read again whenever `version` (its live events) changes. */
export function useExecutionDebug(id: number, version: number, running: boolean): [DebugState | null, (d: DebugState) => void] {
  const [state, setState] = useState<DebugState | null>(null);
  useEffect(() => {
    let cancelled = false;
    debugApi.debugState(id).then((d) => { if (!cancelled) setState(d); }, () => undefined);
    return () => { cancelled = true; };
  }, [id, version]);
  // A pause writes no history event (the history stays AWS's): look again while running.
  useEffect(() => {
    if (!running || !state?.debug) return;
    const timer = window.setInterval(() => debugApi.debugState(id).then(setState, () => undefined), 1000);
    return () => window.clearInterval(timer);
  }, [id, running, state?.debug]);
  return [state, setState];
}

export function DebugPanel({ id, state, onChange }: { id: number; state: DebugState; onChange: (d: DebugState) => void }) {
  const paused = state.paused;
  const [input, setInput] = useState("");
  const [variables, setVariables] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = paused ? `${paused.state}:${JSON.stringify(paused.path)}:${JSON.stringify(paused.input)}` : "";
  useEffect(() => {
    if (!paused) return;
    setInput(JSON.stringify(paused.input, null, 2));
    setVariables(JSON.stringify(paused.variables ?? {}, null, 2));
    setProblem(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const resume = useCallback(async (action: "continue" | "step") => {
    let parsedInput: unknown;
    let parsedVariables: unknown;
    try {
      parsedInput = JSON.parse(input);
      parsedVariables = JSON.parse(variables || "{}");
    } catch (e) {
      return setProblem(`Not valid JSON: ${(e as Error).message}`);
    }
    setBusy(true);
    try {
      onChange(await debugApi.resume(id, action, parsedInput, parsedVariables));
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  }, [id, input, variables, onChange]);

  return (
    <>
      {state.origin && (
        <div className="debug-origin muted" data-testid="rerun-origin">
          Run from <strong>{state.origin.state}</strong> of{" "}
          <Link to={executionPath(state.origin.machine, state.origin.name)}>{state.origin.name}</Link>
        </div>
      )}
      {paused && (
        <div className="debug-paused" data-testid="debug-paused" data-state={paused.state}>
          <strong>Paused at {paused.state}</strong>
          <label>Input the state is about to receive (JSON)
            <textarea data-testid="debug-input" rows={6} value={input} spellCheck={false} onChange={(e) => setInput(e.target.value)} />
          </label>
          <label>Variables in scope (JSON)
            <textarea data-testid="debug-variables" rows={3} value={variables} spellCheck={false} onChange={(e) => setVariables(e.target.value)} />
          </label>
          {problem && <div className="field-error">{problem}</div>}
          <div className="debug-buttons">
            <button type="button" className="accent" data-testid="debug-continue" disabled={busy} onClick={() => void resume("continue")}>Continue</button>
            <button type="button" data-testid="debug-step" disabled={busy} onClick={() => void resume("step")}>Step</button>
          </div>
        </div>
      )}
    </>
  );
}
