"""Registration and profile forms (German labels; errors next to the field)."""

from __future__ import annotations

import unicodedata

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import UserProfile
from accounts.services import profile_register, profile_update

NAME_MAX = 150  # Django's first_name / last_name


def clean_text(value: str, *, required: bool = True) -> str:
    """One line of plain text: inner whitespace collapsed; control characters refused
    (they would end up in e-mail headers and notices)."""
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in value):
        raise forms.ValidationError(_("Bitte verwenden Sie nur druckbare Zeichen."), code="control")
    value = " ".join(value.split())
    if not value and required:
        raise forms.ValidationError(_("Bitte füllen Sie dieses Feld aus."), code="required")
    return value


class LoginForm(AllauthLoginForm):
    """allauth's login; the cursor starts in the first field, as on every login page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["autofocus"] = True
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # The reset link stands below the form; in the help text it would sit between the
        # two fields in the tab order.
        self.fields["password"].help_text = ""


class ReauthenticateForm(AllauthReauthenticateForm):
    """allauth's password confirmation without its reset link in the help text (it would
    stand between label and field, unstyled) and without the placeholder that repeats the
    label."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs["autofocus"] = True
        self.fields["password"].help_text = ""


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (e-mail, password twice) plus name, function and consent."""

    field_order = ["first_name", "last_name", "email", "function", "password1", "password2", "privacy_consent"]

    first_name = forms.CharField(label=_("Vorname"), max_length=NAME_MAX)
    last_name = forms.CharField(label=_("Nachname"), max_length=NAME_MAX)
    function = forms.CharField(
        label=_("Funktion"),
        max_length=200,
        help_text=_("Zum Beispiel „Sachbearbeitung Bauamt“ oder „Bürgermeisterin“."),
    )
    privacy_consent = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und willige in die Verarbeitung meiner Angaben ein."),
        error_messages={"required": _("Bitte stimmen Sie den Datenschutzhinweisen zu, um sich zu registrieren.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Dienstliche E-Mail-Adresse")
        self.fields["email"].help_text = _("An diese Adresse senden wir einen Link zur Bestätigung.")
        for name in ("first_name", "last_name", "email", "function"):
            self.fields[name].widget.attrs.pop("placeholder", None)

    def clean_first_name(self) -> str:
        return clean_text(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_text(self.cleaned_data["last_name"])

    def clean_function(self) -> str:
        return clean_text(self.cleaned_data["function"])

    def custom_signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        language = getattr(request, "LANGUAGE_CODE", "")
        profile_register(
            user=user,
            function=self.cleaned_data["function"],
            language=language if language in dict(UserProfile.Language.choices) else "",
        )


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname"), max_length=NAME_MAX)
    last_name = forms.CharField(label=_("Nachname"), max_length=NAME_MAX)
    function = forms.CharField(label=_("Funktion"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Sprache"),
        choices=UserProfile.Language.choices,
        widget=forms.RadioSelect,
        help_text=_("Sprache der Seiten und der E-Mails an Sie."),
    )

    staff_notifications = forms.ChoiceField(
        label=_("E-Mails über Aufgaben, Antworten und offene Entscheidungen"),
        choices=UserProfile.StaffNotifications.choices,
        widget=forms.RadioSelect,
        help_text=_("Über Ihre eigenen Schritte werden Sie nie benachrichtigt."),
    )

    def __init__(self, *args, staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only office staff get these e-mails; a municipality's user never sees the choice.
        if not staff:
            del self.fields["staff_notifications"]

    def clean_first_name(self) -> str:
        return clean_text(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_text(self.cleaned_data["last_name"])

    def clean_function(self) -> str:
        return clean_text(self.cleaned_data["function"], required=False)

    def save(self, *, user) -> UserProfile:
        return profile_update(user=user, **self.cleaned_data)


def profile_initial(user, profile: UserProfile) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "function": profile.function,
        "language": profile.language or "de",
        "staff_notifications": profile.staff_notifications,
    }
