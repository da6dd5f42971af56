// Small form controls for the inspector. Every input carries data-field="<ASL field>" so tests
// and diagnostics can find it; text that does not parse is kept and marked, never replaced.
import { useEffect, useId, useState } from "react";
import type { ReactNode } from "react";

interface Common {
  label: string;
  field: string;
  error?: string;
  hint?: string;
}

function Row({ label, error, hint, children, id }: { label: string; error?: string; hint?: string; children: ReactNode; id: string }) {
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? <div className="field-error" role="alert">{error}</div> : hint ? <div className="field-hint">{hint}</div> : null}
    </div>
  );
}

/** A text input that reports every keystroke (or only on commit when `commitOnBlur`). */
export function TextField({ label, field, error, hint, value, onChange, placeholder, commitOnBlur, list }: Common & { value: string | undefined; onChange: (v: string) => void; placeholder?: string; commitOnBlur?: boolean; list?: string }) {
  const id = useId();
  const [text, setText] = useState(value ?? "");
  useEffect(() => setText(value ?? ""), [value]);
  const commit = () => {
    if (text !== (value ?? "")) onChange(text);
  };
  return (
    <Row label={label} error={error} hint={hint} id={id}>
      <input
        id={id} data-field={field} value={text} placeholder={placeholder} list={list} aria-invalid={!!error}
        onChange={(e) => { setText(e.target.value); if (!commitOnBlur) onChange(e.target.value); }}
        onBlur={commitOnBlur ? commit : undefined}
        onKeyDown={commitOnBlur ? (e) => { if (e.key === "Enter") commit(); if (e.key === "Escape") setText(value ?? ""); } : undefined}
      />
    </Row>
  );
}

/** A number input; empty means "field absent". */
export function NumberField({ label, field, error, hint, value, onChange, min, step }: Common & { value: number | undefined; onChange: (v: number | undefined) => void; min?: number; step?: number }) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => setText(value === undefined ? "" : String(value)), [value]);
  const bad = text !== "" && !Number.isFinite(Number(text));
  return (
    <Row label={label} error={error ?? (bad ? "Not a number" : undefined)} hint={hint} id={id}>
      <input
        id={id} data-field={field} type="text" inputMode="decimal" value={text} aria-invalid={bad || !!error}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === "") onChange(undefined);
          else if (Number.isFinite(Number(e.target.value))) onChange(Number(e.target.value));
        }}
        min={min} step={step}
      />
    </Row>
  );
}

export function SelectField({ label, field, error, hint, value, onChange, options }: Common & { value: string; onChange: (v: string) => void; options: Array<[string, string]> }) {
  const id = useId();
  return (
    <Row label={label} error={error} hint={hint} id={id}>
      <select id={id} data-field={field} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </Row>
  );
}

export function CheckField({ label, field, value, onChange }: { label: string; field: string; value: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" data-field={field} checked={value} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

/** A JSON editor: changes go out only when the text parses; bad text stays, marked. */
export function JsonField({ label, field, error, hint, value, onChange, rows = 4 }: Common & { value: unknown; onChange: (v: unknown | undefined) => void; rows?: number }) {
  const id = useId();
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  const [bad, setBad] = useState<string>();
  useEffect(() => {
    // Outside changes replace the text only while the text is valid (never lose typing).
    setText((current) => {
      try {
        if (current.trim() === "" ? value === undefined : JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        return current;
      }
      return shown;
    });
  }, [shown, value]);
  return (
    <Row label={label} error={error ?? bad} hint={hint} id={id}>
      <textarea
        id={id} data-field={field} rows={rows} spellCheck={false} value={text} aria-invalid={!!(bad || error)} className="json"
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setBad(undefined);
            onChange(undefined);
            return;
          }
          try {
            const parsed = JSON.parse(e.target.value);
            setBad(undefined);
            onChange(parsed);
          } catch (err) {
            setBad(`Invalid JSON: ${(err as Error).message}`);
          }
        }}
      />
    </Row>
  );
}

/** A comma-separated list of strings (ErrorEquals). */
export function ListField({ label, field, error, value, onChange, placeholder }: Common & { value: string[] | undefined; onChange: (v: string[]) => void; placeholder?: string }) {
  return (
    <TextField label={label} field={field} error={error} value={(value ?? []).join(", ")} placeholder={placeholder} commitOnBlur
      onChange={(text) => onChange(text.split(",").map((s) => s.trim()).filter(Boolean))} />
  );
}

/** Set or remove a field, copy-on-write. */
export function withField<T extends Record<string, any>>(obj: T, key: string, value: unknown): T {
  const copy: Record<string, any> = { ...obj };
  if (value === undefined || value === "") delete copy[key];
  else copy[key] = value;
  return copy as T;
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="insp-section">
      <header><h3>{title}</h3>{actions}</header>
      {children}
    </section>
  );
}
