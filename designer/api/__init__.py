"""The studio's REST API (django-ninja, mounted at /api/, OpenAPI at /api/docs).

The contract is the table in docs/architecture.md ("REST API for the front end"). Session
authentication with CSRF (`X-CSRFToken` from the `csrftoken` cookie); errors are
`{"detail": …}` (plus `diagnostics` for an invalid definition) with a 4xx status. Endpoints are
adapters: writes go through `designer.services`, reads through `designer.selectors`, bodies are
built by `designer.presenters.studio`. One router per resource:

- `machines`: machines, revisions, versions;
- `executions`: start, list, read, history, stop, redrive;
- `definitions`: validation, templates, functions;
- `machine_tabs`: one machine's studio tabs (drafts, versions, aliases, settings);
- `browse`: the account-wide pages (all executions, activities, metrics, access keys);
- `map_runs`: the Map Run page;
- `triggers`: a machine's Triggers tab (schedules, rules, webhooks, fires);
- `live`: the live view's lookups, under /api/live/.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.security import django_auth

from designer import errors
from designer.api import browse, debugging, definitions, executions, live, machine_tabs, machines, map_runs, triggers
from designer.presenters import studio

api = NinjaAPI(
    title="Statecraft studio API",
    version="1",
    auth=django_auth,
    urls_namespace="studio-api",
    docs_url="/docs",
    # No online spec validator: the docs page makes no request off the machine.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(errors.ServiceError)
def service_error(request, exc: errors.ServiceError):
    """A refused request as `{"detail", "code"}` (plus the definition's diagnostics) with its 4xx status."""
    body: dict = {"detail": exc.message, "code": exc.code}
    diagnostics = exc.extra.get("diagnostics")
    if diagnostics is not None:
        body["diagnostics"] = [studio.diagnostic(d) for d in diagnostics]
    return api.create_response(request, body, status=exc.http_status)


api.add_router("/", machines.router)
api.add_router("/", executions.router)
api.add_router("/", definitions.router)
api.add_router("/", machine_tabs.router)
api.add_router("/", browse.router)
api.add_router("/", map_runs.router)
api.add_router("/", debugging.router)
api.add_router("/live/", live.router)
triggers.install(api)  # a machine's Triggers tab, with its own error handler
