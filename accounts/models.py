"""What a person tells about themselves beyond Django's user: function, language, consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserProfile(models.Model):
    class Language(models.TextChoices):
        GERMAN = "de", _("Deutsch")
        ENGLISH = "en", _("Englisch")

    class StaffNotifications(models.TextChoices):
        IMMEDIATE = "immediate", _("sofort, eine E-Mail je Ereignis")
        DIGEST = "digest", _("einmal täglich als Sammel-E-Mail")
        OFF = "off", _("keine E-Mails")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    function = models.CharField(_("Funktion"), max_length=200, blank=True)
    # Empty: no choice made, the language cookie (or German) applies.
    language = models.CharField(_("Sprache"), max_length=2, choices=Language.choices, blank=True)
    privacy_consent_version = models.PositiveIntegerField(_("Version der Datenschutzhinweise"), null=True, blank=True)
    privacy_consent_at = models.DateTimeField(_("Einwilligung am"), null=True, blank=True)
    # The municipality named at registration (its AGS; accounts knows no municipalities):
    # asked for once the e-mail address is confirmed, then cleared.
    wanted_ags = models.CharField(_("Kommune bei der Registrierung (AGS)"), max_length=8, blank=True)
    wanted_join_network = models.BooleanField(_("Beitritt zum Netzwerk gewünscht"), default=False)
    # Office staff only: how to hear about new tasks, answers and decisions waiting.
    # Immediately by default: an answer or a payout waiting is what a clerk acts on the
    # same day, and the office's volume (a few hundred files a year) keeps it readable.
    staff_notifications = models.CharField(
        _("Benachrichtigungen der Geschäftsstelle"),
        max_length=10,
        choices=StaffNotifications.choices,
        default=StaffNotifications.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("Profil")
        verbose_name_plural = _("Profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(privacy_consent_version__isnull=True) | models.Q(privacy_consent_at__isnull=False),
                name="profile_consent_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)
