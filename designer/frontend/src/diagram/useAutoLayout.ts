// Runs elkjs when the machine's structure changes (not on field edits) and keeps the last result.
import { useEffect, useMemo, useState } from "react";
import { layoutMachine, structureKey } from "../asl/layout";
import type { Machine, Positions } from "../asl/types";

export function useAutoLayout(doc: Machine): { positions: Positions; ready: boolean; key: string } {
  const key = useMemo(() => structureKey(doc), [doc]);
  const [result, setResult] = useState<{ key: string; positions: Positions }>({ key: "", positions: {} });
  useEffect(() => {
    let cancelled = false;
    layoutMachine(doc).then(
      (positions) => { if (!cancelled) setResult({ key, positions }); },
      (error) => console.error("layout failed", error),
    );
    return () => { cancelled = true; };
    // The structure key stands for the document here: field edits must not re-run the layout.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return { positions: result.positions, ready: result.key === key, key: result.key };
}
