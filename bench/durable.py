"""The durable runtime at scale, measured with boto3 against live servers on 127.0.0.1.

For SQLite (daphne with the in-process runtime) and, when PostgreSQL answers on 127.0.0.1:5432,
for PostgreSQL with one and with two `run_worker` processes (the web server runs with
STATECRAFT_RUNTIME=off; Redis carries the wake-ups when it answers), it prints:

- persisted state transitions/s: N executions of a K-state Pass chain, started by 8 boto3
  threads, from the first StartExecution until the last execution has ended (every transition
  is written: its events and the checkpoint);
- StartExecution p50/p99 with 1 client and with 8 clients (a Pass → Succeed machine);
- StartSyncExecution p50/p99 (a 3-state Express Pass machine; SQLite only, the web server runs it);
- memory per open waiting execution: the RSS of the processes that run executions, before and
  once W executions wait on a Wait state (TimestampPath), divided by W;
- timer lateness p50/p99/max with those W executions waiting: WaitStateExited time minus the
  due time (200 fall due per second by default, `--due-spread`; the first well after the last start).

Each configuration gets its own database (a temporary SQLite file, a randomly named PostgreSQL
database, a random Redis db). Run: .venv/bin/python bench/durable.py [--only sqlite|pg1|pg2]
[--executions N] [--states K] [--starts S] [--waiting W]; `--waiting 100000` checks the
100,000-open-executions goal (slow).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.designer.runtime_server import (  # noqa: E402 - after the path set-up
    RuntimeServer,
    create_machine,
    postgres_available,
    postgres_database,
    redis_available,
)

# Servers run as in production: DEBUG off (Django would otherwise keep every query's SQL).
QUIET = {"LOG_LEVEL": "WARNING", "STATECRAFT_POLL_SECONDS": "1", "STATECRAFT_LEASE_SECONDS": "15",
         "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}


def chain(k: int) -> dict:
    names = [f"S{i}" for i in range(k)]
    states = {n: {"Type": "Pass", "Next": names[i + 1]} for i, n in enumerate(names[:-1])}
    states[names[-1]] = {"Type": "Pass", "End": True}
    return {"StartAt": names[0], "States": states}


SMALL = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Done"}, "Done": {"Type": "Succeed"}}}
EXPRESS = chain(3)
TIMER = {"StartAt": "Wait", "States": {
    "Wait": {"Type": "Wait", "TimestampPath": "$.due", "Next": "Done"},
    "Done": {"Type": "Succeed"},
}}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` (the machine is shared: CPU per operation is the figure
    that does not depend on what else runs)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_all_done(sfn, arn: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING", maxResults=1)["executions"]:
            return True
        time.sleep(0.05)
    return False


class Bench:
    def __init__(self, server: RuntimeServer, label: str, runner_pids):
        self.server = server
        self.all_pids = lambda: sorted({server.process.pid, *runner_pids()})
        self.label = label
        self.runner_pids = runner_pids  # a callable: the pids that run executions
        self.clients = [server.client() for _ in range(8)]
        self.sfn = self.clients[0]

    def say(self, text: str) -> None:
        print(f"[{self.label}] {text}", flush=True)

    def start_many(self, arn: str, inputs: list[str]) -> list[float]:
        """StartExecution for each input from 8 threads; the latencies in ms."""
        latencies: list[float] = []
        lock = threading.Lock()

        def one(n: int) -> None:
            began = time.perf_counter()
            self.clients[n % 8].start_execution(stateMachineArn=arn, input=inputs[n])
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(one, range(len(inputs))))
        return latencies

    def transitions(self, executions: int, states: int) -> None:
        arn = create_machine(self.sfn, f"chain-{states}", chain(states))
        self.start_many(arn, ["{}"] * 8)
        wait_all_done(self.sfn, arn, 60)
        began, cpu = time.perf_counter(), cpu_seconds(self.all_pids())
        self.start_many(arn, ["{}"] * executions)
        done = wait_all_done(self.sfn, arn, 600)
        elapsed, cpu = time.perf_counter() - began, cpu_seconds(self.all_pids()) - cpu
        note = "" if done else " (NOT ALL FINISHED in 600 s)"
        self.say(f"persisted transitions/s: {executions} executions x {states} states in {elapsed:.2f} s = "
                 f"{executions * states / elapsed:,.0f} transitions/s{note}; server CPU {cpu:.1f} s = "
                 f"{executions * states / max(cpu, 0.01):,.0f} transitions per CPU-second (StartExecution included)")

    def starts(self, count: int) -> None:
        arn = create_machine(self.sfn, "small", SMALL)
        for _ in range(10):
            self.sfn.start_execution(stateMachineArn=arn, input="{}")
        one = []
        cpu = cpu_seconds(self.all_pids())
        for _ in range(count):
            began = time.perf_counter()
            self.sfn.start_execution(stateMachineArn=arn, input="{}")
            one.append((time.perf_counter() - began) * 1000)
        wait_all_done(self.sfn, arn, 120)
        cpu = cpu_seconds(self.all_pids()) - cpu
        eight = self.start_many(arn, ["{}"] * count)
        wait_all_done(self.sfn, arn, 120)
        self.say(f"StartExecution, 1 client ({count} calls): p50 {statistics.median(one):.1f} ms, "
                 f"p99 {pct(one, 0.99):.1f} ms; server CPU {cpu * 1000 / count:.1f} ms per execution "
                 "(its start and its run)")
        self.say(f"StartExecution, 8 clients ({count} calls): p50 {statistics.median(eight):.1f} ms, "
                 f"p99 {pct(eight, 0.99):.1f} ms")

    def sync(self, count: int) -> None:
        arn = create_machine(self.sfn, "express", EXPRESS, "EXPRESS")
        for _ in range(20):
            self.sfn.start_sync_execution(stateMachineArn=arn, input="{}")
        latencies = []
        for _ in range(count):
            began = time.perf_counter()
            answer = self.sfn.start_sync_execution(stateMachineArn=arn, input="{}")
            latencies.append((time.perf_counter() - began) * 1000)
            assert answer["status"] == "SUCCEEDED", answer
        self.say(f"StartSyncExecution, 3-state Express ({count} calls): p50 {statistics.median(latencies):.1f} ms, "
                 f"p99 {pct(latencies, 0.99):.1f} ms")

    def waiting(self, count: int, start_rate_guess: float, spread: float) -> None:
        """`count` executions wait on timers due after the last start; memory, then lateness."""
        arn = create_machine(self.sfn, "timers", TIMER)
        time.sleep(2)
        before = rss_mb(self.runner_pids())
        # Due times fall after the last start: each chunk of starts gets due times beyond the end
        # the start rate so far predicts (and never earlier than the chunk before), spread over
        # `spread` seconds (so many fall due per second: resuming is work too).
        began = time.perf_counter()
        rate = start_rate_guess
        base = datetime.now(UTC) + timedelta(seconds=count / rate + 10)
        dues: list[datetime] = []
        chunk = 500
        for offset in range(0, count, chunk):
            n = min(chunk, count - offset)
            if offset:
                rate = offset / (time.perf_counter() - began)
                base = max(base, datetime.now(UTC) + timedelta(seconds=(count - offset) / rate * 1.5 + 10))
            mine = [base + timedelta(seconds=spread * (offset + k) / count) for k in range(n)]
            dues += mine
            self.start_many(arn, [json.dumps({"due": d.isoformat().replace("+00:00", "Z")}) for d in mine])
        started = time.perf_counter() - began
        first_due = min(dues)
        left = (first_due - datetime.now(UTC)).total_seconds()
        # Let the runtime take in what was started (and settle) before reading the memory.
        time.sleep(max(0.0, min(5.0, left - 2)))
        after = rss_mb(self.runner_pids())
        waiting = self.server.python(
            "from designer.models import Execution, HistoryEvent\n"
            "print(Execution.objects.filter(status='RUNNING', state_machine__name='timers').count())\n"
        ).strip()
        self.say(f"{count} executions started in {started:.1f} s; {waiting} RUNNING {max(0.0, left):.1f} s before "
                 f"the first is due; runner RSS {before:.0f} MB -> {after:.0f} MB = "
                 f"{(after - before) * 1024 / count:.1f} KB per waiting execution")
        if left < 0:
            self.say(f"WARNING: the starts ended {-left:.1f} s after the first due time: lateness includes that")
        done = wait_all_done(self.sfn, arn, (max(dues) - datetime.now(UTC)).total_seconds() + 600)
        out = self.server.python(
            "import json\n"
            "from datetime import datetime\n"
            "from designer.models import Execution, HistoryEvent\n"
            "late = []\n"
            "rows = Execution.objects.filter(state_machine__name='timers').values_list('pk', 'input')\n"
            "due = {pk: datetime.fromisoformat(json.loads(i)['due'].replace('Z', '+00:00')) for pk, i in rows}\n"
            "for pk, ts in HistoryEvent.objects.filter(execution_id__in=due, type='WaitStateExited')"
            ".values_list('execution_id', 'timestamp'):\n"
            "    late.append((ts - due[pk]).total_seconds())\n"
            "print(json.dumps(late))\n"
        )
        late = json.loads(out.strip().splitlines()[-1])
        if not late:
            self.say("timer lateness: no Wait state exited")
            return
        self.say(f"timer lateness with {count} waiting, due over {spread:.0f} s ({len(late)} exited"
                 f"{'' if done else ', NOT ALL FINISHED'}): "
                 f"p50 {statistics.median(late) * 1000:.0f} ms, p99 {pct(late, 0.99) * 1000:.0f} ms, "
                 f"max {max(late) * 1000:.0f} ms")


def run(label: str, server: RuntimeServer, runner_pids, args, *, sync: bool) -> None:
    bench = Bench(server, label, runner_pids)
    if "transitions" not in args.skip:
        bench.transitions(args.executions, args.states)
    if "starts" not in args.skip:
        bench.starts(args.starts)
    if sync and "sync" not in args.skip:
        bench.sync(args.starts)
    bench.waiting(args.waiting, args.start_rate, args.due_spread or max(5.0, args.waiting / 200))


def with_workers(url: str, workers: int, args, workdir: Path) -> None:
    env = dict(QUIET, DATABASE_URL=url, STATECRAFT_RUNTIME="off")
    if redis_available():
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    server = RuntimeServer(workdir, **env)
    try:
        server.setup()
        procs = [server.start_worker() for _ in range(workers)]
        for n in range(workers):
            log = workdir / f"worker{n}.log"
            while "running" not in (log.read_text() if log.exists() else ""):
                if procs[n].poll() is not None:
                    raise RuntimeError(log.read_text())
                time.sleep(0.05)
        label = f"PostgreSQL, {workers} worker{'s' if workers > 1 else ''}"
        run(label, server, lambda: [p.pid for p in procs], args, sync=False)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "pg1", "pg2"), action="append")
    parser.add_argument("--executions", type=int, default=200)
    parser.add_argument("--states", type=int, default=20)
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=10000)
    parser.add_argument("--start-rate", type=float, default=100.0,
                        help="StartExecution/s expected from 8 threads (sets how far ahead timers fall due)")
    parser.add_argument("--due-spread", type=float, default=None,
                        help="seconds over which the timers fall due (default: 200 per second, at least 5 s)")
    parser.add_argument("--skip", action="append", default=[], choices=("transitions", "starts", "sync"))
    args = parser.parse_args()
    only = set(args.only or ("sqlite", "pg1", "pg2"))
    t0 = time.perf_counter()
    if "sqlite" in only:
        with tempfile.TemporaryDirectory(prefix="statecraft-bench-") as workdir:
            server = RuntimeServer(Path(workdir), **QUIET)
            try:
                server.setup()
                run("SQLite", server, lambda: [server.process.pid], args, sync=True)
            finally:
                server.stop()
    if only & {"pg1", "pg2"}:
        if not postgres_available():
            print("PostgreSQL at 127.0.0.1:5432 is not answering: skipped the PostgreSQL figures")
        else:
            for workers, key in ((1, "pg1"), (2, "pg2")):
                if key in only:
                    with tempfile.TemporaryDirectory(prefix="statecraft-bench-") as workdir, \
                            postgres_database() as url:
                        with_workers(url, workers, args, Path(workdir))
    print(f"(whole run {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
