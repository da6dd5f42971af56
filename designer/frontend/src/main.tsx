// Entry point: mounts the studio into the page Django serves.
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "@xyflow/react/dist/style.css";
import "./styles.css";
// After the base styles, so the studio pages' rules and the dark theme take precedence.
import "./studio/studio.css";
import "./ui/theme.css";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(<App username={root.dataset.username ?? ""} />);
}
