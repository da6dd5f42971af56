"""`manage.py start_execution NAME --input JSON [--wait]`: start an execution, optionally wait for it."""

import time

from django.core.management.base import BaseCommand, CommandError

from designer import errors, selectors
from designer.management.commands._common import owner_for
from designer.models import Execution, ExecutionStatus
from designer.services import executions


class Command(BaseCommand):
    help = "Start an execution of a state machine; with --wait, print its output when it finishes."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--input", default="{}", help="JSON input (default: {})")
        parser.add_argument("--execution-name", dest="execution_name")
        parser.add_argument("--owner", help="username (default: admin, or the only user)")
        parser.add_argument("--wait", action="store_true", help="wait until the execution finishes")
        parser.add_argument("--timeout", type=float, default=300.0, help="seconds --wait waits (default 300)")

    def handle(self, *args, name, input, execution_name, owner, wait, timeout, **options):
        try:
            machine = selectors.state_machine_by_name(owner=owner_for(owner), name=name)
            execution, _ = executions.execution_start(state_machine=machine, input=input, name=execution_name)
        except errors.ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(execution.arn)
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while execution.status in (ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE):
            if time.monotonic() > deadline:
                raise CommandError(f"still {execution.status} after {timeout:g} s")
            time.sleep(0.2)
            execution = Execution.objects.get(pk=execution.pk)
        self.stdout.write(execution.status)
        if execution.output is not None:
            self.stdout.write(execution.output)
        if execution.error or execution.cause:
            self.stdout.write(f"{execution.error or ''}: {execution.cause or ''}")
        if execution.status != ExecutionStatus.SUCCEEDED:
            raise CommandError(f"execution {execution.status}")
