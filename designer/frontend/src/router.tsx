// Client-side routing: history.pushState without a server round trip. Django serves the same
// shell for `/` and `/machines/...`, so a reload lands on the same page.
import { useEffect, useState } from "react";
import type { MouseEvent, ReactNode } from "react";

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  listeners.forEach((l) => l());
}

export function useLocation(): string {
  const [path, setPath] = useState(window.location.pathname + window.location.search);
  useEffect(() => {
    const update = () => setPath(window.location.pathname + window.location.search);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path;
}

export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; [key: string]: unknown }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} className={className} {...rest}>{children}</a>;
}

/** A route: a pattern over the path (without the query) and what to render for its groups. */
export interface Route {
  pattern: RegExp;
  render: (params: string[], query: URLSearchParams) => ReactNode;
}

export function matchRoute(routes: Route[], location: string): ReactNode {
  const [pathname, search = ""] = location.split("?");
  for (const route of routes) {
    const m = pathname.match(route.pattern);
    if (m) return route.render(m.slice(1).map((p) => decodeURIComponent(p)), new URLSearchParams(search));
  }
  return null;
}
