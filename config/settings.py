"""Interlocal settings, read from the environment.

Development defaults are safe to run on a laptop (embedded SQLite under ``var/``). Production sets
``DJANGO_ENV=production`` (or ``DEBUG=0``), a real ``SECRET_KEY`` (refused otherwise),
``ALLOWED_HOSTS``, ``SITE_URL`` and ``DATABASE_URL``; ``manage.py check --deploy`` is clean with
those.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("INTERLOCAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghij"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", _DEV_SECRET):
    # Sessions and password-reset links are signed with it: a known key forges both.
    raise RuntimeError(
        "SECRET_KEY must be set to a long random value whenever DEBUG is off "
        "(DJANGO_ENV=production or DEBUG=0)"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

PROGRAM_NAME = os.environ.get("PROGRAM_NAME", "Interlocal Cooperative Purchasing Program")
# The public address of this deployment, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The Advisory Board's vote: how many members must vote, and the share of approving votes
# (among those not abstaining) that carries it. Copied onto each review round when it opens.
ADVISORY_QUORUM = int(os.environ.get("ADVISORY_QUORUM", "3"))
ADVISORY_MAJORITY_PERCENT = int(os.environ.get("ADVISORY_MAJORITY_PERCENT", "50"))
# OCDS identifiers: the prefix registered for this program (the default is a placeholder).
OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "ocds-interlocal")
# The licence the program publishes its open data under (a URL, e.g. a Public Domain
# Dedication); packages name it when set.
OCDS_LICENSE = os.environ.get("OCDS_LICENSE", "")

INSTALLED_APPS = [
    "interlocal.core.apps.ProgramOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "ninja",
    "interlocal.core",
    "interlocal.accounts",
    "interlocal.registry",
    "interlocal.solicitations",
    "interlocal.agreements",
    "interlocal.eligibility",
    "interlocal.reporting",
    "interlocal.fees",
    "interlocal.analytics",
    "interlocal.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "interlocal.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "interlocal.accounts.middleware.RequireAdminMfaMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "interlocal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "interlocal.core.context_processors.program",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'interlocal.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while an import or the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        # A 200 MB page cache: loading a million sales lines with the default 2 MB thrashes the
        # indexes (14 s instead of 7 s, measured); SQLite takes the memory only as it is used.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA cache_size=-200000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# django-allauth: email login, no self-service sign-up (agencies join through registration),
# failed-login rate limit, TOTP for MFA.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "interlocal.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "login": "30/m/ip"}
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Interlocal"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm at set-up (package-lock.json) and are served from here.
STATICFILES_DIRS = [
    BASE_DIR / "interlocal" / "static",
    ("uswds", NODE_MODULES / "@uswds" / "uswds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vega", NODE_MODULES / "vega" / "build"),
    ("vega-lite", NODE_MODULES / "vega-lite" / "build"),
    ("vega-embed", NODE_MODULES / "vega-embed" / "build"),
    ("us-atlas", NODE_MODULES / "us-atlas"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Login rate limits and used TOTP codes must be shared by every web process: a database cache
# by default (its table is created by a migration); Redis or Memcached through CACHE_BACKEND and
# CACHE_LOCATION.
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "interlocal_cache"),
    }
}

# Sales reports: accept a processed report by itself when nothing is left for the program office
# to review (SALES_AUTO_ACCEPT=0 to accept every report by hand); uploads above
# SALES_INLINE_MAX_BYTES are processed by the task worker instead of during the request.
SALES_AUTO_ACCEPT = env_bool("SALES_AUTO_ACCEPT", True)
# A fee invoice is due this many days after it is issued (the report's acceptance).
FEE_INVOICE_DUE_DAYS = int(os.environ.get("FEE_INVOICE_DUE_DAYS", "30"))
# How a supplier pays (the program's bank account or remittance address), printed on delinquency
# notices and statements; empty: a generic text naming the methods and the invoice reference.
FEE_PAYMENT_INSTRUCTIONS = os.environ.get("FEE_PAYMENT_INSTRUCTIONS", "")
# Analytics: whether the public pages name agencies with their figures (the program office and
# auditors always see them; suppliers, sponsors and agencies their own slice), and what one
# solicitation an agency did not have to run is taken to cost it (a program assumption, shown
# on the savings page; in cents).
ANALYTICS_PUBLISH_AGENCIES = env_bool("ANALYTICS_PUBLISH_AGENCIES", False)
ANALYTICS_SOLICITATION_COST_CENTS = int(
    os.environ.get("ANALYTICS_SOLICITATION_COST_CENTS", "500000")
)
SALES_INLINE_MAX_BYTES = int(os.environ.get("SALES_INLINE_MAX_BYTES", str(2 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Outgoing mail (Django 6.1 MAILERS). Development writes messages to files under var/mail.
if PRODUCTION or os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "interlocal.core.mail.ReadableFileBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "program-office@interlocal.invalid")

# Security headers. The CSP allows no inline script anywhere (the templates use none).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Participation terms version agencies sign at registration; bump when the text changes.
PARTICIPATION_TERMS_VERSION = "2026-1"
