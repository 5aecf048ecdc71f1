"""allauth's pages, messages, form errors and e-mails address the user formally.

allauth's own German catalogue says "du"; locale/de/LC_MESSAGES/django.po overrides the
msgids a user of this configuration can reach. Each test renders a page (or sends a mail)
the way a user gets it and looks for the informal pronouns; where the text speaks to the
user it must also say "Sie" or "Ihr…".
"""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.adapter import AccountAdapter
from tests.accounts.conftest import totp_code
from tests.accounts.test_accounts import SIGNUP, confirmation_link
from tests.conftest import PASSWORD
from tests.test_english import PLACEHOLDER, parse_po

INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|euch|euer)\b", re.IGNORECASE)
FORMAL = re.compile(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
ENGLISH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


class _Text(HTMLParser):
    """What a reader meets on a page: the text, scripts' strings (allauth's confirm
    dialogue) and the attributes a screen reader announces."""

    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)

    def handle_data(self, data):
        self.parts.append(data)


def page_text(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def assert_formal(text: str, *, addresses_the_user: bool = True) -> None:
    informal = sorted({match.group(0) for match in INFORMAL.finditer(text)})
    assert not informal, f"informal words {informal} in: {text}"
    if addresses_the_user:
        assert FORMAL.search(text), f"no formal address in: {text}"


def assert_formal_mail(message) -> None:
    assert_formal(message.subject, addresses_the_user=False)
    assert_formal(message.body)
    assert "Guten Tag," in message.body


def log_in(client, username: str, secret: str | None = None) -> None:
    """A login with the password confirmed once more, as allauth asks before the pages
    that change the second factor."""
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    if secret is not None:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


# --- pages for everybody ------------------------------------------------------------------


def test_verification_sent_page(client, db):
    text = page_text(client.get(reverse("account_email_verification_sent")))
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in text
    assert_formal(text)


def test_confirm_email_page_with_an_unknown_key(client, db):
    text = page_text(client.get(reverse("account_confirm_email", kwargs={"key": "ungueltig"})))
    assert "Dieser Bestätigungslink ist abgelaufen oder ungültig." in text
    assert_formal(text)


def test_signup_then_confirm_page_and_messages(client, gardelegen):
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    assert_formal(page_text(response))
    link = confirmation_link(mail.outbox[0])
    text = page_text(client.get(link))
    assert "Bitte bestätigen Sie, dass" in text
    assert_formal(text)
    text = page_text(client.post(link, follow=True))
    assert f"Sie haben die E-Mail-Adresse {SIGNUP['email']} bestätigt." in text
    assert_formal(text)


def test_signup_form_errors(client, db):
    text = page_text(client.post(reverse("account_signup"), {**SIGNUP, "password2": "anders"}))
    assert "Die beiden Passwörter stimmen nicht überein." in text
    assert_formal(text)


def test_account_inactive_page(client, db):
    text = page_text(client.get(reverse("account_inactive")))
    assert "Dieses Konto ist deaktiviert." in text
    assert_formal(text)


def test_signup_closed_page(client, db, monkeypatch):
    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: False)
    text = page_text(client.get(reverse("account_signup")))
    assert "Eine Registrierung ist derzeit leider nicht möglich." in text
    assert_formal(text, addresses_the_user=False)


# --- pages of a logged-in person ------------------------------------------------------------


def test_logout_page_and_message(client, applicant):
    log_in(client, "antrag")
    text = page_text(client.get(reverse("account_logout")))
    assert "Möchten Sie sich wirklich abmelden?" in text
    assert_formal(text)
    text = page_text(client.post(reverse("account_logout"), follow=True))
    assert "Sie haben sich abgemeldet." in text
    assert_formal(text)


def test_login_message(client, applicant):
    response = client.post(reverse("account_login"), {"login": "antrag", "password": PASSWORD}, follow=True)
    text = page_text(response)
    assert "Sie sind als" in text
    assert_formal(text)


def test_email_page_and_its_actions(client, applicant):
    log_in(client, "antrag")
    text = page_text(client.get(reverse("account_email")))
    assert "Mit Ihrem Konto sind folgende E-Mail-Adressen verknüpft:" in text
    assert_formal(text)

    added = "anja.antrag@gardelegen.example"
    response = client.post(reverse("account_email"), {"action_add": "", "email": added}, follow=True)
    text = page_text(response)
    assert f"Wir haben eine E-Mail mit einem Bestätigungslink an {added} gesendet." in text
    assert_formal(text)
    assert_formal_mail(mail.outbox[-1])

    response = client.post(reverse("account_email"), {"action_add": "", "email": added})
    assert_formal(page_text(response))  # the address is already there

    response = client.post(reverse("account_email"), {"action_remove": "", "email": applicant.email}, follow=True)
    text = page_text(response)
    assert f"Ihre primäre E-Mail-Adresse ({applicant.email}) können Sie nicht entfernen." in text
    assert_formal(text)

    response = client.post(reverse("account_email"), {"action_primary": "", "email": added}, follow=True)
    text = page_text(response)
    assert "Ihre primäre E-Mail-Adresse muss zuerst bestätigt werden." in text
    assert_formal(text)

    response = client.post(reverse("account_email"), {"action_remove": "", "email": added}, follow=True)
    text = page_text(response)
    assert f"Die E-Mail-Adresse {added} wurde entfernt." in text
    assert_formal(text)
    assert not EmailAddress.objects.filter(email=added).exists()


def test_reauthentication_pages_and_the_code_mail(client, applicant):
    log_in(client, "antrag")
    text = page_text(client.get(reverse("account_reauthenticate")))
    assert "Zum Schutz Ihres Kontos" in text
    assert "Code per E-Mail anfordern" in text
    assert "Passwort vergessen?" not in text  # no link between label and field
    assert_formal(text)
    text = page_text(client.post(reverse("account_reauthenticate"), {"password": "falsch"}))
    assert "Das Passwort ist nicht korrekt." in text
    assert_formal(text)

    text = page_text(client.get(reverse("account_request_reauthentication_code")))
    assert "E-Mail-Adresse für den Code" in text
    assert "Recipient" not in text
    assert_formal(text)
    response = client.post(
        reverse("account_request_reauthentication_code"), {"recipient": applicant.email}, follow=True
    )
    text = page_text(response)
    assert "Der Code ist nur kurze Zeit gültig" in text
    assert_formal(text)
    assert_formal_mail(mail.outbox[-1])
    text = page_text(client.post(reverse("account_confirm_reauthentication_code"), {"code": "FALSCH"}))
    assert_formal(text, addresses_the_user=False)


def test_password_set_page(client, applicant):
    applicant.set_unusable_password()
    applicant.save(update_fields=["password"])
    client.force_login(applicant)
    text = page_text(client.get(reverse("account_set_password")))
    assert "Passwort festlegen" in text
    assert_formal(text, addresses_the_user=False)


def test_password_change_errors_and_message(client, applicant, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    log_in(client, "antrag")
    response = client.post(
        reverse("account_change_password"), {"oldpassword": "falsch", "password1": "x", "password2": "y"}
    )
    text = page_text(response)
    assert "Bitte geben Sie Ihr aktuelles Passwort ein." in text
    assert_formal(text)
    new = "Noch-Eine-Lange-Phrase-2026"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}, follow=True
    )
    text = page_text(response)
    assert "Ihr Passwort wurde geändert." in text
    assert_formal(text)
    message = mail.outbox[-1]
    assert "Passwort geändert" in message.subject
    assert_formal_mail(message)


# --- e-mails to somebody who has no account, or already has one -------------------------------


def test_password_reset_mails(client, applicant):
    client.post(reverse("account_reset_password"), {"email": applicant.email})
    client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    known, unknown = mail.outbox
    assert_formal_mail(known)
    assert "Kein Konto zu dieser E-Mail-Adresse" in unknown.subject
    assert_formal_mail(unknown)


def test_signup_with_an_address_that_has_an_account(client, applicant):
    client.post(reverse("account_signup"), {**SIGNUP, "email": applicant.email})
    (message,) = mail.outbox
    assert "Konto bereits vorhanden" in message.subject
    assert_formal_mail(message)


# --- the second factor ---------------------------------------------------------------------
# allauth adds the message and sends the mail of an authenticator change on commit; the
# tests that see them run outside the test's transaction, as a request does in production.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@committed
def test_totp_activation_page_message_and_mail(client, clerk, mfa_on, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    log_in(client, "sachbearbeitung")
    text = page_text(client.get(reverse("mfa_activate_totp")))
    assert "scannen Sie bitte den folgenden QR-Code" in text
    assert_formal(text)
    text = page_text(client.post(reverse("mfa_activate_totp"), {"code": "000000"}))
    assert_formal(text)
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    text = page_text(response)
    assert "Die Authenticator-App wurde aktiviert." in text
    assert "Mit jedem dieser Codes können Sie sich einmal anmelden" in text
    assert_formal(text)
    message = mail.outbox[-1]
    assert "Authenticator-App aktiviert" in message.subject
    assert "an Ihrem Konto wurde folgende Änderung vorgenommen:" in message.body
    assert_formal_mail(message)


def test_mfa_index_without_an_app(client_for, applicant):
    text = page_text(client_for(applicant).get(reverse("mfa_index")))
    assert "Es ist noch keine Authenticator-App eingerichtet." in text
    assert_formal(text, addresses_the_user=False)


def test_mfa_authenticate_page_and_its_error(client, clerk, clerk_with_totp, mfa_on):
    client.post(reverse("account_login"), {"login": "sachbearbeitung", "password": PASSWORD})
    text = page_text(client.get(reverse("mfa_authenticate")))
    assert "Ihr Konto ist mit einem zweiten Faktor geschützt." in text
    assert_formal(text)
    secret, _codes = clerk_with_totp
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    text = page_text(client.post(reverse("mfa_authenticate"), {"code": wrong}))
    assert "Der eingegebene Code ist nicht gültig." in text
    assert_formal(text)


@committed
def test_mfa_pages_with_an_app(client, clerk, clerk_with_totp, mfa_on, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    secret, _codes = clerk_with_totp
    log_in(client, "sachbearbeitung", secret)

    text = page_text(client.get(reverse("mfa_index")))
    assert "Die Anmeldung mit einer Authenticator-App ist eingerichtet." in text
    assert_formal(text, addresses_the_user=False)

    text = page_text(client.get(reverse("mfa_view_recovery_codes")))
    assert "Es sind noch 10 von 10 Wiederherstellungscodes verfügbar." in text
    assert_formal(text)
    download = client.get(reverse("mfa_download_recovery_codes")).content.decode()
    assert_formal(download, addresses_the_user=False)

    text = page_text(client.get(reverse("mfa_generate_recovery_codes")))
    assert "Sie sind dabei, neue Wiederherstellungscodes für Ihr Konto zu erzeugen." in text
    assert_formal(text)
    response = client.post(reverse("mfa_generate_recovery_codes"), follow=True)
    text = page_text(response)
    assert "Es wurden neue Wiederherstellungscodes erzeugt." in text
    assert_formal(text, addresses_the_user=False)
    message = mail.outbox[-1]
    assert "Neue Wiederherstellungscodes erzeugt" in message.subject
    assert_formal_mail(message)

    text = page_text(client.get(reverse("mfa_reauthenticate")))
    assert "Bitte geben Sie den Code aus Ihrer Authenticator-App" in text
    assert_formal(text)

    text = page_text(client.get(reverse("mfa_deactivate_totp")))
    assert "Möchten Sie fortfahren?" in text
    assert_formal(text)
    response = client.post(reverse("mfa_deactivate_totp"), follow=True)
    text = page_text(response)
    assert "Die Authenticator-App wurde deaktiviert." in text
    assert_formal(text, addresses_the_user=False)
    assert not Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()
    message = mail.outbox[-1]
    assert "Authenticator-App deaktiviert" in message.subject
    assert_formal_mail(message)


# --- the catalogue -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def entries():
    return [entry for entry in parse_po(CATALOGUE / "django.po") if not entry.obsolete][1:]


def test_the_catalogue_holds_only_allauths_msgids(entries):
    """Our own msgids are German: in a German catalogue they would be dead weight, and
    makemessages for de would bury allauth's. The English catalogue stays as it is."""
    allauth_ids = {(entry.msgctxt, entry.msgid) for entry in parse_po(ALLAUTH_CATALOGUE)}
    english_ids = {entry.msgid for entry in parse_po(ENGLISH_CATALOGUE)}
    assert entries
    foreign = [str(entry) for entry in entries if (entry.msgctxt, entry.msgid) not in allauth_ids]
    assert not foreign, f"not allauth's msgids: {foreign}"
    assert not {entry.msgid for entry in entries} & english_ids


def test_the_catalogue_is_formal_complete_and_keeps_placeholders(entries):
    for entry in entries:
        texts = [entry.msgstr.get(index, "") for index in range(2 if entry.msgid_plural else 1)]
        assert all(text.strip() for text in texts), str(entry)
        assert "fuzzy" not in entry.flags, str(entry)
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for source, text in zip(sources, texts, strict=True):
            assert not INFORMAL.search(text), str(entry)
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), str(entry)


def test_the_compiled_catalogue_matches_the_po_file(entries):
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            if catalogue.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(str(entry))
        elif [catalogue.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)] != [
            entry.msgstr[0],
            entry.msgstr[1],
        ]:
            stale.append(str(entry))
    assert not stale, f"run msgfmt (see the head of django.po); stale in django.mo: {stale}"
