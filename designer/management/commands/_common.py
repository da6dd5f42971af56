"""Helpers shared by the state machine management commands: owner lookup and definition files."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def owner_for(username: str | None):
    """The named user; without a name, `admin` or else the only user there is."""
    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user
    user = users.filter(username="admin").first()
    if user is None and users.count() == 1:
        user = users.first()
    if user is None:
        raise CommandError("say which user owns the state machine: --owner USERNAME")
    return user


def read_definition(path: str) -> str:
    """A definition file's text: JSON as written, YAML (.yaml/.yml) converted to JSON."""
    file = Path(path)
    try:
        text = file.read_text()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc}") from None
    if file.suffix.lower() in (".yaml", ".yml"):
        try:
            return json.dumps(yaml.safe_load(text), indent=2)
        except yaml.YAMLError as exc:
            raise CommandError(f"{path} is not valid YAML: {exc}") from None
    return text
