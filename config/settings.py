"""Tandem's settings: the one module every process (web, worker, beat, manage.py) reads.

Everything that differs between a laptop, CI and production comes from the environment, read through the
small helpers in config/env.py so that a bad value stops the process with a clear ``ImproperlyConfigured``
instead of surfacing later as a strange error. The README has one line per variable. Nothing here reads a
test-only switch: the test suite's changes are in config/settings_test.py.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zoneinfo
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_addresses,
    env_bool,
    env_fraction,
    env_int,
    env_list,
    env_s3_storage,
    env_str,
    env_url,
    load_env_file,
)
from config.schedule import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR", BASE_DIR / "var")).resolve()

load_env_file(Path(os.environ.get("TANDEM_ENV_FILE", BASE_DIR / ".env")))

# --- Core -------------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (make run sets DEBUG=1 for you).")
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "django-insecure-tandem-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if urlparse(_origin).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries must start with http:// or https://; got {_origin!r}."
        )

TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone (e.g. Europe/Helsinki).") from None
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en-gb"
# The languages Tandem speaks. English is en-gb (British dates and spelling); a browser asking for en-us gets it.
# A person's own choice (Person.language) wins over the browser's Accept-Language (core.i18n.PersonLanguage).
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("es", "Español")]
# Every app keeps its catalogue in its own locale/ (programmes/locale, ...); this one holds what belongs to no
# app: the site's frame (base, errors, login), config/, core/ and the JavaScript strings.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date inputs render ISO values (type=date holds nothing else); see config/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS and JS as static files, no CDN
    "core",
    "programmes",
    "mentoring",
    "evaluation",
    # After Tandem's apps: for a msgid in both, the app listed first gives the translation, and Django's apps would
    # turn our words into theirs: mentoring "Sessions" into German "Sessions" (ours: "Sitzungen"), the "Filter"
    # button into Spanish "Filtro" (ours: "Filtrar"), a decision's "History" into German "Geschichte" (ours:
    # "Verlauf"). Templates are unaffected (templates/ comes first), and so are the admin's own pages.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.sessions",
    # Tooling above the three apps, which import neither: demo data (seed_demo) and benchmarks (bench).
    "demo",
    "perf",
    # Login protection
    "axes",  # django-axes: failed logins per account and per address, lockout, admin unlock
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers and sessions
    "core.security.SecurityHeadersMiddleware",  # CSP; no-store for logged-in pages (not static files)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Hostile input: a null byte in any parameter is a 400, never a database error
    "core.input_guard.null_byte_guard",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Language: the person's choice, else the language cookie, else the browser's Accept-Language
    "core.i18n.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Headers and sessions
    "core.security.SessionLimitsMiddleware",  # idle and absolute session limits
    "config.sentry.sentry_user_id",  # errors: Sentry's event names the person by id only (nothing without Sentry)
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page; last, per its docs
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "programmes.context_processors.navigation",
                "config.navigation.programme_navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------
# SQLite by default so a bare machine needs nothing but Python. WAL lets the web process read while the
# worker writes; IMMEDIATE transactions take the write lock up front, so concurrent writers wait for the
# busy timeout instead of failing with "database is locked" half-way through a transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    except (ValueError, KeyError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Tandem understands: {exc}") from None
    if not _db.get("ENGINE") or not _db.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host:5432/tandem.")
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["OPTIONS"] = {**SQLITE_OPTIONS, **_db.get("OPTIONS", {})}
        _db["CONN_MAX_AGE"] = 0
    else:
        _db["CONN_HEALTH_CHECKS"] = True
        if _db["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DATABASE_JIT", False):
            # PostgreSQL's JIT compiler spends up to half a second compiling a dashboard's aggregate that runs
            # in a tenth of that: it pays off for long analytical queries, not for a web page's. Off unless
            # DATABASE_JIT=1 (see README, Performance).
            _options = _db.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "tandem.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and login -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "programmes.Person"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Login protection
    # Common passwords dressed up: "P@ssw0rd2024!", "$ummer99" (see core.passwords).
    {"NAME": "core.passwords.BreachedStylePasswordValidator"},
]
# Login protection
# django-axes counts failed logins per account from each source address; reaching the limit within
# the cool-off window locks that account out from that address until the window passes or an administrator
# deletes the attempt in the admin (Axes > Access attempts). A success before the limit resets the count.
AUTHENTICATION_BACKENDS = [
    "core.security.LoginProtectionBackend",  # axes' backend: refuses locked-out logins before any other
    "django.contrib.auth.backends.ModelBackend",
    "config.sso.SsoBackend",  # OpenID Connect; answers only the single sign-on callback, and only when it is on
]
AXES_FAILURE_LIMIT = env_int("TANDEM_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TANDEM_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# The account and the address together, so that failures from one address lock that address out of
# that account only; nobody can lock a known colleague out of Tandem from their own desk.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # Django's login form posts the email address as "username"
AXES_USERNAME_CALLABLE = "core.security.login_username"  # "Ann@X.org " and "ann@x.org" are one account
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"  # templates/registration/lockout.html
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client address, resolved by django-ipware as axes documents. Unset TANDEM_PROXY_COUNT: the
# address the connection comes from, and X-Forwarded-For is ignored (a client could write anything there).
# Behind N reverse proxies: the address the outermost proxy saw, which is N-1 entries from the right of
# X-Forwarded-For (python-ipware counts the proxies listed in the header, the nearest one being REMOTE_ADDR);
# entries a client puts in front itself are skipped, not believed (IPWARE_STRICT off).
_proxy_count = env_int("TANDEM_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list(
    "TANDEM_CLIENT_IP_HEADERS", ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if _proxy_count else ["REMOTE_ADDR"]
)
AXES_IPWARE_PROXY_COUNT = _proxy_count - 1 if _proxy_count else None
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False
# Password reset emails per address per hour: more requests show the same page and send nothing.
TANDEM_PASSWORD_RESET_LIMIT = env_int("TANDEM_PASSWORD_RESET_LIMIT", 3, minimum=1)
# Sessions end after TANDEM_SESSION_IDLE_MINUTES without a request and TANDEM_SESSION_MAX_HOURS after login,
# whichever comes first (core.security.SessionLimitsMiddleware). The session row itself lives as long as the
# idle limit; the middleware refreshes it at most once a minute, so a page view rarely writes.
TANDEM_SESSION_IDLE_MINUTES = env_int("TANDEM_SESSION_IDLE_MINUTES", 30, minimum=1)
TANDEM_SESSION_MAX_HOURS = env_int("TANDEM_SESSION_MAX_HOURS", 12, minimum=1)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day: long enough for a mail queue, short enough to stay safe

# --- Single sign-on (OpenID Connect) ----------------------------------------------------------------------
# Off unless TANDEM_OIDC_ISSUER is set. The provider's endpoints are read from <issuer>/.well-known/openid-
# configuration on first use (config.sso), not at start-up: a provider that is down must not stop manage.py,
# the worker or the password login. mozilla-django-oidc does the protocol; config.sso matches the person.
TANDEM_OIDC_ISSUER = env_url("TANDEM_OIDC_ISSUER", schemes={"http", "https"}).rstrip("/")
TANDEM_OIDC_CLIENT_ID = env_str("TANDEM_OIDC_CLIENT_ID")
TANDEM_OIDC_CLIENT_SECRET = env_str("TANDEM_OIDC_CLIENT_SECRET")
if TANDEM_OIDC_ISSUER and not (TANDEM_OIDC_CLIENT_ID and TANDEM_OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("TANDEM_OIDC_ISSUER needs TANDEM_OIDC_CLIENT_ID and TANDEM_OIDC_CLIENT_SECRET.")
TANDEM_OIDC_PROVIDER_NAME = env_str("TANDEM_OIDC_PROVIDER_NAME")  # empty: "single sign-on", in the reader's language
TANDEM_OIDC_SCOPES = env_str("TANDEM_OIDC_SCOPES", "openid email profile")
if "openid" not in TANDEM_OIDC_SCOPES.split():
    raise ImproperlyConfigured(f"TANDEM_OIDC_SCOPES must include openid; got {TANDEM_OIDC_SCOPES!r}.")
# Which claims carry the person's email, name and (optionally) HR employee id.
TANDEM_OIDC_CLAIM_EMAIL = env_str("TANDEM_OIDC_CLAIM_EMAIL", "email")
TANDEM_OIDC_CLAIM_NAME = env_str("TANDEM_OIDC_CLAIM_NAME", "name")
TANDEM_OIDC_CLAIM_EMPLOYEE_ID = env_str("TANDEM_OIDC_CLAIM_EMPLOYEE_ID")
TANDEM_OIDC_CREATE_USERS = env_bool("TANDEM_OIDC_CREATE_USERS", False)
TANDEM_OIDC_HELP_CONTACT = env_str("TANDEM_OIDC_HELP_CONTACT")
TANDEM_OIDC_SIGN_ALGO = env_str("TANDEM_OIDC_SIGN_ALGO", "RS256")
if TANDEM_OIDC_SIGN_ALGO not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "HS256"}:
    raise ImproperlyConfigured(
        f"TANDEM_OIDC_SIGN_ALGO must be a JWS algorithm such as RS256; got {TANDEM_OIDC_SIGN_ALGO!r}."
    )
TANDEM_OIDC_TIMEOUT_SECONDS = env_int("TANDEM_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
# "all": everyone may log in with a password; "admins-only": only administrators (is_staff), the others use
# single sign-on (which must then be on, or nobody else could log in).
TANDEM_PASSWORD_LOGIN = env_str("TANDEM_PASSWORD_LOGIN", "all").lower()
if TANDEM_PASSWORD_LOGIN not in {"all", "admins-only"}:
    raise ImproperlyConfigured(f"TANDEM_PASSWORD_LOGIN must be all or admins-only; got {TANDEM_PASSWORD_LOGIN!r}.")
if TANDEM_PASSWORD_LOGIN == "admins-only" and not TANDEM_OIDC_ISSUER:
    raise ImproperlyConfigured("TANDEM_PASSWORD_LOGIN=admins-only needs single sign-on (TANDEM_OIDC_ISSUER).")
# mozilla-django-oidc's own settings (read through config.sso, which adds the discovered endpoints).
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_STORE_ID_TOKEN = True  # the provider's logout needs it as id_token_hint
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True

# --- Static files -----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (training evidence) live under var/media, or in a private S3-compatible bucket when TANDEM_S3_BUCKET is
# set (config.env.env_s3_storage): several web nodes then share them. Either way they never have a public URL: a
# view checks who asks, then streams the file. (Tests keep uploads in memory: config/settings_test.py.)
MEDIA_ROOT = VAR_DIR / "media"
# One static pipeline whatever DEBUG says, so that `collectstatic` run with DEBUG on (as `make run` does) leaves the
# manifest a run with DEBUG off needs. With DEBUG on, Django's manifest storage links the plain names
# (/static/css/tandem.css) and WhiteNoise serves them from the source folders as they are edited
# (WHITENOISE_USE_FINDERS and WHITENOISE_AUTOREFRESH follow DEBUG); with DEBUG off it links the hashed names from
# STATIC_ROOT's manifest, and config.checks says at start-up to run collectstatic when the manifest is missing.
STORAGES = {
    "default": env_s3_storage() or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's compressed manifest storage; a file the manifest lacks (a release's new file before collectstatic
    # ran) is linked by its plain name instead of failing every page that links it (core.static_storage).
    "staticfiles": {"BACKEND": "core.static_storage.ForgivingManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------------------------
# Every message goes through Celery (core.mail_backend.CeleryEmailBackend), which hands it to the real
# backend below in the worker. Default: the console when DEBUG, files under var/mail otherwise.
EMAIL_BACKEND = "core.mail_backend.CeleryEmailBackend"
_email_backends = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_HOST = env_str("EMAIL_HOST")
_email_kind = env_str("EMAIL_BACKEND", "smtp" if EMAIL_HOST else ("console" if DEBUG else "file")).lower()
if _email_kind not in _email_backends:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {', '.join(_email_backends)}; got {_email_kind!r}.")
if _email_kind == "smtp" and not EMAIL_HOST:
    raise ImproperlyConfigured("EMAIL_BACKEND=smtp needs EMAIL_HOST.")
TANDEM_EMAIL_BACKEND = _email_backends[_email_kind]
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss"})
CELERY_BROKER_DIR = VAR_DIR / "celery"
# The longest task may run this long before it is killed; Redis must not hand an unacknowledged task to a
# second worker before then, so its visibility timeout sits well above it.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be above CELERY_TASK_SOFT_TIME_LIMIT.")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 12}
else:
    # kombu's filesystem transport: a broker that needs no server, for a bare machine. Absolute paths so
    # web, worker and beat agree whatever directory they start in.
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = CELERY_BROKER_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
# The cache holds counters that must be the same for every web node (the SCIM rate limit): in Redis when
# REDIS_URL is set, else in each process's memory (one process on one machine, as `make run`).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tandem",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat keeps its schedule's state in the database (core.beat), not in a file: it starts wherever it runs, and a
# second beat started by mistake shares that state instead of doubling the work (core.scheduled). It wakes at
# least every minute to write the heartbeat /healthz reads.
CELERY_BEAT_SCHEDULER = "core.beat:DatabaseScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
# Check-in reminders: how often beat starts the sweep, and how many days before the due date "upcoming" goes.
TANDEM_REMINDER_SWEEP_MINUTES = env_int("TANDEM_REMINDER_SWEEP_MINUTES", 15, minimum=1)
# A seconds override of the sweep interval, for tests and demos that cannot wait a minute.
TANDEM_REMINDER_SWEEP_SECONDS = env_int("TANDEM_REMINDER_SWEEP_SECONDS", 60 * TANDEM_REMINDER_SWEEP_MINUTES, minimum=1)
TANDEM_REMINDER_DAYS_BEFORE = 3
# A reminder email claimed for sending whose claim was not renewed for this long is claimed again: the worker
# died mid-send. A sender renews its claims every third of it, so a long send_reminders run is never overtaken.
TANDEM_REMINDER_LEASE_SECONDS = env_int("TANDEM_REMINDER_LEASE_SECONDS", 600, minimum=1)
# A sweep that leaves emails waiting (its time budget ran out: a cold day) hands them to this many follow-up
# tasks side by side; each sends over its own mail connection. At most the worker's concurrency run at once.
TANDEM_REMINDER_SENDERS = env_int("TANDEM_REMINDER_SENDERS", 2, minimum=1)
# /healthz says "mail": "trouble" when a reminder email has been due this long and is not sent.
TANDEM_MAIL_LATE_MINUTES = env_int("TANDEM_MAIL_LATE_MINUTES", 60, minimum=1)
# Outgoing webhooks post only to public addresses: a coordinator's address that is (or resolves to) a private,
# loopback or link-local address is refused, so that Tandem cannot be made to probe its own network. Set for a
# Slack-compatible server inside the organisation's network (and by the tests' local receiver).
TANDEM_WEBHOOK_PRIVATE_ADDRESSES = env_bool("TANDEM_WEBHOOK_PRIVATE_ADDRESSES", False)
# Where people open Tandem (https://tandem.example.org), to put whole links in reminder emails; without it
# the emails carry the page's path only.
TANDEM_SITE_URL = env_url("TANDEM_SITE_URL", schemes={"http", "https"}).rstrip("/")
# Audit rows older than this are deleted daily (0 keeps them for ever).
TANDEM_AUDIT_RETENTION_DAYS = env_int("TANDEM_AUDIT_RETENTION_DAYS", 730, minimum=0)
# Personal data of people whose programmes all closed longer ago than this is erased daily (0 keeps it).
TANDEM_RETENTION_DAYS_AFTER_CLOSE = env_int("TANDEM_RETENTION_DAYS_AFTER_CLOSE", 730, minimum=0)
# The nightly HR file: the folder under which HR files may be read (empty: the nightly file is off), and the
# hour (server time) it is read at.
TANDEM_HR_SYNC_ROOT = env_str("TANDEM_HR_SYNC_ROOT", "")
TANDEM_HR_SYNC_HOUR = env_int("TANDEM_HR_SYNC_HOUR", 2)
if TANDEM_HR_SYNC_HOUR > 23:
    raise ImproperlyConfigured("TANDEM_HR_SYNC_HOUR must be an hour from 0 to 23.")

# Every periodic task, by app: config/schedule.py.
CELERY_BEAT_SCHEDULE = beat_schedule(
    hr_sync_hour=TANDEM_HR_SYNC_HOUR, reminder_sweep_seconds=TANDEM_REMINDER_SWEEP_SECONDS
)

# --- Security ---------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Headers and sessions
SESSION_COOKIE_AGE = TANDEM_SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script of Tandem's reads the CSRF cookie; forms carry the token
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Production sits behind HTTPS; DEBUG runs on plain http://127.0.0.1.
_secure_default = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _secure_default)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure_default)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is a decision about the organisation's whole domain, not Tandem's
# to take; most installations sit on an intranet host name that cannot be preloaded at all.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# SQLite builds the session-day index without the extra columns it carries on PostgreSQL (mentoring.models).
SILENCED_SYSTEM_CHECKS.append("models.W040")
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is polled over plain HTTP by load balancers and process managers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging and errors -----------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_a_health_poll": {"()": "config.errors.NotAHealthPoll"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Unhandled errors in a request (django.request) to ADMINS, when set, through EMAIL_BACKEND: queued for
        # the worker, so the failing request does not wait for the mail server. Scrubbed by config.errors.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false", "not_a_health_poll"],
            "class": "config.errors.PrivateAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's own handlers on this logger (the same mail_admins, and a console for DEBUG that
        # printed every line twice); its lines still reach the console through the root.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
    },
}
# Who is emailed an unhandled error: "Ana Admin <ana@example.org>, ops@example.org". Empty: nobody, and the 500 page
# does not say that anyone was told.
ADMINS = env_addresses("TANDEM_ADMINS")
EMAIL_SUBJECT_PREFIX = "[Tandem] "
# Error reports carry the traceback, never what people wrote or who they are (config.errors, config.sentry).
DEFAULT_EXCEPTION_REPORTER = "config.errors.PrivateExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.errors.PrivateExceptionReporterFilter"
# Sentry (sentry-sdk) when SENTRY_DSN is set, in web, worker and beat alike: unhandled errors in requests and
# tasks, and ERROR log lines. Performance tracing is off unless SENTRY_TRACES_SAMPLE_RATE (0 to 1) says otherwise.
SENTRY_DSN = env_url("SENTRY_DSN", schemes={"http", "https"})
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = env_fraction("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        release=env_str("SENTRY_RELEASE") or None,
    )

# --- Tandem -----------------------------------------------------------------------------------------------
# Private notes, and everything else a pair writes in their own words, are encrypted at rest with Fernet keys
# (mentoring.crypto, mentoring.fields). The first key encrypts; all of them decrypt, so a new key goes first,
# `manage.py rotate_note_keys` re-encrypts, then the old key can go.
TANDEM_NOTE_KEYS = env_list("TANDEM_NOTE_KEYS")
for _key in TANDEM_NOTE_KEYS:
    try:
        if len(base64.urlsafe_b64decode(_key.encode())) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "TANDEM_NOTE_KEYS entries must be Fernet keys (32 bytes, URL-safe base64); make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        ) from None
if not TANDEM_NOTE_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("TANDEM_NOTE_KEYS must be set when DEBUG is off: it encrypts the pairs' text.")
    # Development only: a key derived from SECRET_KEY, so `make run` works without another setting.
    TANDEM_NOTE_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(b"tandem-notes:" + SECRET_KEY.encode()).digest()).decode()
    ]
# Committee figures never show a group smaller than this (the privacy rule).
# SCIM provisioning (programmes/scim): django-scim2 with Tandem's adapters, bearer tokens and limits.
TANDEM_SCIM_MAX_BODY_BYTES = env_int("TANDEM_SCIM_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
TANDEM_SCIM_REQUESTS_PER_MINUTE = env_int("TANDEM_SCIM_REQUESTS_PER_MINUTE", 600, minimum=1)
TANDEM_SCIM_MAX_RESULTS = env_int("TANDEM_SCIM_MAX_RESULTS", 200, minimum=1)
SCIM_SERVICE_PROVIDER = {
    "USER_ADAPTER": "programmes.scim.adapters.PersonUser",
    "GROUP_MODEL": "programmes.models.OrgUnit",
    "GROUP_ADAPTER": "programmes.scim.adapters.TeamGroup",
    "SERVICE_PROVIDER_CONFIG_MODEL": "programmes.scim.config.TandemServiceProviderConfig",
    "BASE_LOCATION_GETTER": "programmes.scim.config.base_location",
    "AUTH_CHECK_MIDDLEWARE": "programmes.scim.auth.ScimBearerAuth",
    "SCHEMAS_GETTER": "programmes.scim.schemas.tandem_schemas",
    "NETLOC": "unused",  # locations come from BASE_LOCATION_GETTER; django-scim2 insists on a value
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "A token an administrator makes in the Django admin (SCIM tokens); shown once.",
            "primary": True,
        }
    ],
}

TANDEM_MIN_GROUP_SIZE = env_int("TANDEM_MIN_GROUP_SIZE", 5, minimum=5)
