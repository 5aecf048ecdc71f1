"""Background tasks (django-tasks). Arguments are plain values so any backend can queue them."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from grants.models import Application

SUBJECTS = {
    "submitted": "Eingangsbestätigung Ihres Antrags {number}",
    "info_requested": "Rückfrage zu Ihrem Antrag {number}",
    "approved": "Ihr Antrag {number} wurde bewilligt",
    "rejected": "Entscheidung über Ihren Antrag {number}",
    "proof_due_soon": "Erinnerung: Verwendungsnachweis zu Ihrem Antrag {number} bald fällig",
    "proof_overdue": "Verwendungsnachweis zu Ihrem Antrag {number} ist überfällig",
    "proof_submitted": "Eingangsbestätigung: Verwendungsnachweis zu Ihrem Antrag {number}",
    "proof_returned": "Rückfrage zum Verwendungsnachweis zu Ihrem Antrag {number}",
    "proof_accepted": "Ihr Verwendungsnachweis zu Antrag {number} ist anerkannt",
    "proof_refund_claimed": "Rückforderung zu Ihrem Antrag {number}",
    "proof_refunded": "Eingang Ihrer Rückzahlung zu Antrag {number}",
    "lapsed": "Nicht abgerufene Mittel zu Ihrem Antrag {number} sind verfallen",
}


def applicant_recipients(application: Application) -> list[str]:
    addresses = [application.contact_email, application.created_by.email]
    return sorted({address.strip().lower() for address in addresses if address and address.strip()})


@task()
def send_applicant_mail(*, application_id: int, event: str, message: str = "") -> int:
    """Send one German e-mail about an application event; returns the number sent."""
    application = Application.objects.select_related("municipality", "programme_year", "created_by").get(
        pk=application_id
    )
    recipients = applicant_recipients(application)
    if not recipients:
        return 0
    with translation.override("de"):
        body = render_to_string(f"workflows/email/{event}.txt", {"application": application, "message": message})
        subject = SUBJECTS[event].format(number=application.file_number or "")
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
