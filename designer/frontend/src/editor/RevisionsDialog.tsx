// Revisions: the list of saved revisions, and the line diff between any two of them.
import { Dialog } from "../ui/Dialog";
import { useEffect, useState } from "react";
import { diffLines } from "../asl/diff";
import { stringify } from "../asl/io";
import { api } from "../api";
import type { Revision } from "../api";

export function RevisionsDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const [list, setList] = useState<Revision[]>([]);
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  const [texts, setTexts] = useState<{ a: string; b: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.revisions(name).then((r) => {
      const sorted = [...r].sort((x, y) => y.revision - x.revision);
      setList(sorted);
      if (sorted.length > 1) { setA(sorted[1].revision); setB(sorted[0].revision); }
      else if (sorted.length) { setA(sorted[0].revision); setB(sorted[0].revision); }
    }, (e) => setError((e as Error).message));
  }, [name]);
  useEffect(() => {
    if (a === null || b === null) return;
    Promise.all([api.revision(name, a), api.revision(name, b)]).then(([ra, rb]) => setTexts({ a: stringify(ra.definition, "json"), b: stringify(rb.definition, "json") }), (e) => setError((e as Error).message));
  }, [name, a, b]);
  const diff = texts ? diffLines(texts.a, texts.b) : [];
  const changed = diff.filter((l) => l.op !== " ").length;
  const options = list.map((r) => <option key={r.revision} value={r.revision}>#{r.revision} · {new Date(r.created).toLocaleString()}{r.message ? ` · ${r.message}` : ""}</option>);
  return (
    <Dialog label="Revisions" onClose={onClose} wide>
        <h2>Revisions of {name}</h2>
        {error && <div className="field-error">{error}</div>}
        <div className="rev-pick">
          <label>From <select data-testid="revision-a" value={a ?? ""} onChange={(e) => setA(Number(e.target.value))}>{options}</select></label>
          <label>To <select data-testid="revision-b" value={b ?? ""} onChange={(e) => setB(Number(e.target.value))}>{options}</select></label>
          <span className="muted">{changed} changed line{changed === 1 ? "" : "s"}</span>
        </div>
        <pre className="diff" data-testid="revision-diff">
          {diff.map((l, i) => <div key={i} className={`diff-${l.op === "+" ? "add" : l.op === "-" ? "del" : "same"}`}>{l.op} {l.text}</div>)}
        </pre>
        <div className="dialog-actions"><button type="button" onClick={onClose}>Close</button></div>
    </Dialog>
  );
}
