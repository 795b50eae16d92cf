"""Settings for the test suite. DATABASE_URL selects PostgreSQL; the default is SQLite."""

from perspektive.settings import env
from perspektive.settings.base import *  # noqa: F403
from perspektive.settings.base import DATABASES

SECRET_KEY = "test-only-not-secret"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0MDA="]
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
AXES_ENABLED = False
# The real database backend: tests run the worker (db_worker) to send what was enqueued.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOTIFICATIONS_BACKENDS = {
    "sms": "perspektive.notifications.backends.FileBackend",
    "whatsapp": "perspektive.notifications.backends.FileBackend",
}
if not env.get("DATABASE_URL") or DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory
