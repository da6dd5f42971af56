// The code view: the ASL document as JSON or YAML in CodeMirror 6, two-way. Valid edits become
// documents (undoable); invalid text is marked and kept; graph edits rewrite the text only
// while the text is valid, so nothing typed is ever lost.
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { bracketMatching, defaultHighlightStyle, foldGutter, syntaxHighlighting } from "@codemirror/language";
import { Annotation, Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, keymap, lineNumbers, highlightActiveLine } from "@codemirror/view";
import type { DecorationSet } from "@codemirror/view";
import { useEffect, useRef, useState } from "react";
import { parseText, stringify } from "../asl/io";
import type { Format } from "../asl/io";
import type { Machine } from "../asl/types";
import { useEditor } from "./store";

const markError = StateEffect.define<number | null>();
const userEdit = Annotation.define<boolean>();
const errorLine = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(markError)) {
        deco = e.value === null ? Decoration.none : Decoration.set([Decoration.line({ class: "cm-error-line" }).range(tr.state.doc.line(Math.min(e.value, tr.state.doc.lines)).from)]);
      }
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** The 1-based line of a parse error, when the parser says where. */
function errorLineOf(error: any, text: string): number | null {
  if (Array.isArray(error?.linePos) && error.linePos[0]?.line) return error.linePos[0].line;
  const m = String(error?.message ?? "").match(/position (\d+)/);
  if (m) return text.slice(0, Number(m[1])).split("\n").length;
  const lc = String(error?.message ?? "").match(/line (\d+)/);
  return lc ? Number(lc[1]) : null;
}

function isMachine(value: unknown): value is Machine {
  return !!value && typeof value === "object" && !Array.isArray(value) && typeof (value as any).States === "object" && (value as any).States !== null;
}

export function CodeView({ format }: { format: Format }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<string | null>(null);
  const ownDoc = useRef<Machine | null>(null);
  const formatRef = useRef(format);
  const doc = useEditor((s) => s.doc);

  const onText = (text: string) => {
    let parsed: unknown;
    try {
      parsed = parseText(text, formatRef.current);
      if (!isMachine(parsed)) throw new Error("A state machine needs a States object");
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      errorRef.current = msg;
      useEditor.setState({ codeDraft: { text, format: formatRef.current } });
      setError(msg);
      view.current?.dispatch({ effects: markError.of(errorLineOf(e, text)) });
      return;
    }
    errorRef.current = null;
    if (useEditor.getState().codeDraft) useEditor.setState({ codeDraft: null });
    setError(null);
    view.current?.dispatch({ effects: markError.of(null) });
    const current = useEditor.getState().doc;
    if (JSON.stringify(current) === JSON.stringify(parsed)) return;
    ownDoc.current = parsed;
    useEditor.getState().apply(() => parsed as Machine, { key: "code" });
  };

  useEffect(() => {
    if (!host.current) return;
    // Text that did not parse when the view was closed comes back as it was, still marked.
    const draft = useEditor.getState().codeDraft;
    const restored = draft && draft.format === format ? draft.text : null;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: restored ?? stringify(useEditor.getState().doc, format),
        extensions: [
          lineNumbers(), foldGutter(), history(), bracketMatching(), highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          lang.current.of(format === "json" ? json() : yaml()),
          errorLine,
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => { if (u.docChanged && u.transactions.some((t) => t.isUserEvent("input") || t.isUserEvent("delete") || t.isUserEvent("undo") || t.isUserEvent("redo") || t.isUserEvent("move") || t.annotation(userEdit))) onText(u.state.doc.toString()); }),
        ],
      }),
    });
    view.current = v;
    (host.current as any).cmView = v;
    if (restored !== null) onText(restored);
    return () => v.destroy();
    // Created once; format and document changes are pushed in by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Switching JSON <-> YAML re-renders the current document (only when the text is valid).
  useEffect(() => {
    formatRef.current = format;
    const v = view.current;
    if (!v) return;
    v.dispatch({ effects: lang.current.reconfigure(format === "json" ? json() : yaml()) });
    if (!errorRef.current) replaceText(v, stringify(useEditor.getState().doc, format));
  }, [format]);

  // Graph edits (and undo) flow into the text, unless the text holds unsaved invalid input.
  useEffect(() => {
    const v = view.current;
    if (!v || doc === ownDoc.current) return;
    ownDoc.current = null;
    if (errorRef.current) return;
    const text = stringify(doc, formatRef.current);
    if (text !== v.state.doc.toString()) replaceText(v, text);
  }, [doc]);

  return (
    <div className={`code-view${error ? " invalid" : ""}`} data-testid="code-view">
      <div className="code-host" ref={host} />
      {error && <div className="code-error" role="alert">Not applied — {error}. The diagram keeps the last valid definition.</div>}
    </div>
  );
}

function replaceText(v: EditorView, text: string) {
  v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
}

/** Used by tests and import: type into the code view as a user would. */
export function setCodeText(v: EditorView, text: string) {
  v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, annotations: userEdit.of(true) });
}
