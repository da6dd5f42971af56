// The editor's Start execution: the live view's dialog (live/StartExecutionDialog.tsx), saving
// unsaved changes first and offering the example's sample input.
import { useEffect, useState } from "react";
import { api } from "../api";
import { StartExecutionDialog as Dialog } from "../live/StartExecutionDialog";
import { recentInputs } from "../live/recentInputs";

const PLACEHOLDER_INPUT = '{\n  "Comment": "Insert your JSON here"\n}';

export function StartExecutionDialog({ name, onClose, beforeStart }: { name: string; onClose: () => void; beforeStart: () => Promise<void> }) {
  const sample = useSampleInput(name);
  return <Dialog machine={name} suggestedInput={sample} fallbackInput={PLACEHOLDER_INPUT} beforeStart={beforeStart} onClose={onClose} />;
}

/** A machine loaded from an example offers that example's sample input: the placeholder would only fail validation. */
function useSampleInput(name: string): string | undefined {
  const [sample, setSample] = useState<string | undefined>();
  useEffect(() => {
    if (recentInputs(name).length) return;
    let cancelled = false;
    api.templates().then((templates) => {
      const input = templates.find((t) => t.name === name)?.input;
      if (!cancelled && input !== undefined && input !== null) setSample(JSON.stringify(input, null, 2));
    }, () => undefined);
    return () => { cancelled = true; };
  }, [name]);
  return sample;
}
