"""Django settings, read from environment variables.

The defaults are the safe production ones: DEBUG is off, and a SECRET_KEY must be
given whenever DEBUG is off. ``make run`` turns DEBUG on for local use.

Variables: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS,
SECURE_SSL_REDIRECT, JIUYE_VAR_DIR, JIUYE_ROSTER_MAX_AGE_HOURS, JIUYE_REVEAL_LIMIT_PER_HOUR,
JIUYE_EXPORT_MAX_ROWS.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()

# src/jiuye/settings.py -> the repository root
BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

VAR_DIR = Path(os.environ.get("JIUYE_VAR_DIR", BASE_DIR / "var"))
REFERENCE_DATA_DIR = BASE_DIR / "data" / "reference"
# Roster uploads under VAR_DIR/rosters/ hold full identity numbers: a batch folder is
# deleted when confirmed or cancelled, and any left behind once older than this.
ROSTER_BATCH_MAX_AGE_HOURS = float(os.environ.get("JIUYE_ROSTER_MAX_AGE_HOURS", "24"))
# Safeguards on personal data (operational settings, not policy figures): how many full
# identity numbers one staff member may reveal in any 60 minutes, and the most rows one
# .xlsx export of a staff list may carry (a longer list must be narrowed first).
REVEAL_LIMIT_PER_HOUR = max(0, int(os.environ.get("JIUYE_REVEAL_LIMIT_PER_HOUR", "20")))
EXPORT_MAX_ROWS = max(0, int(os.environ.get("JIUYE_EXPORT_MAX_ROWS", "10000")))

_DEV_SECRET_KEY = "django-insecure-jiuye-local-development-only"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：生产环境必须提供（或设置 DEBUG=true 用于本地开发）。"
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # django-ninja ships Swagger UI; listing it makes the docs use those local files
    "ninja",
    "jiuye.core",
    "jiuye.geo",
    "jiuye.staff",
    "jiuye.registry",
    "jiuye.web",
    "jiuye.selfcheck",
    "jiuye.portal",
    "csp",
]

MIDDLEWARE = [
    "jiuye.web.proxy.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuye.web.errors.JiuyeErrorMiddleware",
    "jiuye.web.nostore.NoStoreMiddleware",
]

ROOT_URLCONF = "jiuye.urls"
WSGI_APPLICATION = "jiuye.wsgi.application"

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
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jiuye.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Absolute base of the links printed in QR codes and posters, e.g.
# https://jiuye.example.gov.cn; empty: the host the page was requested from.
PUBLIC_BASE_URL = os.environ.get("JIUYE_PUBLIC_BASE_URL", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Production serves hashed, compressed files collected by `collectstatic`. With DEBUG
# on (and in tests, see jiuye.testing.pytest_plugin) files come straight from the apps.
STATIC_MANIFEST = env_bool("JIUYE_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Security: strict unless DEBUG. TLS is usually terminated by a reverse proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a decision for whoever owns the public domain (many deployments
    # sit on an intranet host name); it stays opt-in, so its deploy warning is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # replaces Django's own console handler, so each message is printed once
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# ---------------------------------------------------------------- web layer (issue 10)
# Content-Security-Policy (django-csp 4): scripts and styles only from our own static
# files, no inline code of any kind; the QR codes the app draws may be data: images.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The reverse proxies whose X-Forwarded-For names the client (jiuye.web.proxy).
TRUSTED_PROXIES = env_list("JIUYE_TRUSTED_PROXIES", "127.0.0.1,::1")
# `jiuye serve --prod` keeps connections (CONN_MAX_AGE=60 unless set): check a kept one
# before a request uses it, so that a restarted database costs no failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", default=True)
# No secret path segment (draft tokens, booking codes) in Django's log lines.
LOGGING["filters"] = {"redact_paths": {"()": "jiuye.web.logs.RedactPaths"}}
LOGGING["handlers"] = {
    "console": {"class": "logging.StreamHandler", "filters": ["redact_paths"]},
}
# Production static files: hashed and gzipped by WhiteNoise (jiuye.web.storage); Brotli
# copies only on request (slow to make, nginx can compress in front).
STATIC_BROTLI = env_bool("JIUYE_STATIC_BROTLI", default=False)
if STATIC_MANIFEST:
    STORAGES["staticfiles"]["BACKEND"] = "jiuye.web.storage.StaticFilesStorage"
# The rendered public pages (catalogue, measure pages, posters, QR images), keyed by the
# policy packages' fingerprint, the date and the guides' revision
# (jiuye.portal.pagecache). Local memory per process is enough for page fragments;
# JIUYE_PAGE_CACHE=false turns the cache off (to measure, or to rule it out).
PAGE_CACHE_ENABLED = env_bool("JIUYE_PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = int(os.environ.get("JIUYE_PAGE_CACHE_SECONDS", "86400"))
PAGE_CACHE_ENTRIES = int(os.environ.get("JIUYE_PAGE_CACHE_ENTRIES", "500"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jiuye-default",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jiuye-pages",
        "TIMEOUT": PAGE_CACHE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_ENTRIES},
    },
}
# URL names of the public pages: everything else (staff, personal, unknown) is sent
# with Cache-Control: no-store, and so is every page shown to a signed-in user
# (jiuye.web.nostore). A new public page must be added here to be cacheable.
PUBLIC_URL_NAMES = frozenset(
    {
        "home",
        "policies",
        "self_check",
        "services",
        "healthz",
        "portal:measure",
        "portal:poster",
        "portal:qr_svg",
        "portal:qr_png",
        "selfcheck:start",
        "api:index",
        "api:rules",
        "api:parameters",
        "api:facts",
        "api:package",
        "api:openapi-json",
        "api:openapi-view",
    }
)
