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


def user_gets_staff_notifications(user) -> bool:
    """Whether ``user`` works files in the office and so chooses how to hear about them."""
    if not getattr(user, "pk", None) or not user.is_active:
        return False
    return user.groups.filter(name__in=settings.STAFF_NOTIFICATION_ROLES).exists()


def staff_notification_choices(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's choice for office notifications; the default for users without a profile."""
    default = UserProfile._meta.get_field("staff_notifications").default
    stored = dict(UserProfile.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "staff_notifications"))
    return {user_id: stored.get(user_id, default) for user_id in user_ids}


def profile_of(user) -> UserProfile:
    """The user's profile; an unsaved empty one for users from before profiles."""
    return UserProfile.objects.filter(user_id=user.pk).first() or UserProfile(user=user)


def user_has_confirmed_email(*, user, email: str) -> bool:
    """Whether ``email`` is one of ``user``'s confirmed addresses (allauth keeps them)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=email.strip(), verified=True).exists()
