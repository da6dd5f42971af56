// The editor's Tests panel: a machine's named test cases (input, mocked Task answers by call
// number, expectations), run one or all in the engine with no side effects, results with what
// was expected beside what happened, coverage as a percentage and on the canvas, and
// MockConfigFile / TestState exports.
import { useEffect, useRef, useState } from "react";
import "./debug.css";
import { download } from "../editor/exportImage";
import type { CaseResult, Coverage, TestCase } from "./debugApi";
import { debugApi } from "./debugApi";
import { TestCaseDialog } from "./TestCaseDialog";

export function TestsPanel({ machine, definition, onCoverage }: {
  machine: string | null;
  definition: unknown;
  onCoverage: (coverage: Coverage | null) => void;
}) {
  const [cases, setCases] = useState<TestCase[]>([]);
  const [results, setResults] = useState<Record<string, CaseResult>>({});
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [showCoverage, setShowCoverage] = useState(true);
  const [editing, setEditing] = useState<TestCase | "new" | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!machine) return;
    debugApi.tests(machine).then(setCases, (e) => setError((e as Error).message));
  }, [machine]);
  useEffect(() => onCoverage(showCoverage ? coverage : null), [coverage, showCoverage, onCoverage]);

  if (!machine) return <div className="tests-panel" data-testid="tests-panel"><p className="muted">Save the machine to give it test cases.</p></div>;

  const guard = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const run = (names?: string[]) => guard(async () => {
    const answer = await debugApi.runTests(machine, definition, names);
    setResults((before) => ({ ...(names ? before : {}), ...Object.fromEntries(answer.results.map((r) => [r.name, r])) }));
    if (!names) setCoverage(answer.coverage);
  });
  const save = (test: TestCase, previous?: string) => guard(async () => {
    const saved = await debugApi.saveTest(machine, test);
    if (previous && previous !== test.name) await debugApi.deleteTest(machine, previous);
    setCases((list) => [...list.filter((c) => c.name !== saved.name && c.name !== previous), saved].sort((a, b) => a.name.localeCompare(b.name)));
    setEditing(null);
  });
  const remove = (name: string) => guard(async () => {
    if (!window.confirm(`Delete the test case ${name}?`)) return;
    await debugApi.deleteTest(machine, name);
    setCases((list) => list.filter((c) => c.name !== name));
  });
  const importFile = (file: File) => guard(async () => {
    const imported = await debugApi.importMockConfig(machine, JSON.parse(await file.text()));
    const names = new Set(imported.map((c) => c.name));
    setCases((list) => [...list.filter((c) => !names.has(c.name)), ...imported].sort((a, b) => a.name.localeCompare(b.name)));
  });
  const exportAs = (format: "mockconfig" | "teststate") => guard(async () => {
    const data = await debugApi.exportTests(machine, format);
    const text = JSON.stringify(data, null, 2);
    download(format === "mockconfig" ? "MockConfigFile.json" : `${machine}-teststate-calls.json`, text, "application/json");
  });

  const passed = Object.values(results).filter((r) => r.passed).length;
  return (
    <div className="tests-panel" data-testid="tests-panel">
      <div className="tests-head">
        <strong>Test cases</strong>
        <button type="button" data-testid="new-test-case" onClick={() => setEditing("new")}>New test case</button>
        <button type="button" className="accent" data-testid="run-tests" disabled={busy || !cases.length} onClick={() => void run()}>Run all</button>
        <button type="button" onClick={() => fileInput.current?.click()}>Import MockConfigFile</button>
        <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="import-mock-config"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) void importFile(f); }} />
        <button type="button" disabled={!cases.length} onClick={() => void exportAs("mockconfig")}>Export MockConfigFile</button>
        <button type="button" disabled={!cases.length} onClick={() => void exportAs("teststate")}>Export TestState calls</button>
        <span className="spacer" />
        {Object.keys(results).length > 0 && <span className="muted">{passed} of {Object.keys(results).length} passed</span>}
        {coverage && (
          <label className="coverage-toggle" title={`${coverage.covered} of ${coverage.total} states, rules, retriers and catchers exercised`}>
            <input type="checkbox" checked={showCoverage} onChange={(e) => setShowCoverage(e.target.checked)} />
            Coverage <span data-testid="coverage-percent" data-covered={coverage.covered} data-total={coverage.total}>{coverage.percent}%</span>
          </label>
        )}
      </div>
      {error && <div className="field-error">{error}</div>}
      {!cases.length && <p className="muted">No test cases yet. A test case runs the machine with mocked Tasks and checks what it did.</p>}
      <div className="tests-rows">
        {cases.map((c) => {
          const r = results[c.name];
          const result = r ? (r.passed ? "passed" : "failed") : "not-run";
          return (
            <div key={c.name} className={`test-case test-${result}`}>
              <div className="test-case-row" data-testid="test-case-row" data-name={c.name} data-result={result}>
                <button type="button" className="link test-name" onClick={() => setOpen(open === c.name ? null : c.name)}>{c.name}</button>
                <span className={`test-result test-result-${result}`}>{r ? (r.passed ? "✓ passed" : "✗ failed") : "not run"}</span>
                <span className="test-summary muted">{r ? (r.passed ? `${r.status} via ${r.states.length} states` : r.failures[0]) : ""}</span>
                <button type="button" disabled={busy} onClick={() => void run([c.name])}>Run</button>
                <button type="button" onClick={() => setEditing(c)}>Edit</button>
                <button type="button" onClick={() => void remove(c.name)}>Delete</button>
              </div>
              {open === c.name && <SideBySide test={c} result={r} />}
            </div>
          );
        })}
      </div>
      {editing && <TestCaseDialog initial={editing === "new" ? null : editing} taken={cases.map((c) => c.name)}
        onSave={(t) => void save(t, editing === "new" ? undefined : editing.name)} onClose={() => setEditing(null)} />}
    </div>
  );
}

function SideBySide({ test, result }: { test: TestCase; result?: CaseResult }) {
  const expected = test.expect ?? {};
  return (
    <div className="test-side-by-side" data-testid="test-case-details">
      <div>
        <h4>Expected</h4>
        <pre>{JSON.stringify(expected, null, 2)}</pre>
      </div>
      <div>
        <h4>Happened</h4>
        {result ? (
          <>
            <pre>{JSON.stringify({ status: result.status, output: result.output, error: result.error ?? undefined, cause: result.cause ?? undefined, states: result.states }, null, 2)}</pre>
            {result.failures.map((f) => <div key={f} className="field-error">{f}</div>)}
          </>
        ) : <p className="muted">Not run yet.</p>}
      </div>
    </div>
  );
}
