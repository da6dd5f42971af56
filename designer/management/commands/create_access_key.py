"""`manage.py create_access_key USER`: a new SigV4 access key for the AWS API, printed once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from designer.services import access_keys


class Command(BaseCommand):
    help = "Create an AWS API access key for USER and print its id and secret."

    def add_arguments(self, parser):
        parser.add_argument("user")
        parser.add_argument("--id", dest="key_id", help="use this access key id (default: random)")
        parser.add_argument("--secret", help="use this secret (default: random)")

    def handle(self, *args, user: str, key_id: str | None, secret: str | None, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no user {user!r}")
        if key_id and secret:
            key = access_keys.ensure_access_key(owner, key_id, secret)
        else:
            key = access_keys.access_key_create(user=owner, access_key_id=key_id, secret=secret)
        self.stdout.write(f"aws_access_key_id = {key.access_key_id}")
        self.stdout.write(f"aws_secret_access_key = {key.secret}")
