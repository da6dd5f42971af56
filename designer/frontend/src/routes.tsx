// The studio's pages by URL. The live view adds its execution routes here.
import { EditorPage } from "./editor/Editor";
import { ExecutionPage } from "./live/ExecutionPage";
import { ExecutionsPage } from "./live/ExecutionsPage";
import { MapRunPage } from "./live/MapRunPage";
import { Home } from "./pages/Home";
import { TriggersPage } from "./triggers/TriggersPage";
import type { Route } from "./router";

export const routes: Route[] = [
  { pattern: /^\/$/, render: () => <Home /> },
  { pattern: /^\/machines\/new\/?$/, render: (_, q) => <EditorPage key={`new-${q.get("template") ?? ""}`} name={null} template={q.get("template")} /> },
  { pattern: /^\/machines\/([^/]+)\/?$/, render: ([name]) => <EditorPage key={name} name={name} /> },
  { pattern: /^\/machines\/([^/]+)\/triggers\/?$/, render: ([name]) => <TriggersPage key={name} machine={name} /> },
  { pattern: /^\/machines\/([^/]+)\/executions\/?$/, render: ([name]) => <ExecutionsPage key={name} machine={name} /> },
  { pattern: /^\/machines\/([^/]+)\/executions\/([^/]+)\/map-run\/?$/, render: ([name, execution], q) => <MapRunPage key={q.get("arn") ?? ""} machine={name} execution={execution} arn={q.get("arn") ?? ""} /> },
  { pattern: /^\/machines\/([^/]+)\/executions\/([^/]+)\/?$/, render: ([name, execution]) => <ExecutionPage key={`${name}/${execution}`} machine={name} name={execution} /> },
];
