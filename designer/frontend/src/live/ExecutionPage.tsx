// The execution page (/machines/<name>/executions/<execution name>/): the diagram coloured by
// live status, the selected state's details, the event history and a timeline, with stop,
// redrive and "run again". Everything live comes from ws/executions/<id>/ through the store.
import { useEffect, useMemo, useState } from "react";
import { innerBlocks, stateFacts } from "../asl/stateTypes";
import type { Machine } from "../asl/types";
import { Link } from "../router";
import { ExecutionDiagram, Legend } from "./ExecutionDiagram";
import type { DiagramStatus } from "./ExecutionDiagram";
import { duration, EXECUTION_DONE, expressNote, pretty, REDRIVABLE, time } from "./format";
import { HistoryTable } from "./HistoryTable";
import { executionsPath, liveApi } from "./liveApi";
import { collectStates } from "./overlay";
import type { Scope } from "./overlay";
import { useBreakpoints } from "../debug/breakpoints";
import { DebugPanel, useExecutionDebug } from "../debug/ExecutionDebug";
import { debugApi } from "../debug/debugApi";
import { RerunDialog } from "../debug/RerunDialog";
import { ReplayCursor } from "./replay";
import { ReplayBar } from "./ReplayBar";
import { useExecutionSocket } from "./socket";
import { StartExecutionDialog } from "./StartExecutionDialog";
import { StateDetails } from "./StateDetails";
import { MapRunLinks } from "./MapRunPage";
import { LiveExecution, throttledPublisher, useLive } from "./store";
import type { ExecutionInfo } from "./store";
import { Timeline } from "./Timeline";
import "./live.css";

export function ExecutionPage({ machine, name }: { machine: string; name: string }) {
  const [info, setInfo] = useState<ExecutionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setInfo(null);
    setError(null);
    liveApi.executionByName(machine, name).then(setInfo, (e) => setError((e as Error).message));
  }, [machine, name]);

  const live = useMemo(() => {
    if (!info) return null;
    let current: LiveExecution | null = null;
    current = new LiveExecution((after) => liveApi.history(info.id, after), throttledPublisher(() => current), info.definition);
    current.execution = info;
    return current;
    // A new LiveExecution only for another execution, not for a refreshed summary.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [info?.id]);

  useEffect(() => {
    useLive.getState().setLive(live);
    return () => useLive.getState().setLive(null);
  }, [live]);
  useExecutionSocket(info?.id ?? null, live);

  if (error) return <div className="page-error">{error} <Link to={executionsPath(machine)}>Back to the executions</Link></div>;
  if (!info || !live) return <div className="page-loading">Loading execution…</div>;
  return <ExecutionView machine={machine} info={info} live={live} />;
}

function ExecutionView({ machine, info, live }: { machine: string; info: ExecutionInfo; live: LiveExecution }) {
  const version = useLive((s) => s.version);
  const overlayResult = useLive((s) => s.overlay);
  const execution = useLive((s) => s.execution) ?? info;
  const connection = useLive((s) => s.connection);
  const [selected, setSelected] = useState<string | null>(null);
  const [scope, setScope] = useState<Scope | null>(null);
  const [tab, setTab] = useState<"events" | "timeline">("events");
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [again, setAgain] = useState(false);
  const [, tick] = useState(0);
  // Replay: the number of events shown, or null to follow the live execution.
  const [replayAt, setReplayAt] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const cursor = useMemo(() => new ReplayCursor(info.definition), [info.definition]);
  const view = replayAt === null ? live.overlay : cursor.seek(live.events, replayAt);
  const [rerun, setRerun] = useState<{ state: string; input: string } | null>(null);

  const definition = (info.definition ?? { States: {} }) as Machine;
  const positions = info.layout?.positions ?? {};
  const status = execution.status;
  const running = !EXECUTION_DONE.has(status);
  // The debugger: a debug execution's own breakpoints, else the machine's (for the next debug run).
  const [debugState, setDebugState] = useExecutionDebug(info.id, version, running);
  const machineBreakpoints = useBreakpoints((s) => s.states);
  useEffect(() => useBreakpoints.getState().load(machine), [machine]);
  const debugRun = !!debugState?.debug && running;
  const breakpoints = debugRun ? debugState!.breakpoints : machineBreakpoints;
  const toggleBreakpoint = (state: string) => {
    if (!debugRun) return void useBreakpoints.getState().toggle(state);
    const next = breakpoints.includes(state) ? breakpoints.filter((s) => s !== state) : [...breakpoints, state];
    debugApi.setExecutionBreakpoints(info.id, next).then(setDebugState, (e) => setActionError((e as Error).message));
  };

  // Durations of running states grow: refresh once a second while the execution runs.
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(timer);
  }, [running]);

  const diagramStatus: DiagramStatus = useMemo(() => {
    const base = replayAt === null ? overlayResult ?? live.overlay.result() : view.result();
    if (!scope) return { states: base.states, iterations: base.iterations };
    // An opened iteration: the states inside that Map / branch show that iteration alone.
    const container = view.runs[scope.parent];
    const inner = new Set<string>();
    const state = findState(definition, container?.name ?? "");
    // A Map holds one block (its item processor), a Parallel one block per branch.
    const blocks = innerBlocks(state);
    const block = stateFacts(state?.Type).blocks === "Branches" ? blocks[scope.index] : blocks[0];
    collectStates(block).names.forEach((n) => inner.add(n));
    const within = view.resultWithin(scope);
    const states = { ...base.states };
    for (const n of inner) states[n] = within[n] ?? { status: "NOT_STARTED", counts: {} };
    return { states, iterations: base.iterations };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [overlayResult, scope, live, replayAt, view]);

  const act = async (action: () => Promise<ExecutionInfo>) => {
    setBusy(true);
    setActionError(null);
    try {
      const updated = await action();
      live.execution = { ...live.execution!, ...updated };
      useLive.setState({ execution: live.execution });
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const end = execution.stop_date ? Date.parse(execution.stop_date) : Date.now();
  const container = scope ? view.runs[scope.parent] : null;
  return (
    <div className="execution-page" data-testid="execution-page">
      <div className="exec-header">
        <div className="exec-title">
          <Link to={executionsPath(machine)} className="muted">{machine} / executions</Link>
          <h1>{execution.name}</h1>
        </div>
        <span className={`exec-status status-${status}`} data-testid="execution-status" data-status={status}>{status}</span>
        <dl className="exec-facts">
          <dt>Started</dt><dd>{time(execution.start_date)}</dd>
          <dt>{execution.stop_date ? "Ended" : "Running for"}</dt>
          <dd>{execution.stop_date ? time(execution.stop_date) : duration(end - Date.parse(execution.start_date))}</dd>
          {execution.stop_date && <><dt>Duration</dt><dd>{duration(end - Date.parse(execution.start_date))}</dd></>}
          <dt>Events</dt><dd data-testid="event-count">{live.events.length}</dd>
        </dl>
        <span className="spacer" />
        <span className={`live-dot live-${connection}`} title={`Live updates: ${connection}`}>{connection === "connected" ? "live" : connection}</span>
        <button type="button" data-testid="stop-execution" disabled={!running || busy} onClick={() => {
          if (window.confirm(`Stop ${execution.name}?`)) void act(() => liveApi.stop(execution.id));
        }}>Stop</button>
        <button type="button" data-testid="redrive-execution" disabled={!REDRIVABLE.has(status) || busy || execution.type === "EXPRESS"}
          onClick={() => void act(() => liveApi.redrive(execution.id))}>Redrive</button>
        <button type="button" className="accent" data-testid="run-again" onClick={() => setAgain(true)}>New execution</button>
        <Link to={`/machines/${encodeURIComponent(machine)}`} className="button">Edit machine</Link>
      </div>
      {actionError && <div className="field-error exec-action-error">{actionError}</div>}
      {expressNote(execution.type) && <div className="exec-express-note muted" data-testid="express-note">{expressNote(execution.type)}</div>}
      {execution.error && <div className="exec-error-banner"><strong>{execution.error}</strong> {execution.cause}</div>}
      {debugState && <DebugPanel id={info.id} state={debugState} onChange={setDebugState} />}
      <div className="exec-body">
        <div className="exec-canvas">
          <ExecutionDiagram definition={definition} positions={positions} status={diagramStatus} selected={selected} onSelect={setSelected} breakpoints={breakpoints} />
          <Legend />
          {scope && container && (
            <div className="iteration-banner" data-testid="opened-iteration">
              Showing {stateFacts(container.type).blocks === "ItemProcessor" ? `iteration ${scope.index}` : `branch ${scope.index + 1}`} of {container.name}
              <button type="button" className="link" onClick={() => setScope(null)}>Show all</button>
            </div>
          )}
        </div>
        <aside className="exec-inspector">
          <MapRunLinks machine={machine} execution={execution.name} executionId={execution.id} state={selected} events={live.events.length} />
          <StateDetails key={replayAt ?? "live"} name={selected} overlay={view} scope={scope} onOpen={setScope} execution={execution}
            debug={{ breakpoints, onToggleBreakpoint: toggleBreakpoint, onRerun: (state, input) => setRerun({ state, input }) }} />
        </aside>
      </div>
      <div className="exec-bottom">
        <ReplayBar events={live.events} at={replayAt} onSeek={setReplayAt} playing={playing} onPlaying={setPlaying} />
        <div className="tabs">
          <button type="button" className={tab === "events" ? "active" : ""} onClick={() => setTab("events")}>Events</button>
          <button type="button" className={tab === "timeline" ? "active" : ""} onClick={() => setTab("timeline")} data-testid="timeline-tab">Timeline</button>
        </div>
        {tab === "events"
          ? <HistoryTable events={live.events} overlay={live.overlay} version={version} fileName={`${execution.name}-history.json`} />
          : <Timeline overlay={live.overlay} version={version} stop={execution.stop_date} />}
      </div>
      {rerun && <RerunDialog executionId={info.id} machine={machine} state={rerun.state} input={rerun.input} onClose={() => setRerun(null)} />}
      {again && <StartExecutionDialog machine={machine} initialInput={pretty(execution.input)} onClose={() => setAgain(false)} />}
    </div>
  );
}

function findState(machine: any, name: string): any {
  const states = machine?.States ?? {};
  for (const [key, state] of Object.entries<any>(states)) {
    if (key === name) return state;
    for (const block of innerBlocks(state)) {
      const found = findState(block, name);
      if (found) return found;
    }
  }
  return undefined;
}
