"""The name django-axes counts failed logins under.

allauth's form posts the name as ``login`` and authenticates with ``email=`` or
``username=``; the admin and Django's own form post ``username``. All of them count
for the same lower-case name, so switching between e-mail and user name does not
give a guesser fresh attempts per spelling of the same address.
"""

from __future__ import annotations


def login_name(request, credentials: dict | None) -> str | None:
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not name and request is not None:
        data = getattr(request, "POST", {}) or {}
        name = data.get("login") or data.get("username")
    return str(name).strip().lower() if name else None
