"""Statecraft's Django side: settings, models, the AWS and REST APIs, WebSocket consumers, views."""
