"""Django settings, built from the bot config (``TRADEPLANE_CONFIG``) and the environment."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url

from bot_engine.config.reader import config_path
from controlplane.bootstrap import database_url, private_sqlite_file, settings_config
from controlplane.settings_api import (  # noqa: F401  (Django reads them from this module)
    API_ENABLE_OPENAPI,
    REST_FRAMEWORK,
    SIMPLE_JWT,
    SPECTACULAR_SETTINGS,
)

BASE_DIR = Path(__file__).resolve().parent.parent
BOT_CONFIG_PATH = config_path()
# The file parsed once (leniently: a broken value falls back to its default; runbot reports it);
# settings and the API's webserver mode read its attributes (api/context.py).
BOT_CONFIG = settings_config()
_api = BOT_CONFIG.api_server
_bot_name = BOT_CONFIG.bot_name or "freqtrade"  # the Redis key prefix of this bot

# Sessions (admin, browsable API) are signed with a key derived from the JWT secret, so a
# restart keeps logins; without a configured secret every process gets a fresh random key.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    hashlib.sha256(f"tradeplane-django:{_api.jwt_secret_key}".encode()).hexdigest()
    if _api.jwt_secret_key
    else secrets.token_hex(32)
)
DEBUG = os.environ.get("TRADEPLANE_DEBUG", "").lower() in {"1", "true", "yes"}
ALLOWED_HOSTS = ["*"]  # the API is bound to an explicit address; Host is not a trust boundary

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "bot_engine",
    "api",
]

MIDDLEWARE = [
    "api.prometheus.RequestLatencyMiddleware",  # outermost: times the whole answer
    "api.client_address.ClientAddressMiddleware",  # a /bots/ hop's signed client address
    "api.middleware.RejectDisallowedPreflight",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.ContentSecurityPolicy",
    # Django's session, CSRF, user and message middleware, skipped by API calls that send no
    # cookie (api/middleware.py: token and Basic clients; the admin and browsers get them all).
    "api.middleware.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "api.middleware.BrowserCsrfViewMiddleware",
    "api.middleware.BrowserAuthenticationMiddleware",
    "api.middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.audit.ControlAuditMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: the failed-login throttle's gate (api/auth/backends.py), then the real backends.
    "api.auth.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "api.auth.backends.ConfigCredentialsBackend",
]
LOGIN_REDIRECT_URL = "/api/v1/"

ROOT_URLCONF = "controlplane.urls"
APPEND_SLASH = False  # contract §0: /api/v1/status is served directly, never redirected
ASGI_APPLICATION = "controlplane.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def _database() -> dict:
    db = dj_database_url.parse(database_url(BOT_CONFIG), conn_max_age=600)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the API read while the engine writes; IMMEDIATE avoids lock-upgrade deadlocks.
        # Connections stay open (conn_max_age above): request threads are reused
        # (api/asgi_app.py), and opening one costs more than most API reads.
        db["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        name = db.get("NAME") or ""
        if name and name != ":memory:" and not name.startswith("file:"):
            private_sqlite_file(Path(name).expanduser())
    elif db["ENGINE"] == "django.db.backends.postgresql":
        # A new PostgreSQL session costs 7-10 ms, and one kept per idle request thread would
        # hold server sessions for nothing. A pool per process hands them back and forth
        # instead; with health checks on, Django has the pool check a connection before reuse
        # (a server restart is survived).
        db["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
        db["CONN_HEALTH_CHECKS"] = True
        db["OPTIONS"] = {
            **db.get("OPTIONS", {}),
            "pool": {"min_size": 2, "max_size": 20, "timeout": 10},
        }
    else:
        db["CONN_HEALTH_CHECKS"] = True
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Security headers on every answer (SecurityMiddleware, XFrameOptionsMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No endpoint takes more than a few KB; a bigger body is refused (413 JSON, api/views/errors.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Login throttling (api/auth/throttling.py) counts failures per client address here: in this
# process by default; with api_server.redis_url in Redis, so that every API worker of the bot
# shares the counts (keys prefixed with the bot's name, as the channel layer's).
_redis_url = _api.redis_url
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": f"tradeplane:{_bot_name}",
        }
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Backtest jobs (bot_engine/backtest/jobs.py): with api_server.redis_url they go to Celery on
# that Redis (`celery -A controlplane worker` runs them, on any machine); without it, to a
# process pool of the webserver. One queue per bot, so bots sharing a Redis keep their jobs apart.
CELERY_BROKER_URL = _redis_url or None
CELERY_TASK_DEFAULT_QUEUE = f"tradeplane:{_bot_name}:jobs"
CELERY_TASK_IGNORE_RESULT = True  # the job's row is its result
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a backtest is long: don't hoard the queue
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

CORS_ALLOWED_ORIGINS = [o.rstrip("/") for o in _api.CORS_origins if o != "*"]
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 600

# Websocket push (api/ws): in-memory within this process by default; with api_server.redis_url
# (channels-redis) every process serving this bot's websocket gets its engine's events.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [_redis_url],
                "prefix": f"tradeplane:{_bot_name}",
            },
        }
        if _redis_url
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s - %(name)s - %(levelname)s - %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # What GET /api/v1/logs serves. Here, not attached by runbot: every django.setup()
        # (runbot's own, then the ASGI application's) replaces the root handlers.
        "ring_buffer": {"class": "bot_engine.logbuffer.RingBufferHandler", "level": "INFO"},
    },
    "root": {"handlers": ["console", "ring_buffer"], "level": "INFO"},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "uvicorn.access": {"level": "INFO" if _api.verbosity == "info" else "WARNING"},
    },
}
