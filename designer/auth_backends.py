"""The login backend: django-axes' throttling in front of Django's own username/password check."""

from axes.backends import AxesStandaloneBackend


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Axes for logins that come with a request (the login page, the admin).

    Axes refuses a call without a request; a management command or a shell that calls
    `authenticate()` directly has no client to throttle, so it goes on to the model backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
