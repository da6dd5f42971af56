"""Engine benchmark: run the shared workloads in-process and print their figures.

Usage: .venv/bin/python bench/engine.py [workload ...] [--repeat N] [--profile NAME]

Reads ../shared/bench/workloads/manifest.json, runs each workload through `engine.run` with a
virtual clock and no history limit, checks the number of state transitions against the
manifest, and prints wall time and CPU time (best of N), transitions per second (by wall
time) and peak traced memory (separate runs under tracemalloc, which is slower and so not
timed): with the history kept, and without it (`no-hist`, what the interpreter itself holds).
On a busy machine the CPU column shows what the engine itself costs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import engine  # noqa: E402
from engine.ports import VirtualClock  # noqa: E402

# The shared workloads sit beside the checkout (../shared); a git worktree one level deeper
# (../../shared) finds them too, and STATECRAFT_WORKLOADS overrides both.
WORKLOADS = Path(os.environ.get("STATECRAFT_WORKLOADS") or next(
    (p for p in (REPO_ROOT.parent / "shared" / "bench" / "workloads",
                 REPO_ROOT.parent.parent / "shared" / "bench" / "workloads") if p.exists()),
    REPO_ROOT.parent / "shared" / "bench" / "workloads"))
GOAL_TPS = 50_000
GOAL_TPS_WORKLOADS = ("pass_chain_1000", "choice_loop_10000")


def run_once(definition: dict, input_text: str, keep_history: bool = True) -> engine.ExecutionResult:
    return engine.run(definition, input_text=input_text, clock=VirtualClock(), history_limit=10**9,
                      keep_history=keep_history)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", help="profile one workload with cProfile and print the top entries")
    args = parser.parse_args()
    if not WORKLOADS.exists():
        print(f"workloads not found at {WORKLOADS}")
        return 1
    manifest = json.loads((WORKLOADS / "manifest.json").read_text())
    names = args.workloads or list(manifest)
    if args.profile:
        import cProfile
        import pstats

        definition = json.loads((WORKLOADS / f"{args.profile}.asl.json").read_text())
        input_text = (WORKLOADS / f"{args.profile}.input.json").read_text()
        run_once(definition, input_text)
        cProfile.runctx("run_once(definition, input_text)", globals(), locals(), "/tmp/engine.prof")
        pstats.Stats("/tmp/engine.prof").sort_stats("tottime").print_stats(25)
        return 0
    print(f"{'workload':<20} {'status':<10} {'transitions':>11} {'wall ms':>9} {'cpu ms':>8} {'trans/s':>10} "
          f"{'peak MiB':>9} {'no-hist':>8} {'events':>7}  check")
    failures = 0
    for name in names:
        meta = manifest[name]
        definition = json.loads((WORKLOADS / f"{name}.asl.json").read_text())
        input_text = (WORKLOADS / f"{name}.input.json").read_text()
        best = best_cpu = float("inf")
        result = None
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = run_once(definition, input_text)
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
        tracemalloc.start()
        run_once(definition, input_text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        run_once(definition, input_text, keep_history=False)
        _, bare_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tps = result.transitions / best if best else float("inf")
        checks = []
        if result.transitions != meta["expected_transitions"]:
            checks.append(f"transitions {result.transitions} != {meta['expected_transitions']}")
        if result.status != "SUCCEEDED":
            checks.append(f"{result.error}: {result.cause}")
        if name in GOAL_TPS_WORKLOADS and tps < GOAL_TPS:
            checks.append(f"below {GOAL_TPS} trans/s")
        if name != "big_payload" and best >= 1.0:
            checks.append("over 1 s")
        failures += bool(checks)
        print(f"{name:<20} {result.status:<10} {result.transitions:>11} {best * 1000:>9.1f} {best_cpu * 1000:>8.1f} "
              f"{tps:>10.0f} "
              f"{peak / 2**20:>9.1f} {bare_peak / 2**20:>8.1f} {len(result.history):>7}  {'; '.join(checks) or 'ok'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
