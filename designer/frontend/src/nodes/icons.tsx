// Inline SVG icons for the state types: no icon font, no CDN, works offline.
import type { ReactElement } from "react";

const base = { width: 16, height: 16, viewBox: "0 0 16 16", fill: "none", stroke: "currentColor", strokeWidth: 1.6, strokeLinecap: "round" as const, strokeLinejoin: "round" as const };

export const ICONS: Record<string, () => ReactElement> = {
  Task: () => (<svg {...base}><rect x="2" y="3" width="12" height="10" rx="2" /><path d="M5 7l2 2-2 2M8.5 11H11" /></svg>),
  Pass: () => (<svg {...base}><path d="M2 8h10M9 5l3 3-3 3" /></svg>),
  Choice: () => (<svg {...base}><path d="M8 2v4M8 6L3 11v3M8 6l5 5v3" /></svg>),
  Wait: () => (<svg {...base}><circle cx="8" cy="8" r="6" /><path d="M8 4.5V8l2.5 1.5" /></svg>),
  Succeed: () => (<svg {...base}><circle cx="8" cy="8" r="6" /><path d="M5 8.2l2 2 4-4.2" /></svg>),
  Fail: () => (<svg {...base}><circle cx="8" cy="8" r="6" /><path d="M5.8 5.8l4.4 4.4M10.2 5.8l-4.4 4.4" /></svg>),
  Parallel: () => (<svg {...base}><path d="M8 2v3M4 5h8M4 5v6M8 5v6M12 5v6M4 11h8M8 11v3" /></svg>),
  Map: () => (<svg {...base}><rect x="2" y="2" width="5" height="5" rx="1" /><rect x="9" y="2" width="5" height="5" rx="1" /><rect x="2" y="9" width="5" height="5" rx="1" /><rect x="9" y="9" width="5" height="5" rx="1" /></svg>),
  Lambda: () => (<svg {...base}><path d="M3 14l4.5-8L6 2.5H4M7.5 6L12 14h2" /></svg>),
  Http: () => (<svg {...base}><circle cx="8" cy="8" r="6" /><path d="M2 8h12M8 2c2 2 2 10 0 12M8 2c-2 2-2 10 0 12" /></svg>),
  Callback: () => (<svg {...base}><path d="M13 8a5 5 0 1 1-1.5-3.6M13 2.5v2.5h-2.5" /><path d="M8 5.5V8l1.5 1" /></svg>),
  Nested: () => (<svg {...base}><rect x="2" y="2" width="12" height="12" rx="2" /><rect x="5" y="5" width="6" height="6" rx="1" /></svg>),
  Start: () => (<svg {...base}><path d="M5 3l8 5-8 5z" /></svg>),
};

export function Icon({ name }: { name: string }) {
  const draw = ICONS[name] ?? ICONS.Pass;
  return draw();
}
