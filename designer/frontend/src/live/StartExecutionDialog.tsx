// Start an execution: JSON input checked as you type, recent inputs one click away, optional
// name; on success, go to its live page. The live pages and the editor (editor/StartExecutionDialog.tsx) use it.
import { Dialog } from "../ui/Dialog";
import { useEffect, useRef, useState } from "react";
import { navigate } from "../router";
import { executionPath, liveApi } from "./liveApi";
import { recentInputs, rememberInput } from "./recentInputs";

export function StartExecutionDialog({ machine, initialInput, suggestedInput, fallbackInput = "{}", beforeStart, onClose }: {
  machine: string;
  /** Shown first, before any recent input (Start again: the execution's own input). */
  initialInput?: string;
  /** Taken when it arrives unless the machine has recent inputs or the user has typed (an example's sample input). */
  suggestedInput?: string;
  /** The input when there is nothing better. */
  fallbackInput?: string;
  /** Runs before the execution starts (the editor saves unsaved changes first). */
  beforeStart?: () => Promise<void>;
  onClose: () => void;
}) {
  const recent = recentInputs(machine);
  const [input, setInput] = useState(initialInput ?? recent[0] ?? suggestedInput ?? fallbackInput);
  const edited = useRef(false);
  useEffect(() => {
    if (suggestedInput === undefined || initialInput !== undefined || edited.current || recentInputs(machine).length) return;
    setInput(suggestedInput);
  }, [machine, initialInput, suggestedInput]);
  const [name, setName] = useState("");
  const [debug, setDebug] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  let parseError: string | null = null;
  try {
    JSON.parse(input);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const edit = (value: string) => {
    edited.current = true;
    setInput(value);
  };
  const start = async () => {
    if (parseError) return;
    setBusy(true);
    setError(null);
    try {
      await beforeStart?.();
      const execution = await liveApi.start(machine, JSON.parse(input), name.trim() || undefined, debug);
      rememberInput(machine, input);
      navigate(executionPath(machine, execution.name));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog label="Start execution" onClose={onClose}>
        <h2>Start execution of {machine}</h2>
        <label>Name (optional)
          <input data-testid="execution-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="generated if empty" />
        </label>
        {recent.length > 0 && (
          <label>Recent inputs
            <select data-testid="recent-inputs" value="" onChange={(e) => e.target.value && edit(e.target.value)}>
              <option value="">Pick a recent input…</option>
              {recent.map((r, i) => <option key={i} value={r}>{r.replace(/\s+/g, " ").slice(0, 80)}</option>)}
            </select>
          </label>
        )}
        <label>Input (JSON)
          <textarea data-testid="execution-input" className="json" rows={12} value={input} spellCheck={false}
            aria-invalid={!!parseError} onChange={(e) => edit(e.target.value)} />
        </label>
        {parseError && <div className="field-error">Invalid JSON: {parseError}</div>}
        <label className="checkbox-row" title="The execution pauses before each state with a breakpoint; you can edit its input and variables, then continue or step">
          <input type="checkbox" data-testid="debug-mode" checked={debug} onChange={(e) => setDebug(e.target.checked)} />
          Debug: pause at breakpoints
        </label>
        {error && <div className="field-error">{error}</div>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="accent" data-testid="start-execution-confirm" disabled={!!parseError || busy} onClick={() => void start()}>
            Start execution
          </button>
        </div>
    </Dialog>
  );
}
