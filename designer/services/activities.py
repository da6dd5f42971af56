"""Activities (CreateActivity, DeleteActivity)."""

from __future__ import annotations

from django.db import transaction

from designer.checks import check_name
from designer.models import Activity
from designer.services.tags import merge_tags, tags_add


@transaction.atomic
def activity_create(*, owner, region: str, name: str, tags: list[dict] | None = None) -> Activity:
    """CreateActivity. AWS: creating an existing activity returns it (idempotent)."""
    check_name(name)
    existing = Activity.objects.filter(owner=owner, region=region, name=name).first()
    if existing is not None:
        if tags:
            tags_add(resource=existing, tags=tags)
        return existing
    return Activity.objects.create(owner=owner, region=region, name=name, tags=merge_tags({}, tags))


def activity_delete(*, activity: Activity) -> None:
    activity.delete()
