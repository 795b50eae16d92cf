"""Production settings. Secrets have no defaults: the process refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from perspektive.settings import env
from perspektive.settings.base import *  # noqa: F403

SECRET_KEY = env.require("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = [k.strip() for k in env.require("FIELD_ENCRYPTION_KEYS").split(",")]
env.require("DATABASE_URL")
MAILERS = {"default": env.mailer(env.require("EMAIL_URL"))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    raise ImproperlyConfigured("Production needs PostgreSQL: set DATABASE_URL to postgres://...")

DEBUG = False
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

if env.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.get("REDIS_URL"),
        }
    }
