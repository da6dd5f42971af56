"""ASGI entry point: Django for HTTP, Channels for WebSockets (session-authenticated, and only from
the studio's own origin: scheme, host and port, see designer.ws_origin)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from designer import production  # noqa: E402
from designer.routing import websocket_urlpatterns  # noqa: E402
from designer.ws_origin import SameOriginValidator  # noqa: E402

# The production profile refuses to serve with the local admin/admin or the test/test key.
production.ensure_ready()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
