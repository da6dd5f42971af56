"""WebSocket URL routes (messages: docs/architecture.md, "WebSocket messages")."""

from django.urls import path

from designer import consumers

websocket_urlpatterns = [
    path("ws/studio/", consumers.StudioConsumer.as_asgi()),
    path("ws/executions/<int:execution_id>/", consumers.ExecutionConsumer.as_asgi()),
    path("ws/machines/<str:name>/executions/", consumers.MachineExecutionsConsumer.as_asgi()),
]
