"""German words for what the audit trail records and for application states, one
list for every page that shows a history (applicant, office, payouts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grants.models import Application

S = Application.Status

# The programme office's wording; unknown codes fall back to a neutral step.
ACTION_LABELS = {
    "grants.application.created": _("Entwurf angelegt"),
    "grants.application.moved_to_year": _("In ein anderes Programmjahr übernommen"),
    "grants.application.submitted": _("Eingereicht"),
    "grants.application.review_started": _("Prüfung begonnen"),
    "grants.application.info_requested": _("Rückfrage an die Kommune"),
    "grants.application.resubmitted": _("Rückfrage beantwortet"),
    "grants.eligibility.overridden": _("Prüfregel übersteuert"),
    "grants.application.recommended": _("Empfehlung abgegeben"),
    "grants.application.sent_back": _("Zur erneuten Prüfung zurückgegeben"),
    "grants.application.approved": _("Bewilligt"),
    "grants.application.rejected": _("Abgelehnt"),
    "grants.application.withdrawn": _("Zurückgezogen"),
    "grants.application.paid": _("Vollständig ausgezahlt"),
    "grants.application.lapsed": _("Bewilligung verfallen"),
    "grants.application.completed": _("Abgeschlossen"),
    "grants.application.revoked": _("Widerrufen"),
    "grants.attachment.added": _("Anlage hinzugefügt"),
    "grants.attachment.deleted": _("Anlage entfernt"),
    "budgets.payout.requested": _("Mittel abgerufen"),
    "budgets.payout.file_added": _("Beleg hinzugefügt"),
    "budgets.payout.documents_requested": _("Unterlagen nachgefordert"),
    "budgets.payout.resubmitted": _("Unterlagen nachgereicht"),
    "budgets.payout.checked": _("Mittelabruf geprüft"),
    "budgets.payout.sent_back": _("Mittelabruf zur erneuten Prüfung zurückgegeben"),
    "budgets.payout.released": _("Zur Auszahlung freigegeben"),
    "budgets.payout.batched": _("In eine Sammelüberweisung aufgenommen"),
    "budgets.payout.exported": _("An die Bank übergeben"),
    "budgets.payout.paid": _("Ausgezahlt"),
    "budgets.payout.rejected": _("Mittelabruf abgelehnt"),
    "budgets.payout.withdrawn": _("Mittelabruf zurückgezogen"),
    "grants.proof_of_use.opened": _("Verwendungsnachweis angelegt"),
    "grants.proof_of_use.submitted": _("Verwendungsnachweis eingereicht"),
    "grants.proof_of_use.review_started": _("Prüfung des Verwendungsnachweises begonnen"),
    "grants.proof_of_use.returned": _("Verwendungsnachweis zur Ergänzung zurückgegeben"),
    "grants.proof_of_use.accepted": _("Verwendungsnachweis anerkannt"),
    "grants.proof_of_use.refund_claimed": _("Rückforderung festgesetzt"),
    "grants.proof_of_use.refunded": _("Rückzahlung eingegangen"),
    "grants.proof_of_use.reminded_due_soon": _("An den Verwendungsnachweis erinnert"),
    "grants.proof_of_use.reminded_overdue": _("Verwendungsnachweis angemahnt"),
    "budgets.refund_claim.interest_computed": _("Zinsen berechnet"),
    "reports.notice.corrected": _("Bescheid berichtigt"),
    "workflows.case_note.added": _("Vermerk geschrieben"),
}
UNKNOWN_ACTION = _("Bearbeitungsschritt")

# Where the municipality reads it differently.
APPLICANT_ACTION_LABELS = {
    **ACTION_LABELS,
    "grants.application.submitted": _("Antrag eingereicht"),
    "grants.application.info_requested": _("Rückfrage der Geschäftsstelle"),
    "grants.application.recommended": _("Entscheidung vorbereitet"),
    "grants.application.sent_back": _("Erneut in Prüfung"),
    "grants.application.approved": _("Antrag bewilligt"),
    "grants.application.rejected": _("Antrag abgelehnt"),
    "grants.application.withdrawn": _("Antrag zurückgezogen"),
}
# Steps the municipality does not see at all (the office's internal checks).
INTERNAL_ACTION_PREFIXES = ("grants.eligibility.", "budgets.refund_claim.", "workflows.case_note.")
# Steps whose comment is addressed to the municipality; other comments are internal.
APPLICANT_COMMENTS = {
    "grants.application.moved_to_year",
    "grants.application.info_requested",
    "grants.application.resubmitted",
    "grants.application.approved",
    "grants.application.rejected",
    "grants.application.withdrawn",
    "grants.application.lapsed",
    "grants.attachment.added",
    "grants.attachment.deleted",
    "budgets.payout.requested",
    "budgets.payout.file_added",
    "budgets.payout.documents_requested",
    "budgets.payout.resubmitted",
    "budgets.payout.rejected",
    "budgets.payout.withdrawn",
    "budgets.payout.paid",
    "grants.proof_of_use.returned",
    "grants.proof_of_use.refund_claimed",
    "reports.notice.corrected",
}

# KERN badge variant per application status: the colour repeats the German label.
STATUS_VARIANTS = {
    S.DRAFT: "info",
    S.SUBMITTED: "info",
    S.IN_REVIEW: "info",
    S.INFO_REQUESTED: "warning",
    S.RECOMMENDED: "info",
    S.APPROVED: "success",
    S.PAID: "success",
    S.COMPLETED: "success",
    S.REJECTED: "danger",
    S.WITHDRAWN: "warning",
    S.REVOKED: "danger",
    S.LAPSED: "warning",
}
