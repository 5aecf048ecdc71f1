"""Background tasks (django-tasks). Arguments are plain values so any backend can queue them."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from accounts.selectors import recipients_by_language
from budgets.models import Payout
from grants.mail import mail_send_recorded, mail_template
from grants.models import Application

# German msgids, translated in locale/en; the bodies are templates per language
# (workflows/email/<event>.txt, workflows/email/en/<event>.txt).
SUBJECTS = {
    "submitted": _("Eingangsbestätigung Ihres Antrags %(number)s"),
    "info_requested": _("Rückfrage zu Ihrem Antrag %(number)s"),
    "approved": _("Ihr Antrag %(number)s wurde bewilligt"),
    "rejected": _("Entscheidung über Ihren Antrag %(number)s"),
    "early_start_allowed": _("Zustimmung zum vorzeitigen Maßnahmebeginn zu Ihrem Antrag %(number)s"),
    "early_start_refused": _("Vorzeitiger Maßnahmebeginn zu Ihrem Antrag %(number)s nicht zugelassen"),
    "proof_due_soon": _("Erinnerung: Verwendungsnachweis zu Ihrem Antrag %(number)s bald fällig"),
    "proof_overdue": _("Verwendungsnachweis zu Ihrem Antrag %(number)s ist überfällig"),
    "proof_submitted": _("Eingangsbestätigung: Verwendungsnachweis zu Ihrem Antrag %(number)s"),
    "proof_returned": _("Rückfrage zum Verwendungsnachweis zu Ihrem Antrag %(number)s"),
    "proof_accepted": _("Ihr Verwendungsnachweis zu Antrag %(number)s ist anerkannt"),
    "proof_refund_claimed": _("Rückforderung zu Ihrem Antrag %(number)s"),
    "proof_refunded": _("Eingang Ihrer Rückzahlung zu Antrag %(number)s"),
    "lapsed": _("Nicht abgerufene Mittel zu Ihrem Antrag %(number)s sind verfallen"),
    "payout_requested": _("Eingangsbestätigung: Mittelabruf %(payout)s zu Ihrem Antrag %(number)s"),
    "payout_documents_requested": _("Unterlagen zum Mittelabruf %(payout)s nachgefordert"),
    "payout_released": _("Mittelabruf %(payout)s zu Ihrem Antrag %(number)s freigegeben"),
    "payout_paid": _("Mittelabruf %(payout)s zu Ihrem Antrag %(number)s ausgezahlt"),
    "payout_rejected": _("Mittelabruf %(payout)s zu Ihrem Antrag %(number)s abgelehnt"),
    "payout_withdrawn": _("Mittelabruf %(payout)s zu Ihrem Antrag %(number)s zurückgezogen"),
}


def applicant_recipients(application: Application) -> dict[str, list[str]]:
    """Who hears about ``application``, by language: the person who created it in their
    stored language, the contact address in the language of its account (German when
    it has none)."""
    return recipients_by_language([application.created_by, application.contact_email])


@task()
def send_applicant_mail(*, application_id: int, event: str, message: str = "", payout_id: int | None = None) -> int:
    """Send the e-mail about an application event, one message per language of the
    recipients; returns the number sent. A payout event names its payout (``payout_id``);
    the template then also reads its SEPA batch (execution and value date)."""
    application = Application.objects.select_related("municipality", "programme_year", "created_by").get(
        pk=application_id
    )
    payout = None
    if payout_id is not None:
        payout = Payout.objects.select_related("sepa_line__batch").get(pk=payout_id, application_id=application_id)
    batch = payout.sepa_line.batch if payout is not None and hasattr(payout, "sepa_line") else None
    context = {"application": application, "message": message, "payout": payout, "batch": batch}
    sent = 0
    for language, recipients in applicant_recipients(application).items():
        with translation.override(language):
            body = render_to_string(mail_template("workflows/email", event, language), context)
            subject = str(SUBJECTS[event]) % {
                "number": application.file_number or "",
                "payout": payout.number if payout is not None else "",
            }
        sent += mail_send_recorded(
            subject=subject,
            body=body,
            recipients=recipients,
            kind=event,
            language=language,
            application_id=application.pk,
        )
    return sent
