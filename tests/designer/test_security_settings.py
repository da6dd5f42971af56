"""Deployment hardening: the production profile, private files, bad Host headers, the docs page,
login throttling and the WebSocket origin check.

Settings are read once per process, so profiles are loaded in a fresh interpreter.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from designer.asgi import application

REPO_ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-a-long-enough-random-secret-key"


def run_python(code: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings"}
    for key in ("SECRET_KEY", "DEBUG", "STATECRAFT_ENV", "DATABASE_URL"):
        env.pop(key, None)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


SETUP = "import django; django.setup(); from django.conf import settings; "


# ─── production profile ──────────────────────────────────────────────────────────────────────


def test_production_refuses_to_start_without_its_own_secret_key(tmp_path):
    result = run_python(SETUP, STATECRAFT_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_is_the_production_profile_too(tmp_path):
    result = run_python(SETUP, DEBUG="0", SECRET_KEY="test-secret", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug_pages(tmp_path):
    result = run_python(SETUP, STATECRAFT_ENV="production", DEBUG="1", SECRET_KEY=STRONG_KEY,
                        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_sets_secure_cookies_and_the_proxy_options(tmp_path):
    code = SETUP + ("print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
                    "settings.SECURE_HSTS_SECONDS, settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS)")
    result = run_python(code, STATECRAFT_ENV="production", SECRET_KEY=STRONG_KEY,
                        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", STATECRAFT_HSTS_SECONDS="31536000",
                        STATECRAFT_PROXY_SSL_HEADER="X-Forwarded-Proto",
                        CSRF_TRUSTED_ORIGINS="https://studio.example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') ['https://studio.example.com']"
    )


def test_production_refuses_to_serve_with_the_local_admin(tmp_path):
    db = f"sqlite:///{tmp_path}/db.sqlite3"
    local = run_python("import django, sys; django.setup(); from django.core.management import call_command; "
                       "call_command('migrate', verbosity=0); call_command('ensure_local_admin')", DATABASE_URL=db)
    assert local.returncode == 0, local.stderr
    served = run_python("import designer.asgi", STATECRAFT_ENV="production", SECRET_KEY=STRONG_KEY, DATABASE_URL=db)
    assert served.returncode != 0
    assert "admin" in served.stderr and "test/test" in served.stderr
    checked = run_python("import django; django.setup(); from django.core.management import call_command; "
                         "call_command('check')", STATECRAFT_ENV="production", SECRET_KEY=STRONG_KEY, DATABASE_URL=db)
    assert checked.returncode != 0
    assert "statecraft.E001" in checked.stderr


# ─── files readable by their owner only ─────────────────────────────────────────────────────


def test_the_sqlite_file_and_the_secret_key_file_are_owner_only(tmp_path):
    key_file = tmp_path / "secret_key"
    code = SETUP + "from django.db import connection; connection.ensure_connection(); print('ok')"
    old_umask = os.umask(0o022)
    try:
        result = run_python(code, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                            STATECRAFT_SECRET_KEY_FILE=str(key_file))
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stderr
    for path in (tmp_path / "db.sqlite3", key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert len(key_file.read_text()) >= 40


# ─── HTTP ────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db
def test_a_bad_host_header_gets_a_plain_400_even_with_debug_on(settings):
    settings.DEBUG = True
    response = Client().get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"SECRET_KEY" not in response.content and b"settings" not in response.content.lower()
    assert len(response.content) < 100


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_the_api_docs_need_a_login(url, django_user_model):
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="docs-reader", password="pw-docs-1234"))
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_logins_are_throttled_after_repeated_failures(django_user_model):
    django_user_model.objects.create_user(username="carol", password="right-password-1")
    client = Client()
    statuses = [client.post("/accounts/login/", {"username": "carol", "password": "wrong"}).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post("/accounts/login/", {"username": "carol", "password": "right-password-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out by carol's failures.
    django_user_model.objects.create_user(username="dave", password="right-password-2")
    ok = Client().post("/accounts/login/", {"username": "dave", "password": "right-password-2"})
    assert ok.status_code == 302


# ─── WebSocket origins ──────────────────────────────────────────────────────────────────────


@pytest.fixture
def session_cookie(django_user_model) -> str:
    user = django_user_model.objects.create_user(username="ws-user", password="pw-for-tests")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _connects(origin: bytes, cookie: str, *, host: bytes = b"127.0.0.1:8000", scheme: str = "ws") -> bool:
    headers = [(b"origin", origin), (b"host", host), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/studio/", headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
async def test_websockets_accept_only_the_studios_own_origin(session_cookie, settings):
    assert await _connects(b"http://127.0.0.1:8000", session_cookie)
    assert not await _connects(b"http://127.0.0.1:9999", session_cookie)  # another port of the host
    assert not await _connects(b"https://127.0.0.1:8000", session_cookie)  # another scheme
    assert not await _connects(b"http://localhost:8000", session_cookie)  # another (allowed) host
    assert not await _connects(b"null", session_cookie)
    assert await _connects(b"https://127.0.0.1", session_cookie, host=b"127.0.0.1", scheme="wss")
    settings.CSRF_TRUSTED_ORIGINS = ["https://studio.example.com"]
    assert await _connects(b"https://studio.example.com", session_cookie)
