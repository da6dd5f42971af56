// Recent execution inputs per machine, remembered in localStorage (newest first, no repeats).
const LIMIT = 8;
const key = (machine: string) => `statecraft:recent-inputs:${machine}`;

export function recentInputs(machine: string): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(key(machine)) ?? "[]");
    return Array.isArray(list) ? list.filter((x) => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function rememberInput(machine: string, input: string): void {
  const normalised = JSON.stringify(JSON.parse(input), null, 2);
  const list = [normalised, ...recentInputs(machine).filter((x) => x !== normalised)].slice(0, LIMIT);
  try {
    localStorage.setItem(key(machine), JSON.stringify(list));
  } catch {
    // Storage full or disabled: the dialog still works, it just forgets.
  }
}
