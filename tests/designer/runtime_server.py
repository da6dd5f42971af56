"""Helpers for the runtime tests: a daphne server subprocess with its own database, boto3 clients.

`RuntimeServer` is daphne serving Statecraft from a subprocess on a free port, with its own SQLite
file unless a DATABASE_URL is given, a user whose SigV4 key is test/test, SIGKILL and restart,
`run_worker` processes, and extra environment (short leases, the test functions in
`tests.designer.runtime_functions`).
`postgres_database()` creates a uniquely named PostgreSQL database on the local server and drops
it afterwards; `redis_available()` says whether the local Redis answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

from tests.e2e.live_server import REPO_ROOT, LiveServer, end_process

FUNCTIONS_MODULE = "tests.designer.runtime_functions"
ROLE = "arn:aws:iam::000000000000:role/test-role"


def _django_script(body: str) -> str:
    return "import django\ndjango.setup()\n" + body


class RuntimeServer(LiveServer):
    """The live server (tests/e2e/live_server.py) set up for the runtime: see the module doc."""

    def __init__(self, workdir: Path, **env: str):
        super().__init__(workdir)
        self.env.update({
            "STATECRAFT_LEASE_SECONDS": "3",
            "STATECRAFT_POLL_SECONDS": "0.5",
            "STATECRAFT_FUNCTION_MODULES": FUNCTIONS_MODULE,
            "STATECRAFT_TEST_DIR": str(workdir),
        })
        self.env.pop("REDIS_URL", None)
        self.env.update(env)
        self.workers: list[subprocess.Popen] = []

    def python(self, code: str, *args: str) -> str:
        result = subprocess.run([sys.executable, "-c", _django_script(code), *args], cwd=REPO_ROOT, env=self.env,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout

    def setup(self) -> RuntimeServer:
        self.start()
        self.python(
            "from django.contrib.auth import get_user_model\n"
            "from designer.services import access_keys\n"
            "user, _ = get_user_model().objects.get_or_create(username='runtime')\n"
            "access_keys.ensure_access_key(user, 'test', 'test')\n"
        )
        return self

    def client(self):
        return boto3.client(
            "stepfunctions", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}, inject_host_prefix=False, read_timeout=90),
        )

    def kill(self) -> None:
        """SIGKILL the server: no shutdown code runs, leases stay as they were."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def start_worker(self, *args: str) -> subprocess.Popen:
        log = (self.workdir / f"worker{len(self.workers)}.log").open("ab")
        worker = subprocess.Popen([sys.executable, "manage.py", "run_worker", *args], cwd=REPO_ROOT, env=self.env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for worker in self.workers:
            end_process(worker, timeout=15)
        super().stop()


def create_machine(sfn, name: str, definition: dict, type: str = "STANDARD") -> str:
    return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE, type=type)[
        "stateMachineArn"
    ]


def wait_done(sfn, execution_arn: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.1)


def history(sfn, execution_arn: str) -> list[dict]:
    events, token = [], None
    while True:
        kwargs = {"executionArn": execution_arn, "maxResults": 1000}
        if token:
            kwargs["nextToken"] = token
        page = sfn.get_execution_history(**kwargs)
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def assert_history_intact(events: list[dict]) -> None:
    """Ids 1..n, valid previousEventId links, one start and one end, each Entered/Exited once per entry."""
    ids = [e["id"] for e in events]
    assert ids == list(range(1, len(events) + 1)), ids
    for event in events:
        assert 0 <= event["previousEventId"] < event["id"], event
    types = [e["type"] for e in events]
    assert types.count("ExecutionStarted") == 1 and types[0] == "ExecutionStarted"
    ends = [t for t in types if t in ("ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut")]
    assert len(ends) == 1 and types[-1] == ends[0], types
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
    exited = [e["stateExitedEventDetails"]["name"] for e in events if e["type"].endswith("StateExited")]
    if ends[0] == "ExecutionSucceeded":
        assert sorted(entered) == sorted(exited), (entered, exited)


@contextlib.contextmanager
def postgres_database():
    """A fresh database statecraft_test_<random> on 127.0.0.1:5432, dropped afterwards; its URL."""
    import psycopg

    name = f"statecraft_test_{secrets.token_hex(4)}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
