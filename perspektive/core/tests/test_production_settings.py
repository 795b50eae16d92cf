"""Production settings refuse to start without their secrets, and pass ``check --deploy``.

Each case runs in a fresh interpreter with a clean environment, as a server would start.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

REQUIRED = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL")


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "perspektive.settings.production",
        "SECRET_KEY": "p" + Fernet.generate_key().decode() * 2,  # long and varied
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": "postgres://perspektive:pw@127.0.0.1:5432/perspektive",
        "ALLOWED_HOSTS": "perspektive.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://perspektive.example.org",
        "EMAIL_URL": "smtp://mailer:pw@mail.example.org:587",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", REQUIRED)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_settings_refuse_to_load_without_a_secret(missing: str, how: str) -> None:
    env = _production_env(**{missing: None if how == "unset" else ""})
    result = _run(["-c", "import perspektive.settings.production"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_refuse_to_load_with_none_of_the_secrets() -> None:
    env = _production_env(**dict.fromkeys(REQUIRED))
    result = _run(["-c", "import perspektive.settings.production"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_sqlite() -> None:
    result = _run(
        ["-c", "import perspektive.settings.production"],
        _production_env(DATABASE_URL="sqlite:///prod.sqlite3"),
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_production_settings_load_with_the_secrets_set() -> None:
    result = _run(
        [
            "-c",
            "import perspektive.settings.production as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], len(s.FIELD_ENCRYPTION_KEYS))",
        ],
        _production_env(
            FIELD_ENCRYPTION_KEYS=" , ".join(Fernet.generate_key().decode() for _ in "ab")
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "2"]


def test_check_deploy_is_clean_in_production() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


def test_check_deploy_warns_when_the_https_redirect_is_switched_off() -> None:
    """The check above can fail: switching a protection off is reported."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(SECURE_SSL_REDIRECT="false"),
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_check_rejects_an_invalid_field_encryption_key() -> None:
    result = _run(
        ["manage.py", "check", "--deploy"],
        _production_env(FIELD_ENCRYPTION_KEYS="not-a-fernet-key"),
    )
    assert result.returncode != 0
    assert "perspektive.E002" in result.stdout + result.stderr
