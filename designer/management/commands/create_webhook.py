"""`manage.py create_webhook MACHINE [--alias A] [--signature-header H --signature-secret S]`:
create a webhook and print its URL at the end of the last line."""

import os

from django.core.management.base import BaseCommand, CommandError

from designer import selectors
from designer.management.commands._common import owner_for
from designer.triggers import webhooks
from designer.triggers.errors import TriggerError


class Command(BaseCommand):
    help = "Create a webhook that starts MACHINE on every POST; prints the webhook's URL last."

    def add_arguments(self, parser):
        parser.add_argument("machine", help="state machine name")
        parser.add_argument("--alias", help="start this alias of the machine instead")
        parser.add_argument("--name", help="the webhook's name (default: the machine's)")
        parser.add_argument("--owner", help="username (default: admin, or the only user)")
        parser.add_argument("--signature-header", default="", help="header carrying an HMAC-SHA256 signature")
        parser.add_argument("--signature-secret", default="", help="the shared secret for the signature")
        parser.add_argument("--rate-limit", type=int, default=60, help="calls accepted per minute (default 60)")
        parser.add_argument("--base-url", help="the server's address (default http://$HOST:$PORT)")

    def handle(self, *args, machine, alias, name, owner, signature_header, signature_secret, rate_limit, base_url,
               **options):
        if bool(signature_header) != bool(signature_secret):
            raise CommandError("give both --signature-header and --signature-secret, or neither")
        try:
            row = selectors.state_machine_by_name(owner=owner_for(owner), name=machine)
        except Exception as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from None
        alias_row = None
        if alias:
            alias_row = row.aliases.filter(name=alias).first()
            if alias_row is None:
                raise CommandError(f"{machine} has no alias {alias!r}")
        try:
            hook = webhooks.webhook_create(machine=row, alias=alias_row, name=name, signature_header=signature_header,
                                           signature_secret=signature_secret, rate_limit_per_minute=rate_limit)
        except TriggerError as exc:
            raise CommandError(exc.message) from None
        host = os.environ.get("HOST", "127.0.0.1")
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "[::]") else host
        base = (base_url or f"http://{host}:{os.environ.get('PORT', '8000')}").rstrip("/")
        if signature_header:
            self.stdout.write(f"Signed with HMAC-SHA256 in the {signature_header} header.")
        self.stdout.write(f"Webhook {hook.name} starts {row.name}{':' + alias if alias else ''}: "
                          f"POST {base}{webhooks.path_for(hook)}")
