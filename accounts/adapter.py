"""allauth, the project's way: e-mails in the recipient's language, pages in German."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_language

# One message whichever way the person logged in: it does not tell whether the name or
# the address exists.
LOGIN_MISMATCH = _(
    "E-Mail-Adresse, Benutzername oder Passwort stimmen nicht. Bitte prüfen Sie Ihre Eingabe "
    "(Groß- und Kleinschreibung beachten)."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": LOGIN_MISMATCH,
        "username_password_mismatch": LOGIN_MISMATCH,
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The confirmation and reset mails go out in the language of the person they are
        # for (German for a registration that has no choice stored).
        user = context.get("user")
        language = user_language(user) if user is not None else translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
