// The studio's pages by URL. The live view adds its execution routes here.
import { EditorPage } from "./editor/Editor";
import { ExecutionPage } from "./live/ExecutionPage";
import { ExecutionsPage } from "./live/ExecutionsPage";
import { MapRunPage } from "./live/MapRunPage";
import { Home } from "./pages/Home";
import { TriggersPage } from "./triggers/TriggersPage";
import type { Route } from "./router";
import { AccessKeysPage } from "./studio/AccessKeysPage";
import { ActivitiesPage } from "./studio/ActivitiesPage";
import { AllExecutionsPage } from "./studio/AllExecutionsPage";
import { MetricsPage } from "./studio/MetricsPage";
import { SettingsPage } from "./studio/SettingsPage";
import { VersionsPage } from "./studio/VersionsPage";

export const routes: Route[] = [
  { pattern: /^\/$/, render: () => <Home /> },
  { pattern: /^\/machines\/new\/?$/, render: (_, q) => <EditorPage key={`new-${q.get("template") ?? ""}`} name={null} template={q.get("template")} /> },
  { pattern: /^\/machines\/([^/]+)\/?$/, render: ([name]) => <EditorPage key={name} name={name} /> },
  { pattern: /^\/machines\/([^/]+)\/triggers\/?$/, render: ([name]) => <TriggersPage key={name} machine={name} /> },
  { pattern: /^\/machines\/([^/]+)\/versions\/?$/, render: ([name]) => <VersionsPage key={name} machine={name} /> },
  { pattern: /^\/machines\/([^/]+)\/metrics\/?$/, render: ([name]) => <MetricsPage key={name} machine={name} /> },
  { pattern: /^\/machines\/([^/]+)\/settings\/?$/, render: ([name]) => <SettingsPage key={name} machine={name} /> },
  { pattern: /^\/executions\/?$/, render: (_, q) => <AllExecutionsPage query={q} /> },
  { pattern: /^\/activities\/?$/, render: () => <ActivitiesPage /> },
  { pattern: /^\/access-keys\/?$/, render: () => <AccessKeysPage /> },
  { pattern: /^\/machines\/([^/]+)\/executions\/?$/, render: ([name]) => <ExecutionsPage key={name} machine={name} /> },
  { pattern: /^\/machines\/([^/]+)\/executions\/([^/]+)\/map-run\/?$/, render: ([name, execution], q) => <MapRunPage key={q.get("arn") ?? ""} machine={name} execution={execution} arn={q.get("arn") ?? ""} /> },
  { pattern: /^\/machines\/([^/]+)\/executions\/([^/]+)\/?$/, render: ([name, execution]) => <ExecutionPage key={`${name}/${execution}`} machine={name} name={execution} /> },
];
