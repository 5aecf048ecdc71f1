"""Reading accounts: the language a person reads in, and in which language to write to whom."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import UserProfile


def user_language(user) -> str:
    """The language to write to ``user`` in (e-mails): their stored choice, else German."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    language = UserProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def recipients_by_language(recipients: Iterable, *, default: str | None = None) -> dict[str, list[str]]:
    """The addresses of ``recipients`` (users or bare addresses) grouped by the language
    to write to each in, so that every group gets a message of its own.

    A user reads their stored choice. A bare address reads the choice of the active
    account it belongs to, else ``default`` (German when not given): whoever has no
    account has chosen nothing. An address that appears twice (in any letter case) is
    written to once, in the language of its first appearance, users first.
    """
    fallback = default or settings.LANGUAGE_CODE
    known: dict[str, str] = {}
    spelling: dict[str, str] = {}
    entries = list(recipients)
    users = [entry for entry in entries if not isinstance(entry, str) and entry is not None]
    addresses = [entry for entry in entries if isinstance(entry, str)]
    for user in users:
        address = (user.email or "").strip()
        if address and address.casefold() not in known:
            known[address.casefold()] = user_language(user)
            spelling[address.casefold()] = address
    for raw in addresses:
        address = raw.strip()
        if not address or address.casefold() in known:
            continue
        owner = get_user_model().objects.filter(email__iexact=address, is_active=True).order_by("pk").first()
        known[address.casefold()] = user_language(owner) if owner is not None else fallback
        spelling[address.casefold()] = address
    groups: dict[str, list[str]] = {}
    for key, language in known.items():
        groups.setdefault(language, []).append(spelling[key])
    return {language: sorted(group) for language, group in sorted(groups.items())}


def profile_of(user) -> UserProfile:
    """The user's profile; an unsaved empty one for users from before profiles."""
    return UserProfile.objects.filter(user_id=user.pk).first() or UserProfile(user=user)


def user_has_confirmed_email(*, user, email: str) -> bool:
    """Whether ``email`` is one of ``user``'s confirmed addresses (allauth keeps them)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=email.strip(), verified=True).exists()
