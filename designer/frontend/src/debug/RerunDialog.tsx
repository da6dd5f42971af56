// "Run from here": a new execution that starts at a chosen state of this one, with the input the
// state received here (editable) and the variables it had, on this revision or the latest.
import { useState } from "react";
import { Dialog } from "../ui/Dialog";
import { navigate } from "../router";
import { executionPath } from "../live/liveApi";
import { debugApi } from "./debugApi";

export function RerunDialog({ executionId, machine, state, input, onClose }: {
  executionId: number;
  machine: string;
  state: string;
  input: string;
  onClose: () => void;
}) {
  const [text, setText] = useState(input);
  const [revision, setRevision] = useState<"same" | "latest">("same");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return setProblem(`Not valid JSON: ${(e as Error).message}`);
    }
    setBusy(true);
    try {
      const execution = await debugApi.rerunFrom(executionId, state, parsed, revision);
      onClose();
      navigate(executionPath(machine, execution.name));
    } catch (e) {
      setProblem((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog label={`Run from ${state}`} onClose={onClose} testId="rerun-dialog" initialFocus="[data-testid=rerun-input]">
        <h2>Run from {state}</h2>
        <label>Input of {state} (JSON)
          <textarea data-testid="rerun-input" className="json" rows={10} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
        </label>
        <fieldset>
          <legend>Definition</legend>
          <label className="checkbox-row"><input type="radio" name="rerun-revision" checked={revision === "same"} onChange={() => setRevision("same")} /> the one this execution ran</label>
          <label className="checkbox-row"><input type="radio" name="rerun-revision" data-testid="rerun-latest" checked={revision === "latest"} onChange={() => setRevision("latest")} /> the machine's latest</label>
        </fieldset>
        {problem && <div className="field-error">{problem}</div>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="accent" data-testid="rerun-confirm" disabled={busy} onClick={() => void start()}>Start new execution</button>
        </div>
    </Dialog>
  );
}
