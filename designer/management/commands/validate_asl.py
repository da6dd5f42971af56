"""`manage.py validate_asl FILE`: the engine's diagnostics for a definition file (exit 1 on errors)."""

from django.core.management.base import BaseCommand, CommandError

from designer import checks
from designer.management.commands._common import read_definition


class Command(BaseCommand):
    help = "Validate an Amazon States Language file (JSON or YAML) and print every problem."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        diagnostics = checks.definition_diagnostics(read_definition(file))
        for d in diagnostics:
            self.stdout.write(f"{d.severity} {d.code} at {d.path or '/'}: {d.message}")
        errors = [d for d in diagnostics if d.severity == "ERROR"]
        if errors:
            raise CommandError(f"{file}: {len(errors)} error(s)")
        self.stdout.write(f"{file}: valid")
