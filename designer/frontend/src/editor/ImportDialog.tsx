// Importing a CloudFormation or SAM template: pick one of its state machines, read a local
// DefinitionUri file (chosen with the template, or asked for here), apply DefinitionSubstitutions.
import { useEffect, useState } from "react";
import type { TemplateMachine } from "../asl/iac";
import { withDefinitionFile } from "../asl/iac";
import type { Machine } from "../asl/types";
import { Dialog } from "../ui/Dialog";

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

async function resolveFile(m: TemplateMachine, files: File[]): Promise<TemplateMachine> {
  if (!m.definitionUri) return m;
  const file = files.find((f) => f.name === baseName(m.definitionUri!));
  return file ? withDefinitionFile(m, file.name, await file.text()) : m;
}

/** Everything needed, without asking: one machine whose definition is at hand. */
export async function importDirectly(machines: TemplateMachine[], files: File[]): Promise<TemplateMachine | null> {
  if (machines.length !== 1) return null;
  const m = await resolveFile(machines[0], files);
  return m.definition && !m.unresolved.length ? m : null;
}

export function ImportDialog({ machines, files, onImport, onClose }: { machines: TemplateMachine[]; files: File[]; onImport: (definition: Machine, label: string) => void; onClose: () => void }) {
  const [list, setList] = useState(machines);
  const [chosen, setChosen] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void Promise.all(machines.map((m) => resolveFile(m, files).catch((e) => ({ ...m, unresolved: [`${m.definitionUri}: ${(e as Error).message}`] })))).then(setList);
  }, [machines, files]);
  const m = list[chosen];
  const pick = async (file: File) => {
    try {
      const read = withDefinitionFile(m, file.name, await file.text());
      setList(list.map((x, i) => (i === chosen ? read : x)));
      setError(null);
    } catch (e) {
      setError(`${file.name}: ${(e as Error).message}`);
    }
  };
  return (
    <Dialog label="Import from a template" onClose={onClose} testId="import-dialog">
      <h2>Import from a template</h2>
      {list.length > 1 && (
        <fieldset className="import-choice">
          <legend>This template has {list.length} state machines. Which one?</legend>
          {list.map((x, i) => (
            <label key={x.logicalId} className="check">
              <input type="radio" name="import-machine" checked={i === chosen} onChange={() => setChosen(i)} data-testid={`import-machine-${x.logicalId}`} />
              {x.logicalId}{x.name ? ` (${x.name})` : ""}
            </label>
          ))}
        </fieldset>
      )}
      {m?.definitionUri && (
        <label className="stack">Its definition is in <code>{m.definitionUri}</code>: choose that file
          <input type="file" accept=".json,.yaml,.yml" data-testid="import-definition-file" onChange={(e) => { const f = e.target.files?.[0]; if (f) void pick(f); }} />
        </label>
      )}
      {m && m.unresolved.length > 0 && <p className="field-error">Left as placeholders (no plain value in DefinitionSubstitutions): {m.unresolved.join(", ")}</p>}
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="primary" disabled={!m?.definition} data-testid="import-confirm" onClick={() => m?.definition && onImport(m.definition, m.logicalId)}>Import</button>
      </div>
    </Dialog>
  );
}
