// Start an execution: JSON input (checked as you type), optional name; then go to its live view.
import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import { recentInputs, rememberInput } from "../live/recentInputs";
import { navigate } from "../router";

const PLACEHOLDER_INPUT = '{\n  "Comment": "Insert your JSON here"\n}';

export function StartExecutionDialog({ name, onClose, beforeStart }: { name: string; onClose: () => void; beforeStart: () => Promise<void> }) {
  const [input, setInput] = useState(() => recentInputs(name)[0] ?? PLACEHOLDER_INPUT);
  const edited = useRef(false);
  // A machine loaded from an example starts with that example's sample input (unless the user
  // has run it before or already typed something): the placeholder would only fail validation.
  useEffect(() => {
    if (recentInputs(name).length) return;
    let cancelled = false;
    api.templates().then((templates) => {
      const sample = templates.find((t) => t.name === name)?.input;
      if (!cancelled && !edited.current && sample !== undefined && sample !== null) setInput(JSON.stringify(sample, null, 2));
    }, () => undefined);
    return () => { cancelled = true; };
  }, [name]);
  const [execName, setExecName] = useState("");
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
    try {
      await beforeStart();
      const ex = await api.startExecution(name, JSON.parse(input), execName.trim() || undefined);
      rememberInput(name, input);
      navigate(`/machines/${encodeURIComponent(name)}/executions/${encodeURIComponent(ex.name)}/`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-label="Start execution" onClick={(e) => e.stopPropagation()}>
        <h2>Start execution</h2>
        <label>Name (optional)<input data-testid="execution-name" value={execName} onChange={(e) => setExecName(e.target.value)} placeholder="generated if empty" /></label>
        <label>Input
          <textarea data-testid="execution-input" className="json" rows={10} value={input} onChange={(e) => { edited.current = true; setInput(e.target.value); }} spellCheck={false} aria-invalid={!!parseError} />
        </label>
        {parseError && <div className="field-error">Invalid JSON: {parseError}</div>}
        {error && <div className="field-error">{error}</div>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="accent" data-testid="start-execution-confirm" disabled={!!parseError || busy} onClick={() => void start()}>Start execution</button>
        </div>
      </div>
    </div>
  );
}
