// The studio shell: header with the connection status, and the page chosen by the URL.
import { useStudioSocket } from "./studioSocket";

export function App({ username }: { username: string }) {
  const status = useStudioSocket();
  return (
    <div className="app-shell" data-testid="app-shell">
      <header className="app-header">
        <a className="brand" href="/">Statecraft</a>
        <span className="spacer" />
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
        <h1>State machines</h1>
      </main>
    </div>
  );
}

export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
