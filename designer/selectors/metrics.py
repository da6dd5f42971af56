"""Reads: how one machine behaves over time, for the charts on its Metrics tab.

Everything is computed from the execution rows and their history events (the same facts
ListExecutions and GetExecutionHistory return), over a window that ends now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from designer.models import ExecutionStatus, HistoryEvent, StateMachine

MAX_EXECUTIONS = 5000  # the newest ones in the window; enough for charts, bounded for the server


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (p50 of [1, 2, 3, 4] is 2), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without float surprises
    return ordered[int(rank) - 1]


def _bucket_size(hours: int) -> timedelta:
    return timedelta(minutes=5) if hours <= 6 else timedelta(hours=1) if hours <= 72 else timedelta(days=1)


def machine_metrics(*, machine: StateMachine, hours: int = 24, now: datetime | None = None) -> dict:
    """Executions per status per time bucket, duration p50/p95 per bucket and overall, the
    slowest states (by p95 of their time from entered to exited) and the most frequent failures."""
    now = now or timezone.now()
    size = _bucket_size(hours)
    start = now - timedelta(hours=hours)
    # Buckets aligned on whole sizes, so the chart's ticks fall on round times.
    epoch = datetime(2000, 1, 1, tzinfo=now.tzinfo)
    first = epoch + ((start - epoch) // size) * size
    count = int((now - first) / size) + 1
    buckets = [{"start": first + i * size, "counts": Counter(), "durations": []} for i in range(count)]
    executions = list(
        machine.executions.filter(start_date__gte=first)
        .order_by("-start_date")
        .values("id", "status", "start_date", "stop_date", "error", "cause")[:MAX_EXECUTIONS]
    )
    durations: list[float] = []
    failures: Counter = Counter()
    for execution in executions:
        index = min(count - 1, int((execution["start_date"] - first) / size))
        bucket = buckets[index]
        bucket["counts"][execution["status"]] += 1
        if execution["stop_date"] and execution["status"] != ExecutionStatus.RUNNING:
            seconds = (execution["stop_date"] - execution["start_date"]).total_seconds()
            bucket["durations"].append(seconds)
            durations.append(seconds)
        if execution["status"] in (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT):
            failures[(execution["error"] or execution["status"], (execution["cause"] or "")[:200])] += 1
    return {
        "hours": hours,
        "bucket_seconds": int(size.total_seconds()),
        "executions": len(executions),
        "statuses": [s for s in ExecutionStatus.values],
        "buckets": [
            {
                "start": b["start"],
                "counts": dict(b["counts"]),
                "p50": percentile(b["durations"], 0.5),
                "p95": percentile(b["durations"], 0.95),
            }
            for b in buckets
        ],
        "duration": {"p50": percentile(durations, 0.5), "p95": percentile(durations, 0.95), "count": len(durations)},
        "slowest_states": _slowest_states([e["id"] for e in executions]),
        "failure_causes": [
            {"error": error, "cause": cause, "count": n} for (error, cause), n in failures.most_common(8)
        ],
    }


def _slowest_states(execution_ids: list[int], limit: int = 8) -> list[dict]:
    """p50/p95 seconds per state name, from each StateEntered to its StateExited."""
    entered: dict[tuple[int, str], datetime] = {}
    times: dict[str, list[float]] = defaultdict(list)
    events = (
        HistoryEvent.objects.filter(execution_id__in=execution_ids[:1000])
        .filter(Q(type__endswith="StateEntered") | Q(type__endswith="StateExited"))
        .order_by("execution_id", "event_id")
        .only("execution_id", "type", "timestamp", "details")
    )
    for event in events:
        details = event.details.get("stateEnteredEventDetails") or event.details.get("stateExitedEventDetails") or {}
        name = details.get("name")
        if not name:
            continue
        key = (event.execution_id, name)
        if event.type.endswith("StateEntered"):
            entered[key] = event.timestamp
        elif key in entered:
            times[name].append((event.timestamp - entered.pop(key)).total_seconds())
    rows = [
        {"name": name, "p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "count": len(values)}
        for name, values in times.items()
    ]
    rows.sort(key=lambda r: r["p95"] or 0, reverse=True)
    return rows[:limit]
