// REST calls of the debugger: a machine's test cases and their runs, breakpoints, a paused
// execution's controls, "run from here", and TestState for one state (docs/architecture.md).
import { call } from "../api";
import type { ExecutionInfo } from "../live/store";

const enc = encodeURIComponent;

export interface TestCase {
  name: string;
  input: unknown;
  /** Per Task state, MockConfigFile-style responses by call number: {"0": {"Return": …}, "1-2": {"Throw": {…}}}. */
  mocks: Record<string, Record<string, unknown>>;
  /** status, output, outputMatch ("exact" | "subset"), error, states (passed through, in order). */
  expect: Record<string, unknown>;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  status: string;
  output: unknown;
  error: string | null;
  cause: string | null;
  states: string[];
  failures: string[];
}

export interface CoverageTarget {
  kind: "state" | "choice" | "default" | "retry" | "catch";
  state: string;
  index: number | null;
  covered: boolean;
}

export interface Coverage {
  percent: number;
  covered: number;
  total: number;
  targets: CoverageTarget[];
}

export interface DebugState {
  debug: boolean;
  breakpoints: string[];
  paused: null | { state: string; input: unknown; variables: Record<string, unknown>; path: unknown[] };
  origin: null | { machine: string; name: string; state: string };
}

export interface TestStateAnswer {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: Record<string, string>;
}

export const debugApi = {
  tests: (machine: string) => call<TestCase[]>("GET", `/api/machines/${enc(machine)}/tests`),
  saveTest: (machine: string, test: TestCase) => call<TestCase>("PUT", `/api/machines/${enc(machine)}/tests/${enc(test.name)}`, test),
  deleteTest: (machine: string, name: string) => call<void>("DELETE", `/api/machines/${enc(machine)}/tests/${enc(name)}`),
  runTests: (machine: string, definition: unknown, names?: string[]) =>
    call<{ results: CaseResult[]; coverage: Coverage }>("POST", `/api/machines/${enc(machine)}/tests/run`, { definition, names }),
  importMockConfig: (machine: string, config: unknown) => call<TestCase[]>("POST", `/api/machines/${enc(machine)}/tests/import`, { config }),
  exportTests: (machine: string, format: "mockconfig" | "teststate") => call<unknown>("GET", `/api/machines/${enc(machine)}/tests/export?format=${format}`),
  breakpoints: (machine: string) => call<{ states: string[] }>("GET", `/api/machines/${enc(machine)}/breakpoints`),
  setBreakpoints: (machine: string, states: string[]) => call<{ states: string[] }>("PUT", `/api/machines/${enc(machine)}/breakpoints`, { states }),
  debugState: (id: number) => call<DebugState>("GET", `/api/executions/${id}/debug`),
  setExecutionBreakpoints: (id: number, states: string[]) => call<DebugState>("PUT", `/api/executions/${id}/debug/breakpoints`, { states }),
  resume: (id: number, action: "continue" | "step", input: unknown, variables: unknown) =>
    call<DebugState>("POST", `/api/executions/${id}/debug/${action}`, { input, variables }),
  rerunFrom: (id: number, state: string, input: unknown, revision: "same" | "latest") =>
    call<ExecutionInfo>("POST", `/api/executions/${id}/rerun`, { state, input, revision }),
  testState: (body: { definition: unknown; state: string; input: unknown; variables?: unknown; mock?: unknown }) =>
    call<TestStateAnswer>("POST", "/api/test-state", body),
};
