"""E-mails about accounts and affiliations. Each recipient reads the message in their own
language (``accounts.selectors.recipients_by_language``): one message per language, so
nobody sees another reader's language or address. The text is rendered when the change
is made and sent only after the transaction commits (a rolled-back change must never
have been announced), as a background task like the application e-mails."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from accounts.selectors import recipients_by_language
from grants.models import SentEmail


def office_address() -> str:
    """Where e-mails to the programme office go: ``OFFICE_EMAIL`` when set, else the sender address."""
    return getattr(settings, "OFFICE_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def site_url(path: str) -> str:
    """An absolute link for an e-mail: ``SITE_URL`` plus ``path``."""
    return settings.SITE_URL.rstrip("/") + path


def mail_template(directory: str, name: str, language: str) -> str:
    """``<directory>/<name>.txt`` for German, ``<directory>/<language>/<name>.txt`` otherwise.

    No fallback on purpose: a missing English text must fail loudly rather than send
    German to someone who chose English."""
    if language == settings.LANGUAGE_CODE:
        return f"{directory}/{name}.txt"
    return f"{directory}/{language}/{name}.txt"


def mail_send_recorded(
    *,
    subject: str,
    body: str,
    recipients: list[str],
    kind: str,
    language: str = "",
    application_id: int | None = None,
) -> int:
    """Send one message and keep it in the e-mail log (``SentEmail``), with the file it
    belongs to when there is one. Called from background tasks, after the commit."""
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    if sent:
        SentEmail.objects.create(
            application_id=application_id,
            kind=kind,
            subject=subject[:300],
            body=body,
            recipients=",".join(recipients),
            language=language,
        )
    return sent


@task()
def send_account_mail(
    *,
    subject: str,
    body: str,
    recipients: list[str],
    kind: str = "",
    language: str = "",
    application_id: int | None = None,
) -> int:
    return mail_send_recorded(
        subject=subject,
        body=body,
        recipients=recipients,
        kind=kind,
        language=language,
        application_id=application_id,
    )


def mail_after_commit(
    *,
    template: str,
    subject,
    recipients: Iterable,
    context: dict,
    subject_args: dict | None = None,
    default_language: str | None = None,
    application_id: int | None = None,
) -> None:
    """Render ``grants/email/<template>.txt`` now, once per language of ``recipients``
    (users or bare addresses); send each when the transaction commits.

    ``subject`` is a lazy German msgid, translated per language and then filled with
    ``subject_args``. An address without an account reads ``default_language`` (German
    when not given). ``application_id`` files the message with its application in the
    e-mail log."""
    messages = []
    for language, addresses in recipients_by_language(recipients, default=default_language).items():
        with translation.override(language):
            body = render_to_string(mail_template("grants/email", template, language), context)
            text = str(subject) % (subject_args or {})
        messages.append(
            {
                "subject": text,
                "body": body,
                "recipients": addresses,
                "kind": template,
                "language": language,
                "application_id": application_id,
            }
        )
    for message in messages:
        transaction.on_commit(lambda message=message: send_account_mail.enqueue(**message))
