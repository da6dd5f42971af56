// Connecting two states with the keyboard: select a state, press C, choose which of its outputs
// (Next, a Choice rule, Default, a Catcher) and the state it goes to, then Enter.
import { useState } from "react";
import { getBlock, locateNode, nodeId } from "../asl/scope";
import type { State } from "../asl/types";
import { Dialog } from "../ui/Dialog";
import { connectNodes } from "./actions";
import { useEditor } from "./store";

const TERMINAL = new Set(["Succeed", "Fail"]);

/** The outputs of a state, as edge handle ids with a label. */
export function outputsOf(state: State): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (state.Type === "Choice") {
    (state.Choices ?? []).forEach((_: unknown, i: number) => out.push([`choice:${i}`, `Rule ${i + 1}`]));
    out.push(["default", "Default"]);
  } else if (!TERMINAL.has(state.Type)) out.push(["next", "Next"]);
  (state.Catch ?? []).forEach((c: { ErrorEquals?: string[] }, i: number) => out.push([`catch:${i}`, `Catch ${(c.ErrorEquals ?? []).join(", ") || i + 1}`]));
  if (!TERMINAL.has(state.Type) && state.Type !== "Choice") out.push([`catch:${(state.Catch ?? []).length}`, "New catcher (States.ALL)"]);
  return out;
}

export function ConnectDialog({ sourceId, onClose }: { sourceId: string; onClose: () => void }) {
  const doc = useEditor.getState().doc;
  const at = locateNode(doc, sourceId);
  const block = at ? getBlock(doc, at.path) : undefined;
  const state = at && block ? block.States[at.name] : undefined;
  const outputs = state ? outputsOf(state) : [];
  const targets = block && at ? Object.keys(block.States).filter((n) => n !== at.name) : [];
  const [handle, setHandle] = useState(outputs[0]?.[0] ?? "");
  const [target, setTarget] = useState(targets[0] ?? "");
  if (!at || !state) return null;
  const connect = () => {
    if (!handle || !target) return;
    connectNodes(sourceId, handle, nodeId(at.path, target));
    onClose();
  };
  return (
    <Dialog label={`Connect ${at.name}`} onClose={onClose} testId="connect-dialog" initialFocus="[data-testid=connect-target]">
      {/* Enter on a select does not submit a form by itself: make it do so here. */}
      <form onSubmit={(e) => { e.preventDefault(); connect(); }} className="connect-form"
        onKeyDown={(e) => { if (e.key === "Enter" && (e.target as HTMLElement).tagName === "SELECT") { e.preventDefault(); connect(); } }}>
        <h2>Connect {at.name}</h2>
        {outputs.length === 0 || targets.length === 0 ? <p className="muted">{outputs.length === 0 ? `A ${state.Type} state ends the workflow: it has no output.` : "There is no other state in this block."}</p> : (
          <>
            <label>Output
              <select value={handle} onChange={(e) => setHandle(e.target.value)} data-testid="connect-output">
                {outputs.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
              </select>
            </label>
            <label>To state
              <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="connect-target">
                {targets.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            </label>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!handle || !target} data-testid="connect-confirm">Connect</button>
        </div>
      </form>
    </Dialog>
  );
}
