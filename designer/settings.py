"""Django settings, read from the environment.

Every knob is an environment variable so that one laptop and a scaled-out deployment run the
same code: DATABASE_URL (default: SQLite in the project directory), REDIS_URL (unset: in-memory
channel layer), SECRET_KEY (generated into a git-ignored file when unset), DEBUG, ALLOWED_HOSTS,
HOST and PORT (used by `make run`), STATECRAFT_ACCOUNT_ID, STATECRAFT_DEFAULT_REGION, LOG_LEVEL.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A per-checkout secret key, generated once and kept in the git-ignored `.secret_key`."""
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = _env_bool("DEBUG", True)
_DEFAULT_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# `make run HOST=192.168.1.5` should answer on that address without also setting ALLOWED_HOSTS.
_HOST = os.environ.get("HOST", "").strip("[]")
if _HOST and _HOST not in {"0.0.0.0", "::"}:
    _DEFAULT_HOSTS.append(f"[{_HOST}]" if ":" in _HOST else _HOST)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", ",".join(dict.fromkeys(_DEFAULT_HOSTS))).split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # serves Swagger UI's files itself, so /api/docs needs nothing from the internet
    "designer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "designer.urls"
ASGI_APPLICATION = "designer.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'statecraft.sqlite3'}",
        # Not persistent: Django's ASGI handler runs each request's sync code in a new thread, so
        # a kept connection would outlive its thread and leak (PostgreSQL runs out of slots). The
        # runtime's and workers' database threads live long and keep theirs anyway.
        conn_max_age=int(os.environ.get("STATECRAFT_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (the API, the execution runtime) write at once: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Write transactions take the write lock at BEGIN (waiting up to `timeout`): a request and the
    # execution runtime that both read before writing would otherwise deadlock and one would get
    # "database is locked" at once. WAL lets readers run beside the writer; synchronous=NORMAL
    # keeps every commit across a process crash (only a power loss can drop the latest ones).
    # The rest suits many small writes beside readers: a 64 MB page cache, temporary tables in
    # memory, and a WAL checkpoint every 4,000 pages rather than every 1,000 (fewer stalls).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA cache_size=-65536;"
        "PRAGMA temp_store=MEMORY;PRAGMA wal_autocheckpoint=4000"
    )

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve straight from STATICFILES_DIRS in every mode, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Step Functions identity: the account id in every ARN (the region comes from each request).
STATECRAFT_ACCOUNT_ID = os.environ.get("STATECRAFT_ACCOUNT_ID", "000000000000")
STATECRAFT_DEFAULT_REGION = os.environ.get("STATECRAFT_DEFAULT_REGION", "us-east-1")
# How deeply JSON from outside (API bodies, inputs, definitions, WebSocket messages) may nest.
STATECRAFT_MAX_JSON_DEPTH = int(os.environ.get("STATECRAFT_MAX_JSON_DEPTH") or 100)
# Local Lambda handlers: {"function name": "dotted.path.to.callable"}.
STATECRAFT_FUNCTIONS: dict[str, str] = {
    "order-validate": "designer.examples.functions.validate_order",
    "order-charge": "designer.examples.functions.charge_payment",
    "order-reserve": "designer.examples.functions.reserve_item",
    "order-notify": "designer.examples.functions.notify_customer",
    "order-batch-total": "designer.examples.functions.total_order_batch",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
