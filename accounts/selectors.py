"""Reading accounts: the language a person reads in."""

from __future__ import annotations

from django.conf import settings

from accounts.models import UserProfile


def user_language(user) -> str:
    """The language to write to ``user`` in (e-mails): their stored choice, else German."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    language = UserProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def profile_of(user) -> UserProfile:
    """The user's profile; an unsaved empty one for users from before profiles."""
    return UserProfile.objects.filter(user_id=user.pk).first() or UserProfile(user=user)


def user_has_confirmed_email(*, user, email: str) -> bool:
    """Whether ``email`` is one of ``user``'s confirmed addresses (allauth keeps them)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=email.strip(), verified=True).exists()
