"""Request middleware: a Host header outside ALLOWED_HOSTS gets a plain 400.

Django raises DisallowedHost deep in the stack, and with DEBUG on (the local default) the
resulting 400 page lists the settings. Checking the host first answers with two words instead.
"""

from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest
from django.utils.deprecation import MiddlewareMixin


class RefuseBadHost(MiddlewareMixin):
    """Answer a request whose Host is not allowed with a bare 400, in DEBUG too."""

    def process_request(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            return HttpResponseBadRequest("Bad Request (400)", content_type="text/plain")
        return None
