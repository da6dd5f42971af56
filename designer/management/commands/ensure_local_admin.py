"""`manage.py ensure_local_admin`: the admin / admin superuser of a local setup (what `make run` logs in with)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from designer.services import access_keys

# The well-known local credentials, documented in the README: for a laptop, never a deployment.
LOCAL_ACCESS_KEY = "test"
LOCAL_SECRET = "test"


class Command(BaseCommand):
    help = (
        "Create the local superuser admin/admin if it does not exist, and enable its AWS access key "
        "test/test. For local setups only: does nothing when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin")

    def handle(self, *args, username: str, password: str, **options):
        if not settings.DEBUG:
            self.stdout.write(
                f"DEBUG is off: not creating the local user {username!r}"
                " (a well-known password is for local setups only)."
            )
            return
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(f"Created the local superuser {username!r} (password {password!r}).")
        else:
            # An existing user keeps the password it has: the owner may have changed it on purpose.
            self.stdout.write(f"The local user {username!r} exists; left as it is.")
        access_keys.ensure_access_key(user, LOCAL_ACCESS_KEY, LOCAL_SECRET)
        self.stdout.write(f"AWS access key {LOCAL_ACCESS_KEY!r} / secret {LOCAL_SECRET!r} is enabled for {username!r}.")
