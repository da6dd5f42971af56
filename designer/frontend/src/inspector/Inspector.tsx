// The inspector: a form for the selected state (every ASL field the type accepts), or the
// machine's own fields when nothing is selected. Local checks show inline beside the field.
import { useEffect, useId, useRef, useState } from "react";
import { renamePositions, renameState, setStartAt, updateState } from "../asl/ops";
import { allStateNames, getBlock, locateNode, nodeId, pointerTarget } from "../asl/scope";
import { stateFacts } from "../asl/stateTypes";
import type { State } from "../asl/types";
import { InspectorDebug } from "../debug/InspectorDebug";
import { useEditor } from "../editor/store";
import { nodeDef } from "../nodes/registry";
import { localErrors } from "./checks";
import { CatchEditor, RetryEditor } from "./ErrorHandling";
import { JsonField, NumberField, Section, SelectField, TextField, withField } from "./fields";

/** Service integrations offered beside the local handlers in the Resource picker. */
export const INTEGRATIONS = [
  "arn:aws:states:::lambda:invoke",
  "arn:aws:states:::lambda:invoke.waitForTaskToken",
  "arn:aws:states:::http:invoke",
  "arn:aws:states:::states:startExecution",
  "arn:aws:states:::states:startExecution.sync:2",
  "arn:aws:states:::sqs:sendMessage",
  "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "arn:aws:states:::sns:publish",
  "arn:aws:states:::dynamodb:getItem",
  "arn:aws:states:::dynamodb:putItem",
  "arn:aws:states:::dynamodb:updateItem",
  "arn:aws:states:::dynamodb:deleteItem",
  "arn:aws:states:::events:putEvents",
  "arn:aws:states:::ecs:runTask.sync",
  "arn:aws:states:::batch:submitJob.sync",
  "arn:aws:states:::glue:startJobRun.sync",
];

export function Inspector({ functions }: { functions: string[] }) {
  const doc = useEditor((s) => s.doc);
  const machineName = useEditor((s) => s.name);
  const selection = useEditor((s) => s.selection);
  const focusField = useEditor((s) => s.focusField);
  const diagnostics = useEditor((s) => s.diagnostics);
  const apply = useEditor((s) => s.apply);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!focusField || !ref.current) return;
    const candidates = [focusField, ...focusField.split("/").map((_, i, all) => all.slice(0, all.length - i - 1).join("/"))].filter(Boolean);
    for (const field of candidates) {
      const input = ref.current.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
      if (input) {
        input.focus();
        input.scrollIntoView({ block: "nearest" });
        break;
      }
    }
  }, [focusField, selection]);

  const located = selection.length === 1 ? locateNode(doc, selection[0]) : undefined;
  const state = located ? getBlock(doc, located.path)?.States[located.name] : undefined;

  if (!located || !state) {
    return (
      <div className="inspector" data-testid="inspector" ref={ref}>
        <Section title="State machine">
          <p className="muted">{selection.length > 1 ? `${selection.length} states selected` : "Select a state to edit it."}</p>
          <TextField label="Comment" field="Comment" value={doc.Comment} onChange={(v) => apply((d) => withField(d, "Comment", v), { key: "machine/Comment" })} />
          <SelectField label="Query language" field="QueryLanguage" value={doc.QueryLanguage ?? "JSONPath"} options={[["JSONPath", "JSONPath"], ["JSONata", "JSONata"]]} onChange={(v) => apply((d) => withField(d, "QueryLanguage", v === "JSONPath" ? undefined : v))} />
          <NumberField label="TimeoutSeconds" field="TimeoutSeconds" value={doc.TimeoutSeconds} min={1} onChange={(v) => apply((d) => withField(d, "TimeoutSeconds", v), { key: "machine/TimeoutSeconds" })} />
          <SelectField label="Start at" field="StartAt" value={doc.StartAt ?? ""} options={[["", "—"], ...Object.keys(doc.States ?? {}).map((n): [string, string] => [n, n])]} onChange={(v) => apply((d) => withField(d, "StartAt", v))} />
        </Section>
      </div>
    );
  }

  const { path, name } = located;
  const id = nodeId(path, name);
  const def = nodeDef(state.Type);
  const facts = stateFacts(state.Type);
  const jsonata = (state.QueryLanguage ?? doc.QueryLanguage) === "JSONata";
  const change = (next: State) => apply((d) => updateState(d, path, name, next), { key: `${id}/form` });
  const block = getBlock(doc, path)!;
  const serverErrors: Record<string, string> = {};
  for (const d of diagnostics) {
    const target = pointerTarget(d.path);
    if (target?.id === id) serverErrors[target.field || "Name"] = d.message;
  }
  const errors = { ...serverErrors, ...localErrors(doc, path, name, state) };
  const rename = (to: string) => {
    const trimmed = to.trim();
    if (!trimmed || trimmed === name || allStateNames(useEditor.getState().doc).has(trimmed)) return;
    const toId = nodeId(path, trimmed);
    apply((d) => renameState(d, path, name, trimmed), { select: [toId], positions: (p) => renamePositions(p, id, toId) });
  };
  const nameError = (() => {
    return errors.Name;
  })();
  const targets = Object.keys(block.States).filter((n) => n !== name);
  const io = def.io;
  const Typed = def.Section;

  return (
    <div className="inspector" data-testid="inspector" ref={ref} key={id}>
      <div className="insp-title" style={{ borderColor: def.color }}>
        <span className="type-chip" style={{ background: def.color }}>{state.Type}</span>
        <span className="muted">{path.length ? `in ${path.map((s) => `${s.state} › ${s.branch + 1}`).join(" / ")}` : ""}</span>
      </div>
      <InspectorDebug machine={machineName} name={name} state={state} definition={doc} />
      <Section title="Configuration">
        <NameField name={name} error={nameError} taken={allStateNames(doc)} onRename={rename} />
        {Typed && <Typed state={state} name={name} path={path} doc={doc} jsonata={jsonata} change={change} errors={errors} />}
        {facts.moves === "next" && (
          <SelectField label="Next state" field="Next" value={state.End ? "__end__" : state.Next ?? ""} error={errors.Next}
            options={[["", "— choose —"], ["__end__", "End of workflow"], ...targets.map((t): [string, string] => [t, t])]}
            onChange={(v) => {
              const { Next: _n, End: _e, ...rest } = state;
              change((v === "__end__" ? { ...rest, End: true } : v ? { ...rest, Next: v } : rest) as State);
            }} />
        )}
        {block.StartAt !== name && (
          <button type="button" className="link" onClick={() => apply((d) => setStartAt(d, path, name))}>Make this the start state</button>
        )}
        <p className="field-hint">Keyboard: press C on the canvas to connect this state to another.</p>
        <TextField label="Comment" field="Comment" value={state.Comment} onChange={(v) => change(withField(state, "Comment", v))} />
        <SelectField label="Query language" field="QueryLanguage" value={state.QueryLanguage ?? ""} options={[["", `Inherit (${doc.QueryLanguage ?? "JSONPath"})`], ["JSONPath", "JSONPath"], ["JSONata", "JSONata"]]} onChange={(v) => change(withField(state, "QueryLanguage", v))} />
      </Section>
      <Section title={jsonata ? "Arguments & output (JSONata)" : "Input & output processing"}>
        {jsonata ? (
          <>
            {io.Arguments && <JsonField label="Arguments" field="Arguments" value={state.Arguments} onChange={(v) => change(withField(state, "Arguments", v))} />}
            {io.Parameters === "ItemSelector" && <JsonField label="ItemSelector" field="ItemSelector" value={state.ItemSelector} onChange={(v) => change(withField(state, "ItemSelector", v))} rows={2} />}
            {io.Output && <JsonField label="Output" field="Output" value={state.Output} onChange={(v) => change(withField(state, "Output", v))} rows={2} />}
          </>
        ) : (
          <>
            {io.InputPath && <TextField label="InputPath" field="InputPath" value={state.InputPath} placeholder="$" onChange={(v) => change(withField(state, "InputPath", v))} error={errors.InputPath} />}
            {io.Parameters && <JsonField label={io.Parameters} field={io.Parameters} value={state[io.Parameters]} onChange={(v) => change(withField(state, io.Parameters!, v))} error={errors[io.Parameters]} />}
            {io.ResultSelector && <JsonField label="ResultSelector" field="ResultSelector" value={state.ResultSelector} onChange={(v) => change(withField(state, "ResultSelector", v))} rows={2} />}
            {io.ResultPath && <TextField label="ResultPath" field="ResultPath" value={state.ResultPath === null ? "null" : state.ResultPath} placeholder="$" onChange={(v) => change(withField(state, "ResultPath", v === "null" ? null : v))} error={errors.ResultPath} />}
            {io.OutputPath && <TextField label="OutputPath" field="OutputPath" value={state.OutputPath} placeholder="$" onChange={(v) => change(withField(state, "OutputPath", v))} error={errors.OutputPath} />}
          </>
        )}
        {io.Assign && <JsonField label="Assign (variables)" field="Assign" value={state.Assign} onChange={(v) => change(withField(state, "Assign", v))} rows={2} />}
      </Section>
      {facts.canRetry && <RetryEditor state={state} change={change} />}
      {facts.canCatch && <CatchEditor state={state} change={change} targets={targets} jsonata={jsonata} errors={errors} />}
      {Object.keys(serverErrors).length > 0 && (
        <Section title="Problems">
          <ul className="problems">{Object.entries(serverErrors).map(([f, m]) => <li key={f}><code>{f}</code> {m}</li>)}</ul>
        </Section>
      )}
      <datalist id="resource-options">
        {[...functions, ...INTEGRATIONS].map((f) => <option key={f} value={f} />)}
      </datalist>
    </div>
  );
}

function NameField({ name, error, taken, onRename }: { name: string; error?: string; taken: Set<string>; onRename: (to: string) => void }) {
  const id = useId();
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name]);
  const trimmed = text.trim();
  // Only what is wrong with the typed name itself may stop a rename. The server's diagnostics
  // for the state as a whole (a missing Resource, an unreachable state) also land on "Name",
  // and they arrive late: validation is debounced and answers over the network, so a rename
  // typed right after another edit used to be refused by a diagnostic that was already stale.
  const nameProblem = !trimmed ? "A state needs a name" : trimmed !== name && taken.has(trimmed) ? `A state named "${trimmed}" already exists` : trimmed.length > 80 ? "At most 80 characters" : undefined;
  const problem = nameProblem ?? (trimmed === name ? error : undefined);
  const commit = () => {
    if (!nameProblem && trimmed !== name) onRename(trimmed);
  };
  return (
    <div className={`field${problem ? " has-error" : ""}`}>
      <label htmlFor={id}>State name</label>
      <input id={id} data-field="Name" value={text} aria-invalid={!!problem}
        onChange={(e) => setText(e.target.value)} onBlur={commit}
        onKeyDown={(e) => { if (e.key === "Enter") commit(); if (e.key === "Escape") setText(name); }} />
      {problem ? <div className="field-error" role="alert">{problem}</div> : <div className="field-hint">Renaming updates every transition to this state</div>}
    </div>
  );
}
