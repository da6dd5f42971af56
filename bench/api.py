"""API and runtime figures, measured with boto3 against a live daphne server (its own database).

- StartSyncExecution latency (p50, p99) for a 3-state Express machine (Pass → local Lambda → Pass);
- Standard executions completed per second (a 3-state machine: Pass → local Lambda → Succeed,
  every step persisted), with SQLite and with PostgreSQL (a bench database created on the local
  server postgres://postgres@127.0.0.1:5432 and dropped afterwards): end to end (boto3
  StartExecution calls included, which bound it) and the runtime alone (one `run_worker`
  draining executions that were queued while the web server ran none).

Run: .venv/bin/python bench/api.py [--sync N] [--standard N] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.designer.runtime_server import (  # noqa: E402 - after the path set-up
    RuntimeServer,
    create_machine,
    postgres_available,
    postgres_database,
)

LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:add"
THREE_STATES = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"a.$": "$.x", "b": 1}, "Next": "Add"},
    "Add": {"Type": "Task", "Resource": LAMBDA, "Next": "Done"},
    "Done": {"Type": "Pass", "End": True},
}}
STANDARD = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"a.$": "$.x", "b": 1}, "Next": "Add"},
    "Add": {"Type": "Task", "Resource": LAMBDA, "Next": "Done"},
    "Done": {"Type": "Succeed"},
}}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_sync(server: RuntimeServer, count: int) -> None:
    sfn = server.client()
    arn = create_machine(sfn, "bench-express", THREE_STATES, "EXPRESS")
    for _ in range(20):  # warm up imports and connections
        sfn.start_sync_execution(stateMachineArn=arn, input='{"x": 1}')
    latencies = []
    for n in range(count):
        began = time.perf_counter()
        answer = sfn.start_sync_execution(stateMachineArn=arn, input=json.dumps({"x": n}))
        latencies.append((time.perf_counter() - began) * 1000)
        assert answer["status"] == "SUCCEEDED", answer
    print(f"StartSyncExecution, 3-state Express machine, {count} calls: "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms")


def bench_standard(server: RuntimeServer, count: int, label: str) -> None:
    sfn = server.client()
    arn = create_machine(sfn, f"bench-standard-{int(time.time())}", STANDARD)
    clients = [server.client() for _ in range(8)]
    began = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: clients[n % 8].start_execution(stateMachineArn=arn, input=json.dumps({"x": n})),
                      range(count)))
    started = time.perf_counter() - began
    while True:
        running = sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING", maxResults=1)["executions"]
        if not running:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    done = 0
    token = None
    while True:
        page = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED", maxResults=1000,
                                   **({"nextToken": token} if token else {}))
        done += len(page["executions"])
        token = page.get("nextToken")
        if not token:
            break
    print(f"Standard executions ({label}): {done}/{count} SUCCEEDED in {elapsed:.2f} s "
          f"= {done / elapsed:.1f} executions/s (all {count} started in {started:.2f} s)")


def _all_done(sfn, arn: str) -> bool:
    return not sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING", maxResults=1)["executions"]


def bench_worker_drain(server: RuntimeServer, count: int, label: str) -> None:
    """The runtime alone: `count` executions wait (the web server runs none), then one run_worker
    takes them all; executions/s from when the worker is up until the last one finishes."""
    sfn = server.client()
    arn = create_machine(sfn, f"bench-drain-{int(time.time())}", STANDARD)
    clients = [server.client() for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: clients[n % 8].start_execution(stateMachineArn=arn, input=json.dumps({"x": n})),
                      range(count)))
    worker = server.start_worker()
    log = server.workdir / f"worker{len(server.workers) - 1}.log"
    while "running" not in (log.read_text() if log.exists() else ""):
        if worker.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.01)
    began = time.perf_counter()
    while not _all_done(sfn, arn):
        time.sleep(0.02)
    elapsed = time.perf_counter() - began
    print(f"Standard executions ({label}, runtime only: one run_worker draining {count} queued executions): "
          f"{count / elapsed:.1f} executions/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sync", type=int, default=300, help="StartSyncExecution calls")
    parser.add_argument("--standard", type=int, default=300, help="Standard executions per database")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    quiet = {"LOG_LEVEL": "WARNING", "STATECRAFT_POLL_SECONDS": "1"}
    with tempfile.TemporaryDirectory(prefix="statecraft-bench-") as workdir:
        server = RuntimeServer(Path(workdir), **quiet)
        try:
            server.setup()
            bench_sync(server, args.sync)
            bench_standard(server, args.standard, "SQLite")
        finally:
            server.stop()
    with tempfile.TemporaryDirectory(prefix="statecraft-bench-") as workdir:
        server = RuntimeServer(Path(workdir), STATECRAFT_RUNTIME="off", **quiet)
        try:
            server.setup()
            bench_worker_drain(server, args.standard, "SQLite")
        finally:
            server.stop()
    if args.skip_postgres:
        return
    if not postgres_available():
        print("PostgreSQL at 127.0.0.1:5432 is not answering: skipped the PostgreSQL figures")
        return
    with tempfile.TemporaryDirectory(prefix="statecraft-bench-") as workdir, postgres_database() as url:
        server = RuntimeServer(Path(workdir), DATABASE_URL=url, **quiet)
        try:
            server.setup()
            bench_standard(server, args.standard, "PostgreSQL")
        finally:
            server.stop()
    with tempfile.TemporaryDirectory(prefix="statecraft-bench-") as workdir, postgres_database() as url:
        server = RuntimeServer(Path(workdir), DATABASE_URL=url, STATECRAFT_RUNTIME="off", **quiet)
        try:
            server.setup()
            bench_worker_drain(server, args.standard, "PostgreSQL")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
