"""WebSocket URL routes."""

from django.urls import path

from designer import consumers

websocket_urlpatterns = [
    path("ws/studio/", consumers.StudioConsumer.as_asgi()),
]
