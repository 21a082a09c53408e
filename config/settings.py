"""Plansign settings: one file, driven by environment variables.

Every variable is listed in the README. Bad values stop the process with a message naming the
variable, rather than falling back to something surprising.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def cache_from_url(url: str) -> dict[str, object]:
    """Translate CACHE_URL: locmem:// (one process), db://table (shared through the database) or
    redis://host:6379/0 (rediss:// with TLS; shared through Redis, Django's own backend).

    A `?prefix=` on a Redis address starts every key with it, so that several sites (or test
    runs) can share one Redis database."""
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if parts.scheme == "db" and parts.netloc:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parts.netloc}
    if parts.scheme in {"redis", "rediss"} and parts.hostname:
        try:
            parts.port  # noqa: B018 - parsing it is the check
        except ValueError:
            raise ImproperlyConfigured(f"CACHE_URL has a bad port: {url!r}.") from None
        database = parts.path.strip("/")
        if database and not database.isdigit():
            raise ImproperlyConfigured(
                f"CACHE_URL names a Redis database by its number (redis://host:6379/0), "
                f"not {url!r}."
            )
        query = parse_qs(parts.query)
        unknown = set(query) - {"prefix"}
        if unknown:
            raise ImproperlyConfigured(
                f"CACHE_URL takes only ?prefix= after a Redis address, not {', '.join(unknown)}."
            )
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": parts._replace(query="", fragment="").geturl(),
            "KEY_PREFIX": query.get("prefix", [""])[0],
            # A Redis that does not answer fails the request (and /healthz) in seconds, rather
            # than holding every worker until the load balancer gives up.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    raise ImproperlyConfigured(
        "CACHE_URL must look like locmem://, db://plansign_cache or redis://127.0.0.1:6379/0, "
        f"not {url!r}."
    )


def is_shared(cache: dict[str, object]) -> bool:
    """Whether every process (and server) using this cache sees the same entries."""
    return cache["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"


def mailer_from_url(url: str) -> dict[str, object]:
    """Translate EMAIL_URL (console://, smtp://user:pass@host:587, smtps://…) to a mailer."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL must look like console:// or smtp://user:password@host:587, not {url!r}."
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {url!r}.") from None
    tls = parse_qs(parts.query).get("tls", ["true"])[0] != "false"
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": parts.scheme == "smtp" and tls,
        },
    }


def site_url_from(url: str) -> str:
    """SITE_URL: the address people reach the app at, which mails put in front of every link."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"SITE_URL must look like https://plans.example.com, not {url!r}."
        )
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        raise ImproperlyConfigured(
            f"SITE_URL is a scheme and a host (and port) only, without a path: not {url!r}."
        )
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise ImproperlyConfigured(f"SITE_URL has a bad port: {url!r}.") from None
    return f"{parts.scheme}://{parts.netloc}"


# Background work (notification mails): stored in the database and run by `manage.py db_worker`,
# or, for development, run at once in the request that asked for it.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}


def tasks_backend_from(name: str) -> dict[str, object]:
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {name!r}."
        )
    return {"BACKEND": TASK_BACKENDS[name]}


# Development is the default so that `make run` needs no configuration; production sets
# DEBUG=false and must then say everything that matters (a secret key, hosts, a database).
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-this-in-production-0123456789"
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies in front of the app append to X-Forwarded-For (0: clients connect
# directly). Sign-in limits count failures per client address, so this must be right.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "axes",
    "operations",
    "plans",
    "approvals",
    "accounts",
    "threads",
    "notifications",
    "api",
    "webhooks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "operations.requestlog.RequestLogMiddleware",  # first: it times all the others
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the rest: whatever answers an /api/ address with an HTML error becomes JSON.
    "api.problems.ApiProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "plans.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into accounts.views.locked_out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
                "approvals.context_processors.signoffs_waiting",
                "notifications.context_processors.notifications_unread",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {exc}") from None
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// address.")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Choice lists and exports iterate querysets: without server-side cursors each is one
    # round trip instead of three (DECLARE, FETCH, CLOSE), and connection poolers in
    # transaction mode (PgBouncer) work.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "plansign.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Indexes of the newest events hold their team (INCLUDE) on PostgreSQL, so that the dashboard
# reads them from the index alone; SQLite builds the same indexes without it, as it should.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The sign-in limit first: a locked-out account and address is refused before any password
# is compared.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInLimitBackend",
    "accounts.backends.PlansignBackend",
]
# Sign-in limits (django-axes): 5 wrong passwords for one account from one client address lock
# that pair for 15 minutes, counted from the last failure. The account's owner elsewhere and
# other accounts from that address are not affected, so guessing locks nobody out. Failures are
# rows in the database (shared by every server, whatever CACHE_URL says), counted by every
# door: sign-in, the admin's sign-in, the sign-off password, the old password of a change.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.limits.client_address"  # honours PROXY_COUNT
AXES_USERNAME_CALLABLE = "accounts.limits.username_key"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Masked in the failure's record of what was posted (the password always is).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "csrfmiddlewaretoken",
]
# Successful sign-ins are in the web server's log already; unlock people with
# `manage.py axes_reset_username NAME` rather than in the admin.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes and gunicorn serves static files from (WhiteNoise).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The default cache holds what every server must agree on: sessions (see SESSION_ENGINE),
# password-reset and preview rate limits. CACHE_URL=redis://… shares it between servers;
# without it, each process keeps its own (locmem://), which is right for `make run`'s one process.
# What is rendered from a plan version never changes (see plans/rendered.py): each process keeps
# its own copy, without expiry, the least recently used dropped beyond FRAGMENT_CACHE_ENTRIES
# (about 22 pieces per plan version: each section is one, so that an editor page renders only its
# form anew; together the size of its page; plus the rows of each section editor opened at it).
# Django's local-memory cache copies (pickles) what it keeps: measured when a warm plan page was
# 8 entries, reading them back cost 0.2-0.5 ms of its 11-21 ms, too little to keep a cache
# backend of our own.
_DEFAULT_CACHE = cache_from_url(env_str("CACHE_URL", "locmem://"))
CACHES = {
    "default": _DEFAULT_CACHE,
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "plansign-fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 6000)},
    },
}

MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Plansign <plansign@localhost>")
# Mails link to the app at this address: production must say it (requests may come from a
# proxy or a worker, which know no host of their own).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL:
    raise ImproperlyConfigured("SITE_URL must be set when DEBUG is off.")
SITE_URL = site_url_from(SITE_URL)
# Development runs each task in the request that enqueued it (`make run` needs no worker);
# production stores them for `manage.py db_worker` (a failed mail is tried again later).
TASKS = {
    "default": tasks_backend_from(env_str("TASKS_BACKEND", "immediate" if DEBUG else "database"))
}

# Requests a personal access token may make per minute (per token, counted in the default cache:
# shared by every app server when CACHE_URL is redis:// or db://); past it, 429 with Retry-After.
API_TOKEN_RATE_PER_MINUTE = env_int("API_TOKEN_RATE_PER_MINUTE", 120)

# Webhooks post only to public hosts (webhooks/urls_check.py says why); turn this on to let a
# team's webhooks reach hosts inside your own network (a chat bot next to the app).
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", False)

# Sessions are rows in the database, shared by every app server. With a shared cache (Redis)
# each is read from the cache and written to both (Django's cached_db); with a per-process cache
# they are read from the database (Django's db, read in one plain SQL statement), or a session
# signed out in one worker would live on in another's memory.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if is_shared(_DEFAULT_CACHE)
    else "accounts.sessions"
)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token travels in a header from <body>.
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from our own origin (and nonces); no inline handlers or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# One line per request (operations.requestlog) and per message: LOG_FORMAT=json writes each as
# one JSON object, for a log collector; plain (the default) as text, for people.
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "operations.requestlog.JsonFormatter"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
}

# A section form posts every row's fields: a plan of a few hundred rows needs more than
# Django's default of 1,000 fields. Beyond this, Django answers 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
