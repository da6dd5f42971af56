"""Tags on state machines and activities (TagResource, UntagResource, and tags given at creation)."""

from __future__ import annotations

from designer.errors import TooManyTags, ValidationException
from designer.models import Activity, StateMachine

MAX_TAGS = 50


def merge_tags(existing: dict, tags: list[dict] | None) -> dict:
    """`existing` with `tags` (AWS's `[{key, value}]`) added; TooManyTags past MAX_TAGS."""
    merged = dict(existing)
    for tag in tags or []:
        if tag.get("key") is None:
            raise ValidationException("Tag keys must not be null")
        merged[tag["key"]] = tag.get("value", "")
    if len(merged) > MAX_TAGS:
        raise TooManyTags(f"Too many tags: the resource may have at most {MAX_TAGS} tags.", resource_name="")
    return merged


def tags_add(*, resource: StateMachine | Activity, tags: list[dict]) -> None:
    """TagResource: add or overwrite tags on a state machine or activity."""
    resource.tags = merge_tags(resource.tags, tags)
    resource.save(update_fields=["tags"])


def tags_remove(*, resource: StateMachine | Activity, keys: list[str]) -> None:
    """UntagResource: drop the given keys; unknown keys are ignored, as AWS does."""
    resource.tags = {k: v for k, v in resource.tags.items() if k not in set(keys)}
    resource.save(update_fields=["tags"])
