"""Development and demo settings: SQLite, console mail, in-memory channel layer."""

from perspektive.settings import env
from perspektive.settings.base import *  # noqa: F403

DEBUG = True
SECRET_KEY = env.get("SECRET_KEY") or "local-development-only-not-secret"
# A fixed development key so that the demo database stays readable between runs.
FIELD_ENCRYPTION_KEYS = env.get_list("FIELD_ENCRYPTION_KEYS") or [
    "bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="
]
ALLOWED_HOSTS = ["*"]
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405 (runserver serves static)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
