"""Loaded with ``-p`` before pytest-django reads the settings: tests run with DEBUG
off, as in production, so they need a secret key and allowed hosts from somewhere."""

import os

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Most tests log office users in without a second factor; the tests of the second factor
# turn it on with a settings override (tests/accounts/).
os.environ.setdefault("MFA_REQUIRED", "0")
