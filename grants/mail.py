"""E-mails about accounts and affiliations. The text is rendered in German when the
change is made and sent only after the transaction commits (a rolled-back change must
never have been announced), as a background task like the application e-mails."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


def office_address() -> str:
    """Where e-mails to the programme office go: ``OFFICE_EMAIL`` when set, else the sender address."""
    return getattr(settings, "OFFICE_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def site_url(path: str) -> str:
    """An absolute link for an e-mail: ``SITE_URL`` plus ``path``."""
    return settings.SITE_URL.rstrip("/") + path


@task()
def send_account_mail(*, subject: str, body: str, recipients: list[str]) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def mail_after_commit(*, template: str, subject: str, recipients: list[str], context: dict) -> None:
    """Render ``grants/email/<template>.txt`` in German now; send it when the transaction commits."""
    addresses = sorted({address.strip() for address in recipients if address and address.strip()})
    if not addresses:
        return
    with translation.override("de"):
        body = render_to_string(f"grants/email/{template}.txt", context)
    transaction.on_commit(lambda: send_account_mail.enqueue(subject=subject, body=body, recipients=addresses))
