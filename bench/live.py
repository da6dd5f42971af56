"""Live view benchmark: how fast history events reach WebSocket watchers, and a big Map watched live.

Usage: .venv/bin/python bench/live.py [--executions 20] [--rounds 5] [--map-items 5000]
                                      [--redis] [--postgres [URL]] [--no-browser]

Starts Statecraft under daphne (a subprocess with its own SQLite database, or with --postgres a
fresh database on that PostgreSQL server; with --redis the channel layer is channels_redis at
REDIS_URL, default redis://127.0.0.1:6379/13, a database of its own), then:

1. Latency: starts N executions at once through the REST API (each runs rounds of a 10-item Map
   and a one-second Wait, so all of them emit bursts at the same moments) and watches each with
   its own WebSocket client on ws/executions/<id>/. For every event that arrives in an
   `execution.events` message, latency = arrival time − the event's own timestamp (taken by the
   engine when it made the event; same host, same clock). Prints p50, p95, p99 and max, and
   checks that every watcher received every event exactly once and in order (goal: p99 ≤ 100 ms).
2. A Map over --map-items items (inline, one Pass state per item; 10000 runs the shared workload
   map_10000) watched by one WebSocket client and, unless --no-browser, by the execution page in
   chromium: prints the events and messages received, the largest batch, latency, and how long
   after the execution finished the watcher and the browser had every event.

The WebSocket client is a minimal RFC 6455 reader written here (the project has no client
library); it only receives, so it never masks more than its closing frame.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKLOADS = REPO_ROOT.parent / "shared" / "bench" / "workloads"
CHROMIUM = "/usr/bin/chromium"
GOAL_P99_MS = 100.0


# ─── a minimal WebSocket client ──────────────────────────────────────────────────────────────


class WebSocket:
    """Receives JSON text messages from a WebSocket server (RFC 6455, no extensions)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, host: str, port: int, path: str, headers: dict[str, str]) -> WebSocket:
        reader, writer = await asyncio.open_connection(host, port, limit=2**26)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        status = await reader.readline()
        if b" 101 " not in status:
            raise ConnectionError(f"WebSocket refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    async def receive(self) -> dict:
        message = b""
        while True:
            head = await self.reader.readexactly(2)
            fin, opcode, length = head[0] & 0x80, head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            payload = await self.reader.readexactly(length)
            if opcode == 0x8:
                raise ConnectionError("closed by the server")
            if opcode in (0x9, 0xA):  # ping / pong: nothing to answer for a short benchmark
                continue
            message += payload
            if fin:
                return json.loads(message)

    async def close(self) -> None:
        mask = secrets.token_bytes(4)
        body = struct.pack("!H", 1000)
        self.writer.write(bytes([0x88, 0x80 | len(body)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(body)))
        try:
            await self.writer.drain()
        finally:
            self.writer.close()


# ─── the server under test ───────────────────────────────────────────────────────────────────


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, redis_url: str | None, postgres_url: str | None):
        self.workdir = Path(tempfile.mkdtemp(prefix="statecraft-bench-live-"))
        self.port = _free_port()
        self.postgres = None
        database_url = f"sqlite:///{self.workdir / 'db.sqlite3'}"
        if postgres_url:
            # A throw-away database on that server, dropped at the end.
            self.postgres = (postgres_url.rstrip("/"), f"statecraft_bench_live_{secrets.token_hex(4)}")
            _psql(self.postgres[0] + "/postgres", f"CREATE DATABASE {self.postgres[1]}")
            database_url = f"{self.postgres[0]}/{self.postgres[1]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DJANGO_SETTINGS_MODULE": "designer.settings",
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.process: subprocess.Popen | None = None

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO_ROOT, env=self.env, check=True
        )

    def start(self) -> None:
        log = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "designer.asgi:application"],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("daphne did not start; see " + str(self.workdir / "server.log"))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        if self.postgres is not None:
            from django.db import connections

            connections.close_all()
            _psql(self.postgres[0] + "/postgres", f"DROP DATABASE IF EXISTS {self.postgres[1]}")


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-q", "-c", sql], check=True, capture_output=True)


def _prepare(server: Server, machines: dict[str, dict]) -> tuple[str, str]:
    """Create the user and the machines in the server's database; return (session id, csrf token)."""
    os.environ.update(
        {k: v for k, v in server.env.items() if k in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    )
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from designer import services

    user = get_user_model().objects.create_user(username="bench", password=secrets.token_urlsafe(12))
    for name, definition in machines.items():
        services.state_machine_create(owner=user, region="us-east-1", name=name, definition=json.dumps(definition))
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value, secrets.token_hex(16)


class Api:
    def __init__(self, port: int, session: str, csrf: str):
        self.base = f"http://127.0.0.1:{port}"
        self.headers = {
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/json",
            "Referer": self.base + "/",
        }

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(self.base + path, json.dumps(body).encode(), self.headers, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def get(self, path: str):
        request = urllib.request.Request(self.base + path, headers=self.headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


# ─── watching ────────────────────────────────────────────────────────────────────────────────


class Watch:
    """One watcher's record: what arrived, when, in how many messages."""

    def __init__(self):
        self.snapshot_ids: list[int] = []
        self.streamed_ids: list[int] = []
        self.latencies_ms: list[float] = []
        self.messages = 0
        self.largest = 0
        self.final_status: str | None = None
        self.done_at: float | None = None
        self.ended_by = "timeout"
        # (arrival time, MapIterationSucceeded events seen so far) after each message that had any.
        self.progress: list[tuple[float, int]] = []
        self.iterations = 0


async def watch(port: int, session: str, execution_id: int, record: Watch, timeout: float) -> None:
    socket_ = await WebSocket.connect(
        "127.0.0.1",
        port,
        f"/ws/executions/{execution_id}/",
        {"Origin": f"http://127.0.0.1:{port}", "Cookie": f"sessionid={session}"},
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            message = await asyncio.wait_for(socket_.receive(), max(0.1, deadline - time.monotonic()))
            now = time.time()
            if message["type"] == "execution.snapshot":
                record.snapshot_ids = [e["id"] for e in message["events"]]
            elif message["type"] == "execution.events":
                record.messages += 1
                record.largest = max(record.largest, len(message["events"]))
                before = record.iterations
                record.iterations += sum(e["type"] == "MapIterationSucceeded" for e in message["events"])
                if record.iterations != before:
                    record.progress.append((now, record.iterations))
                for event in message["events"]:
                    record.streamed_ids.append(event["id"])
                    stamp = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()
                    record.latencies_ms.append((now - stamp) * 1000)
                    if event["type"] in (
                        "ExecutionSucceeded",
                        "ExecutionFailed",
                        "ExecutionAborted",
                        "ExecutionTimedOut",
                    ):
                        record.final_status = event["type"].removeprefix("Execution").upper()
                        record.done_at = now
            elif message["type"] == "execution.status" and message["status"] != "RUNNING":
                record.ended_by = f"status {message['status']}"
                return
    except TimeoutError:
        pass
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        record.ended_by = f"connection lost: {exc}"
    finally:
        await socket_.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def exact(record: Watch, total: int) -> bool:
    ids = record.snapshot_ids + record.streamed_ids
    return ids == list(range(1, total + 1))


# ─── workloads ───────────────────────────────────────────────────────────────────────────────


def burst_machine(rounds: int) -> dict:
    """Rounds of a 10-item Map and a one-second Wait: every execution bursts at the same moments."""
    states: dict = {"Settle": {"Type": "Wait", "Seconds": 1, "Next": "Fan0"}}
    for i in range(rounds):
        states[f"Fan{i}"] = {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": f"Item{i}", "States": {f"Item{i}": {"Type": "Pass", "End": True}}},
            "ResultPath": None,
            "Next": f"Pause{i}",
        }
        states[f"Pause{i}"] = {
            "Type": "Wait",
            "Seconds": 1,
            **({"Next": f"Fan{i + 1}"} if i + 1 < rounds else {"End": True}),
        }
    return {"Comment": "live bench: bursts", "StartAt": "Settle", "States": states}


def map_machine(items: int) -> tuple[dict, dict]:
    """The shared map_10000 workload for 10,000 items, else an inline Map with one Pass per item.

    AWS's 25,000-event history limit: an inline iteration of n states records 2n + 2 events, so
    map_10000 (two states) fails with States.Runtime at event 25,000 — the default is 5,000 items
    of one state (20,006 events)."""
    if items == 10_000 and (WORKLOADS / "map_10000.asl.json").exists():
        definition = json.loads((WORKLOADS / "map_10000.asl.json").read_text())
        return definition, json.loads((WORKLOADS / "map_10000.input.json").read_text())
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "A",
                    "States": {"A": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    return definition, {"items": list(range(items))}


# ─── the benchmark ───────────────────────────────────────────────────────────────────────────


async def latency_bench(api: Api, port: int, session: str, executions: int) -> None:
    started = [
        api.post("/api/machines/bursts/executions", {"input": {"items": list(range(10))}}) for _ in range(executions)
    ]
    records = [Watch() for _ in started]
    await asyncio.gather(*(watch(port, session, e["id"], r, 120) for e, r in zip(started, records, strict=True)))
    latencies = [ms for r in records for ms in r.latencies_ms]
    totals = [len(api.get(f"/api/executions/{e['id']}/history")) for e in started]
    exact_count = sum(exact(r, t) for r, t in zip(records, totals, strict=True))
    p99 = percentile(latencies, 99)
    print(
        f"latency, {executions} concurrent executions × 1 watcher each ({sum(totals)} events, "
        f"{sum(len(r.streamed_ids) for r in records)} streamed in {sum(r.messages for r in records)} messages):"
    )
    print(
        f"  p50 {percentile(latencies, 50):7.1f} ms   p95 {percentile(latencies, 95):7.1f} ms   "
        f"p99 {p99:7.1f} ms   max {max(latencies):7.1f} ms   (goal p99 ≤ {GOAL_P99_MS:.0f} ms: "
        f"{'met' if p99 <= GOAL_P99_MS else 'NOT met'})"
    )
    print(
        f"  exact (every event once, in order): {exact_count}/{executions} watchers; final statuses: "
        f"{sorted({str(r.final_status) for r in records})}"
    )
    for record, total in zip(records, totals, strict=True):
        ids = record.snapshot_ids + record.streamed_ids
        if ids != list(range(1, total + 1)):
            missing = sorted(set(range(1, total + 1)) - set(ids))
            print(
                f"    inexact watcher: {len(ids)} of {total} events, {len(ids) - len(set(ids))} duplicates, "
                f"missing {missing[:5]}{'…' if len(missing) > 5 else ''}, snapshot had {len(record.snapshot_ids)}, "
                f"ended by {record.ended_by}"
            )


def map_bench(api: Api, port: int, session: str, items: int, browser: bool) -> None:
    execution = api.post("/api/machines/big-map/executions", {"input": map_machine(items)[1]})
    record = Watch()
    started = datetime.fromisoformat(execution["start_date"].replace("Z", "+00:00")).timestamp()
    watcher = threading.Thread(target=lambda: asyncio.run(watch(port, session, execution["id"], record, 600)))
    watcher.start()
    page_done: float | None = None
    page_count = None
    if browser:
        page_done, page_count = _watch_in_browser(api, port, session, execution, timeout=600)
    watcher.join()
    final = api.get(f"/api/executions/{execution['id']}")
    total = len(api.get(f"/api/executions/{execution['id']}/history"))
    stop = datetime.fromisoformat(final["stop_date"].replace("Z", "+00:00")).timestamp() if final["stop_date"] else None
    print(
        f"{items}-item Map watched live: status {final['status']}"
        + (f" ({final['error']}: {(final['cause'] or '')[:90]})" if final["error"] else "")
        + f", {total} events in {(stop or time.time()) - started:.1f} s"
    )
    print(
        f"  websocket watcher: {len(record.snapshot_ids) + len(record.streamed_ids)} events "
        f"(exact: {exact(record, total)}) in {record.messages} messages, largest batch {record.largest} events; "
        f"latency p50 {percentile(record.latencies_ms, 50):.0f} ms, p99 {percentile(record.latencies_ms, 99):.0f} ms"
        + (
            f"; had the last event {(record.done_at - stop) * 1000:.0f} ms after the execution stopped"
            if record.done_at and stop
            else ""
        )
    )
    if record.progress:
        # How the watcher's count of finished iterations advanced while the execution ran.
        steps = [(at - started, n) for at, n in record.progress]
        shown = steps if len(steps) <= 12 else [steps[round(i * (len(steps) - 1) / 11)] for i in range(12)]
        print(
            f"  finished iterations as the watcher saw them ({len(steps)} updates): "
            + ", ".join(f"{n} at {at:.2f} s" for at, n in shown)
        )
    if browser:
        if page_done is None:
            print(f"  browser: the execution page showed {page_count} of {total} events when the wait ended")
        else:
            print(
                f"  browser (execution page in chromium): showed all {total} events "
                f"{(page_done - stop) * 1000:.0f} ms after the execution stopped; diagram status "
                f"{page_count}"
            )


def _watch_in_browser(api: Api, port: int, session: str, execution: dict, timeout: float):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = chromium.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": api.base}])
        page = context.new_page()
        page.goto(f"{api.base}/machines/big-map/executions/{execution['name']}/")
        deadline = time.monotonic() + timeout
        count = None
        while time.monotonic() < deadline:
            status = page.get_by_test_id("execution-status").text_content(timeout=60_000)
            count = page.get_by_test_id("event-count").text_content()
            if status != "RUNNING":
                total = len(api.get(f"/api/executions/{execution['id']}/history"))
                if count == str(total):
                    badge = page.get_by_test_id("state-" + _map_state(execution)).get_attribute("data-status")
                    chromium.close()
                    return time.time(), badge
            time.sleep(0.05)
        chromium.close()
        return None, count


def _map_state(execution: dict) -> str:
    return next(iter(execution["definition"]["States"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--map-items", type=int, default=5_000)
    parser.add_argument("--redis", action="store_true", help="use channels_redis at REDIS_URL")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database number when REDIS_URL is unset")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgres://postgres@127.0.0.1:5432",
        default=None,
        help="run on a fresh PostgreSQL database on this server (default: SQLite)",
    )
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    # Its own Redis database number: group names (`execution-<id>`) repeat across Statecraft
    # databases, so two servers sharing one Redis database and prefix would hear each other.
    redis_url = (os.environ.get("REDIS_URL") or f"redis://127.0.0.1:6379/{args.redis_db}") if args.redis else None
    server = Server(redis_url, args.postgres)
    map_definition, _ = map_machine(args.map_items)
    server.migrate()
    session, csrf = _prepare(server, {"bursts": burst_machine(args.rounds), "big-map": map_definition})
    server.start()
    print(
        f"Statecraft under daphne on port {server.port}, channel layer: "
        f"{'channels_redis at ' + redis_url if redis_url else 'in-memory'}, database: "
        f"{'PostgreSQL' if args.postgres else 'SQLite'}"
    )
    try:
        api = Api(server.port, session, csrf)
        asyncio.run(latency_bench(api, server.port, session, args.executions))
        browser = not args.no_browser and Path(CHROMIUM).exists()
        map_bench(api, server.port, session, args.map_items, browser)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
