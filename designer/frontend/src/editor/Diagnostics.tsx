// The diagnostics list: the server's validation problems; clicking one selects the node and field.
import type { Diagnostic } from "./store";

export function Diagnostics({ diagnostics, onSelect }: { diagnostics: Diagnostic[]; onSelect: (path: string) => void }) {
  return (
    <div className={`diagnostics${diagnostics.length ? " has-problems" : ""}`} aria-label="Problems">
      <div className="diagnostics-head">{diagnostics.length ? `${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"}` : "No problems"}</div>
      {diagnostics.length > 0 && (
        <ul>
          {diagnostics.map((d, i) => (
            <li key={`${d.path}-${i}`}>
              <button type="button" className={`diagnostic sev-${d.severity}`} data-testid="diagnostic" data-path={d.path} onClick={() => onSelect(d.path)}>
                <span className="sev">{d.severity === "WARNING" ? "⚠" : "✖"}</span>
                <code>{d.path || "/"}</code>
                <span>{d.message}</span>
                <span className="code">{d.code}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
