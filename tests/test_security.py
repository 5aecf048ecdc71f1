"""Production settings and protection against password guessing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deploy_check():
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    env.update(
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="foerderung.example.org",
        DATABASE_URL="sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def test_login_is_locked_after_repeated_failures(client, applicant, throttled):
    for _ in range(3):
        response = client.post(reverse("login"), {"login": "antrag", "password": "falsch"})
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    # Even the right password does not get through while locked.
    response = client.post(reverse("login"), {"login": "antrag", "password": "Test-Passwort-2026"})
    assert response.status_code == 429


def test_a_successful_login_resets_the_count(client, applicant, throttled):
    for _ in range(2):
        client.post(reverse("login"), {"login": "antrag", "password": "falsch"})
    response = client.post(reverse("login"), {"login": "antrag", "password": "Test-Passwort-2026"})
    assert response.status_code == 302
    client.logout()
    for _ in range(2):
        response = client.post(reverse("login"), {"login": "antrag", "password": "falsch"})
    assert response.status_code == 200


def test_other_users_are_not_locked_out(client, applicant, foreign_applicant, throttled):
    for _ in range(3):
        client.post(reverse("login"), {"login": "antrag", "password": "falsch"})
    response = client.post(reverse("login"), {"login": "antrag-fremd", "password": "Test-Passwort-2026"})
    assert response.status_code == 302
