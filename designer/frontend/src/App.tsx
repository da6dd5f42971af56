// The studio shell: header with the connection status, and the page chosen by the URL.
import { csrfToken } from "./api";
import { routes } from "./routes";
import { Link, matchRoute, useLocation } from "./router";
import { useStudioSocket } from "./studioSocket";


export function App({ username }: { username: string }) {
  const status = useStudioSocket();
  const location = useLocation();
  const page = matchRoute(routes, location);
  return (
    <div className="app-shell" data-testid="app-shell">
      <header className="app-header">
        <Link className="brand" to="/">Statecraft</Link>
        <nav className="crumbs">{crumbs(location)}</nav>
        <span className="spacer" />
        <nav className="app-nav" aria-label="Studio">
          <Link to="/executions/" className={location.startsWith("/executions") ? "active" : ""}>Executions</Link>
          <Link to="/activities/" className={location.startsWith("/activities") ? "active" : ""}>Activities</Link>
          <Link to="/access-keys/" className={location.startsWith("/access-keys") ? "active" : ""}>Access keys</Link>
          <a href="/api/docs">API docs</a>
        </nav>
        <span className={`ws-status ws-${status}`} data-testid="ws-status" title="Live connection to the server">
          {status}
        </span>
        <span className="user">{username}</span>
        <form method="post" action="/accounts/logout/">
          <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
          <button type="submit" className="link">Sign out</button>
        </form>
      </header>
      <main className="app-main">
        {page ?? <div className="page-error">Nothing here. <Link to="/">Back to state machines</Link></div>}
      </main>
    </div>
  );
}

function crumbs(location: string) {
  const m = location.match(/^\/machines\/([^/?]+)/);
  if (!m) return null;
  return (
    <>
      <span className="crumb-sep">/</span>
      <Link to="/">State machines</Link>
      <span className="crumb-sep">/</span>
      <span>{m[1] === "new" ? "New" : decodeURIComponent(m[1])}</span>
    </>
  );
}

export { csrfToken };
