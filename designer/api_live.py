"""REST endpoints the live view needs beyond docs/architecture.md's table (mounted at /api/live/).

- `GET /api/live/machines/{name}/executions/{execution name}`: an execution by its name (the
  execution page's URL carries the name; the WebSocket and the API take the id).
- `GET /api/live/machines/{name}/executions?status=&search=&limit=`: the executions list, where
  `search` matches the name *or* the input's text, newest first, without the definition.

Same conventions as `designer.api` (session auth, `{"detail": …}` errors) and the same
`Execution` shape, built by that module's own function.
"""

from __future__ import annotations

from django.db.models import Q
from ninja import NinjaAPI
from ninja.security import django_auth

from designer import selectors, services
from designer.api import Error, ExecutionOut, _diagnostic, _execution, _get_machine

api = NinjaAPI(
    title="Statecraft live view API",
    version="1",
    auth=django_auth,
    urls_namespace="live-api",
    docs_url=None,
)


@api.exception_handler(services.ServiceError)
def service_error(request, exc: services.ServiceError):
    body: dict = {"detail": exc.message, "code": exc.code}
    if exc.extra.get("diagnostics") is not None:
        body["diagnostics"] = [_diagnostic(d) for d in exc.extra["diagnostics"]]
    return api.create_response(request, body, status=exc.http_status)


@api.get("/machines/{name}/executions", response={200: list[dict], 404: Error}, tags=["live"])
def executions_search(request, name: str, status: str = "", search: str = "", limit: int = 200):
    """Executions of a machine, filtered by status and by a text found in the name or the input."""
    machine = _get_machine(request, name)
    executions = selectors.execution_list(owner=request.user, machine=machine, status=status or None)
    if search:
        executions = executions.filter(Q(name__icontains=search) | Q(input__icontains=search))
    rows = []
    for execution in executions.select_related("revision")[: max(1, min(limit, 1000))]:
        row = _execution(execution)
        row.pop("definition", None)
        row.pop("layout", None)
        rows.append(row)
    return rows


@api.get("/machines/{name}/executions/{execution_name}", response={200: ExecutionOut, 404: Error}, tags=["live"])
def execution_by_name(request, name: str, execution_name: str):
    """One execution of a machine, by name."""
    machine = _get_machine(request, name)
    execution = (
        selectors.execution_list(owner=request.user, machine=machine, map_run_arn=None)
        .filter(Q(name=execution_name) | Q(name__startswith=f"{execution_name}:"))
        .select_related("revision")
        .first()
    )
    if execution is None:
        raise services.ExecutionDoesNotExist(f"Execution {execution_name} of {name} does not exist")
    return _execution(execution)
