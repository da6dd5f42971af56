"""What the production profile refuses at server start, beyond what settings.py checks itself.

settings.py refuses DEBUG pages and a missing or weak SECRET_KEY as soon as it loads. The local
setup's well-known credentials (the admin/admin superuser, the test/test access key) live in the
database, so they are checked when the ASGI application starts (designer/asgi.py) and by
`manage.py check`.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def local_credentials_problems() -> list[str]:
    """The well-known local credentials still usable in this database."""
    from django.contrib.auth import get_user_model

    from designer.models import AccessKey

    problems = []
    try:
        admin = get_user_model().objects.filter(username="admin", is_active=True).first()
        if admin is not None and admin.check_password("admin"):
            problems.append("the local superuser admin still has the password 'admin'")
        # Its secret may be unreadable under the production SECRET_KEY; the well-known id is enough.
        if AccessKey.objects.filter(access_key_id="test", enabled=True).exists():
            problems.append("the local access key test/test is enabled")
    except DatabaseError:
        return []  # not migrated yet: `migrate` must be able to run
    return problems


def ensure_ready() -> None:
    """Raise ImproperlyConfigured when the production profile would serve local credentials."""
    if not settings.PRODUCTION:
        return
    problems = local_credentials_problems()
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in the production profile: " + "; ".join(problems)
            + ". Change the password (manage.py changepassword admin) and disable or delete the key "
            "(in /admin/), or run without STATECRAFT_ENV=production for a local setup."
        )


@checks.register(checks.Tags.security)
def check_local_credentials(app_configs=None, **kwargs):
    if not settings.PRODUCTION:
        return []
    return [checks.Error(problem, id="statecraft.E001") for problem in local_credentials_problems()]
