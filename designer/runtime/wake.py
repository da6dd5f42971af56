"""Wake-ups between processes over Redis pub/sub (only when REDIS_URL is set).

Messages are hints, never the truth: a lost one only delays work until the next database poll.
Kinds: `dispatch` (an execution wants a worker), `cancel` (it was stopped), `token` (a task
token was settled or handed to a worker), `finished` (an execution ended, for .sync parents).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL = "statecraft:runtime"

_client = None
_client_lock = threading.Lock()


def redis_url() -> str:
    return getattr(settings, "REDIS_URL", "") or os.environ.get("REDIS_URL", "")


def _redis():
    global _client
    with _client_lock:
        if _client is None:
            import redis

            _client = redis.Redis.from_url(redis_url(), socket_timeout=2, socket_connect_timeout=2)
        return _client


def publish(kind: str, **fields) -> None:
    """Publish a wake-up; a Redis outage is logged, never raised (the database poll catches up)."""
    if not redis_url():
        return
    try:
        _redis().publish(CHANNEL, json.dumps({"kind": kind, **fields}))
    except Exception:
        logger.warning("could not publish a %s wake-up to Redis", kind, exc_info=True)


class Listener(threading.Thread):
    """Calls `handler(message)` for every wake-up, reconnecting after Redis errors."""

    def __init__(self, handler: Callable[[dict], None]):
        super().__init__(name="statecraft-wake", daemon=True)
        self.handler = handler
        self.stopped = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        import redis

        while not self.stopped.is_set():
            try:
                client = redis.Redis.from_url(redis_url(), socket_connect_timeout=2)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                self.ready.set()
                while not self.stopped.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        try:
                            self.handler(json.loads(message["data"]))
                        except Exception:
                            logger.exception("bad wake-up message")
                pubsub.close()
            except Exception:
                logger.warning("Redis wake-up listener lost its connection; retrying", exc_info=True)
                self.stopped.wait(1.0)
