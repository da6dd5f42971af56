"""WebSocket consumers: the studio shell's connection (and, later, live executions)."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class StudioConsumer(AsyncJsonWebsocketConsumer):
    """The shell's connection: refuses anonymous users, answers pings."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "message": "unknown message type; expected {\"type\": \"ping\"}"})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Malformed JSON must not kill the connection: answer with an error instead.
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:
            await self.send_json({"type": "error", "message": "message is not valid JSON"})
