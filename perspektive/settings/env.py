"""Reading configuration from the environment.

Every variable the product reads is declared here, once, with its default and what it does;
the README's configuration table is generated from ``VARIABLES`` and a test keeps the two equal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None
    doc: str


VARIABLES: dict[str, Variable] = {}


def declare(name: str, default: str | None, doc: str) -> Variable:
    var = Variable(name, default, doc)
    VARIABLES[name] = var
    return var


declare(
    "DJANGO_SETTINGS_MODULE",
    "perspektive.settings.local",
    "Settings module: `.local` (development, demo), `.test`, `.production`.",
)
declare("SECRET_KEY", None, "Django's signing key. Required in production; no default there.")
declare(
    "FIELD_ENCRYPTION_KEYS",
    None,
    "Comma-separated Fernet keys for special-category fields; the first encrypts, all "
    "decrypt (rotation). Required in production.",
)
declare(
    "DATABASE_URL",
    "sqlite:///db.sqlite3",
    "Database, e.g. `postgres://user@host:5432/perspektive`. Required in production.",
)
declare("ALLOWED_HOSTS", "localhost,127.0.0.1", "Comma-separated host names served.")
declare("CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins allowed to post forms (production).")
declare(
    "REDIS_URL",
    "",
    "Redis for the chat channel layer (and the cache in production), e.g. "
    "`redis://127.0.0.1:6379/0`; empty: in-memory layer (one process only).",
)
declare(
    "EMAIL_URL",
    "console:",
    "Outgoing mail: `console:`, `smtp://user:pass@host:587` (STARTTLS) or `smtps://...:465`. "
    "Required in production.",
)
declare(
    "NOTIFICATIONS_SMS_BACKEND",
    "perspektive.notifications.backends.ConsoleBackend",
    "Class that sends SMS (`...backends.ConsoleBackend`, `...backends.FileBackend`, or a "
    "gateway's subclass of `TextBackend`).",
)
declare(
    "NOTIFICATIONS_WHATSAPP_BACKEND",
    "perspektive.notifications.backends.ConsoleBackend",
    "Class that sends WhatsApp messages (same interface as SMS).",
)
declare(
    "NOTIFICATIONS_FILE",
    "notifications.jsonl",
    "Where `FileBackend` appends the messages it sends (one JSON object per line).",
)
declare(
    "NOTIFICATIONS_CALLBACK_TOKEN",
    "",
    "Shared secret a gateway sends (header `X-Callback-Token`) with delivery-status "
    "callbacks to `/notifications/status/<channel>/`; empty: callbacks are refused.",
)
declare("DEFAULT_FROM_EMAIL", "Perspektive <noreply@localhost>", "Sender of outgoing mail.")
declare(
    "SITE_URL",
    "http://127.0.0.1:8000",
    "Public address of the site, used in links sent by e-mail and SMS (booking links).",
)
declare("LOG_LEVEL", "INFO", "Log level of the `perspektive` loggers.")
declare("TIME_ZONE", "UTC", "Server time zone; storage is always UTC.")
declare("SECURE_SSL_REDIRECT", "true", "Production: redirect plain HTTP to HTTPS.")
declare(
    "E2E_REQUIRED", "", "If set, browser tests fail instead of skipping when chromium is missing."
)
declare("CHROMIUM", "", "Path of the chromium binary used by the browser tests (default: on PATH).")


def get(name: str) -> str | None:
    var = VARIABLES[name]
    return os.environ.get(name, var.default)


def require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def get_list(name: str) -> list[str]:
    return [item.strip() for item in (get(name) or "").split(",") if item.strip()]


def mailer(url: str) -> dict[str, Any]:
    """A MAILERS entry from ``console:``, ``smtp://user:password@host:587`` or ``smtps://...``."""
    parsed = urlsplit(url)
    if parsed.scheme in {"console", ""}:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parsed.scheme!r}")
    port = parsed.port or (465 if parsed.scheme == "smtps" else 587)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parsed.hostname or "localhost",
            "port": port,
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_ssl": parsed.scheme == "smtps",
            "use_tls": parsed.scheme == "smtp" and port == 587,
            "timeout": 20,
        },
    }


def channel_layers(redis_url: str) -> dict[str, Any]:
    """CHANNEL_LAYERS: Redis pub/sub for a URL, else the in-memory layer (one process)."""
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }


def get_bool(name: str) -> bool:
    return (get(name) or "").lower() in {"1", "true", "yes", "on"}


def render_table() -> str:
    """The README's configuration table (a test keeps the README equal to this)."""
    lines = ["| variable | default | what it does |", "|---|---|---|"]
    for var in VARIABLES.values():
        default = f"`{var.default}`" if var.default else "(none)"
        lines.append(f"| `{var.name}` | {default} | {var.doc} |")
    return "\n".join(lines) + "\n"
