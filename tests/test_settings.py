"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 60


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    clean.update(env)
    code = "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_real_secret():
    result = load_settings(ALLOWED_HOSTS="foerderung.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

    short = load_settings(SECRET_KEY="short", ALLOWED_HOSTS="foerderung.example.org")
    assert short.returncode != 0
    assert "SECRET_KEY" in short.stderr


def test_production_needs_allowed_hosts():
    result = load_settings(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_secret_and_hosts_on_postgres_url():
    result = load_settings(
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="foerderung.example.org",
        DATABASE_URL="postgres://user@db.example.org:5432/foerderung",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "['foerderung.example.org']"]


def test_debug_uses_sqlite_under_var_without_database_url():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.sqlite3" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "flase"}, "DEBUG"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://x@y/z"}, "PostgreSQL"),
        ({"DEBUG": "1", "DATABASE_URL": "kaputt://"}, "DATABASE_URL"),
        ({"DEBUG": "1", "EMAIL_PORT": "fünfundzwanzig"}, "EMAIL_PORT"),
        ({"DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS"),
        ({"DEBUG": "1", "API_RATE_LIMIT": "viele"}, "API_RATE_LIMIT"),
        ({"DEBUG": "1", "API_RATE_LIMIT": "0"}, "API_RATE_LIMIT"),
        ({"DEBUG": "1", "API_RATE_LIMIT": "-5"}, "API_RATE_LIMIT"),
    ],
)
def test_bad_values_stop_the_start(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", " a.example, b.example ,,")
    assert env_bool("X_BOOL", default=False) is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_BOOL", "vielleicht")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL", default=False)


def test_german_locale_and_berlin_time():
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert [code for code, _name in settings.LANGUAGES] == ["de", "en"]


def test_cookies_are_secure_when_debug_is_off():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True


def test_migration_commands_need_no_secret_but_serving_does():
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    checked = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    served = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert served.returncode != 0
    assert "SECRET_KEY" in served.stderr
