"""The live view's lookups, mounted at /api/live/ (see docs/architecture.md's REST table).

- `GET /api/live/machines/{name}/executions/{execution name}`: an execution by its name (the
  execution page's URL carries the name; the WebSocket and the other endpoints take the id).
- `GET /api/live/machines/{name}/executions?status=&search=&limit=`: the executions list, where
  `search` matches the name *or* the input's text, newest first, without the definition.
"""

from __future__ import annotations

from ninja import Router

from designer import selectors
from designer.api.lookups import get_machine
from designer.api.schemas import Error, ExecutionOut
from designer.presenters import studio

router = Router(tags=["live"])


@router.get("/machines/{name}/executions", response={200: list[dict], 404: Error})
def executions_search(request, name: str, status: str = "", search: str = "", limit: int = 200):
    """Executions of a machine, filtered by status and by a text found in the name or the input."""
    machine = get_machine(request, name)
    found = selectors.execution_search(owner=request.user, machine=machine, status=status or None, text=search)
    rows = []
    for execution in found[: max(1, min(limit, 1000))]:
        row = studio.execution(execution)
        row.pop("definition", None)
        row.pop("layout", None)
        rows.append(row)
    return rows


@router.get("/machines/{name}/executions/{execution_name}", response={200: ExecutionOut, 404: Error})
def execution_by_name(request, name: str, execution_name: str):
    """One execution of a machine, by name."""
    machine = get_machine(request, name)
    return studio.execution(selectors.execution_by_name(owner=request.user, machine=machine, name=execution_name))
