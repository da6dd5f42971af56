"""`manage.py export_asl NAME --format json|yaml`: print a state machine's definition."""

import json

import yaml
from django.core.management.base import BaseCommand, CommandError

from designer import errors, selectors
from designer.management.commands._common import owner_for


class Command(BaseCommand):
    help = "Print a state machine's definition as JSON (exactly as stored) or YAML."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--format", default="json", choices=["json", "yaml"])
        parser.add_argument("--owner", help="username (default: admin, or the only user)")

    def handle(self, *args, name: str, format: str, owner: str | None, **options):
        try:
            machine = selectors.state_machine_by_name(owner=owner_for(owner), name=name)
        except errors.ServiceError as exc:
            raise CommandError(exc.message) from None
        if format == "json":
            self.stdout.write(machine.definition)
            return
        try:
            document = json.loads(machine.definition)
        except ValueError:
            raise CommandError("the stored definition is not JSON, so it cannot be shown as YAML") from None
        self.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), ending="")
