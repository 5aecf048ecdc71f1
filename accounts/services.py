"""Writing accounts: profiles created at registration and edited by their owner."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import UserProfile
from core.legal import privacy_version


def profile_register(*, user, function: str, language: str = "") -> UserProfile:
    """At registration: the profile with the consent to today's privacy notice. No role:
    the applicant role comes with the first confirmed affiliation (grants.affiliations),
    so that a newcomer is led to ask for one."""
    with transaction.atomic():
        profile, _created = UserProfile.objects.select_for_update().get_or_create(user=user)
        profile.function = function
        profile.language = language
        profile.privacy_consent_version = privacy_version()
        profile.privacy_consent_at = timezone.now()
        profile.save()
    return profile


def profile_update(
    *,
    user,
    first_name: str,
    last_name: str,
    function: str,
    language: str,
    staff_notifications: str | None = None,
) -> UserProfile:
    """Save the profile page; ``staff_notifications`` ``None`` keeps the stored choice
    (the field is shown to office staff only)."""
    if staff_notifications is not None and staff_notifications not in UserProfile.StaffNotifications.values:
        raise ValueError(f"staff_notifications={staff_notifications!r}")
    with transaction.atomic():
        user.first_name = first_name
        user.last_name = last_name
        user.save(update_fields=["first_name", "last_name"])
        profile, _created = UserProfile.objects.select_for_update().get_or_create(user=user)
        profile.function = function
        profile.language = language
        fields = ["function", "language"]
        if staff_notifications is not None:
            profile.staff_notifications = staff_notifications
            fields.append("staff_notifications")
        profile.save(update_fields=fields)
    return profile


def profile_language_set(*, user, language: str) -> None:
    """The footer's language switch, for a logged-in user: remembered in the profile."""
    if language not in dict(UserProfile.Language.choices):
        return
    with transaction.atomic():
        profile, _created = UserProfile.objects.select_for_update().get_or_create(user=user)
        if profile.language != language:
            profile.language = language
            profile.save(update_fields=["language"])


def account_email_trust(*, user) -> None:
    """An account made by the office (demo, tests, the office's own user pages): its
    e-mail address counts as confirmed, since the office typed it in."""
    if not user.email:
        return
    EmailAddress.objects.update_or_create(
        user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
    )


def registration_wish_store(*, user, ags: str, join_network: bool) -> None:
    """Remember the municipality a person named at registration, for after the confirmation."""
    UserProfile.objects.filter(user=user).update(wanted_ags=ags, wanted_join_network=join_network)


def registration_wish_take(*, user) -> tuple[str, bool, str] | None:
    """The remembered municipality (AGS, join the network, function), once: it is cleared."""
    with transaction.atomic():
        profile = UserProfile.objects.select_for_update().filter(user=user).first()
        if profile is None or not profile.wanted_ags:
            return None
        wish = (profile.wanted_ags, profile.wanted_join_network, profile.function)
        profile.wanted_ags = ""
        profile.wanted_join_network = False
        profile.save(update_fields=["wanted_ags", "wanted_join_network"])
    return wish
