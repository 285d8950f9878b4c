"""Samleng's settings. Everything that differs between machines comes from the environment, read through
`env()` below so that tests can check that the README documents every setting."""

import hashlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
#: The project's documents (the workbook formats), served by the import page.
DOCS_DIR = BASE_DIR.parent / "docs"
PROJECT_DIR = BASE_DIR.parent

#: Every environment variable Samleng reads, with its development default (tests read this).
ENVIRONMENT: dict[str, str] = {}


def env(name: str, default: str = "") -> str:
    ENVIRONMENT[name] = default
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


# Production unless SAMLENG_DEBUG=1 (`dev.py serve`, `dev.py test` and .ci/run set it for themselves): in
# production Samleng refuses to start with the development SECRET_KEY or without SAMLENG_FIELD_KEY.
DEBUG = env_bool("SAMLENG_DEBUG", False)
DATA_DIR = Path(env("SAMLENG_DATA_DIR", str(PROJECT_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates its file, but not the folder
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production"
SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "Samleng runs in production mode unless SAMLENG_DEBUG=1, and then needs SECRET_KEY, a long random key "
        "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'): README.md, Deployment. "
        "For development set SAMLENG_DEBUG=1 (python3 dev.py serve and python3 dev.py test do).")

# Phone numbers, Telegram ids and two-factor secrets are encrypted with these Fernet keys (44 url-safe
# base64 characters each), comma-separated, newest first: the first encrypts, all decrypt (core.crypto;
# `samleng rotate_field_key` re-encrypts with the first). In development a key is derived from SECRET_KEY
# so that a fresh clone just works.
FIELD_ENCRYPTION_KEYS = [key.strip() for key in env("SAMLENG_FIELD_KEY", "").split(",") if key.strip()]
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Samleng runs in production mode unless SAMLENG_DEBUG=1, and then needs SAMLENG_FIELD_KEY, a Fernet key "
            "that encrypts phone numbers: README.md, Deployment. "
            "For development set SAMLENG_DEBUG=1 (python3 dev.py serve and python3 dev.py test do).")
    import base64

    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()]
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEYS[0]  # the key that encrypts
# Backups (`samleng backup`) are encrypted with a key of their own, never the field key: losing or rotating
# that must not lose the backups. Comma-separated, newest first: the first encrypts, all can restore.
BACKUP_KEYS = [key.strip() for key in env("SAMLENG_BACKUP_KEY", "").split(",") if key.strip()]

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    # The API docs page's Swagger UI, from ninja's static files (served by whitenoise), never from a CDN.
    "ninja",
    "samleng.core",
    "samleng.places",
    "samleng.accounts",
    "samleng.cbos",
    "samleng.advocacy",
    "samleng.engagement",
    "samleng.plans",
    "samleng.stories",
    "samleng.transparency",
    "samleng.comments",
    "samleng.notifications",
    "samleng.budgets",
    "samleng.results",
    "samleng.assistant",
    "samleng.imports",
]

MIDDLEWARE = [
    # First: a load balancer probes /healthz by address over plain HTTP (samleng/core/health.py).
    "samleng.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed, outside every middleware that reads or writes them (Django's gzip pads each answer
    # against BREACH); whitenoise serves static files compressed already (in production, .gz and .br).
    "django.middleware.gzip.GZipMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy on every page.
    "samleng.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samleng.core.middleware.KhmerFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the form: a body larger than Samleng takes is refused unread.
    "samleng.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samleng.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a staff session left idle ends with a word on the login page.
    "samleng.accounts.middleware.StaffIdleTimeoutMiddleware",
    # Per-address limits of the password reset, the JSON API and the public forms (accounts/limits.py).
    "samleng.accounts.limits.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "samleng.urls"
WSGI_APPLICATION = "samleng.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
            "builtins": ["samleng.core.templatetags.samleng"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'samleng.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers go on while an import writes; IMMEDIATE avoids "database is locked" on upgrade. A page
    # cache of 16 MB per connection (SQLite's default is 2 MB) holds the tables a list or a search reads by key
    # (the 20,000 issues of national data are 8 MB): a search finding thousands took a third longer with the
    # default, each read of a page outside the cache a call to the system. It grows only with what is read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                        "PRAGMA cache_size=-16000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The second SQLite file beside the main one, for what a login writes (sessions, rate-limit buckets, the
    # last two-factor step used, the queue of the logins' audit entries: core/routers.py): an import holds the
    # main file's write lock for its whole transaction, and a login must not wait for it. PostgreSQL locks rows,
    # so there everything stays in the one database. `samleng migrate` migrates both (core's migrate command).
    _main = str(DATABASES["default"]["NAME"])
    DATABASES["runtime"] = {
        **DATABASES["default"],
        "NAME": _main if _main in {"", ":memory:"} else str(Path(_main).with_suffix("")) + "-runtime.sqlite3",
        "OPTIONS": {**DATABASES["default"]["OPTIONS"]},
    }
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Random reads cost little more than sequential ones on SSDs; at PostgreSQL's default (4) the planner
    # reads all 600,000 attendance rows for each year of an indicator instead of using the index. No JIT: a
    # search asks the planner's estimate of a scan of every search entry (core.search), whose cost passes
    # jit_above_cost (100,000) as the entries grow, and each connection would then load the JIT compiler
    # (0.17 s) for a web request's query. No parallel workers: a search's count of a very common word started
    # one (8 ms of wall time where 3.3 without; searches' p95 10.4 -> 8.5 ms, bench/README.md, Search); the
    # indicators, which gain from them (680 ms without, 460-510 with), ask for them in their transaction
    # (core.database.allow_parallel_workers).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c random_page_cost=1.1 -c jit=off -c max_parallel_workers_per_gather=0")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["samleng.core.routers.RuntimeRouter"]

# The cache every app server shares (cached public pages, the national figures; README, "Caching public
# pages"): with PostgreSQL the database's own (table samleng_cache, made by `migrate`); with SQLite files in
# SAMLENG_DATA_DIR/cache (one machine: every worker reads them), since a write to a table of the SQLite file
# would wait for an import holding its write lock (up to 20 s) and stall the public pages it serves; Redis
# when SAMLENG_CACHE_URL is a redis:// URL. Pages are kept for SAMLENG_PAGE_CACHE_SECONDS (0: no page is
# cached) and replaced as soon as the data they show changes.
_CACHE_SIZE = {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4}  # every unit's pages in two languages, and room
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "samleng_cache",
                  "OPTIONS": _CACHE_SIZE}
_cache_url = env("SAMLENG_CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url:
    raise ImproperlyConfigured(f"SAMLENG_CACHE_URL is a redis:// URL or empty, not {_cache_url!r}")
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache"), "OPTIONS": _CACHE_SIZE}}
else:
    CACHES = {"default": DATABASE_CACHE}
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(env("SAMLENG_PAGE_CACHE_SECONDS", "86400"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cbos:list"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
#: Wrong passwords or codes for one username from one client address before that pair is locked, and the
#: minutes it takes to get them all back (one every LOCKOUT/MAX_FAILURES minutes); the same for wrong codes
#: of one account. Counted in the database (accounts/limits.py), so every app server sees them.
LOGIN_MAX_FAILURES = int(env("SAMLENG_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(env("SAMLENG_LOGIN_LOCKOUT_MINUTES", "15"))
#: Rate limits per client address, "COUNT/PERIOD" (s, m, h, d; "0" turns one off), answered with 429:
#: wrong passwords and codes whatever the username, password reset requests (and mails to one e-mail
#: address), JSON API requests, public searches and filters.
LIMIT_LOGIN = env("SAMLENG_LIMIT_LOGIN", "30/15m")
LIMIT_PASSWORD_RESET = env("SAMLENG_LIMIT_PASSWORD_RESET", "5/h")
LIMIT_API = env("SAMLENG_LIMIT_API", "300/m")
LIMIT_PUBLIC_FORMS = env("SAMLENG_LIMIT_PUBLIC_FORMS", "60/m")
#: Citizens' comments sent from one client address (and receipt codes tried when following one: at the
#: public forms' rate), answered with 429. A village meeting may share one connection: not too few.
LIMIT_COMMENTS = env("SAMLENG_LIMIT_COMMENTS", "20/h")
#: Comments one partner's API key may send through Open311 (comments/open311.py), answered with 429.
LIMIT_OPEN311_POSTS = env("SAMLENG_LIMIT_OPEN311_POSTS", "300/h")
#: A commenter's contact (encrypted) is erased when the closing answer is relayed, and at the latest this many
#: days after the comment (`samleng tick`).
COMMENT_CONTACT_DAYS = int(env("SAMLENG_COMMENT_CONTACT_DAYS", "180"))
#: Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; without them, the socket's
#: address is the client's.
TRUSTED_PROXIES = [p.strip() for p in env("SAMLENG_TRUSTED_PROXIES", "").split(",") if p.strip()]
#: A staff session ends after this many minutes without a request (0: never), and every session this many
#: hours after the login.
STAFF_IDLE_MINUTES = int(env("SAMLENG_STAFF_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(float(env("SAMLENG_SESSION_HOURS", "12")) * 3600)
#: Audit entries older than this many days are deleted by `samleng prune_audit` (run by `samleng tick`);
#: 0 keeps them for ever.
AUDIT_RETENTION_DAYS = int(env("SAMLENG_AUDIT_RETENTION_DAYS", "730"))
#: The clock of an information request, in working days (the draft Law on Access to Information, articles
#: 13, 14 and 16; settings because the draft may still change): the answer falls due this many days after
#: the filing, the delivery this many after the answer "held" (or the fee's acceptance), and an extended
#: request's delivery this many after the filing.
REQUEST_ANSWER_DAYS = int(env("SAMLENG_REQUEST_ANSWER_DAYS", "5"))
REQUEST_DELIVERY_DAYS = int(env("SAMLENG_REQUEST_DELIVERY_DAYS", "15"))
REQUEST_EXTENDED_DAYS = int(env("SAMLENG_REQUEST_EXTENDED_DAYS", "40"))
#: Red flag R003 of procurement: a tender period shorter than this many days, by procurement method ("" for
#: any other method), e.g. SAMLENG_PROCUREMENT_MIN_TENDER_DAYS="15,selective=10".
PROCUREMENT_MIN_TENDER_DAYS = {
    (method.partition("=")[0].strip() if "=" in method else ""): int(method.rpartition("=")[2])
    for method in env("SAMLENG_PROCUREMENT_MIN_TENDER_DAYS", "15").split(",") if method.strip()
}
#: `samleng export ocds`: the prefix of the ocids of projects Samleng publishes (those typed in the workbook,
#: without an ocid of their own), and the publisher the package names.
OCDS_PREFIX = env("SAMLENG_OCDS_PREFIX", "ocds-samleng")
OCDS_PUBLISHER = env("SAMLENG_OCDS_PUBLISHER", "")  # empty: ORGANISATION_NAME

# Khmer first: Khmer is the default language, English is one click away on every page.
LANGUAGE_CODE = "km"
LANGUAGES = [("km", _("Khmer")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "samleng_language"
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("SAMLENG_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve static files from the apps' folders too, so that a server without `collectstatic` (tests, the demo)
# still has its stylesheet.
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# What one workbook may cost (README). An upload over the first is refused as its body arrives; a zip or
# .xlsx that would unpack to more than the second, or holds more members than the third, is refused before
# it is read, and so is a sheet of more rows than the fourth. At most the fifth errors are listed (the rest
# counted by kind), and a run stops checking after the sixth.
SAMLENG_IMPORT_MAX_UPLOAD_MB = int(env("SAMLENG_IMPORT_MAX_UPLOAD_MB", "100"))
SAMLENG_IMPORT_MAX_UNPACKED_MB = int(env("SAMLENG_IMPORT_MAX_UNPACKED_MB", "500"))
# An .xlsx holds about four files a sheet (the sheet, its comments, their drawing, its links): the programme
# template of format 1.2 has over a hundred.
SAMLENG_IMPORT_MAX_MEMBERS = int(env("SAMLENG_IMPORT_MAX_MEMBERS", "200"))
SAMLENG_IMPORT_MAX_ROWS = int(env("SAMLENG_IMPORT_MAX_ROWS", "2000000"))
SAMLENG_IMPORT_LISTED_ERRORS = int(env("SAMLENG_IMPORT_LISTED_ERRORS", "200"))
SAMLENG_IMPORT_STOP_AFTER_ERRORS = int(env("SAMLENG_IMPORT_STOP_AFTER_ERRORS", "10000"))
# What any other request may send: core.middleware.RequestSizeLimitMiddleware refuses a body declared larger
# before it is read (413, and a page that says so): a form without files up to DATA_UPLOAD_MAX_MEMORY_SIZE
# (Django's default, 2.5 MB; Django's own check counts the fields of a form with files too), a form with files
# (an evidence file is at most 10 MB) up to SAMLENG_MAX_REQUEST_MB. The workbook upload has its own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SAMLENG_MAX_REQUEST_MB = int(env("SAMLENG_MAX_REQUEST_MB", "12"))

EMAIL_BACKEND = env("SAMLENG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "samleng@localhost")

# Notifications (samleng/notifications/README.md): the address links in messages point to (a worker has no request
# to build them from), the Telegram bot's token and the Bot API's address (a fake server on loopback in tests and
# benchmarks), how many senders may run at once (each in its own worker) with how many sends in flight each, and
# how long the outbox keeps a message's address at most.
SITE_URL = env("SAMLENG_SITE_URL", "http://127.0.0.1:8000")
TELEGRAM_TOKEN = env("SAMLENG_TELEGRAM_TOKEN", "")
TELEGRAM_API_URL = env("SAMLENG_TELEGRAM_API_URL", "https://api.telegram.org")
# The bot's username (deep links https://t.me/<name>?start=...), and the secret Telegram sends with each update
# to the webhook (1-256 characters of A-Za-z0-9_-; `samleng telegram_setup` registers it): without it the webhook
# answers 404.
TELEGRAM_BOT_NAME = env("SAMLENG_TELEGRAM_BOT", "")
TELEGRAM_SECRET = env("SAMLENG_TELEGRAM_SECRET", "")
# Facebook Messenger (notifications/messenger.py; off unless all three are set: it passes questions to Meta): the
# Page's access token, the Meta app's secret (checks X-Hub-Signature-256) and the verify token of the webhook's
# handshake; the Graph API's address (a fake server on loopback in tests).
MESSENGER_PAGE_TOKEN = env("SAMLENG_MESSENGER_PAGE_TOKEN", "")
MESSENGER_APP_SECRET = env("SAMLENG_MESSENGER_APP_SECRET", "")
MESSENGER_VERIFY_TOKEN = env("SAMLENG_MESSENGER_VERIFY_TOKEN", "")
MESSENGER_API_URL = env("SAMLENG_MESSENGER_API_URL", "https://graph.facebook.com/v21.0")
NOTIFICATIONS_SENDERS = int(env("SAMLENG_NOTIFICATIONS_SENDERS", "1"))
NOTIFICATIONS_SEND_THREADS = int(env("SAMLENG_NOTIFICATIONS_SEND_THREADS", "16"))
NOTIFICATIONS_KEEP_DAYS = int(env("SAMLENG_NOTIFICATIONS_KEEP_DAYS", "30"))
NOTIFICATIONS_CONTACT_DAYS = int(env("SAMLENG_NOTIFICATIONS_CONTACT_DAYS", "90"))

# Background jobs are stored in the database; `samleng db_worker` runs them on any number of machines.
# SAMLENG_TASKS_IMMEDIATE=1 runs them in the request instead (tests, and a demo without a worker).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("SAMLENG_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend"
    }
}
# /healthz fails when no worker has finished a job (the heartbeat `samleng tick` queues) for this long, or when
# a job has waited this long in the queue.
SAMLENG_HEALTH_WORKER_MINUTES = int(env("SAMLENG_HEALTH_WORKER_MINUTES", "15"))
SAMLENG_HEALTH_QUEUE_MINUTES = int(env("SAMLENG_HEALTH_QUEUE_MINUTES", "15"))

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS, in production unless SAMLENG_HTTPS=0: plain HTTP is redirected to HTTPS, cookies travel over HTTPS
# only, and browsers are told to come back over HTTPS only (HSTS, sent with HTTPS answers). Behind a reverse
# proxy that terminates HTTPS, SAMLENG_PROXY_SSL_HEADER names the header by which it says a request came over
# HTTPS (X-Forwarded-Proto: https; the proxy must set it, replacing any a client sent): without it every
# request would look like plain HTTP, and be redirected again and again.
HTTPS = env_bool("SAMLENG_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(env("SAMLENG_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading writes the domain into the browsers' own lists, which is hard to undo: its owner decides
# (SAMLENG_HSTS_PRELOAD=1, then submit it at hstspreload.org). Until then `check --deploy` need not remind.
SECURE_HSTS_PRELOAD = env_bool("SAMLENG_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
_proxy_ssl_header = env("SAMLENG_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Content-Security-Policy (django-csp; core.middleware.SecurityHeadersMiddleware): pages take stylesheets and
# images from Samleng only, run no script and hold nothing inline (no <style>, no style="", no <script>, no
# onclick: tests/test_security.py reads every template), post forms to Samleng only, and are never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
#: The pages that need more, by URL name (and every page under its path): the directives that replace those above.
CONTENT_SECURITY_POLICY_BY_PAGE = {
    # Django's admin runs its own scripts, from /static/admin/.
    "admin:index": {"script-src": [SELF], "img-src": [SELF, "data:"]},
    # The JSON API's docs (Swagger UI from Samleng's static files): its two scripts carry the request's nonce
    # and read the OpenAPI document; its stylesheet draws icons as data: images.
    "api:openapi-view": {"script-src": [NONCE], "img-src": [SELF, "data:"], "connect-src": [SELF]},
}
#: What no page of Samleng uses, turned off for every page and for whatever a page might embed.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=()")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SAMLENG_LOG_LEVEL", "WARNING")},
}

# The organisation that runs this Samleng: named in reports, and its IATI organisation identifier
# ("{registration agency}-{number}", e.g. "KH-MOI-1234") prefixes the IATI activity identifiers.
ORGANISATION_NAME = env("SAMLENG_ORGANISATION_NAME", "Advocacy and Policy Institute")
IATI_ORG_REF = env("SAMLENG_IATI_ORG_REF", "XM-SAMLENG-DEMO")
