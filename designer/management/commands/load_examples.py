"""`manage.py load_examples`: the workflows of designer/examples as state machines of the local admin.

Idempotent: a missing example is created; one still as loaded last time is brought up to date
with the shipped file; one the user has edited since (its latest revision is not ours) is left
alone, so `make run` never overwrites work.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from designer import errors, selectors
from designer.examples import examples
from designer.services import debugging, machines

REVISION_MESSAGE = "Loaded from designer/examples"


class Command(BaseCommand):
    help = "Create (or bring up to date) a state machine for every example workflow in designer/examples."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="admin", help="user who owns the examples (default: admin)")
        parser.add_argument("--region", default=settings.STATECRAFT_DEFAULT_REGION)

    def handle(self, *args, owner: str, region: str, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"no user {owner!r}: create it first (manage.py ensure_local_admin)")
        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0, "invalid": 0}
        for example in examples():
            try:
                machine = selectors.state_machine_by_name(owner=user, name=example.name, region=region)
            except errors.StateMachineDoesNotExist:
                machine = None
            try:
                if machine is None:
                    machines.state_machine_create(
                        owner=user,
                        region=region,
                        name=example.name,
                        definition=example.definition_text,
                        message=REVISION_MESSAGE,
                    )
                    counts["created"] += 1
                elif machine.definition == example.definition_text:
                    counts["unchanged"] += 1
                elif _latest_revision_message(machine) == REVISION_MESSAGE:
                    machines.state_machine_update(
                        machine=machine, definition=example.definition_text, message=REVISION_MESSAGE
                    )
                    counts["updated"] += 1
                else:
                    counts["kept"] += 1
                _add_test_cases(selectors.state_machine_by_name(owner=user, name=example.name, region=region), example)
            except errors.ServiceError as exc:
                # One broken example must not stop the studio from starting; the example tests catch it.
                self.stderr.write(f"example {example.name!r} not loaded: {exc.message}")
                counts["invalid"] += 1
        summary = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        self.stdout.write(f"Examples for {owner!r} in {region}: {summary}.")


def _latest_revision_message(machine) -> str | None:
    return machine.revisions.order_by("-number").values_list("message", flat=True).first()


def _add_test_cases(machine, example) -> None:
    """The example's test cases, for those the machine does not have yet (edits are kept)."""
    have = set(machine.test_cases.values_list("name", flat=True))
    for case in example.test_cases:
        if case["name"] not in have:
            debugging.test_case_save(machine=machine, name=case["name"], input=case.get("input", {}),
                                     mocks=case.get("mocks", {}), expect=case.get("expect", {}))
