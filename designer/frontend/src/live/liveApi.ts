// REST calls of the live view: the contract's executions endpoints (docs/architecture.md) and
// the lookups of designer/api_live.py (/api/live/...).
import { call } from "../api";
import type { HistoryEvent } from "./overlay";
import type { ExecutionInfo } from "./store";

const enc = encodeURIComponent;

export const liveApi = {
  executionByName: (machine: string, name: string) => call<ExecutionInfo>("GET", `/api/live/machines/${enc(machine)}/executions/${enc(name)}`),
  executions: (machine: string, status = "", search = "") =>
    call<ExecutionInfo[]>("GET", `/api/live/machines/${enc(machine)}/executions?status=${enc(status)}&search=${enc(search)}`),
  history: (id: number, afterId = 0) => call<HistoryEvent[]>("GET", `/api/executions/${id}/history?after_id=${afterId}`),
  start: (machine: string, input: unknown, name?: string, debug = false) =>
    call<ExecutionInfo>("POST", `/api/machines/${enc(machine)}/executions`, { input, ...(name ? { name } : {}), ...(debug ? { debug } : {}) }),
  stop: (id: number, error?: string, cause?: string) => call<ExecutionInfo>("POST", `/api/executions/${id}/stop`, { error, cause }),
  redrive: (id: number) => call<ExecutionInfo>("POST", `/api/executions/${id}/redrive`, {}),
};

export function executionPath(machine: string, name: string): string {
  return `/machines/${enc(machine)}/executions/${enc(name)}/`;
}

export function executionsPath(machine: string): string {
  return `/machines/${enc(machine)}/executions/`;
}
