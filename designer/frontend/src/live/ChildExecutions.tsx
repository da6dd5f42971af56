// Tasks started by states:startExecution(.sync) link to the executions they started: the child's
// ARN is in the TaskSubmitted / TaskSucceeded output (and in the state's own output once done).
import { Link } from "../router";
import { executionPath } from "./liveApi";
import type { HistoryEvent } from "./overlay";
import { useLive } from "./store";

const EXECUTION_ARN = /arn:aws[\w-]*:states:[\w-]*:\d*:(?:execution|express):([^:"\s\\]+):([^:"\s\\]+)/g;

/** The (machine, execution name) pairs of the execution ARNs mentioned in some texts. */
export function childExecutions(texts: Array<string | undefined>): Array<{ machine: string; name: string }> {
  const seen = new Map<string, { machine: string; name: string }>();
  for (const text of texts) {
    if (!text) continue;
    for (const m of text.matchAll(EXECUTION_ARN)) seen.set(`${m[1]}/${m[2]}`, { machine: m[1], name: m[2] });
  }
  return [...seen.values()];
}

function detailsOutput(event: HistoryEvent): string | undefined {
  for (const value of Object.values(event)) {
    if (value && typeof value === "object" && typeof (value as { output?: unknown }).output === "string") return (value as { output: string }).output;
  }
  return undefined;
}

export function ChildExecutions({ eventIds, output }: { eventIds: number[]; output?: string }) {
  useLive((s) => s.version); // new events arrive as the child runs
  const live = useLive((s) => s.live);
  const events = live?.events ?? [];
  const self = live?.execution ? `${live.execution.machine}/${live.execution.name}` : undefined;
  const ids = new Set(eventIds);
  const texts = events.filter((e) => ids.has(e.id) && (e.type === "TaskSubmitted" || e.type === "TaskSucceeded")).map(detailsOutput);
  const children = childExecutions([...texts, output]).filter((c) => `${c.machine}/${c.name}` !== self);
  if (!children.length) return null;
  return (
    <section data-testid="child-executions">
      <h4>Started execution{children.length === 1 ? "" : "s"}</h4>
      <ul className="child-links">{children.map((c) => <li key={`${c.machine}/${c.name}`}><Link to={executionPath(c.machine, c.name)} data-testid="child-execution-link">{c.machine} / {c.name}</Link></li>)}</ul>
    </section>
  );
}
