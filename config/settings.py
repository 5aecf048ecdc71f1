"""Django settings, read from environment variables (documented in README.md)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

# Commands that only read the models (writing or checking migrations) need no secret
# and serve nothing, so they run in any environment; everything else is strict.
_MODELS_ONLY = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in (["makemigrations"], ["showmigrations"])
_STRICT = not DEBUG and not _MODELS_ONLY

# A development key is only acceptable while DEBUG is on; production refuses to
# start with it, with an empty key or with a short one.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", default="" if _STRICT else _DEV_SECRET_KEY)
if _STRICT and (SECRET_KEY in ("", _DEV_SECRET_KEY) or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[] if _STRICT else ["127.0.0.1", "localhost"])
if _STRICT and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",
    "accounts",
    "grants",
    "budgets",
    "reports",
    "workflows",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A logged-in user's stored language wins over the cookie; office roles without a
    # second factor are sent to set one up (MFA_REQUIRED).
    "accounts.middleware.ProfileLanguageMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
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
                "django.template.context_processors.i18n",
                "grants.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL", default="")
    if not url:
        VAR_DIR.mkdir(exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if config["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…) or SQLite.")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while the name or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # allauth's login by e-mail address (or user name) goes through this one.
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing: after LOGIN_FAILURE_LIMIT failed attempts for one user name from
# one address, further attempts are refused for LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# allauth's login form names its field "login" and authenticates with "email" or
# "username": one function turns each into the same (lower-case) name to count.
AXES_USERNAME_CALLABLE = "accounts.axes.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be at least 1.")

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Accounts (django-allauth): people register themselves with their work e-mail, confirm it
# before the first login and log in with e-mail (the office's older accounts also with the
# user name). Only e-mail confirmation and password reset send mail; no social logins.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "workflows.municipality_users.forms.RegistrationForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mikroförderung] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": False}  # django-axes counts failed logins
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mikroförderung"
# Office roles (grants.roles.OFFICE_READERS, by group name; a test checks they agree) must
# log in with a second factor when MFA_REQUIRED is on. The demo runs without.
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=not DEBUG)
MFA_REQUIRED_ROLES = ("clerk", "approver", "controller", "admin")
# Who is told by e-mail about new tasks, answers and decisions waiting
# (grants.roles.OFFICE_WORKERS by group name; a test checks they agree); only they see the
# choice on their profile page.
STAFF_NOTIFICATION_ROLES = ("clerk", "approver")
# Guardian's anonymous user is not needed: anonymous visitors see only the login page.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # KERN UX comes from npm (package-lock.json pins it); served under static/kern/.
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    # Chart.js likewise (the controllers' dashboard); served under static/chartjs/, never from a CDN.
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Mikroförderung <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where requests to act for a municipality go when it has no main contact yet.
OFFICE_EMAIL = env_str("OFFICE_EMAIL", default="")
# The office's phone number, printed in the information block of every notice.
OFFICE_PHONE = env_str("OFFICE_PHONE", default="")
# The address of the site as the people reading its e-mails reach it (invitation links).
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")

# Background tasks (e-mail now; long exports later). "immediate" runs a task right
# away in the same process (after commit); "database" queues it for
# `manage.py db_worker`, which production runs beside the web server.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = env_str("TASKS_BACKEND", default="immediate")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={_task_backend!r}: use one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# The programme office's account, debtor of every SEPA credit transfer. Batch
# creation refuses, naming what is missing, until IBAN and town are set.
SEPA_DEBTOR_NAME = env_str("SEPA_DEBTOR_NAME", default="Geschäftsstelle Zukunftsraum Demografie")
SEPA_DEBTOR_IBAN = env_str("SEPA_DEBTOR_IBAN", default="")
SEPA_DEBTOR_BIC = env_str("SEPA_DEBTOR_BIC", default="")
SEPA_DEBTOR_STREET = env_str("SEPA_DEBTOR_STREET", default="")
SEPA_DEBTOR_BUILDING_NUMBER = env_str("SEPA_DEBTOR_BUILDING_NUMBER", default="")
SEPA_DEBTOR_POSTCODE = env_str("SEPA_DEBTOR_POSTCODE", default="")
SEPA_DEBTOR_TOWN = env_str("SEPA_DEBTOR_TOWN", default="")
SEPA_DEBTOR_COUNTRY = env_str("SEPA_DEBTOR_COUNTRY", default="DE")
if len(SEPA_DEBTOR_COUNTRY) != 2 or not SEPA_DEBTOR_COUNTRY.isalpha():
    raise ImproperlyConfigured("SEPA_DEBTOR_COUNTRY must be a two-letter country code such as DE.")

# The JSON API (api/): requests per minute and client, counted in the cache (CACHES;
# Django's default local-memory cache counts per server process).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
if API_RATE_LIMIT < 1:
    raise ImproperlyConfigured("API_RATE_LIMIT must be a positive integer (requests per minute and client).")

# Production hardening; `manage.py check --deploy` must pass with DEBUG off.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # django-tasks logs every task start and end at INFO: noise for e-mails.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
