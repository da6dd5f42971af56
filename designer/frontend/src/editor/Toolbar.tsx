// The editor toolbar: name, save, publish, undo/redo, layout, import/export, code view,
// revisions and start execution. Each control carries its data-testid.
import { useRef, useState } from "react";
import type { Graph } from "../asl/graph";
import type { Format } from "../asl/io";
import { exportTemplate, isTemplate, templateMachines } from "../asl/iac";
import type { TemplateMachine } from "../asl/iac";
import { importFile, parseText, stringify } from "../asl/io";
import type { Machine } from "../asl/types";
import { api, ApiError } from "../api";
import { navigate } from "../router";
import { download, graphToSvg, svgToPng } from "./exportImage";
import { PublishDialog } from "../studio/VersionsPage";
import { ImportDialog, importDirectly } from "./ImportDialog";
import { ConflictDialog, draftInfo, DraftStatus, isConflict, noteMachine, saveOnTop } from "./drafts";
import { RevisionsDialog } from "./RevisionsDialog";
import { StartExecutionDialog } from "./StartExecutionDialog";
import { useEditor } from "./store";
import { useReactFlow } from "@xyflow/react";

export function Toolbar({ graph, codeOpen, setCodeOpen, format, setFormat }: { graph: Graph; codeOpen: boolean; setCodeOpen: (v: boolean) => void; format: Format; setFormat: (f: Format) => void }) {
  const name = useEditor((s) => s.name);
  const dirty = useEditor((s) => s.dirty);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const revision = useEditor((s) => s.revision);
  const [draftName, setDraftName] = useState("");
  const [draftType, setDraftType] = useState("STANDARD");
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [dialog, setDialog] = useState<"start" | "revisions" | "publish" | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [template, setTemplate] = useState<{ machines: TemplateMachine[]; files: File[] } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const flow = useReactFlow();

  const flash = (kind: "ok" | "error", text: string) => {
    setMessage({ kind, text });
    if (kind === "ok") window.setTimeout(() => setMessage((m) => (m?.text === text ? null : m)), 3000);
  };

  const save = async () => {
    const { doc, positions, name: current, autoLayout } = useEditor.getState();
    const layout = { positions, ...(autoLayout ? { auto: autoLayout } : {}) };
    setSaving(true);
    try {
      if (current) {
        const m = await saveOnTop(current, layout);
        useEditor.getState().saved(m.name, m.revision);
        if (m.draft) useEditor.getState().setDiagnostics(m.diagnostics ?? []);
        const problems = (m.diagnostics ?? []).filter((d) => d.severity !== "WARNING").length;
        flash("ok", m.draft ? `Saved as draft revision ${m.revision}: ${problems} problem${problems === 1 ? "" : "s"} to fix` : `Saved revision ${m.revision}`);
      } else {
        const wanted = draftName.trim();
        if (!wanted) {
          flash("error", "Name the state machine before saving");
          document.querySelector<HTMLInputElement>(".machine-name-input")?.focus();
          return;
        }
        const m = await api.create(wanted, doc, layout, draftType);
        useEditor.getState().saved(m.name, m.revision);
        noteMachine(m);
        navigate(`/machines/${encodeURIComponent(m.name)}/`, { replace: true });
        flash("ok", "Created");
      }
    } catch (e) {
      if (isConflict(e)) return setConflict(e.message);
      if (e instanceof ApiError && e.diagnostics.length) useEditor.getState().setDiagnostics(e.diagnostics);
      flash("error", `Save failed: ${(e as Error).message}`);
    } finally {
      setSaving(false);
    }
  };

  const publish = async () => {
    if (!name) return flash("error", "Save the state machine first");
    if (useEditor.getState().dirty) await save();
    setDialog("publish");
  };

  const applyImport = (definition: Machine, label: string) => {
    useEditor.getState().apply(() => definition, { select: [] });
    useEditor.getState().setPositions(() => ({}));
    flash("ok", `Imported ${label}`);
    requestAnimationFrame(() => setTimeout(() => flow.fitView({ padding: 0.15, maxZoom: 1.1 }), 150));
  };
  const onImport = async (files: File[]) => {
    try {
      // Several files may be chosen together: a template and the DefinitionUri files it names.
      const texts = await Promise.all(files.map((f) => f.text()));
      const index = texts.findIndex((t, i) => { try { return isTemplate(parseText(t, /\.json$/i.test(files[i].name) ? "json" : "yaml")); } catch { return false; } });
      if (index >= 0) {
        const machines = templateMachines(parseText(texts[index], /\.json$/i.test(files[index].name) ? "json" : "yaml"));
        if (!machines.length) throw new Error("The template has no AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine");
        const direct = await importDirectly(machines, files);
        if (direct?.definition) applyImport(direct.definition, `${direct.logicalId} from ${files[index].name}`);
        else setTemplate({ machines, files });
        return;
      }
      const found = importFile(files[0].name, texts[0]);
      applyImport(found[0].definition, files[0].name);
    } catch (e) {
      flash("error", `Import failed: ${(e as Error).message}`);
    }
  };

  const base = name ?? (draftName.trim() || "state-machine");
  const doExport = async (kind: "json" | "yaml" | "svg" | "png" | "cloudformation" | "sam") => {
    setExportOpen(false);
    const doc = useEditor.getState().doc;
    if (kind === "cloudformation" || kind === "sam") {
      download(`${base}.${kind === "sam" ? "sam" : "cfn"}.yaml`, exportTemplate(base, doc, kind, { type: name ? draftInfo.get().type : draftType }), "application/yaml");
      return;
    }
    if (kind === "json") download(`${base}.asl.json`, stringify(doc, "json") + "\n", "application/json");
    else if (kind === "yaml") download(`${base}.asl.yaml`, stringify(doc, "yaml"), "application/yaml");
    else if (kind === "svg") download(`${base}.svg`, graphToSvg(graph), "image/svg+xml");
    else download(`${base}.png`, await svgToPng(graphToSvg(graph)));
  };

  return (
    <div className="toolbar" role="toolbar">
      <div className="toolbar-name">
        {name ? (
          <span className="machine-name" title={name}>{name}</span>
        ) : (
          <>
            <input className="machine-name-input" data-testid="machine-name" placeholder="Name this state machine" value={draftName} onChange={(e) => setDraftName(e.target.value)} aria-label="State machine name" />
            <select data-testid="machine-type" value={draftType} onChange={(e) => setDraftType(e.target.value)} aria-label="Type" title="Standard or Express workflow">
              <option value="STANDARD">Standard</option>
              <option value="EXPRESS">Express</option>
            </select>
          </>
        )}
        {revision !== undefined && <span className="rev-chip">rev {revision}</span>}
        {dirty && <span className="dirty-dot" title="Unsaved changes">●</span>}
        {name && <DraftStatus name={name} onMessage={flash} />}
      </div>
      <div className="toolbar-group">
        <button type="button" data-testid="undo" onClick={() => useEditor.getState().undo()} disabled={!canUndo} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
        <button type="button" data-testid="redo" onClick={() => useEditor.getState().redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
      </div>
      <div className="toolbar-group">
        <button type="button" data-testid="auto-layout" onClick={() => { useEditor.getState().apply((d) => d, { positions: () => ({}) }); setTimeout(() => flow.fitView({ padding: 0.15, maxZoom: 1.1, duration: 200 }), 120); }} title="Lay the diagram out again">Auto-layout</button>
      </div>
      <div className="toolbar-group">
        <button type="button" data-testid="import" onClick={() => fileInput.current?.click()} title="Import .asl.json, .asl.yaml or a CloudFormation/SAM template">Import</button>
        <input ref={fileInput} type="file" accept=".json,.yaml,.yml,.template" hidden data-testid="import-file" multiple
          onChange={(e) => { const files = Array.from(e.target.files ?? []); if (files.length) void onImport(files); e.target.value = ""; }} />
        <div className="menu-wrap">
          <button type="button" data-testid="export" onClick={() => setExportOpen(!exportOpen)} aria-expanded={exportOpen}>Export ▾</button>
          {exportOpen && (
            <div className="menu" role="menu">
              <button type="button" role="menuitem" data-testid="export-json" onClick={() => void doExport("json")}>ASL JSON (.asl.json)</button>
              <button type="button" role="menuitem" data-testid="export-yaml" onClick={() => void doExport("yaml")}>ASL YAML (.asl.yaml)</button>
              <button type="button" role="menuitem" data-testid="export-svg" onClick={() => void doExport("svg")}>Diagram (SVG)</button>
              <button type="button" role="menuitem" data-testid="export-png" onClick={() => void doExport("png")}>Diagram (PNG)</button>
              <button type="button" role="menuitem" data-testid="export-cloudformation" onClick={() => void doExport("cloudformation")}>CloudFormation template</button>
              <button type="button" role="menuitem" data-testid="export-sam" onClick={() => void doExport("sam")}>SAM template</button>
            </div>
          )}
        </div>
      </div>
      <div className="toolbar-group">
        <button type="button" data-testid="toggle-code" className={codeOpen ? "active" : ""} onClick={() => setCodeOpen(!codeOpen)}>Code</button>
        {codeOpen && (
          <div className="seg">
            <button type="button" data-testid="format-json" className={format === "json" ? "active" : ""} onClick={() => setFormat("json")}>JSON</button>
            <button type="button" data-testid="format-yaml" className={format === "yaml" ? "active" : ""} onClick={() => setFormat("yaml")}>YAML</button>
          </div>
        )}
      </div>
      <span className="spacer" />
      {message && <span className={`toast toast-${message.kind}`} role="status">{message.text}</span>}
      <button type="button" onClick={() => setDialog("revisions")} disabled={!name}>Revisions</button>
      <button type="button" onClick={() => void publish()} disabled={!name} data-testid="publish" title="Publish the saved definition as a new version">Publish</button>
      <button type="button" className="primary" data-testid="save" onClick={() => void save()} disabled={saving} title="Save (Ctrl+S)">{saving ? "Saving…" : "Save"}</button>
      <button type="button" className="accent" data-testid="start-execution" title="Start an execution" onClick={() => (name ? setDialog("start") : flash("error", "Save the state machine first"))}>▶ Start execution</button>
      {dialog === "start" && name && <StartExecutionDialog name={name} onClose={() => setDialog(null)} beforeStart={async () => { if (useEditor.getState().dirty) await save(); }} />}
      {dialog === "revisions" && name && <RevisionsDialog name={name} onClose={() => setDialog(null)} />}
      {dialog === "publish" && name && <PublishDialog machine={name} onClose={() => setDialog(null)} onPublished={(v) => { setDialog(null); flash("ok", `Published version ${v.version}`); }} />}
      {template && <ImportDialog machines={template.machines} files={template.files} onClose={() => setTemplate(null)} onImport={(definition, label) => { setTemplate(null); applyImport(definition, label); }} />}
      {conflict && name && <ConflictDialog name={name} message={conflict} onClose={() => setConflict(null)} onSaved={(m) => { setConflict(null); useEditor.getState().saved(m.name, m.revision); flash("ok", `Saved revision ${m.revision} over the other change`); }} />}
    </div>
  );
}
