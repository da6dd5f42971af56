// Test one state: the selected state run alone through TestState with an input, variables and,
// for a Task, a mocked result or error; every processing step is shown (inspection level DEBUG).
import { useState } from "react";
import { Dialog } from "../ui/Dialog";
import type { State } from "../asl/types";
import type { TestStateAnswer } from "./debugApi";
import { debugApi } from "./debugApi";

// The inspection data in the order a state processes its input and output.
const STEPS: [string, string][] = [
  ["input", "Input"],
  ["afterInputPath", "After InputPath"],
  ["afterParameters", "After Parameters"],
  ["afterArguments", "After Arguments"],
  ["afterItemsPath", "After ItemsPath"],
  ["afterItemSelector", "After ItemSelector"],
  ["result", "Result"],
  ["afterResultSelector", "After ResultSelector"],
  ["afterResultPath", "After ResultPath"],
  ["variables", "Variables"],
];

export function TestStateDialog({ name, state, definition, onClose }: { name: string; state: State; definition: unknown; onClose: () => void }) {
  const [input, setInput] = useState("{}");
  const [variables, setVariables] = useState("{}");
  const [mockKind, setMockKind] = useState<"none" | "result" | "error">(state.Type === "Task" ? "result" : "none");
  const [mockResult, setMockResult] = useState("{}");
  const [mockError, setMockError] = useState("States.TaskFailed");
  const [mockCause, setMockCause] = useState("");
  const [answer, setAnswer] = useState<TestStateAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setProblem(null);
    let parsedInput: unknown;
    let parsedVariables: unknown;
    try {
      parsedInput = JSON.parse(input);
      parsedVariables = JSON.parse(variables || "{}");
      if (mockKind === "result") JSON.parse(mockResult);
    } catch (e) {
      return setProblem(`Not valid JSON: ${(e as Error).message}`);
    }
    const mock = mockKind === "result" ? { result: mockResult } : mockKind === "error" ? { errorOutput: { error: mockError, cause: mockCause } } : undefined;
    setBusy(true);
    try {
      setAnswer(await debugApi.testState({ definition, state: name, input: parsedInput, variables: parsedVariables, mock }));
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog label={`Test ${name}`} onClose={onClose} wide testId="test-state-dialog" initialFocus="[data-testid=test-state-input]">
        <h2>Test state: {name}</h2>
        <label>Input (JSON) <textarea data-testid="test-state-input" rows={4} value={input} onChange={(e) => setInput(e.target.value)} /></label>
        <label>Variables (JSON) <textarea data-testid="test-state-variables" rows={2} value={variables} onChange={(e) => setVariables(e.target.value)} /></label>
        {state.Type === "Task" && (
          <fieldset>
            <legend>Mock</legend>
            <select data-testid="test-state-mock-kind" value={mockKind} onChange={(e) => setMockKind(e.target.value as typeof mockKind)}>
              <option value="none">call the real resource</option>
              <option value="result">a result</option>
              <option value="error">an error</option>
            </select>
            {mockKind === "result" && <textarea data-testid="test-state-mock-result" rows={3} value={mockResult} onChange={(e) => setMockResult(e.target.value)} />}
            {mockKind === "error" && (
              <>
                <input aria-label="Error" value={mockError} onChange={(e) => setMockError(e.target.value)} />
                <input aria-label="Cause" value={mockCause} onChange={(e) => setMockCause(e.target.value)} placeholder="Cause" />
              </>
            )}
          </fieldset>
        )}
        {problem && <div className="field-error" data-testid="test-state-problem">{problem}</div>}
        {answer && (
          <div className="test-state-answer" data-testid="test-state-result" data-status={answer.status}>
            <div><strong>{answer.status}</strong>{answer.nextState && <> → next state <code data-testid="test-state-next">{answer.nextState}</code></>}</div>
            {answer.error && <div className="field-error">{answer.error}: {answer.cause}</div>}
            <ol className="inspection-steps">
              {STEPS.filter(([key]) => answer.inspectionData?.[key] !== undefined).map(([key, label]) => (
                <li key={key} data-testid={`inspection-${key}`}><span className="muted">{label}</span><pre>{answer.inspectionData![key]}</pre></li>
              ))}
              {answer.output !== undefined && <li data-testid="inspection-output"><span className="muted">Output</span><pre>{answer.output}</pre></li>}
            </ol>
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>Close</button>
          <button type="button" className="accent" data-testid="test-state-run" disabled={busy} onClick={() => void run()}>Run</button>
        </div>
    </Dialog>
  );
}
