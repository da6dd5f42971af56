// REST calls of the studio's pages: drafts, versions and aliases, settings, all executions,
// activities, metrics and access keys (designer/api_machine.py, designer/api_browse.py).
import { call } from "../api";
import type { MachineDetail } from "../api";
import type { Machine } from "../asl/types";
import type { ExecutionInfo } from "../live/store";

const enc = encodeURIComponent;

export interface Version { version: number; arn: string; revision: number; description: string; created: string; executions: number }
export interface Route { version: number; weight: number }
export interface Alias { name: string; arn: string; description: string; routing: Route[]; created: string; updated: string }
export interface Settings {
  name: string; arn: string; type: string; role_arn: string;
  logging: { level: string; includeExecutionData: boolean; destinations?: Array<{ cloudWatchLogsLogGroup?: { logGroupArn?: string } }> };
  tracing: { enabled: boolean };
  encryption: { type: string; kmsKeyId?: string; kmsDataKeyReusePeriodSeconds?: number };
  tags: Record<string, string>;
  running: Array<{ id: number; name: string }>;
}
export interface ExecutionPage { items: ExecutionInfo[]; total: number; page: number; page_size: number }
export interface BulkResult { done: number[]; failed: Array<{ id: number; detail: string }> }
export interface Activity {
  name: string; arn: string; created: string; waiting: number; started: number;
  workers: Array<{ name: string; last_seen: string }>;
  tasks: Array<{ execution: string; machine: string; execution_id: number; state: string; status: string; created: string }>;
}
export interface Metrics {
  hours: number; bucket_seconds: number; executions: number; statuses: string[];
  buckets: Array<{ start: string; counts: Record<string, number>; p50: number | null; p95: number | null }>;
  duration: { p50: number | null; p95: number | null; count: number };
  slowest_states: Array<{ name: string; p50: number | null; p95: number | null; count: number }>;
  failure_causes: Array<{ error: string; cause: string; count: number }>;
}
export interface AccessKey { access_key_id: string; enabled: boolean; created: string; secret?: string }

export interface ExecutionQuery { status?: string; machine?: string; version?: number; since?: string; until?: string; search?: string; page?: number; page_size?: number }

function query(q: Record<string, unknown>): string {
  const parts = Object.entries(q).filter(([, v]) => v !== undefined && v !== "" && v !== null).map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export const studioApi = {
  save: (name: string, definition: Machine, layout: object, baseRevision?: number) =>
    call<MachineDetail>("PUT", `/api/machines/${enc(name)}`, { definition, layout, base_revision: baseRevision ?? null }),
  deploy: (name: string, baseRevision?: number) => call<MachineDetail>("POST", `/api/machines/${enc(name)}/deploy`, { base_revision: baseRevision ?? null }),
  versions: (name: string) => call<Version[]>("GET", `/api/machines/${enc(name)}/versions`),
  version: (name: string, n: number) => call<Version & { definition: Machine }>("GET", `/api/machines/${enc(name)}/versions/${n}`),
  publish: (name: string, description: string) => call<Version>("POST", `/api/machines/${enc(name)}/versions`, { description }),
  restore: (name: string, n: number) => call<MachineDetail>("POST", `/api/machines/${enc(name)}/versions/${n}/restore`, {}),
  deleteVersion: (name: string, n: number) => call<void>("DELETE", `/api/machines/${enc(name)}/versions/${n}`),
  aliases: (name: string) => call<Alias[]>("GET", `/api/machines/${enc(name)}/aliases`),
  createAlias: (name: string, alias: string, routing: Route[], description = "") => call<Alias>("POST", `/api/machines/${enc(name)}/aliases`, { name: alias, routing, description }),
  updateAlias: (name: string, alias: string, routing: Route[]) => call<Alias>("PUT", `/api/machines/${enc(name)}/aliases/${enc(alias)}`, { routing }),
  deleteAlias: (name: string, alias: string) => call<void>("DELETE", `/api/machines/${enc(name)}/aliases/${enc(alias)}`),
  settings: (name: string) => call<Settings>("GET", `/api/machines/${enc(name)}/settings`),
  saveSettings: (name: string, body: Partial<Pick<Settings, "role_arn" | "logging" | "tracing" | "encryption" | "tags">>) => call<Settings>("PUT", `/api/machines/${enc(name)}/settings`, body),
  executions: (q: ExecutionQuery) => call<ExecutionPage>("GET", `/api/executions${query({ ...q })}`),
  bulkStop: (ids: number[]) => call<BulkResult>("POST", "/api/bulk/executions/stop", { ids }),
  bulkRedrive: (ids: number[]) => call<BulkResult>("POST", "/api/bulk/executions/redrive", { ids }),
  activities: () => call<Activity[]>("GET", "/api/activities"),
  createActivity: (name: string) => call<Activity>("POST", "/api/activities", { name }),
  deleteActivity: (name: string) => call<void>("DELETE", `/api/activities/${enc(name)}`),
  metrics: (name: string, hours: number) => call<Metrics>("GET", `/api/machines/${enc(name)}/metrics?hours=${hours}`),
  accessKeys: () => call<AccessKey[]>("GET", "/api/access-keys"),
  createAccessKey: () => call<AccessKey>("POST", "/api/access-keys", {}),
  revokeAccessKey: (id: string) => call<void>("DELETE", `/api/access-keys/${enc(id)}`),
};
