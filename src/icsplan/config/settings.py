"""Django settings, read from the environment.

The embedded default needs nothing: a SQLite file in a data folder the app creates
(``ICSPLAN_DATA_DIR``, default ``./data``) and a secret key generated there on first run.
A multi-user install sets ``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ICSPLAN_DATA_DIR", "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# matplotlib and fontconfig caches go into folders the app owns, never into $HOME.
for _var, _sub in (("MPLCONFIGDIR", "cache/matplotlib"), ("XDG_CACHE_HOME", "cache")):
    if _var not in os.environ:
        (DATA_DIR / _sub).mkdir(parents=True, exist_ok=True)
        os.environ[_var] = str(DATA_DIR / _sub)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "icsplan.core",
    "icsplan.accounts",
    "icsplan.strategies",
    "icsplan.indicators",
    "icsplan.audit",
    "icsplan.imports",
    "icsplan.reviews",
    "icsplan.api",
    "icsplan.web",
    "icsplan.portfolio",
    "icsplan.jobs",
]

MIDDLEWARE = [
    "icsplan.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "icsplan.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "icsplan.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "icsplan.config.urls"
WSGI_APPLICATION = "icsplan.config.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'icsplan.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "icsplan.core.sqlite"
    # WAL lets readers proceed while one writer commits; the busy timeout queues writers
    # instead of failing at once under a multi-threaded server.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run in memory, as Django does by default for SQLite; saying so explicitly keeps
    # pytest-xdist from deriving a per-worker file name from the data file's path.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# -- Background tasks (django-tasks) ----------------------------------------------------------------
# PDF/DOCX exports and progress reports are made by ``icsplan.jobs`` as tasks. On the embedded SQLite
# default they run at once in the web process (no worker to start); on PostgreSQL they are queued in
# the database and made by ``icsplan worker``. ICSPLAN_TASKS_BACKEND=immediate|database overrides.
_TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_choice = (os.environ.get("ICSPLAN_TASKS_BACKEND") or "").strip().lower() or (
    "database" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "immediate")
if _tasks_choice not in _TASKS_BACKENDS:
    raise ImproperlyConfigured(f"ICSPLAN_TASKS_BACKEND={_tasks_choice!r}: use immediate or database")
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[_tasks_choice]}}
ICSPLAN_TASKS_BACKEND = _tasks_choice
# An export still unfinished after this many seconds is taken as lost (no worker, or a worker that
# died): the next request for it starts again instead of waiting on it for ever.
ICSPLAN_EXPORT_JOB_TIMEOUT = int(os.environ.get("ICSPLAN_EXPORT_JOB_TIMEOUT", str(30 * 60)))
# Finished export and import jobs (and the task queue's finished results) are deleted this many
# days after they finished, by `icsplan purge` and whenever a new job is queued (icsplan.jobs.purge).
ICSPLAN_JOB_RETENTION_DAYS = int(os.environ.get("ICSPLAN_JOB_RETENTION_DAYS", "7"))
# The queue's tables exist on every install, so that switching the backend needs no other change.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root even when it uses finders
# Hashed names and gzip/brotli copies (``icsplan serve`` and ``make run`` collect them first):
# WhiteNoise serves hashed files as immutable for ten years. Without a collect step the assets
# are still served straight from the apps (short cache), so tests need no set-up.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "icsplan.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Security defaults that hold on plain HTTP too; HTTPS-only flags follow ICSPLAN_HTTPS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "icsplan.config.failures.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # forms carry the token; no script reads the cookie (CSP forbids inline script)
SESSION_COOKIE_AGE = 60 * 60 * 12  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Behind a reverse proxy that sets X-Forwarded-For, client addresses (audit, sign-in throttling) come from it.
ICSPLAN_TRUST_PROXY = _env_bool("ICSPLAN_TRUST_PROXY", False)
if _env_bool("ICSPLAN_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Upload and reader limits: one set for the CLI, the web pages and the API (README, "Security").
# Every document reader (text, Markdown, DOCX, PDF, JSON, XLSX/CSV) runs under these: file size,
# zip container (members, uncompressed size, ratio), PDF pages, JSON depth, wall-clock seconds and
# memory of the reading process. ICSPLAN_UPLOAD_MAX_MB and friends override them.
from icsplan.ingest.uploads import ReaderLimits  # noqa: E402 (Django-free)

ICSPLAN_READER_LIMITS = ReaderLimits.from_env()
# A staged import (preview) waits this long for its confirmation, on the web and in the API.
ICSPLAN_IMPORT_EXPIRY_HOURS = int(os.environ.get("ICSPLAN_IMPORT_EXPIRY_HOURS", "24"))
# A results workbook of this many bytes or more is imported by a background task (icsplan.jobs):
# the confirmation answers a progress page at once, and its preview does not run a trial import.
# Smaller ones (the common case) are previewed and imported in the request.
ICSPLAN_IMPORT_BACKGROUND_BYTES = int(os.environ.get("ICSPLAN_IMPORT_BACKGROUND_BYTES", str(128 * 1024)))
# IATI: the reporting organisation's identifier in the IATI organisation registry, and sectors a
# mission chooses ({"Mali": [["1", "15110", "60"], ["1", "15210", "40"]]}: vocabulary, code,
# percentage); without them the export takes DAC codes from the objectives' themes.
ICSPLAN_IATI_REPORTING_ORG = os.environ.get("ICSPLAN_IATI_REPORTING_ORG", "US-GOV-1")
ICSPLAN_IATI_SECTORS = json.loads(os.environ.get("ICSPLAN_IATI_SECTORS", "{}"))
# Request bodies: a JSON body to the API (the largest real one, a framework edit, is a few KB) and
# form fields on the web are capped here; files are capped by ICSPLAN_READER_LIMITS, and a whole
# request by that plus room for the form's other fields. Over the cap: 413 problem+json.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("ICSPLAN_BODY_MAX_MB", "2")) * 1024 * 1024
ICSPLAN_API_MAX_JSON_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
ICSPLAN_REQUEST_MAX_BYTES = ICSPLAN_READER_LIMITS.max_bytes + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "icsplan.imports.uploads.LimitedUploadHandler",  # refuses an over-size upload before storing it
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# -- Sign-in throttling ----------------------------------------------------------------------------
# Every way in (the app's sign-in page, the admin's, API tokens) counts failures in one place that
# every worker process of the server shares: a cache table in the application database, created by
# the accounts migrations. Nothing else is cached, so the default cache stays in memory.
AUTHENTICATION_BACKENDS = ["icsplan.accounts.throttle.ThrottledModelBackend"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "icsplan_throttle_cache",
        "TIMEOUT": 16 * 60,
        # Counts expire after 16 minutes; past MAX_ENTRIES the expired rows are deleted first, so only
        # tens of thousands of failures within the window could push out live ones.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    # Drawn charts (icsplan.indicators.chart_cache), keyed by the figures they show, so an entry is
    # never stale and only ages out. A database cache so that every worker process shares them.
    "charts": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "icsplan_chart_cache",
        "TIMEOUT": 30 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
# Failed attempts allowed within 15 minutes (see icsplan.accounts.throttle): per account name and
# address, per account name, per address (an office behind one NAT address shares the last one).
ICSPLAN_SIGNIN_LIMITS = {"account_address": 5, "account": 20, "address": 30}

# -- Cache-Control -----------------------------------------------------------------------------------
# Responses to signed-in people, token callers and writes may carry SBU or unapproved data: marked
# "private, no-store" (icsplan.core.middleware.PrivateNoStoreMiddleware). It sits just inside the
# security headers, outside every other middleware, so that their own responses (CSRF failures,
# refused NUL bytes) are covered too; WhiteNoise still answers static files before it decides.
MIDDLEWARE.insert(MIDDLEWARE.index("icsplan.core.middleware.SecurityHeadersMiddleware") + 1,
                  "icsplan.core.middleware.PrivateNoStoreMiddleware")

# Notifications by e-mail (accounts.notifications): printed on the console unless an SMTP server
# is configured (ICSPLAN_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, EMAIL_HOST…).
EMAIL_BACKEND = os.environ.get("ICSPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "icsplan <icsplan@localhost>")
ICSPLAN_BASE_URL = os.environ.get("ICSPLAN_BASE_URL", "http://127.0.0.1:8000")
