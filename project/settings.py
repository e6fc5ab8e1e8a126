"""Yishi settings, driven by the environment.

Embedded by default (SQLite under ``var/`` and the in-memory channel layer) so that
``make run`` needs no services; ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL
and Redis, as in production and in the test suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YISHI_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "daphne",  # before staticfiles: its runserver serves websockets
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "channels",
    "axes",
    "csp",
    "ninja",  # the JSON API's published docs (Swagger UI from our static files)
    "viewflow",
    "viewflow.workflow",
    "deliberation",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Django's form renderer, with a select template that draws its options inline (cheaper).
FORM_RENDERER = "project.form_renderer.FormRenderer"

# We drive viewflow from our own views; keep its frontend middlewares out.
VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            "builtins": ["deliberation.templatetags.punctuation"],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yishi.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several threads (Daphne's sync workers) write: wait for the lock instead of failing.
    # IMMEDIATE takes the write lock when a transaction begins, so a waiting writer waits
    # (``timeout``) instead of failing at once with "database is locked" when its read
    # lock cannot be upgraded (the busy handler is not called then); WAL lets readers go
    # on while one writes. Together the embedded default behaves like PostgreSQL: writes
    # queue, one winner, a 409 for the rest.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis pub/sub: one Redis message per group and event, fanned out inside each worker;
    # deliberation/live/layer.py resets sockets when messages may have been lost, and the
    # outbox replay covers them (docs/benchmarks.md). REDIS_CHANNEL_LAYER=core selects
    # channels-redis's list-based layer (one Redis entry per socket) for comparison.
    if os.environ.get("REDIS_CHANNEL_LAYER", "pubsub") == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 30},
            }
        }
    else:
        # REDIS_CHANNEL_URLS (comma-separated) spreads the live groups over several Redis
        # servers, each group on the one its name hashes to (docs/scaling.md); the cache,
        # the job queue and the claims stay on REDIS_URL. Every web worker must list the
        # same servers in the same order.
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "deliberation.live.layer.LiveChannelLayer",
                "CONFIG": {
                    "hosts": [
                        u.strip()
                        for u in os.environ.get("REDIS_CHANNEL_URLS", REDIS_URL).split(",")
                        if u.strip()
                    ]
                },
            }
        }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Open311 budgets (deliberation/rate_limits.py), (requests, seconds), counted in the cache
# above: anonymous reads per client address, reads per API key, wrong keys per client
# address, new requests per API key. Over budget: 429 with Retry-After.
OPEN311_RATE_LIMITS = {
    "read": (120, 60),
    "key_read": (600, 60),
    "wrong_key": (10, 600),
    "post": (60, 60),
}
# Open311 POST retries: an ``Idempotency-Key`` header holds for a day; without one, the same
# body from the same key within ten minutes is the same request (seconds).
OPEN311_IDEMPOTENCY_TTL = 24 * 3600
OPEN311_DUPLICATE_WINDOW = 600
# Residents' accounts (deliberation/services/phone_codes.py), (requests, seconds): SMS codes
# per number and per client address, new accounts per client address.
YISHI_ACCOUNT_RATE_LIMITS = {
    "code-phone": (3, 600),
    "code-client": (10, 3600),
    "signup-client": (5, 3600),
}
# A prefix for the rate-limit counters (deployments sharing one Redis; tests isolate by it).
RATE_LIMIT_NAMESPACE = os.environ.get("RATE_LIMIT_NAMESPACE", "")

AUTH_USER_MODEL = "deliberation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_flag("YISHI_TEST_FAST_HASHER", False):
    # Test suite only: hashing demo passwords with PBKDF2 would dominate its run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock a username *from one client address* for an hour
# (a stranger elsewhere cannot lock the owner out), and twenty failures from one address,
# whatever the usernames, lock that address (password spraying). project/login_throttle.py
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
YISHI_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("YISHI_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "project.login_throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "project.client_address.client_address"
AXES_ENABLED = env_flag("AXES_ENABLED", True)
# axes has no Chinese and does not say until when: our own page (project/login_throttle.py)
AXES_LOCKOUT_CALLABLE = "project.login_throttle.lockout_response"
# How many reverse proxies in front of Daphne append to X-Forwarded-For (README: 1 behind
# nginx). 0 trusts no header: the client address is the socket's peer (REMOTE_ADDR).
YISHI_TRUSTED_PROXY_COUNT = int(os.environ.get("YISHI_TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = sorted(p for p in (BASE_DIR / "locale").iterdir() if p.is_dir())
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates and number grouping per language (project/formats/); ids stay ungrouped.
FORMAT_MODULE_PATH = ["project.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
# viewflow's Material assets are neither used nor collectable (project/staticfiles.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "project.staticfiles.ServedAppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Source maps are fetched only by a browser's developer tools: not worth compressing (with
# brotli at its best quality they were over half of ``collectstatic``'s time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A Content-Security-Policy that htmx works under: no inline script, no eval; htmx's
# indicator styles are turned off in base.html so no inline style is needed either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # 'self' covers the page's own ws(s)://host:port (CSP3), and nothing else.
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"yishi": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")}},
}

# Live updates: an unpublished outbox event older than this is re-sent by publish_outbox.
YISHI_OUTBOX_RETRY_SECONDS = 5
# Outbox events older than this many days are pruned (daily job prune_outbox, deliberation/
# periodic.py): they only serve the replay of a reconnecting page, and a page older than
# that is told to fetch itself again instead (docs/scaling.md).
YISHI_OUTBOX_KEEP_DAYS = float(os.environ.get("YISHI_OUTBOX_KEEP_DAYS", "7"))
# Live sockets re-check their session and topics at least this often (deliberation/live/
# access.py): the bound for changes that send no signal, such as a session expiring.
YISHI_LIVE_RECHECK_SECONDS = float(os.environ.get("YISHI_LIVE_RECHECK_SECONDS", "30"))

# Demo/test only (honoured only with DEBUG on): shorten the owners'-meeting notice period
# from 15 days (BJ reg. art. 35) to this many minutes, so the whole procedure can be walked
# through in `make run`. Notices say so on the page. Unset in production.
YISHI_DEMO_NOTICE_MINUTES = (
    int(os.environ["YISHI_DEMO_NOTICE_MINUTES"])
    if os.environ.get("YISHI_DEMO_NOTICE_MINUTES")
    else None
)

# Messages that leave the system (deliberation/outbound/): one sender per channel. No SMS or
# WeChat provider is reachable here; a provider's adapter is named in the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "yishi@localhost")
YISHI_OUTBOUND = {
    "email": os.environ.get("YISHI_EMAIL_SENDER", "deliberation.outbound.email.EmailSender"),
    "sms": os.environ.get("YISHI_SMS_SENDER", "deliberation.outbound.console.ConsoleSender"),
    "wechat": os.environ.get("YISHI_WECHAT_SENDER", "deliberation.outbound.console.ConsoleSender"),
}
#: The site's address as people outside reach it: links in WeChat messages and WeChat's
#: return address after authorization are absolute.
YISHI_SITE_URL = os.environ.get("YISHI_SITE_URL", "http://localhost:8000").rstrip("/")


def _wechat_templates(raw: str) -> dict[str, object]:
    try:
        found = json.loads(raw or "{}")
    except ValueError as exc:
        raise ImproperlyConfigured(f"YISHI_WECHAT_TEMPLATES is not JSON: {exc}") from exc
    if not isinstance(found, dict):
        raise ImproperlyConfigured("YISHI_WECHAT_TEMPLATES must map notification kinds")
    return found


# The WeChat Official Account (公众号, deliberation/outbound/wechat.py): people bind their
# openid by WeChat's web authorization; notifications go out as template messages, one
# template per notification kind (a template id, or {"template_id": …, "fields": {…}}).
# Without appid and secret WeChat is not offered.
YISHI_WECHAT = {
    "appid": os.environ.get("YISHI_WECHAT_APPID", ""),
    "secret": os.environ.get("YISHI_WECHAT_SECRET", ""),
    "client": os.environ.get(
        "YISHI_WECHAT_CLIENT", "deliberation.outbound.wechat.HttpWeChatClient"
    ),
    "templates": _wechat_templates(os.environ.get("YISHI_WECHAT_TEMPLATES", "")),
}
#: Where the recording fake (tests) writes what it sent; shared with job worker processes.
YISHI_OUTBOUND_RECORD_DIR = os.environ.get(
    "YISHI_OUTBOUND_RECORD_DIR", str(VAR_DIR / "outbound-record")
)

# The job queue (project/celery.py): Celery on our Redis; in-process and eager without it.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = os.environ.get("YISHI_JOBS_EAGER", "0" if REDIS_URL else "1") == "1"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Beat sends one task per periodic job and tick (deliberation/tasks/periodic.py, docs/jobs.md).
CELERY_BEAT_SCHEDULER = "deliberation.tasks.periodic:PeriodicJobScheduler"
#: Claims ("this tick ran") and the run log of the periodic jobs live under this Redis prefix.
YISHI_JOBS_KEY_PREFIX = os.environ.get("YISHI_JOBS_KEY_PREFIX", "yishi:jobs")
#: Tests and demos only: run every periodic job every this many seconds (unset: each job's own).
YISHI_PERIODIC_EVERY = int(os.environ.get("YISHI_PERIODIC_EVERY", "0"))
