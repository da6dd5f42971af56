// REST calls of the Triggers tab (designer/api_triggers.py): a machine's schedules, rules,
// webhooks and recent fires, and the expression preview.
import { call } from "../api";

const enc = encodeURIComponent;

export interface ScheduleInfo {
  id: number; name: string; group: string; arn: string; expression: string; timezone: string; state: string;
  description: string; summary: string; next: string[]; input: string | null; target: string;
  flexible_window_minutes: number | null;
}
export interface RuleInfo {
  id: number; name: string; bus: string; arn: string; state: string; event_pattern: string | null;
  schedule_expression: string | null; summary: string | null; description: string; input: string | null; targets: string[];
}
export interface WebhookInfo {
  id: number; name: string; url: string; alias: string | null; enabled: boolean; signature_header: string;
  signed: boolean; rate_limit_per_minute: number;
}
export interface FireInfo {
  id: number; kind: "schedule" | "rule" | "webhook"; trigger: string; status: string; time: string; recorded: string;
  execution_arn: string | null; reason: string | null; attempts: number; event_id: string | null;
}
export interface TriggersInfo { machine: string; schedules: ScheduleInfo[]; rules: RuleInfo[]; webhooks: WebhookInfo[]; fires: FireInfo[] }
export interface Preview { summary: string; next: string[] }

export type Kind = "schedules" | "rules" | "webhooks";

const base = (machine: string) => `/api/machines/${enc(machine)}/triggers`;

export const triggersApi = {
  list: (machine: string) => call<TriggersInfo>("GET", base(machine)),
  preview: (expression: string, timezone: string) => call<Preview>("POST", "/api/triggers/preview", { expression, timezone }),
  create: (machine: string, kind: Kind, body: object) => call<unknown>("POST", `${base(machine)}/${kind}`, body),
  update: (machine: string, kind: Kind, id: number, body: object) => call<unknown>("PUT", `${base(machine)}/${kind}/${id}`, body),
  setEnabled: (machine: string, kind: Kind, id: number, enabled: boolean) =>
    call<unknown>("POST", `${base(machine)}/${kind}/${id}/state`, { enabled }),
  remove: (machine: string, kind: Kind, id: number) => call<void>("DELETE", `${base(machine)}/${kind}/${id}`),
};

/** The execution page of a Standard execution ARN (…:execution:<machine>:<name>); null for Express ones. */
export function executionLink(arn: string): string | null {
  const m = arn.match(/:execution:([^:]+):([^:]+)$/);
  return m ? `/machines/${enc(m[1])}/executions/${enc(m[2])}/` : null;
}

/** A fire time as the schedule's zone writes it: "Mon 2026-12-07 07:00 (-05:00)". */
export function zonedTime(iso: string): string {
  const m = iso.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  if (!m) return iso;
  const day = new Date(`${m[1]}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "short", timeZone: "UTC" });
  return `${day} ${m[1]} ${m[2]} (${m[3] === "Z" || m[3] === "+00:00" ? "UTC" : m[3]})`;
}
