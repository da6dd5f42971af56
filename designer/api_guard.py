"""What every django-ninja API of the studio shares for hostile input: strict JSON bodies, clean
4xx answers for bodies too big or too deep, no traceback in any response, and docs behind login.

`guard(api)` is applied to each NinjaAPI before its URLs are built (designer/urls.py).
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.parser import Parser

from engine import strict_json

logger = logging.getLogger(__name__)


class StrictParser(Parser):
    """Request bodies as strict JSON (no NaN/Infinity, no duplicate keys, limited nesting)."""

    def parse_body(self, request):
        return strict_json.loads(request.body)


def guard(api: NinjaAPI) -> NinjaAPI:
    """Give `api` the strict parser, the error handlers and a login-protected docs page."""
    api.parser = StrictParser()
    api.docs_decorator = login_required

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(request, {"detail": "Request body is too large"}, status=413)

    @api.exception_handler(RecursionError)
    def too_deep(request, exc):
        return api.create_response(request, {"detail": "Request body nests too deeply"}, status=400)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        # ninja's default shows the traceback when DEBUG is on; the log keeps it, the answer never.
        logger.exception("studio API request failed: %s %s", request.method, request.path)
        return api.create_response(request, {"detail": "Internal error; the server log has the details."},
                                   status=500)

    return api
