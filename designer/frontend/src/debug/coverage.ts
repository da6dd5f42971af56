// Coverage on the canvas: a test run's coverage report turned into what each state node shows —
// whether the state itself ran, and which of its rules, Default, retriers and catchers did not.
import type { Coverage } from "./debugApi";

export interface StateCoverage {
  covered: boolean;
  /** What in this state no test case exercised, in words ("Rule 2", "Default", "Retry 1", "Catch 1"). */
  missing: string[];
}

export function coverageByState(coverage: Coverage): Record<string, StateCoverage> {
  const out: Record<string, StateCoverage> = {};
  for (const t of coverage.targets) {
    const entry = (out[t.state] ??= { covered: false, missing: [] });
    if (t.kind === "state") entry.covered = t.covered;
    else if (!t.covered) entry.missing.push(label(t.kind, t.index));
  }
  return out;
}

function label(kind: string, index: number | null): string {
  switch (kind) {
    case "choice": return `Rule ${(index ?? 0) + 1}`;
    case "default": return "Default";
    case "retry": return `Retry ${(index ?? 0) + 1}`;
    default: return `Catch ${(index ?? 0) + 1}`;
  }
}
