"""Settings from the environment, both channel layers, and the studio shell's WebSocket.

Settings are read once per process, so each configuration is loaded in a fresh interpreter with
the environment under test. The Redis test talks to the real server at REDIS_URL (default
redis://127.0.0.1:6379/0) and is skipped, saying why, only when no Redis answers there.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from designer.asgi import application

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

# Runs in a fresh interpreter: load the settings, then send one message through the configured
# layer to a channel and one to a group, and report what came back.
LAYER_PROBE = """
import asyncio, json, os
import django
django.setup()
from django.conf import settings
from channels.layers import get_channel_layer

async def round_trip():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "probe.direct", "n": 1})
    direct = await asyncio.wait_for(layer.receive(channel), 5)
    group = "settings-probe-" + channel.replace("!", "-").replace(".", "-")
    await layer.group_add(group, channel)
    await layer.group_send(group, {"type": "probe.group", "n": 2})
    grouped = await asyncio.wait_for(layer.receive(channel), 5)
    await layer.group_discard(group, channel)
    return type(layer).__module__ + "." + type(layer).__name__, direct, grouped

layer_class, direct, grouped = asyncio.run(round_trip())
print(json.dumps({"configured": settings.CHANNEL_LAYERS["default"], "layer_class": layer_class,
                  "direct": direct, "grouped": grouped}))
"""


def _run_probe(**env_changes: str | None) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings"}
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    result = subprocess.run(
        [sys.executable, "-c", LAYER_PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def test_without_redis_url_the_in_memory_channel_layer_carries_messages():
    probe = _run_probe(REDIS_URL=None)

    assert probe["configured"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert probe["layer_class"] == "channels.layers.InMemoryChannelLayer"
    assert probe["direct"] == {"type": "probe.direct", "n": 1}
    assert probe["grouped"] == {"type": "probe.group", "n": 2}


def test_with_redis_url_channels_redis_carries_messages_through_the_real_redis():
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not _redis_answers(url):
        pytest.skip(f"no Redis answers at {url}; start one (redis-server) or set REDIS_URL to test channels_redis")

    probe = _run_probe(REDIS_URL=url)

    assert probe["configured"] == {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}
    assert probe["layer_class"] == "channels_redis.core.RedisChannelLayer"
    assert probe["direct"] == {"type": "probe.direct", "n": 1}
    assert probe["grouped"] == {"type": "probe.group", "n": 2}


def test_an_unset_secret_key_is_generated_once_and_kept():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    keys = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert keys[0] == keys[1]
    assert len(keys[0]) >= 40


def test_database_url_allowed_hosts_and_debug_come_from_the_environment(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings;"
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], str(settings.DATABASES['default']['NAME']),"
        " settings.ALLOWED_HOSTS, settings.DEBUG, settings.CSRF_TRUSTED_ORIGINS]))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "ALLOWED_HOSTS": "studio.example.com,10.0.0.5",
        "CSRF_TRUSTED_ORIGINS": "https://studio.example.com",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-of-enough-length-0123456789",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

    engine, name, hosts, debug, trusted = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "x.sqlite3")
    assert hosts == ["studio.example.com", "10.0.0.5"]
    assert debug is False
    assert trusted == ["https://studio.example.com"]


# ─── the studio shell's WebSocket, through the real ASGI application ────────────────────────


def _headers(session_cookie: str | None = None) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    if session_cookie:
        headers.append((b"cookie", f"sessionid={session_cookie}".encode()))
    return headers


@pytest.fixture
def session_cookie(django_user_model) -> str:
    user = django_user_model.objects.create_user(username="studio-user", password="pw-for-tests")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
async def test_studio_socket_refuses_anonymous_users():
    communicator = WebsocketCommunicator(application, "/ws/studio/", headers=_headers())
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_studio_socket_refuses_other_origins(session_cookie):
    headers = [(b"origin", b"http://evil.example.com"), *_headers(session_cookie)[1:]]
    communicator = WebsocketCommunicator(application, "/ws/studio/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_studio_socket_answers_ping_with_pong_for_a_signed_in_user(session_cookie):
    communicator = WebsocketCommunicator(application, "/ws/studio/", headers=_headers(session_cookie))
    connected, _ = await communicator.connect()
    assert connected

    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_studio_socket_answers_malformed_json_with_an_error_and_stays_open(session_cookie):
    communicator = WebsocketCommunicator(application, "/ws/studio/", headers=_headers(session_cookie))
    connected, _ = await communicator.connect()
    assert connected

    await communicator.send_to(text_data="{not json")
    answer = await communicator.receive_json_from()
    assert answer["type"] == "error"
    assert "JSON" in answer["message"]

    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
