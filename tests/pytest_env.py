"""Loaded with ``-p`` before pytest-django reads the settings: tests run with DEBUG
off, as in production, so they need a secret key and allowed hosts from somewhere."""

import os

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
