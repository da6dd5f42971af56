// Drafts and save conflicts in the editor. A save names the revision it was made on top of; the
// server keeps a definition that does not validate as a draft (executions keep running the
// deployed revision), and refuses a save on top of a revision someone else has since replaced.
import { useEffect, useState } from "react";
import { diffLines } from "../asl/diff";
import { stringify } from "../asl/io";
import { api, ApiError } from "../api";
import type { MachineDetail } from "../api";
import { studioApi } from "../studio/studioApi";
import { Dialog } from "../ui/Dialog";
import { useEditor } from "./store";

/** Draft state beside the editor store (kept out of it so the store stays about the document). */
export function noteMachine(m: Pick<MachineDetail, "revision"> & { draft?: boolean; deployed_revision?: number; type?: string }) {
  useEditor.setState({ revision: m.revision });
  draftInfo.set({ draft: !!m.draft, deployed: m.deployed_revision ?? m.revision, type: m.type ?? current.type });
}

type DraftInfo = { draft: boolean; deployed: number; type?: string };
const listeners = new Set<(d: DraftInfo) => void>();
let current: DraftInfo = { draft: false, deployed: 0 };
export const draftInfo = {
  get: () => current,
  set: (d: DraftInfo) => { current = d; listeners.forEach((l) => l(d)); },
};
function useDraftInfo(): DraftInfo {
  const [d, setD] = useState(current);
  useEffect(() => { listeners.add(setD); setD(current); return () => { listeners.delete(setD); }; }, []);
  return d;
}

/** Save the open machine on top of the revision it was loaded from (or last saved as). */
export async function saveOnTop(name: string, layout: object, baseRevision?: number): Promise<MachineDetail> {
  const { doc, revision } = useEditor.getState();
  const m = await studioApi.save(name, doc, layout, baseRevision ?? revision);
  noteMachine(m);
  return m;
}

export function isConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 409 && /saved after revision/.test(e.message);
}

/** "Draft · rev 5 (running: rev 4)  [Deploy]" or "Deployed · rev 4". */
export function DraftStatus({ name, onMessage }: { name: string; onMessage: (kind: "ok" | "error", text: string) => void }) {
  const info = useDraftInfo();
  const revision = useEditor((s) => s.revision);
  const dirty = useEditor((s) => s.dirty);
  const errors = useEditor((s) => s.diagnostics.filter((d) => d.severity !== "WARNING").length);
  const deploy = async () => {
    try {
      const m = await studioApi.deploy(name, revision);
      noteMachine(m);
      onMessage("ok", `Deployed revision ${m.revision}: new executions run it`);
    } catch (e) {
      if (e instanceof ApiError && e.diagnostics.length) useEditor.getState().setDiagnostics(e.diagnostics);
      onMessage("error", `Deploy failed: ${(e as Error).message}`);
    }
  };
  if (!info.draft) return <span className="draft-status deployed" data-testid="draft-status" data-draft="false" title="Executions and the AWS API use this revision">Deployed</span>;
  return (
    <span className="draft-status-wrap">
      <span className="draft-status draft" data-testid="draft-status" data-draft="true"
        title={`This is a draft. Executions and the AWS API still use revision ${info.deployed}.`}>
        Draft
      </span>
      <button type="button" onClick={() => void deploy()} disabled={dirty || errors > 0} data-testid="deploy"
        title={errors ? "Fix the problems first: only a valid draft can be deployed" : dirty ? "Save first" : "Make this draft what executions run"}>Deploy</button>
    </span>
  );
}

/** The save was refused: someone saved a newer revision. Reload theirs, or compare and overwrite. */
export function ConflictDialog({ name, message, onClose, onSaved }: { name: string; message: string; onClose: () => void; onSaved: (m: MachineDetail) => void }) {
  const [theirs, setTheirs] = useState<MachineDetail | null>(null);
  const [comparing, setComparing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.machine(name).then(setTheirs, (e) => setError((e as Error).message)); }, [name]);
  const reload = () => {
    if (!theirs) return;
    useEditor.getState().load(theirs.name, theirs.definition, theirs.layout?.positions ?? {}, theirs.revision, theirs.layout?.auto ?? null);
    noteMachine(theirs);
    useEditor.getState().setDiagnostics(theirs.diagnostics ?? []);
    onClose();
  };
  const overwrite = async () => {
    if (!theirs) return;
    try {
      const { positions, autoLayout } = useEditor.getState();
      const m = await saveOnTop(name, { positions, ...(autoLayout ? { auto: autoLayout } : {}) }, theirs.revision);
      onSaved(m);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const diff = theirs && comparing ? diffLines(stringify(theirs.definition, "json"), stringify(useEditor.getState().doc, "json")) : [];
  return (
    <Dialog label="Save conflict" onClose={onClose} wide={comparing} testId="conflict-dialog">
      <h2>Someone else saved {name}</h2>
      <p>{message}</p>
      {theirs && <p className="muted small">Their revision {theirs.revision}{theirs.draft ? " (a draft)" : ""}. Your changes are still here until you choose.</p>}
      {comparing && (
        <>
          <p className="muted small">− their revision {theirs?.revision} · + your version</p>
          <pre className="diff" data-testid="conflict-diff">{diff.map((l, i) => <div key={i} className={`diff-${l.op === "+" ? "add" : l.op === "-" ? "del" : "same"}`}>{l.op} {l.text}</div>)}</pre>
        </>
      )}
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" onClick={reload} disabled={!theirs} data-testid="conflict-reload">Reload theirs</button>
        {!comparing
          ? <button type="button" onClick={() => setComparing(true)} disabled={!theirs} data-testid="conflict-compare">Compare…</button>
          : <button type="button" className="danger-button" onClick={() => void overwrite()} data-testid="conflict-overwrite">Overwrite with mine</button>}
      </div>
    </Dialog>
  );
}
