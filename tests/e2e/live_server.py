"""A live Statecraft server for tests: daphne serving the real ASGI app from a subprocess.

`LiveServer(workdir).start()` migrates a throw-away SQLite database in `workdir`, starts daphne on
a free port and waits until it answers; `.stop()` ends it. The e2e fixtures use it
(tests/e2e/conftest.py) and the runtime tests' `RuntimeServer` (tests/designer/runtime_server.py) build
on it; any test that needs the whole server can import it from here.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60.0


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


class LiveServer:
    """Daphne serving Statecraft from a subprocess, with a throw-away database."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DJANGO_SETTINGS_MODULE": "designer.settings",
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def manage(self, *args: str) -> str:
        """Run `manage.py <args>` against the server's database and return its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def create_user(self, username: str, password: str, *, superuser: bool = False) -> Credentials:
        """Create a user (or reset its password) in the server's database."""
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            f"user, _ = get_user_model().objects.get_or_create(username={username!r})\n"
            f"user.set_password({password!r})\n"
            f"user.is_staff = user.is_superuser = {superuser!r}\n"
            "user.save()\n",
        )
        return Credentials(username, password)

    def start(self) -> None:
        """Migrate, then serve on a free port (after a kill too: the same database)."""
        self.manage("migrate", "--noinput", "-v", "0")
        # A port taken between choosing and binding it is rare; try a few before giving up.
        for _ in range(3):
            port = _free_port()
            log = self.log_path.open("ab")
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "designer.asgi:application"],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            self.url = f"http://127.0.0.1:{port}"
            if self._wait_until_answering():
                return
        raise RuntimeError(f"the live server did not start; its log ends with:\n{self.log_tail()}")

    def _wait_until_answering(self) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        end_process(self.process)
        return False

    def stop(self) -> None:
        end_process(self.process)

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def end_process(process: subprocess.Popen | None, timeout: float = 10) -> None:
    """End `process` if it still runs: SIGTERM, then SIGKILL after `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
