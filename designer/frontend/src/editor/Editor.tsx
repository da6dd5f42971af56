// The designer page: palette | canvas | inspector, with the code view beside the canvas,
// the diagnostics list below it and the toolbar above. The document lives in the store.
import { stateFacts } from "../asl/stateTypes";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { aslToGraph, mergePositions } from "../asl/graph";
import type { Format } from "../asl/io";
import { emptyMachine } from "../asl/ops";
import { findState, locateNode, nodeId, pointerTarget } from "../asl/scope";
import type { Machine, Positions } from "../asl/types";
import { api, ApiError } from "../api";
import { useBreakpoints } from "../debug/breakpoints";
import { coverageByState } from "../debug/coverage";
import type { Coverage } from "../debug/debugApi";
import { TestsPanel } from "../debug/TestsPanel";
import { Diagram } from "../diagram/Diagram";
import type { Overlay } from "../diagram/overlay";
import { useAutoLayout } from "../diagram/useAutoLayout";
import { Inspector } from "../inspector/Inspector";
import { PALETTE } from "../nodes/registry";
import { addFromPalette, connectNodes, copySelection, deleteItems, duplicateSelection, pasteClipboard, reconnectEdge } from "./actions";
import { CodeView } from "./CodeView";
import { ConnectDialog } from "./ConnectDialog";
import { MachineTabs } from "../studio/MachineTabs";
import { Diagnostics } from "./Diagnostics";
import { noteMachine } from "./drafts";
import { Palette } from "./Palette";
import { useEditor } from "./store";
import { revealNode, useCanvasDrop } from "./useCanvasDrop";
import { Toolbar } from "./Toolbar";

export function EditorPage({ name, template }: { name: string | null; template?: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let cancelled = false;
    setLoaded(false);
    const done = (machineName: string | null, doc: Machine, positions?: Positions, revision?: number, auto?: { key: string; positions: Positions } | null) => {
      if (cancelled) return;
      performance.mark("statecraft:loaded");
      useEditor.getState().load(machineName, doc, positions, revision, auto);
      setLoaded(true);
    };
    if (name) {
      api.machine(name).then((m) => {
        done(m.name, m.definition, m.layout?.positions ?? {}, m.revision, m.layout?.auto ?? null);
        noteMachine(m);
        useEditor.getState().setDiagnostics(m.diagnostics ?? []); // a draft reopens with its problems
      }, (e) => setError((e as Error).message));
    } else if (template) {
      api.templates().then((list) => {
        const t = list.find((x) => x.name === template);
        done(null, t ? t.definition : emptyMachine());
      }, () => done(null, emptyMachine()));
    } else {
      done(null, emptyMachine());
    }
    return () => { cancelled = true; };
  }, [name, template]);
  if (error) return <div className="page-error">Could not open “{name}”: {error}</div>;
  if (!loaded) return <div className="page-loading">Loading…</div>;
  return (
    <ReactFlowProvider>
      <EditorBody />
    </ReactFlowProvider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

// Fit the machine beside the zoom controls (bottom left) and the minimap (bottom right), not
// under them: fitted edge to edge, the minimap covered the states at the bottom right.
const FIT_PADDING = { top: "32px", bottom: "32px", left: "56px", right: "184px" } as const;

function EditorBody() {
  const doc = useEditor((s) => s.doc);
  const positions = useEditor((s) => s.positions);
  const selection = useEditor((s) => s.selection);
  const diagnostics = useEditor((s) => s.diagnostics);
  const flow = useReactFlow();
  const [initialLayout] = useState(() => useEditor.getState().autoLayout);
  const auto = useAutoLayout(doc, initialLayout);
  useEffect(() => {
    if (auto.ready) useEditor.setState({ autoLayout: { key: auto.key, positions: auto.positions } });
  }, [auto]);
  const [codeOpen, setCodeOpen] = useState(false);
  const [connecting, setConnecting] = useState<string | null>(null);
  const [format, setFormat] = useState<Format>("json");
  const [functions, setFunctions] = useState<string[]>([]);
  const canvasRef = useRef<HTMLDivElement>(null);
  const machineName = useEditor((s) => s.name);
  const breakpoints = useBreakpoints((s) => s.states);
  useEffect(() => useBreakpoints.getState().load(machineName), [machineName]);
  const [testsOpen, setTestsOpen] = useState(false);
  const [coverage, setCoverage] = useState<Coverage | null>(null);

  const graph = useMemo(() => aslToGraph(doc, mergePositions(doc, auto.positions, positions)), [doc, auto.positions, positions]);
  const graphRef = useRef(graph);
  graphRef.current = graph;
  const selectedEdges = useRef<string[]>([]);
  const onEdgeSelectionChange = useCallback((ids: string[]) => { selectedEdges.current = ids; }, []);

  // Fit the view at once (the page is usable while ELK works), and again when the first
  // layout lands if the user has not started working yet.
  const fitted = useRef<"no" | "early" | "laid-out">("no");
  useEffect(() => {
    if (fitted.current === "laid-out" || !graph.nodes.length) return;
    if (fitted.current === "early" && (!auto.ready || useEditor.getState().selection.length || useEditor.getState().past.length)) {
      if (auto.ready) fitted.current = "laid-out";
      return;
    }
    const first = fitted.current === "no";
    fitted.current = auto.ready ? "laid-out" : "early";
    requestAnimationFrame(() => {
      // A big machine fitted whole is unreadable: show its beginning instead.
      const top = graph.nodes.filter((n) => !n.parentId).slice(0, 14).map((n) => ({ id: n.id }));
      flow.fitView(graph.nodes.length > 60 ? { nodes: top, padding: FIT_PADDING, maxZoom: 1 } : { padding: FIT_PADDING, maxZoom: 1.1 });
      if (first) performance.mark("statecraft:interactive");
      if (auto.ready) performance.mark("statecraft:layout-ready");
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [auto.ready, graph.nodes.length > 0]);

  useEffect(() => {
    api.functions().then((list) => setFunctions(list.map((f) => f.resource)), () => setFunctions([]));
  }, []);

  // Server validation, debounced: diagnostics become badges and the list.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      api.validate(doc).then((r) => useEditor.getState().setDiagnostics(r.diagnostics ?? []), (e) => {
        if (e instanceof ApiError && e.diagnostics.length) useEditor.getState().setDiagnostics(e.diagnostics);
      });
    }, 400);
    return () => window.clearTimeout(timer);
  }, [doc]);

  const overlay = useMemo(() => {
    const out: Overlay = {};
    for (const d of diagnostics) {
      const t = pointerTarget(d.path);
      if (!t) continue;
      const o = (out[t.id] ??= { problems: 0, problemText: "" });
      o.problems = (o.problems ?? 0) + 1;
      o.problemText = `${o.problemText ? `${o.problemText}\n` : ""}${d.message}`;
    }
    const idOf = (state: string) => {
      const path = findState(doc, state);
      return path ? nodeId(path, state) : null;
    };
    for (const state of breakpoints) {
      const id = idOf(state);
      if (id) out[id] = { ...out[id], breakpoint: true };
    }
    if (coverage && testsOpen) {
      for (const [state, c] of Object.entries(coverageByState(coverage))) {
        const id = idOf(state);
        if (id) out[id] = { ...out[id], covered: c.covered, uncovered: c.missing };
      }
    }
    return out;
  }, [diagnostics, breakpoints, coverage, testsOpen, doc]);

  // Leaving with unsaved changes asks first (the browser's own prompt).
  useEffect(() => {
    const onLeave = (e: BeforeUnloadEvent) => {
      if (useEditor.getState().dirty && useEditor.getState().past.length) e.preventDefault();
    };
    window.addEventListener("beforeunload", onLeave);
    return () => window.removeEventListener("beforeunload", onLeave);
  }, []);

  // Keyboard: undo/redo, save, copy/paste/duplicate (Delete is React Flow's own key handling).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "s") {
        e.preventDefault();
        document.querySelector<HTMLButtonElement>("[data-testid=save]")?.click();
        return;
      }
      if (isTyping(e.target)) return;
      const store = useEditor.getState();
      if (mod && e.key.toLowerCase() === "z") {
        e.preventDefault();
        if (e.shiftKey) store.redo();
        else store.undo();
      } else if (mod && e.key.toLowerCase() === "y") {
        e.preventDefault();
        store.redo();
      } else if (mod && e.key.toLowerCase() === "c") copySelection();
      else if (mod && e.key.toLowerCase() === "v") pasteClipboard();
      else if (mod && e.key.toLowerCase() === "d") {
        e.preventDefault();
        duplicateSelection();
      } else if (e.key === "Delete" || e.key === "Backspace") {
        // Handled here rather than by React Flow's key tracking, which could miss a Delete
        // right after a Ctrl+Shift chord and leave the selection in place.
        const ids = store.selection.filter((id) => locateNode(store.doc, id));
        const edges = graphRef.current.edges.filter((edge) => selectedEdges.current.includes(edge.id) && !ids.includes(edge.source) && !ids.includes(edge.target));
        if (!ids.length && !edges.length) return;
        e.preventDefault();
        deleteItems(ids, edges);
        selectedEdges.current = [];
      } else if (!mod && !e.altKey && e.key.toLowerCase() === "c" && store.selection.length === 1 && locateNode(store.doc, store.selection[0])) {
        e.preventDefault(); // C: connect the selected state to another with the keyboard
        setConnecting(store.selection[0]);
      } else if (e.key === "Escape") store.select([]);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const { onDragOver, onDragLeave, onDrop } = useCanvasDrop(graph, canvasRef);

  const onPaletteClick = (item: (typeof PALETTE)[number]) => {
    const sel = useEditor.getState().selection;
    const last = lastEndState(useEditor.getState().doc);
    const id = sel.length === 1 && locateNode(useEditor.getState().doc, sel[0])
      ? addFromPalette(item, { kind: "after", id: sel[0] })
      : addFromPalette(item, last ? { kind: "after", id: last } : { kind: "block", path: [] });
    // Bring the new state into view once it is placed, keeping the zoom.
    if (id) window.setTimeout(() => revealNode(flow, canvasRef.current, id), 250);
  };

  const onSelectDiagnostic = (pointer: string) => {
    const t = pointerTarget(pointer);
    if (!t) return;
    useEditor.getState().select([t.id], t.field || "Name");
    const n = flow.getInternalNode(t.id);
    if (n) flow.setCenter(n.internals.positionAbsolute.x + (n.measured.width ?? 200) / 2, n.internals.positionAbsolute.y + 24, { zoom: Math.max(flow.getZoom(), 0.8), duration: 200 });
  };

  return (
    <div className="editor">
      {machineName && <MachineTabs machine={machineName} current="design" />}
      <Toolbar graph={graph} codeOpen={codeOpen} setCodeOpen={setCodeOpen} format={format} setFormat={setFormat} />
      <div className="editor-body">
        <Palette onAdd={onPaletteClick} />
        <div className="canvas-column">
          <div className="canvas" data-testid="canvas" ref={canvasRef} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
            <Diagram
              graph={graph}
              overlay={overlay}
              selection={selection}
              onSelectionChange={(ids) => useEditor.getState().select(ids)}
              onNodeMoved={(id, xy) => useEditor.getState().apply((d) => d, { key: "move", positions: (p) => ({ ...p, [id]: { x: Math.round(xy.x), y: Math.round(xy.y) } }) })}
              onConnect={(c) => connectNodes(c.source, c.sourceHandle, c.target)}
              onReconnect={reconnectEdge}
              onEdgeSelectionChange={onEdgeSelectionChange}
              deleteKeys={false}
            />
            {Object.keys(doc.States ?? {}).length === 0 && (
              <div className="canvas-empty">Drag a state from the palette to start, or click one to add it.</div>
            )}
          </div>
          <div className="bottom-tabs">
            <button type="button" data-testid="tests-tab" aria-pressed={testsOpen} onClick={() => setTestsOpen((v) => !v)}>
              {testsOpen ? "Hide tests" : "Tests"}
            </button>
          </div>
          {testsOpen
            ? <TestsPanel machine={machineName} definition={doc} onCoverage={setCoverage} />
            : <Diagnostics diagnostics={diagnostics} onSelect={onSelectDiagnostic} />}
        </div>
        {codeOpen && <CodeView format={format} />}
        {connecting && <ConnectDialog sourceId={connecting} onClose={() => setConnecting(null)} />}
        <Inspector functions={functions} />
      </div>
    </div>
  );
}

/** The state a click-added item follows when nothing is selected: the last one that ends the flow. */
function lastEndState(doc: Machine): string | undefined {
  const names = Object.keys(doc.States ?? {});
  for (let i = names.length - 1; i >= 0; i--) {
    const s = doc.States[names[i]];
    if (s.End === true && stateFacts(s.Type).moves === "next") return names[i];
  }
  return undefined;
}

