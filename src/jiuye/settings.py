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
    # staff sign-in (issue 10): TOTP and backup codes, failed-sign-in lockout
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # its system check refuses a cache that is not shared or not atomic (issue 10)
    "django_ratelimit",
    "jiuye.core",
    "jiuye.geo",
    "jiuye.staff",
    "jiuye.registry",
    "jiuye.web",
    "jiuye.selfcheck",
    "jiuye.portal",
    "jiuye.casework",
    # 个人/单位办事 accounts: applicants and employer contacts (issue 11 §1, §5)
    "jiuye.applicants",
    "jiuye.payments",
    # dated parameter values set by the bureau (issue 13 §3)
    "jiuye.parameters",
    # 免申即享 screening and policy simulation (issue 13)
    "jiuye.screening",
    "jiuye.simulation",
    # watches: indicators, warnings, targets, supervision (issue 14)
    "jiuye.monitoring",
    "jiuye.oversight",
    "csp",
]

MIDDLEWARE = [
    "jiuye.web.proxy.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # outermost after security: every non-public answer (lockouts, redirects) is no-store
    "jiuye.web.nostore.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuye.web.errors.JiuyeErrorMiddleware",
    # staff pages need two factors; idle and absolute session timeouts (issue 10)
    "jiuye.staff.middleware.StaffSignInMiddleware",
    # one session, one identity: a staff sign-in drops an applicant sign-in
    "jiuye.applicants.middleware.ApplicantMiddleware",
    # django-axes turns a locked-out attempt into the lockout page; it stays last
    "axes.middleware.AxesMiddleware",
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
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # axes logs every sign-in at INFO; the audit trail records them already
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# ---------------------------------------------------------------- backups (issue 10)
# `jiuye backup` writes here (0700 folder, 0600 files) unless --output is given; the
# off-site copy is the operator's job (docs/deploy.md).
BACKUP_DIR = Path(os.environ.get("JIUYE_BACKUP_DIR", VAR_DIR / "backups"))
# Settings / environment variables that locate key material: the backup manifest records
# their names and key file paths, never a value (the keys are backed up separately).
BACKUP_KEY_NAMES = env_list(
    "JIUYE_BACKUP_KEY_NAMES", "JIUYE_FIELD_KEYS,JIUYE_KEY_FILE,FIELD_DEV_KEY_FILE,SECRET_KEY"
)

# ---------------------------------------------------------------- audit trail (issue 10)
# The security audit trail is hash-chained (jiuye.core.trail). After each committed
# batch of appends the chain head is written to this file, outside the database: point
# it at storage the database's administrators cannot rewrite (another host's mount, a
# WORM share), so that a tail cut off in the database is caught by `jiuye audit verify`.
AUDIT_HEAD_FILE = Path(
    os.environ.get("JIUYE_AUDIT_HEAD_FILE", "") or VAR_DIR / "audit" / "chain-head.json"
)
# Where `jiuye audit archive` writes the rows past retention (compressed, 0600).
AUDIT_ARCHIVE_DIR = Path(
    os.environ.get("JIUYE_AUDIT_ARCHIVE_DIR", "") or VAR_DIR / "audit" / "archive"
)
# Rows are kept in the database at least this many days (网络安全法 第二十一条: network
# logs kept no less than six months; 186 days covers the longest six months).
AUDIT_RETENTION_MIN_DAYS = 186
AUDIT_RETENTION_DAYS = int(os.environ.get("JIUYE_AUDIT_RETENTION_DAYS", "186"))
if AUDIT_RETENTION_DAYS < AUDIT_RETENTION_MIN_DAYS:
    raise ImproperlyConfigured(
        f"JIUYE_AUDIT_RETENTION_DAYS={AUDIT_RETENTION_DAYS}：安全审计记录至少保存 "
        f"{AUDIT_RETENTION_MIN_DAYS} 天（网络安全法：网络日志留存不少于六个月）。"
    )
# The digest of new rows: SM3 (GB/T 32905) where the platform's OpenSSL has it, else
# sha256; each row names its own, so a chain may change algorithm and still verify.
AUDIT_HASH = os.environ.get("JIUYE_AUDIT_HASH", "sm3")

# ---------------------------------------------------------------- field encryption (issue 10)
# Identity numbers (and later bank accounts) are stored encrypted with a blind index
# (jiuye.core.crypto). The keys never live in settings or the database: either
# JIUYE_FIELD_KEYS holds the key lines themselves ("enc k1 BASE64; index i1 BASE64",
# the first of each purpose current) or JIUYE_KEY_FILE names a file of them, mode 0600,
# outside the database's folder and its backups (`jiuye keys init FILE` writes one).
# With DEBUG on and neither set, a development key file is made at FIELD_DEV_KEY_FILE;
# without DEBUG a missing key is a configuration error.
FIELD_KEY_FILE = os.environ.get("JIUYE_KEY_FILE", "")
FIELD_CIPHER = os.environ.get("JIUYE_FIELD_CIPHER", "A256GCM")  # or SM4GCM (GB/T 32907)
FIELD_DEV_KEY_FILE = VAR_DIR / "field-keys"
# rows re-encrypted per transaction by `jiuye keys rotate`
KEYS_ROTATE_BATCH = max(1, int(os.environ.get("JIUYE_KEYS_ROTATE_BATCH", "5000")))


# ---------------------------------------------------------------- sign-in (issue 10)
# Staff sign-in (身份鉴别): password + TOTP, lockout, password rules, session limits, and
# the three administrator roles (jiuye.staff.roles). Variables: JIUYE_PASSWORD_MIN_LENGTH,
# JIUYE_PASSWORD_MIN_CLASSES, JIUYE_PASSWORD_MAX_AGE_DAYS, JIUYE_LOGIN_FAILURE_LIMIT,
# JIUYE_LOGIN_LOCKOUT_MINUTES, JIUYE_LOGIN_ADDRESS_FAILURE_LIMIT, JIUYE_SESSION_IDLE_MINUTES,
# JIUYE_SESSION_ABSOLUTE_HOURS, JIUYE_SUPERUSER_LOGIN, JIUYE_OTP_BACKUP_CODES,
# JIUYE_OTP_ISSUER.
from datetime import timedelta  # noqa: E402

# Passwords: length, character classes (of lower, upper, digits, other), rotation in days
# (0: off; see docs/security-passwords.md for ASVS against 等保 on rotation).
PASSWORD_MIN_LENGTH = max(1, int(os.environ.get("JIUYE_PASSWORD_MIN_LENGTH", "8")))
PASSWORD_MIN_CLASSES = min(4, max(1, int(os.environ.get("JIUYE_PASSWORD_MIN_CLASSES", "3"))))
PASSWORD_MAX_AGE_DAYS = max(0, int(os.environ.get("JIUYE_PASSWORD_MAX_AGE_DAYS", "90")))
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "jiuye.staff.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "jiuye.staff.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jiuye.staff.passwords.PasswordAgeValidator"},
]

# django-axes first (it refuses locked accounts), then the users' passwords, then the
# administrator roles' permissions (jiuye.staff.roles.ROLE_PERMISSIONS).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "jiuye.staff.roles.RolePermissionBackend",
]
# Lockout per account: 5 failures (password or second factor) lock it for 15 minutes;
# attempts while locked neither succeed nor extend the lockout. Per address: the
# failures of all accounts from one address, above a higher figure, throttle that
# address for the same window (jiuye.staff.lockouts explains the figures).
AXES_FAILURE_LIMIT = max(1, int(os.environ.get("JIUYE_LOGIN_FAILURE_LIMIT", "5")))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JIUYE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False  # a full sign-in (both factors) resets the count
AXES_LOCKOUT_CALLABLE = "jiuye.staff.lockouts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "jiuye.staff.lockouts.client_address"
AXES_ENABLE_ADMIN = False  # the security administrator's site shows lockouts
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
LOGIN_ADDRESS_FAILURE_LIMIT = max(0, int(os.environ.get("JIUYE_LOGIN_ADDRESS_FAILURE_LIMIT", "50")))

# Second factor (django-otp): issuer shown in authenticator apps; backup codes per set.
OTP_TOTP_ISSUER = os.environ.get("JIUYE_OTP_ISSUER", "松原市公共就业服务")
OTP_BACKUP_CODES = max(1, int(os.environ.get("JIUYE_OTP_BACKUP_CODES", "10")))

# Sessions of staff: idle and absolute limits (jiuye.staff.sessions, on jiuye.core.clock);
# the cookie lives no longer than the absolute limit and not past the browser.
SESSION_IDLE_MINUTES = max(1, int(os.environ.get("JIUYE_SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_HOURS = max(1, int(os.environ.get("JIUYE_SESSION_ABSOLUTE_HOURS", "12")))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Paths that need a signed-in, two-factor-verified staff session (jiuye.staff.middleware).
STAFF_PATHS = ("/workbench/", "/registry/", "/admin/", "/api/v1/staff/")

# The Django superuser is for installation only: under production settings (DEBUG off)
# it cannot sign in; administrators use the role accounts (jiuye admin-create).
SUPERUSER_LOGIN = env_bool("JIUYE_SUPERUSER_LOGIN", default=DEBUG)
# axes.W006 asks for ip_address among the lockout parameters: locking by address would
# lock a whole office behind one NAT; the per-address throttle above covers it instead.
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "axes.W006"]

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

# ---------------------------------------------------------------- abuse limits (issue 10)
# Operational safeguards, not policy figures; each can be changed by the environment.
# Rates read "count/period" (s, m, h, d; "10/h" = ten in any clock hour window).
#
# Unmasked exports of staff lists need a stated reason and a second staff member's
# approval (jiuye.staff.approvals); the approved file is downloaded once, within
# JIUYE_EXPORT_APPROVAL_VALID_HOURS (24: approved one afternoon, fetched the next
# morning). One person may request at most JIUYE_UNMASKED_EXPORT_ROWS_PER_DAY unmasked
# rows a day (refused requests do not count). 2,000 is a fifth of the one-file cap
# (JIUYE_EXPORT_MAX_ROWS, 10,000), so even a full approved file takes one person five
# days, and 100 times the hourly reveal limit: an operator's default, to be set from the
# offices' real batch work (a township's list for a payment or a check), not policy.
UNMASKED_EXPORT_ROWS_PER_DAY = max(
    0, int(os.environ.get("JIUYE_UNMASKED_EXPORT_ROWS_PER_DAY", "2000"))
)
EXPORT_APPROVAL_VALID_HOURS = max(1, int(os.environ.get("JIUYE_EXPORT_APPROVAL_VALID_HOURS", "24")))
# Public appointments: at most this many bookings not yet due per phone number across
# the city (a person or an employer's contact rarely needs more than a few at once;
# one phone number could otherwise hold every seat of an office).
BOOKINGS_OPEN_PER_PHONE = max(1, int(os.environ.get("JIUYE_BOOKINGS_OPEN_PER_PHONE", "3")))
# Booking attempts per phone number and per client address (a community service centre
# books for residents behind one address: 20 an hour is one every three minutes).
RATE_BOOK_PER_PHONE = os.environ.get("JIUYE_RATE_BOOK_PER_PHONE", "5/h")
RATE_BOOK_PER_ADDRESS = os.environ.get("JIUYE_RATE_BOOK_PER_ADDRESS", "20/h")
# Cancelling needs the booking code and the phone's last four digits: after this many
# wrong guesses a booking can no longer be cancelled online (10,000 possible endings:
# 5 guesses succeed with probability 1 in 2,000), and an address gets this many wrong
# guesses an hour over all bookings.
CANCEL_FAILURES_PER_BOOKING = max(1, int(os.environ.get("JIUYE_CANCEL_FAILURES_PER_BOOKING", "5")))
RATE_CANCEL_FAILURES_PER_ADDRESS = os.environ.get("JIUYE_RATE_CANCEL_FAILURES_PER_ADDRESS", "10/h")
# Booking codes asked for that do not exist (lookup and booking pages), per address.
RATE_CODE_MISSES_PER_ADDRESS = os.environ.get("JIUYE_RATE_CODE_MISSES_PER_ADDRESS", "20/h")
# Self-check drafts saved per address (one person saves one or two per check).
RATE_DRAFTS_PER_ADDRESS = os.environ.get("JIUYE_RATE_DRAFTS_PER_ADDRESS", "10/h")
# 公示异议 and the public progress lookup by case code (issue 11)
RATE_OBJECTIONS_PER_ADDRESS = os.environ.get("JIUYE_RATE_OBJECTIONS_PER_ADDRESS", "20/h")
RATE_LOOKUP_MISSES_PER_ADDRESS = os.environ.get("JIUYE_RATE_LOOKUP_MISSES_PER_ADDRESS", "20/h")
# the message (SMS) gateway: jiuye.core.messages
MESSAGE_BACKEND = os.environ.get("JIUYE_MESSAGE_BACKEND", "jiuye.core.messages.ConsoleBackend")
# one-time codes of an online application: per address and per mobile number
RATE_APPLY_CODES_PER_ADDRESS = os.environ.get("JIUYE_RATE_APPLY_CODES_PER_ADDRESS", "20/h")
RATE_APPLY_CODES_PER_MOBILE = os.environ.get("JIUYE_RATE_APPLY_CODES_PER_MOBILE", "5/h")
# The counters behind the rates (django-ratelimit) live in the database, in
# jiuye.portal.ratecache: shared by every gunicorn worker and machine, incremented
# atomically (django-ratelimit refuses LocMem, file and Django's DatabaseCache, which
# increment by read-then-write). The same backend serves development and production;
# no extra service is needed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # keep a cache configuration set above this block (another topic's) as it is
    **globals().get("CACHES", {}),
    "ratelimit": {"BACKEND": "jiuye.portal.ratecache.RateCounterCache"},
}
RATELIMIT_USE_CACHE = "ratelimit"
# its warning names every backend it has no list entry for; this one's atomicity is
# tested (tests/portal/test_abuse_ratecache.py), its errors for broken caches stay on
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "django_ratelimit.W001"]
RATELIMIT_ENABLE = env_bool("JIUYE_RATELIMIT_ENABLE", default=True)
# The client address: REMOTE_ADDR, unless a proxy in front sets a header (nginx:
# proxy_set_header X-Real-IP $remote_addr; then JIUYE_RATELIMIT_IP_META_KEY=HTTP_X_REAL_IP).
# Behind a proxy without it every client shares the proxy's address.
RATELIMIT_IP_META_KEY = os.environ.get("JIUYE_RATELIMIT_IP_META_KEY") or None

# ---------------------------------------------------------------- upload limits (issue 10)
# The largest worksheet an uploaded .xlsx may hold, checked (jiuye.core.files) before any
# reader sees it: calamine holds the block from A1 to the last cell, 32 bytes a cell, so
# one cell at XFD1048576 asks it for 512 GiB. An Excel sheet has 1,048,576 rows (the
# registry benchmark imports a 1,000,000-row roster); the widest roster template has 12
# columns plus 错误说明, so 32 leaves room; rows × columns stops at a full-length sheet 16
# columns wide, about what the largest real roster costs the reader.
UPLOAD_MAX_ROWS = max(1, int(os.environ.get("JIUYE_UPLOAD_MAX_ROWS", "1048576")))
UPLOAD_MAX_COLUMNS = max(1, int(os.environ.get("JIUYE_UPLOAD_MAX_COLUMNS", "32")))
UPLOAD_MAX_CELLS = max(1, int(os.environ.get("JIUYE_UPLOAD_MAX_CELLS", str(1_048_576 * 16))))

# ---------------------------------------------------------------- 个人/单位办事 (issue 11 §1, §5)
# Applicants sign in with 居民身份证号码 + 姓名 + an SMS code (jiuye.applicants), in a
# session key of their own (never request.user). Idle and absolute limits of that
# session; codes sent per address and per mobile number (like the online application's).
APPLICANT_SESSION_IDLE_MINUTES = max(1, int(os.environ.get("JIUYE_APPLICANT_IDLE_MINUTES", "30")))
APPLICANT_SESSION_ABSOLUTE_HOURS = max(
    1, min(SESSION_ABSOLUTE_HOURS, int(os.environ.get("JIUYE_APPLICANT_ABSOLUTE_HOURS", "12")))
)
RATE_SIGNIN_CODES_PER_ADDRESS = os.environ.get("JIUYE_RATE_SIGNIN_CODES_PER_ADDRESS", "20/h")
RATE_SIGNIN_CODES_PER_MOBILE = os.environ.get("JIUYE_RATE_SIGNIN_CODES_PER_MOBILE", "5/h")
# Sign-in through the province's unified identity platform (OpenID Connect, with
# mozilla-django-oidc): off unless the client id and the platform's endpoints are given.
# The platform's claims that carry the identity number, the name and the mobile number
# are named by JIUYE_OIDC_CLAIM_*; the button reads JIUYE_OIDC_LABEL.
OIDC_RP_CLIENT_ID = os.environ.get("JIUYE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("JIUYE_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("JIUYE_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("JIUYE_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("JIUYE_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("JIUYE_OIDC_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = os.environ.get("JIUYE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("JIUYE_OIDC_SCOPES", "openid profile phone")
OIDC_USE_PKCE = env_bool("JIUYE_OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = float(os.environ.get("JIUYE_OIDC_TIMEOUT_SECONDS", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "applicants:oidc_callback"
OIDC_CLAIM_ID_NUMBER = os.environ.get("JIUYE_OIDC_CLAIM_ID_NUMBER", "id_card_number")
OIDC_CLAIM_NAME = os.environ.get("JIUYE_OIDC_CLAIM_NAME", "name")
OIDC_CLAIM_MOBILE = os.environ.get("JIUYE_OIDC_CLAIM_MOBILE", "phone_number")
OIDC_LABEL = os.environ.get("JIUYE_OIDC_LABEL", "吉林省统一身份认证平台")

# ---------------------------------------------------------------- case materials (issue 11)
# Files applicants and counter staff upload for a case (PDF, JPG, PNG; jiuye.casework.
# materials): stored here, never under STATIC_ROOT, MEDIA_ROOT or any folder the web
# server publishes; folders 0700, files 0600, each file encrypted (AES-256-GCM, or
# SM4-GCM with JIUYE_FIELD_CIPHER=SM4GCM) under a key of its own that the database keeps
# wrapped by the field-encryption keys. Back this folder up together with the database.
CASE_FILES_ROOT = Path(os.environ.get("JIUYE_CASE_FILES_ROOT", "") or VAR_DIR / "case-files")
# The largest file one upload may be, in bytes (an operational limit; a phone photo of a
# licence is 2–5 MB, a scanned page as PDF well under 1 MB). The reverse proxy's body
# limit (nginx client_max_body_size) must be a little larger.
CASE_FILE_MAX_BYTES = max(
    1, int(os.environ.get("JIUYE_CASE_FILE_MAX_BYTES", str(10 * 1024 * 1024)))
)
# The largest image (pixels) Pillow decodes before refusing it as a decompression bomb.
CASE_FILE_MAX_PIXELS = max(1, int(os.environ.get("JIUYE_CASE_FILE_MAX_PIXELS", "50000000")))


def _inside(path: Path, folder: object) -> bool:
    if not folder:
        return False
    root = Path(str(folder)).resolve()
    target = path.resolve()
    return target == root or root in target.parents


for _served in (STATIC_ROOT, globals().get("MEDIA_ROOT"), BASE_DIR / "src"):
    if _inside(CASE_FILES_ROOT, _served):
        raise ImproperlyConfigured(
            f"JIUYE_CASE_FILES_ROOT={CASE_FILES_ROOT} 位于可被网站直接访问的目录 {_served} 之内："
            "办件材料必须存放在网站根目录之外。"
        )
