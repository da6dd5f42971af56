// The editor store: the ASL document, the positions sidecar, selection and the undo stack.
// Every change goes through `apply` with a pure gesture, so undo is a stack of documents.
import { create } from "zustand";
import type { Machine, Positions } from "../asl/types";

export interface Diagnostic {
  path: string;
  code: string;
  message: string;
  severity: string;
}

interface Snapshot {
  doc: Machine;
  positions: Positions;
}

export interface EditorState {
  /** Saved name, or null for a machine not yet created. */
  name: string | null;
  doc: Machine;
  positions: Positions;
  past: Snapshot[];
  future: Snapshot[];
  /** Key of the last change, so bursts of typing in one field make one undo step. */
  lastKey?: string;
  lastAt: number;
  selection: string[];
  /** Field to focus in the inspector (set when a diagnostic is clicked). */
  focusField?: string;
  diagnostics: Diagnostic[];
  dirty: boolean;
  revision?: number;
  /** The last ELK layout and the structure it belongs to; saved so reopening needs no layout run. */
  autoLayout: { key: string; positions: Positions } | null;
  /** Code-view text that does not parse, kept while the code view is closed so it is not lost. */
  codeDraft: { text: string; format: string } | null;

  load: (name: string | null, doc: Machine, positions?: Positions, revision?: number, autoLayout?: { key: string; positions: Positions } | null) => void;
  apply: (gesture: (doc: Machine) => Machine, options?: { key?: string; select?: string[]; positions?: (p: Positions) => Positions }) => void;
  setPositions: (update: (p: Positions) => Positions) => void;
  undo: () => void;
  redo: () => void;
  select: (ids: string[], focusField?: string) => void;
  setDiagnostics: (d: Diagnostic[]) => void;
  saved: (name: string, revision?: number) => void;
}

const COALESCE_MS = 1200;
const LIMIT = 200;

export const useEditor = create<EditorState>((set, get) => ({
  name: null,
  doc: { States: {} },
  positions: {},
  past: [],
  future: [],
  lastAt: 0,
  selection: [],
  diagnostics: [],
  dirty: false,
  autoLayout: null,
  codeDraft: null,

  load: (name, doc, positions = {}, revision, autoLayout = null) =>
    set({ name, doc, positions, past: [], future: [], selection: [], diagnostics: [], dirty: false, lastKey: undefined, revision, focusField: undefined, autoLayout, codeDraft: null }),

  apply: (gesture, options = {}) => {
    const { doc, positions, past, lastKey, lastAt } = get();
    const next = gesture(doc);
    const nextPositions = options.positions ? options.positions(positions) : positions;
    if (next === doc && nextPositions === positions) return;
    const now = Date.now();
    const coalesce = options.key !== undefined && options.key === lastKey && now - lastAt < COALESCE_MS;
    set({
      doc: next,
      positions: nextPositions,
      past: coalesce ? past : [...past, { doc, positions }].slice(-LIMIT),
      future: [],
      lastKey: options.key,
      lastAt: now,
      dirty: true,
      ...(options.select ? { selection: options.select } : {}),
    });
  },

  setPositions: (update) => set((s) => ({ positions: update(s.positions), dirty: true })),

  undo: () => {
    const { past, future, doc, positions } = get();
    const prev = past[past.length - 1];
    if (!prev) return;
    set({ ...prev, past: past.slice(0, -1), future: [{ doc, positions }, ...future], lastKey: undefined, dirty: true });
  },

  redo: () => {
    const { past, future, doc, positions } = get();
    const next = future[0];
    if (!next) return;
    set({ ...next, past: [...past, { doc, positions }], future: future.slice(1), lastKey: undefined, dirty: true });
  },

  select: (ids, focusField) => set({ selection: ids, focusField }),
  setDiagnostics: (diagnostics) => set({ diagnostics }),
  saved: (name, revision) => set({ name, dirty: false, revision }),
}));
