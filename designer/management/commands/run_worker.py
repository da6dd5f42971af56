"""`manage.py run_worker`: run executions without the web server (scale-out).

Runs the same runtime loop as the in-process default. Point every worker and the web server at
the same DATABASE_URL (PostgreSQL for more than one machine); with REDIS_URL set, StartExecution
wakes a worker at once, otherwise workers find new executions by polling the database. The
execution row's lease decides who runs what; a worker that dies loses its leases when they expire
and another worker resumes its executions from their checkpoints.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run Step Functions executions in this process (leases in the database, wake-ups over Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=None, help="seconds between database polls")
        parser.add_argument("--lease", type=float, default=None, help="lease length in seconds")

    def handle(self, *args, **options):
        from designer import runtime as runtime_package
        from designer.runtime.core import Runtime

        runtime = Runtime(lease_seconds=options["lease"], poll_seconds=options["poll"])
        runtime_package._runtime = runtime
        runtime.start()
        self.stdout.write(f"statecraft worker {runtime.owner} running; Ctrl+C stops it", ending="\n")
        self.stdout.flush()
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        done.wait()
        runtime.stop()
        self.stdout.write("worker stopped; its executions were handed back")
