"""Settings shared by every environment. Environment-specific modules import from here."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from perspektive.settings import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",  # runserver serves ASGI (WebSockets) in development and the demo
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "phonenumber_field",
    "axes",
    "django_tasks_db",
    "channels",
    "perspektive.core",
    "perspektive.accounts",
    "perspektive.organisations",
    "perspektive.audit",
    "perspektive.clients",
    "perspektive.consent",
    "perspektive.cases",
    "perspektive.jobs",
    "perspektive.notifications",
    "perspektive.appointments",
    "perspektive.chat",
    "perspektive.referrals",
    "perspektive.learning",
    "perspektive.api",
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
    "axes.middleware.AxesMiddleware",
    "perspektive.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "perspektive.urls"
WSGI_APPLICATION = "perspektive.wsgi.application"
ASGI_APPLICATION = "perspektive.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "perspektive" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "perspektive.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL") or "sqlite:///db.sqlite3", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compiling costs more than it saves on these short queries (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    name = Path(str(DATABASES["default"]["NAME"]))
    if not name.is_absolute() and str(name) != ":memory:":
        DATABASES["default"]["NAME"] = str(BASE_DIR / name)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = 8
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (Django 6.x built-in): no inline scripts.
MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

LANGUAGE_CODE = "en"
# Partner-country and German-side UI languages (DESIGN section 1).
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("ar", _("Arabic")),
    ("fa", _("Dari")),
    ("ps", _("Pashto")),
    ("ckb", _("Central Kurdish")),
    ("ur", _("Urdu")),
    ("fr", _("French")),
    ("sq", _("Albanian")),
    ("sr", _("Serbian")),
]
# Django reads text direction from LANGUAGES_BIDI; its default lacks Pashto.
LANGUAGES_BIDI = ["ar", "fa", "ps", "ur", "ckb"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.get("TIME_ZONE") or "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "perspektive" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Text messages (SMS, WhatsApp): a backend class per channel (perspektive.notifications).
NOTIFICATIONS_BACKENDS = {
    "sms": env.get("NOTIFICATIONS_SMS_BACKEND") or "",
    "whatsapp": env.get("NOTIFICATIONS_WHATSAPP_BACKEND") or "",
}
NOTIFICATIONS_FILE = env.get("NOTIFICATIONS_FILE") or "notifications.jsonl"
NOTIFICATIONS_CALLBACK_TOKEN = env.get("NOTIFICATIONS_CALLBACK_TOKEN") or ""

# Live chat. In memory by default (one process); Redis pub/sub when REDIS_URL is set.
CHANNEL_LAYERS = env.channel_layers(env.get("REDIS_URL") or "")

MAILERS = {"default": env.mailer(env.get("EMAIL_URL") or "console:")}
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL")

PHONENUMBER_DEFAULT_FORMAT = "E164"
# Kosovo is a partner country; ISO 3166 has no code for it yet, XK is the common one.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}

# Special-category fields (perspektive.core.fields.SecretTextField).
FIELD_ENCRYPTION_KEYS = env.get_list("FIELD_ENCRYPTION_KEYS")

# Current version of the consent notice shown to clients, per purpose (may be overridden).
CONSENT_NOTICE_VERSION = "1"

PAGE_SIZE = 25

SITE_URL = env.get("SITE_URL") or "http://127.0.0.1:8000"
# Appointments: how soon a visitor may book, and how far ahead slots are offered.
BOOKING_NOTICE_MINUTES = 60
BOOKING_HORIZON_DAYS = 56

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "perspektive": {"handlers": ["console"], "level": env.get("LOG_LEVEL") or "INFO"},
    },
}
