"""`Diagnostic`, the one shape every validation problem takes, and JSON pointers that locate it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

ERROR = "ERROR"
WARNING = "WARNING"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a definition, located by a JSON pointer into it."""

    path: str
    code: str
    message: str
    severity: str = ERROR
    # The definition text, kept only on Map Label problems, whose AWS message quotes it.
    definition_text: str | None = dataclasses.field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message, "severity": self.severity}


def ptr(base: str, *parts: Any) -> str:
    """`base` extended by `parts`, each escaped as a JSON pointer segment (RFC 6901)."""
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out
