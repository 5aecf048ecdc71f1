"""Issuing notices (Bescheide): the frozen snapshot, the number, the PDF after commit.

``notice_issue`` runs inside the transaction of the decision it documents (approval,
rejection, payout, refund claim): the notice exists exactly when the decision does. A
rolled-back decision leaves neither a notice nor a used number behind, because the
number sequence row is part of the same transaction.

The PDF is rendered only after commit, by a background task, from the snapshot: a
decision that was rolled back is never printed. If rendering fails, the notice stays
without PDF until ``manage.py notices_render_missing`` renders it.

A notice is never changed: ``notice_correct`` issues a new one that names the notice
it replaces.

Lock order, as in ``workflows.applications.services``: programme year, application, notice; the
number sequence last.

Notice numbers run per calendar year of issue (``ZD-2026-00042``), like invoice
numbers: the register of outgoing notices of a year has no gaps.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.addresses import address_missing, address_of
from grants.models import Application
from grants.roles import Role, has_role
from grants.services import number_next
from reports.models import Notice
from reports.requests import notice_render_schedule
from reports.selectors import notice_snapshot
from workflows.common.audit import audit_record
from workflows.common.errors import WorkflowError
from workflows.common.guards import clean_reason, german_records

NOTICE_NUMBER_PREFIX = "ZD"
K = Notice.Kind
S = Application.Status

# A notice about money granted needs an approved amount; a rejection needs the rejection.
_NEEDS_APPROVED_AMOUNT = {K.APPROVAL, K.PAYOUT_ADVICE, K.PROOF_OF_USE_REMINDER, K.REFUND_CLAIM}


def _check_fits(application: Application, kind: str) -> None:
    if kind not in K.values:
        raise ValueError(f"Unknown notice kind {kind!r}.")
    missing = address_missing(address=address_of(municipality=application.municipality))
    if missing:
        # A notice is an administrative act that has to reach its addressee (§ 41 VwVfG).
        raise WorkflowError(
            _(
                "Der Bescheid kann nicht ergehen: Der Anschrift von %(name)s fehlt %(missing)s. "
                "Die Kommune (oder die Geschäftsstelle) trägt sie unter „Meine Kommune“ ein."
            )
            % {"name": application.municipality.name, "missing": ", ".join(missing)},
            code="address_missing",
        )
    if kind in _NEEDS_APPROVED_AMOUNT and application.approved_amount is None:
        raise WorkflowError(_("Für diesen Antrag gibt es keine Bewilligung."), code="not_approved")
    if kind == K.REJECTION and application.status != S.REJECTED:
        raise WorkflowError(_("Der Antrag ist nicht abgelehnt."), code="not_rejected")


def _issue(
    *,
    application: Application,
    kind: str,
    user: AbstractUser | None,
    extra: dict | None,
    supersedes: Notice | None = None,
    correction_reason: str = "",
) -> Notice:
    _check_fits(application, kind)
    snapshot = notice_snapshot(application=application, kind=kind, extra=extra, issued_by=user)
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    number = number_next(prefix=NOTICE_NUMBER_PREFIX, year=issued_on.year)
    snapshot["number"] = number
    snapshot["issued_on"] = issued_on.isoformat()
    if supersedes is not None:
        snapshot["supersedes"] = {"number": supersedes.number, "issued_on": supersedes.snapshot["issued_on"]}
        snapshot["correction_reason"] = correction_reason
    notice = Notice.objects.create(
        number=number,
        kind=kind,
        application=application,
        issued_at=issued_at,
        issued_by=user,
        snapshot=snapshot,
        supersedes=supersedes,
        correction_reason=correction_reason,
    )
    notice_render_schedule(notice_id=notice.pk)
    return notice


@german_records
def notice_issue(
    *, application: Application, kind: str, user: AbstractUser | None, extra: dict | None = None
) -> Notice:
    """Issue a notice of ``kind`` for ``application`` inside the caller's transaction.

    Call it from the transition service, after the application has its new state and
    amounts (they are frozen into the snapshot). ``extra`` carries what the notice
    type declares in ``EXTRA_FIELDS`` (a payout number, a refund amount …).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notice_issue must run inside the transaction of the decision it documents.")
    return _issue(application=application, kind=kind, user=user, extra=extra)


@german_records
def notice_correct(*, notice_id: int, user: AbstractUser, reason: str, extra: dict | None = None) -> Notice:
    """Issue a correction: a new notice from the application's current data that
    replaces ``notice_id``. The old notice stays as it was, marked as replaced.

    ``extra`` replaces the extra values of the old notice (kept when omitted).
    """
    if not (has_role(user, Role.APPROVER) or has_role(user, Role.ADMIN)):
        raise WorkflowError(_("Bescheide berichtigen darf nur die Bewilligung."), code="forbidden")
    reason = clean_reason(reason, what=_("den Grund der Berichtigung"))
    with transaction.atomic():
        application_id = Notice.objects.filter(pk=notice_id).values_list("application_id", flat=True).first()
        if application_id is None:
            raise WorkflowError(_("Der Bescheid wurde nicht gefunden."), code="not_found")
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("municipality", "programme_year")
            .get(pk=application_id)
        )
        old = Notice.objects.select_for_update().get(pk=notice_id)
        newer = Notice.objects.filter(supersedes=old).values_list("number", flat=True).first()
        if newer:
            raise WorkflowError(
                _("Dieser Bescheid wurde bereits durch den Bescheid %(number)s ersetzt. Bitte berichtigen Sie diesen.")
                % {"number": newer},
                code="already_corrected",
            )
        notice = _issue(
            application=application,
            kind=old.kind,
            user=user,
            extra=old.snapshot.get("extra") if extra is None else extra,
            supersedes=old,
            correction_reason=reason,
        )
        audit_record(
            application=application,
            action="reports.notice.corrected",
            actor=user,
            comment=_("%(old)s ersetzt durch %(new)s: %(reason)s")
            % {"old": old.number, "new": notice.number, "reason": reason},
        )
    return notice
