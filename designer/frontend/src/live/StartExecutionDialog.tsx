// Start an execution: JSON input checked as you type, recent inputs one click away, optional
// name; on success, go to its live page.
import { useState } from "react";
import { navigate } from "../router";
import { executionPath, liveApi } from "./liveApi";
import { recentInputs, rememberInput } from "./recentInputs";

export function StartExecutionDialog({ machine, initialInput, onClose }: { machine: string; initialInput?: string; onClose: () => void }) {
  const recent = recentInputs(machine);
  const [input, setInput] = useState(initialInput ?? recent[0] ?? "{}");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  let parseError: string | null = null;
  try {
    JSON.parse(input);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const start = async () => {
    if (parseError) return;
    setBusy(true);
    setError(null);
    try {
      const execution = await liveApi.start(machine, JSON.parse(input), name.trim() || undefined);
      rememberInput(machine, input);
      navigate(executionPath(machine, execution.name));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-label="Start execution" onClick={(e) => e.stopPropagation()}>
        <h2>Start execution of {machine}</h2>
        <label>Name (optional)
          <input data-testid="execution-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="generated if empty" />
        </label>
        {recent.length > 0 && (
          <label>Recent inputs
            <select data-testid="recent-inputs" value="" onChange={(e) => e.target.value && setInput(e.target.value)}>
              <option value="">Pick a recent input…</option>
              {recent.map((r, i) => <option key={i} value={r}>{r.replace(/\s+/g, " ").slice(0, 80)}</option>)}
            </select>
          </label>
        )}
        <label>Input (JSON)
          <textarea data-testid="execution-input" className="json" rows={12} value={input} spellCheck={false}
            aria-invalid={!!parseError} onChange={(e) => setInput(e.target.value)} />
        </label>
        {parseError && <div className="field-error">Invalid JSON: {parseError}</div>}
        {error && <div className="field-error">{error}</div>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="accent" data-testid="start-execution-confirm" disabled={!!parseError || busy} onClick={() => void start()}>
            Start execution
          </button>
        </div>
      </div>
    </div>
  );
}
