"""The AWS API's operation table: `@operation` registers a handler under AWS's operation name.

Each handler takes the request context (`ctx.user`, `ctx.region`) and the already-validated
parameters, calls `designer.services` / `designer.selectors`, and renders with
`designer.presenters.aws`. The handlers live in the `operations_*` modules beside this one;
`designer.aws_api.operations` loads them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer import selectors


@dataclass(frozen=True)
class Context:
    user: Any
    region: str
    poll: bool = False  # GetActivityTask called from the view's async long-poll loop


# A handler's answer meaning "nothing yet, ask again" (GetActivityTask while no task is waiting).
NOTHING_YET: Any = object()


Handler = Callable[[Context, dict], dict]
OPERATIONS: dict[str, Handler] = {}


def operation(function: Handler) -> Handler:
    name = "".join(part.title() for part in function.__name__.split("_"))
    OPERATIONS[name] = function
    return function


def paged(p: dict, items, kind: str, key: str, render_item) -> dict:
    """A List* response: one page of `items` rendered under `key`, with AWS's nextToken."""
    page, token = selectors.page(items, next_token=p.get("nextToken"), max_results=p.get("maxResults"), kind=kind)
    body: dict = {key: [render_item(item) for item in page]}
    if token:
        body["nextToken"] = token
    return body
