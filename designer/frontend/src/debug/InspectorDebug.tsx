// The inspector's debugging tools for the selected state: its breakpoint, and "Test state",
// which runs this one state through TestState (as Workflow Studio does) and shows each step of
// its input and output processing at DEBUG level.
import { useState } from "react";
import "./debug.css";
import type { State } from "../asl/types";
import { useBreakpoints } from "./breakpoints";
import { TestStateDialog } from "./TestStateDialog";

export function InspectorDebug({ machine, name, state, definition }: { machine: string | null; name: string; state: State; definition: unknown }) {
  const states = useBreakpoints((s) => s.states);
  const toggle = useBreakpoints((s) => s.toggle);
  const error = useBreakpoints((s) => s.error);
  const [testing, setTesting] = useState(false);
  const on = states.includes(name);
  return (
    <div className="insp-debug">
      <button type="button" data-testid="breakpoint-toggle" aria-pressed={on} disabled={!machine}
        title={machine ? "Debug executions pause before this state" : "Save the machine to set breakpoints"}
        className={on ? "breakpoint-on" : ""} onClick={() => void toggle(name)}>
        <span className="breakpoint-dot" aria-hidden="true" />{on ? "Breakpoint set" : "Set breakpoint"}
      </button>
      <button type="button" data-testid="test-state" onClick={() => setTesting(true)}>Test state</button>
      {error && <span className="field-error">{error}</span>}
      {testing && <TestStateDialog name={name} state={state} definition={definition} onClose={() => setTesting(false)} />}
    </div>
  );
}
