"""`manage.py import_asl FILE --name NAME`: create the state machine, or save a new revision of it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from designer import errors
from designer.management.commands._common import owner_for, read_definition
from designer.models import StateMachine
from designer.services import machines


class Command(BaseCommand):
    help = "Import an ASL file (JSON or YAML) as a state machine, or as a new revision of an existing one."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner", help="username (default: admin, or the only user)")
        parser.add_argument("--type", default="STANDARD", choices=["STANDARD", "EXPRESS"])
        parser.add_argument("--region", default=settings.STATECRAFT_DEFAULT_REGION)

    def handle(self, *args, file: str, name: str, owner: str | None, type: str, region: str, **options):
        user = owner_for(owner)
        definition = read_definition(file)
        machine = StateMachine.objects.filter(owner=user, region=region, name=name).first()
        try:
            if machine is None:
                machine, _ = machines.state_machine_create(
                    owner=user, region=region, name=name, definition=definition, type=type, message=f"Imported {file}"
                )
                self.stdout.write(f"created {machine.arn}")
            else:
                machine, _ = machines.state_machine_update(
                    machine=machine, definition=definition, message=f"Imported {file}"
                )
                self.stdout.write(f"updated {machine.arn} (revision {machine.revision})")
        except errors.ServiceError as exc:
            raise CommandError(exc.message) from None
