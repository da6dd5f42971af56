"""Profile the server while bench/durable.py's start and transition phases run against it.

Starts a SQLite server, attaches py-spy (`pip install py-spy`) to it, runs the transitions and
StartExecution phases, and writes py-spy's top functions (by own time and by total time) to
bench/results/<name>.txt. Run: .venv/bin/python bench/profile_durable.py NAME
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from durable import QUIET, Bench  # noqa: E402

from tests.designer.runtime_server import RuntimeServer  # noqa: E402

SPY = Path(sys.executable).parent / "py-spy"


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "profile"
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="statecraft-profile-") as workdir:
        server = RuntimeServer(Path(workdir), **QUIET)
        try:
            server.setup()
            raw = Path(workdir) / "spy.txt"
            spy = subprocess.Popen([str(SPY), "record", "-p", str(server.process.pid), "-f", "raw", "-o", str(raw),
                                    "-r", "100", "--nonblocking", "-t"])
            time.sleep(1)
            bench = Bench(server, "profile", lambda: [server.process.pid])
            bench.transitions(100, 20)
            bench.starts(100)
            spy.send_signal(2)
            spy.wait(30)
        finally:
            server.stop()
        summary = summarise(raw.read_text())
    (out / f"{name}.txt").write_text(summary)
    print(summary[:6000])


def summarise(raw: str) -> str:
    """Collapsed stacks → the top 40 functions by own samples and by inclusive samples."""
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        if any("idle" in f for f in frames[-1:]) or frames[-1].startswith(("select (", "poll (", "wait (",
                                                                              "_worker (", "epoll")):
            continue
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    lines = [f"busy samples: {total}", "", "own time:"]
    for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:40]:
        lines.append(f"{100 * n / max(total, 1):5.1f}%  {frame}")
    lines += ["", "inclusive:"]
    for frame, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:60]:
        lines.append(f"{100 * n / max(total, 1):5.1f}%  {frame}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
