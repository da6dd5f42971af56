// Runs elkjs when the machine's structure changes (not on field edits) and keeps the last result.
// A layout saved with the machine (and still matching its structure) is used without running ELK.
import { useEffect, useMemo, useState } from "react";
import { layoutMachine, structureHash, setElkEngine } from "../asl/layout";
import type { Machine, Positions } from "../asl/types";
import ELK from "elkjs/lib/elk-api.js";

let workerReady = false;
function ensureWorker(): void {
  if (workerReady || typeof Worker === "undefined") return;
  workerReady = true;
  try {
    setElkEngine(new ELK({ workerFactory: () => new Worker(new URL("elkjs/lib/elk-worker.min.js", import.meta.url)) }));
  } catch (error) {
    console.warn("ELK worker unavailable, laying out on the page", error);
  }
}

export interface CachedLayout {
  key: string;
  positions: Positions;
}

export function useAutoLayout(doc: Machine, cached?: CachedLayout | null): { positions: Positions; ready: boolean; key: string } {
  const key = useMemo(() => structureHash(doc), [doc]);
  const [result, setResult] = useState<{ key: string; positions: Positions }>(() => (cached && cached.key === key ? cached : { key: "", positions: {} }));
  useEffect(() => {
    if (result.key === key) return;
    ensureWorker();
    let cancelled = false;
    const started = performance.now();
    const done = (positions: Positions) => {
      performance.measure("statecraft:elk", { start: started });
      if (!cancelled) setResult({ key, positions });
    };
    // Should the worker fail (blocked script, crash), lay out on the page rather than never.
    layoutMachine(doc)
      .catch(() => layoutMachine(doc, { onPage: true }))
      .then(done, (error) => console.error("layout failed", error));
    return () => { cancelled = true; };
    // The structure key stands for the document here: field edits must not re-run the layout.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return { positions: result.positions, ready: result.key === key, key: result.key };
}
