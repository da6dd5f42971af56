// Create or edit one test case: its name, the input, the mocked Task answers (by state, then by
// call number, as AWS's MockConfigFile writes them) and what the run should do.
import { useState } from "react";
import { Dialog } from "../ui/Dialog";
import type { TestCase } from "./debugApi";

const MOCKS_HINT = '{\n  "ChargePayment": {\n    "0": {"Throw": {"Error": "Busy", "Cause": "try again"}},\n    "1": {"Return": {"charged": true}}\n  }\n}';

export function TestCaseDialog({ initial, taken, onSave, onClose }: {
  initial: TestCase | null;
  taken: string[];
  onSave: (test: TestCase) => void;
  onClose: () => void;
}) {
  const expect = initial?.expect ?? {};
  const [name, setName] = useState(initial?.name ?? "");
  const [input, setInput] = useState(JSON.stringify(initial?.input ?? {}, null, 2));
  const [mocks, setMocks] = useState(JSON.stringify(initial?.mocks ?? {}, null, 2));
  const [status, setStatus] = useState(String(expect.status ?? ""));
  const [output, setOutput] = useState(expect.output === undefined ? "" : JSON.stringify(expect.output, null, 2));
  const [match, setMatch] = useState(String(expect.outputMatch ?? "exact"));
  const [error, setError] = useState(String(expect.error ?? ""));
  const [states, setStates] = useState(((expect.states as string[] | undefined) ?? []).join(", "));
  const [problem, setProblem] = useState<string | null>(null);

  const submit = () => {
    const trimmed = name.trim();
    if (!trimmed) return setProblem("Give the test case a name.");
    if (trimmed !== initial?.name && taken.includes(trimmed)) return setProblem(`There is already a test case named ${trimmed}.`);
    const parsed: Record<string, unknown> = {};
    for (const [label, text] of [["Input", input], ["Mocks", mocks], ["Expected output", output]] as const) {
      if (label === "Expected output" && !text.trim()) continue;
      try {
        parsed[label] = JSON.parse(text);
      } catch (e) {
        return setProblem(`${label} is not valid JSON: ${(e as Error).message}`);
      }
    }
    const expectation: Record<string, unknown> = {};
    if (status) expectation.status = status;
    if ("Expected output" in parsed) {
      expectation.output = parsed["Expected output"];
      if (match === "subset") expectation.outputMatch = "subset";
    }
    if (error.trim()) expectation.error = error.trim();
    const names = states.split(",").map((s) => s.trim()).filter(Boolean);
    if (names.length) expectation.states = names;
    onSave({ name: trimmed, input: parsed.Input, mocks: parsed.Mocks as TestCase["mocks"], expect: expectation });
  };

  return (
    <Dialog label="Test case" onClose={onClose} wide testId="test-case-dialog" initialFocus="[data-testid=test-case-name]">
        <h2>{initial ? `Edit ${initial.name}` : "New test case"}</h2>
        <label>Name <input data-testid="test-case-name" value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>Input (JSON) <textarea data-testid="test-case-input" rows={4} value={input} onChange={(e) => setInput(e.target.value)} /></label>
        <label>Mocked Task answers (JSON: state → call number → Return or Throw)
          <textarea data-testid="test-case-mocks" rows={6} placeholder={MOCKS_HINT} value={mocks} onChange={(e) => setMocks(e.target.value)} />
        </label>
        <fieldset>
          <legend>Expected</legend>
          <label>Status
            <select data-testid="test-case-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">any</option>
              {["SUCCEEDED", "FAILED", "TIMED_OUT"].map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label>Output (JSON, empty: not checked) <textarea data-testid="test-case-output" rows={3} value={output} onChange={(e) => setOutput(e.target.value)} /></label>
          <label>Compare output
            <select value={match} onChange={(e) => setMatch(e.target.value)}>
              <option value="exact">whole</option>
              <option value="subset">as a subset (the keys given)</option>
            </select>
          </label>
          <label>Error <input data-testid="test-case-error" value={error} onChange={(e) => setError(e.target.value)} /></label>
          <label>Passes through (states, in order, comma-separated) <input data-testid="test-case-states" value={states} onChange={(e) => setStates(e.target.value)} /></label>
        </fieldset>
        {problem && <div className="field-error">{problem}</div>}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="accent" data-testid="test-case-save" onClick={submit}>Save test case</button>
        </div>
    </Dialog>
  );
}
