"""Django settings, read from the environment.

Every knob is an environment variable so that one laptop and a scaled-out deployment run the
same code: DATABASE_URL (default: SQLite in the project directory), REDIS_URL (unset: in-memory
channel layer), SECRET_KEY (generated into a git-ignored file when unset), DEBUG, ALLOWED_HOSTS,
HOST and PORT (used by `make run`), STATECRAFT_ACCOUNT_ID, STATECRAFT_DEFAULT_REGION, LOG_LEVEL.

Production profile: STATECRAFT_ENV=production, or DEBUG=0, turns on secure cookies and refuses to
start with DEBUG pages or without a SECRET_KEY of its own (designer.production checks the rest,
such as the local admin/admin account, when the server starts). Behind a TLS-terminating proxy:
STATECRAFT_PROXY_SSL_HEADER (e.g. "X-Forwarded-Proto"), STATECRAFT_HSTS_SECONDS,
STATECRAFT_SECURE_COOKIES, CSRF_TRUSTED_ORIGINS. See README.md, "Running in production".
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _private_file(path: Path, content: str = "") -> bool:
    """Create `path` readable by its owner only (never briefly world-readable); False if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return True


def _tighten(path: Path) -> None:
    """Take group and other permissions off a file of ours that has them (an older checkout's)."""
    try:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    except OSError:
        pass


def _local_secret_key() -> str:
    """A per-checkout secret key, generated once and kept in the git-ignored `.secret_key`."""
    path = Path(os.environ.get("STATECRAFT_SECRET_KEY_FILE") or BASE_DIR / ".secret_key")
    key = secrets.token_urlsafe(50)
    if not _private_file(path, key):
        _tighten(path)
        key = path.read_text().strip()
    return key


# STATECRAFT_ENV=production (or DEBUG=0) is the production profile.
PRODUCTION = os.environ.get("STATECRAFT_ENV", "").strip().lower() == "production" or not _env_bool("DEBUG", True)
DEBUG = _env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY") or ("" if PRODUCTION else _local_secret_key())
_WEAK_SECRET_KEYS = {"", "test", "secret", "changeme", "change-me", "test-secret"}
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured(
            "STATECRAFT_ENV=production with DEBUG on: debug pages show settings and source; unset DEBUG."
        )
    if SECRET_KEY in _WEAK_SECRET_KEYS or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "The production profile needs SECRET_KEY set in the environment to a random value of at least 32 "
            "characters (for example: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
_DEFAULT_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# `make run HOST=192.168.1.5` should answer on that address without also setting ALLOWED_HOSTS.
_HOST = os.environ.get("HOST", "").strip("[]")
if _HOST and _HOST not in {"0.0.0.0", "::"}:
    _DEFAULT_HOSTS.append(f"[{_HOST}]" if ":" in _HOST else _HOST)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", ",".join(dict.fromkeys(_DEFAULT_HOSTS))).split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Cookies only over HTTPS in production (STATECRAFT_SECURE_COOKIES=0 for a plain-HTTP test rig).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("STATECRAFT_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_HSTS_SECONDS = int(os.environ.get("STATECRAFT_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("STATECRAFT_HSTS_INCLUDE_SUBDOMAINS", False)
# Behind a proxy that terminates TLS: the header it sets, e.g. STATECRAFT_PROXY_SSL_HEADER=X-Forwarded-Proto.
_PROXY_SSL_HEADER = os.environ.get("STATECRAFT_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = _env_bool("STATECRAFT_SSL_REDIRECT", False)

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
    "axes",
    "designer",
]

MIDDLEWARE = [
    "designer.middleware.RefuseBadHost",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "designer.auth_backends.ThrottledLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT") or 5)
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES") or 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

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
    # The file holds every definition, input and output: readable by its owner only. SQLite gives
    # its -wal and -shm files the database file's permissions.
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name and _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        if not _private_file(Path(_sqlite_name)):
            _tighten(Path(_sqlite_name))
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
# Budgets of one JSONata / intrinsic evaluation (engine.evaluation_budget); unset: its defaults.
STATECRAFT_EVALUATION_LIMITS = {
    key: kind(os.environ[name])
    for key, name, kind in (
        ("seconds", "STATECRAFT_EVAL_SECONDS", float),
        ("inline_seconds", "STATECRAFT_EVAL_INLINE_SECONDS", float),
        ("slice_seconds", "STATECRAFT_EVAL_SLICE_SECONDS", float),
        ("steps", "STATECRAFT_EVAL_STEPS", int),
        ("items", "STATECRAFT_EVAL_MAX_ITEMS", int),
        ("workers", "STATECRAFT_EVAL_WORKERS", int),
    )
    if os.environ.get(name)
}
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
    "loggers": {"django.channels.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
