"""Fixtures of the accounts tests: the role groups, allauth's rate limits reset, the second
factor switched on, and a clerk with an authenticator app and recovery codes."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from grants.roles import Role


@pytest.fixture(autouse=True)
def roles(db):
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts in the cache (one confirmation mail per address in three minutes, …),
    # and every test starts at the same instant: without this, one test's mail would
    # silence the next test's.
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def clerk_with_totp(clerk):
    secret = generate_totp_secret()
    TOTP.activate(clerk, secret)
    codes = RecoveryCodes.activate(clerk)
    return secret, codes.get_unused_codes()
