// The REST API client (contract: docs/architecture.md). Session auth with Django's CSRF token.
import type { Machine, Positions } from "./asl/types";
import type { Diagnostic } from "./editor/store";

export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class ApiError extends Error {
  status: number;
  diagnostics: Diagnostic[];
  constructor(status: number, detail: string, diagnostics: Diagnostic[] = []) {
    super(detail);
    this.status = status;
    this.diagnostics = diagnostics;
  }
}

/** One JSON request with the session's cookie and CSRF token; a non-2xx answer throws an ApiError with the server's detail. */
export async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...(method !== "GET" ? { "X-CSRFToken": csrfToken() } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) {
    const detail = typeof data?.detail === "string" ? data.detail : Array.isArray(data?.detail) ? data.detail.map((d: any) => d.msg ?? JSON.stringify(d)).join("; ") : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail, data?.diagnostics ?? []);
  }
  return data as T;
}

export interface MachineSummary {
  name: string;
  arn: string;
  type: string;
  description?: string;
  revision: number;
  created: string;
  updated: string;
}

export interface MachineDetail extends MachineSummary {
  definition: Machine;
  layout: { positions?: Positions; auto?: { key: string; positions: Positions } } | null;
  diagnostics: Diagnostic[];
  /** True when `definition` is a draft; executions then run `deployed_revision`. */
  draft?: boolean;
  deployed_revision?: number;
}

export interface Template {
  name: string;
  title: string;
  description: string;
  definition: Machine;
  /** The example's sample input (`<name>.input.json`), when it has one. */
  input?: unknown;
}

export interface Revision {
  revision: number;
  created: string;
  message?: string;
}

const enc = encodeURIComponent;

export const api = {
  machines: (search = "") => call<MachineSummary[]>("GET", `/api/machines${search ? `?search=${enc(search)}` : ""}`),
  machine: (name: string) => call<MachineDetail>("GET", `/api/machines/${enc(name)}`),
  create: (name: string, definition: Machine, layout?: object, type?: string) => call<MachineDetail>("POST", "/api/machines", { name, definition, layout, allow_draft: true, ...(type ? { type } : {}) }),
  update: (name: string, definition: Machine, layout?: object, message?: string) => call<MachineDetail>("PUT", `/api/machines/${enc(name)}`, { definition, layout, message }),
  rename: (name: string, to: string) => call<MachineDetail>("PATCH", `/api/machines/${enc(name)}`, { name: to }),
  remove: (name: string) => call<void>("DELETE", `/api/machines/${enc(name)}`),
  revisions: (name: string) => call<Revision[]>("GET", `/api/machines/${enc(name)}/revisions`),
  revision: (name: string, n: number) => call<Revision & { definition: Machine; layout: object }>("GET", `/api/machines/${enc(name)}/revisions/${n}`),
  publish: (name: string, description?: string) => call<{ version: number; arn: string; revision: number }>("POST", `/api/machines/${enc(name)}/versions`, { description }),
  validate: (definition: unknown) => call<{ diagnostics: Diagnostic[] }>("POST", "/api/validate", { definition }),
  templates: () => call<Template[]>("GET", "/api/templates"),
  functions: () => call<Array<{ name: string; resource: string }>>("GET", "/api/functions"),
  startExecution: (name: string, input: unknown, executionName?: string) => call<{ id: number | string; name: string; arn: string }>("POST", `/api/machines/${enc(name)}/executions`, { input, ...(executionName ? { name: executionName } : {}) }),
};
