// The status overlay: history events → the status of every state. The TypeScript twin of
// designer/overlay.py (read its docstring for the rules); overlay.fixture.json, made by the
// Python tests, keeps the two equal. Beyond the Python version it keeps, per run of a state,
// what the inspector shows: input, output, variables, error and cause, retries and timings.

import { innerBlocks, stateFacts } from "../asl/stateTypes";
export type Status = "NOT_STARTED" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "CAUGHT_ERROR" | "CANCELLED";
export const STATUSES: Status[] = ["NOT_STARTED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "CAUGHT_ERROR", "CANCELLED"];
const PRIORITY: Status[] = ["IN_PROGRESS", "FAILED", "CAUGHT_ERROR", "CANCELLED", "SUCCEEDED"];

/** One AWS-shaped history event, as GetExecutionHistory and the live stream send it. */
export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  type: string;
  timestamp: string;
  [details: string]: unknown;
}

export type Counts = Partial<Record<Status, number>>;

export interface OverlayResult {
  status: string;
  states: Record<string, { status: Status; counts: Counts }>;
  iterations: Record<string, Counts>;
}

/** Where a run sits: directly in the machine (null) or in one Map iteration / Parallel branch. */
export interface Scope {
  parent: number;
  kind: "i" | "b";
  index: number;
}

export interface Run {
  id: number;
  name: string;
  type: string;
  parent: Run | null;
  scope: Scope | null;
  status: Status;
  open: boolean;
  failed: boolean;
  removed: boolean;
  children: Run[];
  iterations: Map<number, Status>;
  branches: Status[];
  attempts: number;
  // For the inspector.
  enteredId: number;
  enteredAt: string;
  exitedAt?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  retries: number;
  variables?: Record<string, unknown>;
  eventIds: number[];
}

const TASK_FAILURES = new Set<string>();
for (const kind of ["Task", "LambdaFunction", "Activity"])
  for (const outcome of ["Failed", "TimedOut", "StartFailed", "ScheduleFailed", "SubmitFailed"]) TASK_FAILURES.add(kind + outcome);
const TASK_STARTS = new Set(["TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"]);

/** The event's `*EventDetails` body ({} when it has none). */
export function detailsOf(event: HistoryEvent): Record<string, any> {
  for (const key in event) {
    if (key.endsWith("EventDetails")) {
      const value = event[key];
      if (value && typeof value === "object") return value as Record<string, any>;
    }
  }
  return {};
}

function up(run: Run | null | undefined, test: (r: Run) => boolean): Run | null {
  let r = run ?? null;
  while (r && !test(r)) r = r.parent;
  return r;
}

function under(run: Run, ancestor: Run): boolean {
  for (let p = run.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

function sameScope(a: Scope | null, b: Scope): boolean {
  return !!a && a.parent === b.parent && a.kind === b.kind && a.index === b.index;
}

export function inScope(run: Run | null, scope: Scope): boolean {
  for (let r = run; r; r = r.parent) if (sameScope(r.scope, scope)) return true;
  return false;
}

/** Every state name of a definition (nested ones too), and those that end their sequence. */
export function collectStates(machine: any, names: string[] = [], terminal = new Set<string>()): { names: string[]; terminal: Set<string> } {
  const states = machine?.States;
  if (!states || typeof states !== "object") return { names, terminal };
  for (const [name, state] of Object.entries<any>(states)) {
    names.push(name);
    if (!state || typeof state !== "object") continue;
    if (state.End === true || stateFacts(state.Type).terminal === "succeed") terminal.add(name);
    for (const block of innerBlocks(state)) if (block && typeof block === "object") collectStates(block, names, terminal);
  }
  return { names, terminal };
}

export class Overlay {
  status = "RUNNING";
  lastEventId = 0;
  readonly runs: Run[] = [];
  private owner = new Map<number, Run | null>();
  private types = new Map<number, string>();
  private index = new Map<number, number>();
  private openRuns = new Map<number, Run>();
  private counts = new Map<string, Counts>();
  private iterationCounts = new Map<string, Counts>();
  private names: string[];
  private terminal: Set<string>;

  constructor(definition?: unknown) {
    const { names, terminal } = collectStates(definition);
    this.names = names;
    this.terminal = terminal;
  }

  /** The run an event belongs to (null: the execution itself). */
  runOf(eventId: number): Run | null {
    return this.owner.get(eventId) ?? null;
  }

  // -- bookkeeping ---------------------------------------------------------------------------

  private count(table: Map<string, Counts>, name: string, status: Status, delta: number) {
    let counts = table.get(name);
    if (!counts) table.set(name, (counts = {}));
    const value = (counts[status] ?? 0) + delta;
    if (value) counts[status] = value;
    else delete counts[status];
  }

  private set(run: Run, status: Status) {
    if (run.status === status) return;
    if (!run.removed) {
      this.count(this.counts, run.name, run.status, -1);
      this.count(this.counts, run.name, status, +1);
    }
    run.status = status;
  }

  private close(run: Run) {
    run.open = false;
    this.openRuns.delete(run.id);
  }

  private setIteration(run: Run, index: number, status: Status) {
    const old = run.iterations.get(index);
    if (old === status) return;
    if (!run.removed) {
      if (old !== undefined) this.count(this.iterationCounts, run.name, old, -1);
      this.count(this.iterationCounts, run.name, status, +1);
    }
    run.iterations.set(index, status);
  }

  private setBranch(run: Run, index: number, status: Status) {
    const old = run.branches[index];
    if (old === status) return;
    if (!run.removed) {
      this.count(this.iterationCounts, run.name, old, -1);
      this.count(this.iterationCounts, run.name, status, +1);
    }
    run.branches[index] = status;
  }

  private remove(run: Run) {
    const stack = [run];
    while (stack.length) {
      const item = stack.pop()!;
      if (!item.removed) {
        item.removed = true;
        this.count(this.counts, item.name, item.status, -1);
        for (const s of item.iterations.values()) this.count(this.iterationCounts, item.name, s, -1);
        for (const s of item.branches) this.count(this.iterationCounts, item.name, s, -1);
        this.close(item);
      }
      stack.push(...item.children);
    }
  }

  private resetChildren(run: Run) {
    for (const child of run.children) this.remove(child);
    run.children = [];
    for (const s of run.iterations.values()) this.count(this.iterationCounts, run.name, s, -1);
    for (const s of run.branches) this.count(this.iterationCounts, run.name, s, -1);
    run.iterations = new Map();
    run.branches = [];
  }

  private endOpen(status: Status, within?: Run, scope?: Scope) {
    for (const run of [...this.openRuns.values()]) {
      if (within && !under(run, within)) continue;
      if (scope && !inScope(run, scope)) continue;
      this.set(run, status);
      this.close(run);
    }
  }

  // -- events --------------------------------------------------------------------------------

  /** Apply one event; events must come in id order. */
  apply(event: HistoryEvent): void {
    const id = event.id;
    const type = event.type;
    const prev = event.previousEventId ?? 0;
    const owner = this.owner.get(prev) ?? null;
    this.lastEventId = id;
    this.types.set(id, type);
    let run: Run | null = owner;
    const details = detailsOf(event);

    if (type.endsWith("StateEntered")) {
      run = this.enter(event, type.slice(0, -"StateEntered".length), prev, owner, details);
    } else if (type.endsWith("StateExited")) {
      run = up(owner, (r) => r.name === details.name);
      if (run) {
        this.set(run, run.failed ? "CAUGHT_ERROR" : "SUCCEEDED");
        this.close(run);
        run.exitedAt = event.timestamp;
        run.output = details.output;
        if (details.assignedVariables) run.variables = details.assignedVariables;
        this.branchEnd(run);
      }
    } else if (type === "MapIterationStarted") {
      run = up(owner, (r) => r.type === "Map" && r.name === details.name);
      if (run) {
        this.index.set(id, details.index ?? 0);
        this.setIteration(run, details.index ?? 0, "IN_PROGRESS");
      }
    } else if (type === "MapIterationSucceeded" || type === "MapIterationFailed" || type === "MapIterationAborted") {
      run = up(owner, (r) => r.type === "Map" && r.name === details.name);
      if (run) {
        const index = details.index ?? 0;
        const status: Status = type === "MapIterationSucceeded" ? "SUCCEEDED" : type === "MapIterationFailed" ? "FAILED" : "CANCELLED";
        this.setIteration(run, index, status);
        if (status !== "SUCCEEDED") this.endOpen(status, undefined, { parent: run.id, kind: "i", index });
      }
    } else if (type === "MapStateStarted" || type === "ParallelStateStarted") {
      if (run) {
        if (run.attempts) {
          this.resetChildren(run);
          run.retries += 1;
        }
        run.attempts += 1;
        run.failed = false;
        this.set(run, "IN_PROGRESS");
        run.open = true;
        this.openRuns.set(run.id, run);
      }
    } else if (type === "MapStateSucceeded" || type === "ParallelStateSucceeded") {
      const kind = type.slice(0, -"StateSucceeded".length);
      run = up(owner, (r) => r.type === kind && r.open);
      if (run && kind === "Parallel") for (let i = 0; i < run.branches.length; i++) this.setBranch(run, i, "SUCCEEDED");
    } else if (type === "MapStateFailed" || type === "ParallelStateFailed") {
      const kind = type.slice(0, -"StateFailed".length);
      run = up(owner, (r) => r.type === kind && r.open);
      if (run) this.containerFailed(run, owner);
    } else if (TASK_STARTS.has(type)) {
      if (run) {
        run.attempts += 1;
        if (run.attempts > 1) run.retries += 1;
        run.failed = false;
        this.set(run, "IN_PROGRESS");
      }
    } else if (TASK_FAILURES.has(type)) {
      if (run) {
        // Not yet the state's outcome: a Retry may run it again, a Catch makes it CAUGHT_ERROR on
        // exit, and only the end of its execution, branch or iteration makes it FAILED.
        run.failed = true;
        run.error = details.error;
        run.cause = details.cause;
      }
    } else if (type.startsWith("Execution")) {
      run = null;
      this.execution(type);
    }
    this.owner.set(id, run);
    if (run) run.eventIds.push(id);
  }

  private enter(event: HistoryEvent, type: string, prev: number, owner: Run | null, details: Record<string, any>): Run {
    const prevType = this.types.get(prev);
    let parent: Run | null;
    let scope: Scope | null;
    if (prevType === "MapIterationStarted" && owner) {
      parent = owner;
      scope = { parent: owner.id, kind: "i", index: this.index.get(prev) ?? 0 };
    } else if (prevType === "ParallelStateStarted" && owner) {
      parent = owner;
      scope = { parent: owner.id, kind: "b", index: owner.branches.length };
      owner.branches.push("IN_PROGRESS");
      this.count(this.iterationCounts, owner.name, "IN_PROGRESS", +1);
    } else if (owner) {
      parent = owner.parent;
      scope = owner.scope;
    } else {
      parent = null;
      scope = null;
    }
    const run: Run = {
      id: this.runs.length, name: details.name ?? "", type, parent, scope, status: "IN_PROGRESS", open: true, failed: false,
      removed: false, children: [], iterations: new Map(), branches: [], attempts: 0,
      enteredId: event.id, enteredAt: event.timestamp, input: details.input, retries: 0, eventIds: [],
    };
    this.runs.push(run);
    if (parent) parent.children.push(run);
    this.count(this.counts, run.name, "IN_PROGRESS", +1);
    this.openRuns.set(run.id, run);
    return run;
  }

  private branchEnd(run: Run) {
    const scope = run.scope;
    if (!scope || scope.kind !== "b" || !this.terminal.has(run.name) || run.status !== "SUCCEEDED") return;
    const parent = run.parent;
    if (parent && scope.index < parent.branches.length) this.setBranch(parent, scope.index, "SUCCEEDED");
  }

  private containerFailed(run: Run, owner: Run | null) {
    run.failed = true;
    this.set(run, "FAILED");
    this.close(run);
    if (run.type === "Parallel") {
      const failing = up(owner, (r) => r.parent === run);
      const failedBranch = failing?.scope ? failing.scope.index : undefined;
      run.branches.forEach((status, index) => {
        const scope: Scope = { parent: run.id, kind: "b", index };
        if (index === failedBranch) {
          this.endOpen("FAILED", undefined, scope);
          this.setBranch(run, index, "FAILED");
        } else if (status === "IN_PROGRESS") {
          const busy = [...this.openRuns.values()].some((r) => inScope(r, scope));
          this.endOpen("CANCELLED", undefined, scope);
          this.setBranch(run, index, busy ? "CANCELLED" : "SUCCEEDED");
        }
      });
    } else {
      this.endOpen("CANCELLED", run);
    }
  }

  private execution(type: string) {
    if (type === "ExecutionStarted" || type === "ExecutionRedriven") {
      this.status = "RUNNING";
      if (type === "ExecutionRedriven") {
        for (const run of this.runs) if (!run.removed && (run.status === "FAILED" || run.status === "CANCELLED")) this.remove(run);
      }
    } else if (type === "ExecutionSucceeded") this.status = "SUCCEEDED";
    else if (type === "ExecutionFailed") {
      this.status = "FAILED";
      this.endEverything("FAILED");
    } else if (type === "ExecutionTimedOut") {
      this.status = "TIMED_OUT";
      this.endEverything("CANCELLED");
    } else if (type === "ExecutionAborted") {
      this.status = "ABORTED";
      this.endEverything("CANCELLED");
    }
  }

  /** The execution ended: whatever still runs (states, iterations, branches) ends with it. */
  private endEverything(status: Status) {
    this.endOpen(status);
    for (const run of this.runs) {
      for (const [index, value] of [...run.iterations]) if (value === "IN_PROGRESS") this.setIteration(run, index, status);
      run.branches.forEach((value, index) => {
        if (value === "IN_PROGRESS") this.setBranch(run, index, status);
      });
    }
  }

  // -- results -------------------------------------------------------------------------------

  /** The overlay, in exactly designer/overlay.py's shape. */
  result(): OverlayResult {
    const states: OverlayResult["states"] = {};
    for (const name of this.names) states[name] = { status: "NOT_STARTED", counts: {} };
    for (const [name, counts] of this.counts) {
      if (!Object.keys(counts).length) continue;
      const status = PRIORITY.find((s) => counts[s]) ?? "NOT_STARTED";
      states[name] = { status, counts: sortKeys(counts) };
    }
    const iterations: OverlayResult["iterations"] = {};
    for (const [name, counts] of this.iterationCounts) if (Object.keys(counts).length) iterations[name] = sortKeys(counts);
    return { status: this.status, states: sortKeys(states), iterations: sortKeys(iterations) };
  }

  /** The same overlay for the runs inside one Map iteration (an "opened" iteration). */
  resultWithin(scope: Scope): OverlayResult["states"] {
    const table = new Map<string, Counts>();
    for (const run of this.runs) {
      if (run.removed || !inScope(run, scope)) continue;
      const counts = table.get(run.name) ?? {};
      counts[run.status] = (counts[run.status] ?? 0) + 1;
      table.set(run.name, counts);
    }
    const out: OverlayResult["states"] = {};
    for (const [name, counts] of table) out[name] = { status: PRIORITY.find((s) => counts[s]) ?? "NOT_STARTED", counts };
    return out;
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key];
  return out;
}

/** The overlay of a whole history. */
export function buildOverlay(events: HistoryEvent[], definition?: unknown): OverlayResult {
  const overlay = new Overlay(definition);
  for (const event of [...events].sort((a, b) => a.id - b.id)) overlay.apply(event);
  return overlay.result();
}
