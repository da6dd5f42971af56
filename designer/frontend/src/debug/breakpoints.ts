// Breakpoints of the machine open in the editor: state names (unique in a whole machine, at any
// depth), kept on the server so that a debug execution started anywhere pauses at them.
import { create } from "zustand";
import { debugApi } from "./debugApi";

interface Breakpoints {
  machine: string | null;
  states: string[];
  error: string | null;
  load: (machine: string | null) => void;
  toggle: (state: string) => Promise<void>;
}

export const useBreakpoints = create<Breakpoints>((set, get) => ({
  machine: null,
  states: [],
  error: null,
  load: (machine) => {
    set({ machine, states: [], error: null });
    if (!machine) return;
    debugApi.breakpoints(machine).then((r) => {
      if (get().machine === machine) set({ states: r.states });
    }, (e) => set({ error: (e as Error).message }));
  },
  toggle: async (state) => {
    const { machine, states } = get();
    if (!machine) return;
    const next = states.includes(state) ? states.filter((s) => s !== state) : [...states, state];
    set({ states: next });
    try {
      set({ states: (await debugApi.setBreakpoints(machine, next)).states, error: null });
    } catch (e) {
      set({ states, error: (e as Error).message });
    }
  },
}));
