"""The only code that drives application transitions.

Every service opens its own transaction, locks the application row before it looks
at the state (so a replayed or concurrent action finds the new state and stops),
calls one transition of the state machine, writes one audit record, and leaves side
effects (e-mail) to ``transaction.on_commit``.

Lock order, to rule out deadlocks: programme year, then application.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from budgets.ledger import ledger_book
from budgets.models import LedgerEntry
from budgets.selectors import municipality_remaining_cap, programme_available
from core.dates import format_day
from core.money import ZERO, format_eur, money
from grants.eligibility import NOT_OVERRIDABLE
from grants.models import (
    Application,
    CostLine,
    CostType,
    EligibilityResult,
    Municipality,
    ProgrammeYear,
)
from grants.roles import Role
from grants.selectors import programme_year_is_open
from grants.services import number_next
from reports.models import Notice
from workflows.applications.eligibility import eligibility_run
from workflows.applications.flows import OPEN, office_task_get, open_task_for, sync_tasks_for, user_label
from workflows.applications.permissions import (
    application_can_answer,
    application_can_claim,
    application_can_decide,
    application_can_edit,
    application_can_review,
    application_can_submit,
    application_can_withdraw,
)
from workflows.common.audit import audit_record
from workflows.common.errors import AlreadyCreated, WorkflowError
from workflows.common.guards import (
    clean_reason,
    german_records,
    lock_application,
)
from workflows.common.notices import notice_issue
from workflows.common.notifications import notify_applicant
from workflows.common.permissions import applicant_can_act
from workflows.common.staff_notifications import holder_or_role, role_members, staff_notify
from workflows.proofs.services import proof_of_use_open_locked

S = Application.Status
FILE_NUMBER_PREFIX = "MF"


def _check_revision(application: Application, revision: int | None) -> None:
    # A form carries the revision it was rendered with; a stale or replayed POST
    # (double click, back button) is refused instead of applied twice.
    if revision is not None and revision != application.revision:
        raise WorkflowError(_("Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu."), code="stale")


def _bump(application: Application, *fields: str) -> None:
    application.revision += 1
    application.save(update_fields=["status", "revision", "updated_at", *fields])


def _moved(
    application: Application, *fields: str, action: str, actor: AbstractUser, from_state: str, comment: str = ""
) -> None:
    """The transition is made: save it (with ``fields``), write its audit record, bring the tasks in step."""
    _bump(application, *fields)
    audit_record(application=application, action=action, actor=actor, from_state=from_state, comment=comment)
    sync_tasks_for(application, actor=actor)


# --- drafts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CostLineInput:
    cost_type: CostType
    description: str
    days: Decimal | None = None
    day_rate: Decimal | None = None
    flat_amount: Decimal | None = None


DRAFT_FIELDS = [
    "title",
    "goals",
    "description",
    "purpose",
    "period_start",
    "period_end",
    "requested_amount",
    "contact_name",
    "contact_email",
    "contact_phone",
    "account_holder",
    "iban",
    "bic",
    "bank_name",
    "declaration_no_early_start",
    "declaration_no_double_funding",
]


def _write_cost_lines(application: Application, cost_lines: list[CostLineInput]) -> None:
    application.cost_lines.all().delete()
    CostLine.objects.bulk_create(
        [
            CostLine(
                application=application,
                cost_type=line.cost_type,
                description=line.description,
                days=None if line.flat_amount is not None else line.days,
                day_rate=None if line.flat_amount is not None else line.day_rate,
                flat_amount=line.flat_amount,
                amount=CostLine.compute_amount(days=line.days, day_rate=line.day_rate, flat_amount=line.flat_amount),
                position=index,
            )
            for index, line in enumerate(cost_lines)
        ]
    )


@german_records
def application_create(
    *,
    user: AbstractUser,
    municipality: Municipality,
    programme_year: ProgrammeYear,
    data: dict,
    cost_lines: list[CostLineInput] | None = None,
    partners: list[Municipality] | None = None,
    create_token: str | None = None,
) -> Application:
    """Start a draft for the user's municipality in a programme year open for applications
    (``grants.selectors.programme_years_open``); nothing else is checked beyond field validity.

    With ``create_token`` the call is idempotent: a second call with the same token
    raises ``AlreadyCreated`` naming the draft of the first, also when the deadline
    passed in between (a double click at midnight finds the draft it made).
    """
    applicant_can_act(user=user, municipality=municipality).require()
    token = (create_token or "").strip() or None
    with transaction.atomic():
        if token:
            _refuse_repeated_create(user, token)
        _expect_open(programme_year)
        application = Application(
            municipality=municipality,
            programme_year=programme_year,
            created_by=user,
            create_token=token,
            **_draft_values(data),
        )
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            # Two requests with the same token at the same moment: the other one won.
            if token:
                _refuse_repeated_create(user, token)
                raise WorkflowError(
                    _("Das Formular ist nicht mehr gültig. Bitte laden Sie die Seite neu."), code="stale"
                ) from None
            raise
        _write_cost_lines(application, cost_lines or [])
        application.partner_municipalities.set(partners or [])
        audit_record(application=application, action="grants.application.created", actor=user, from_state="")
    return application


def _expect_open(programme_year: ProgrammeYear) -> None:
    if programme_year_is_open(programme_year=programme_year):
        return
    raise WorkflowError(
        _(
            "Für das Programmjahr %(year)s sind keine Anträge mehr möglich: Die Antragsfrist ist am %(deadline)s "
            "um 24:00 Uhr abgelaufen."
        )
        % {"year": programme_year.year, "deadline": format_day(programme_year.application_deadline)},
        code="programme_year",
    )


def _refuse_repeated_create(user: AbstractUser, token: str) -> None:
    existing = Application.objects.filter(create_token=token, created_by=user).values_list("pk", flat=True).first()
    if existing is not None:
        raise AlreadyCreated(
            _("Dieser Antrag wurde bereits angelegt. Hier können Sie ihn weiter bearbeiten."), application_id=existing
        )


def _draft_values(data: dict) -> dict:
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Not a draft field: {', '.join(sorted(unknown))}")
    return data


@german_records
def application_update(
    *,
    user: AbstractUser,
    application_id: int,
    revision: int | None,
    data: dict,
    cost_lines: list[CostLineInput] | None = None,
    partners: list[Municipality] | None = None,
) -> Application:
    """Save a draft (or an application the office asked questions about)."""
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_edit(user=user, application=application).require()
        _check_revision(application, revision)
        for name, value in _draft_values(data).items():
            setattr(application, name, value)
        if cost_lines is not None:
            _write_cost_lines(application, cost_lines)
        if partners is not None:
            application.partner_municipalities.set(partners)
        application.revision += 1
        application.save()
    return application


@german_records
def application_move_to_year(*, user: AbstractUser, application_id: int, programme_year_id: int) -> Application:
    """Move a draft into another programme year that is open for applications.

    For a draft whose year's deadline has passed: everything it holds (fields, cost
    lines, partners, attachments) stays as it is, only its year changes; it stays a
    draft. A project period outside the new year is kept too: the applicant adjusts it,
    and until then the eligibility rule ``period_in_year`` would fail on submission.
    """
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_submit(user=user, application=application).require()
        target = ProgrammeYear.objects.filter(pk=programme_year_id).first()
        if target is None:
            raise WorkflowError(_("Dieses Programmjahr gibt es nicht."), code="programme_year")
        previous = application.programme_year
        if target.pk == previous.pk:
            raise WorkflowError(
                _("Der Entwurf gehört bereits zum Programmjahr %(year)s.") % {"year": target.year},
                code="programme_year",
            )
        _expect_open(target)
        application.programme_year = target
        application.revision += 1
        application.save(update_fields=["programme_year", "revision", "updated_at"])
        audit_record(
            application=application,
            action="grants.application.moved_to_year",
            actor=user,
            from_state=S.DRAFT,
            comment=_("Vom Programmjahr %(old)s in das Programmjahr %(new)s übernommen.")
            % {"old": previous.year, "new": target.year},
        )
    return application


REQUIRED_ON_SUBMIT = {
    "title": _("Titel"),
    "purpose": _("Zweck"),
    "goals": _("Ziele"),
    "description": _("Beschreibung"),
    "period_start": _("Beginn"),
    "period_end": _("Ende"),
    "requested_amount": _("beantragter Betrag"),
    "contact_name": _("Ansprechperson"),
    "contact_email": _("E-Mail der Ansprechperson"),
    "account_holder": _("Kontoinhaber"),
    "iban": _("IBAN"),
}


SUBMIT_DECLARATIONS = {
    "declaration_no_early_start": _("Erklärung: kein Beginn vor Bewilligung"),
    "declaration_no_double_funding": _("Erklärung: keine Doppelförderung"),
}


def submit_missing(*, values: Mapping[str, object], has_cost_lines: bool, has_partners: bool) -> dict[str, str]:
    """What is still missing before submitting, field name -> German name, in the form's order.

    ``values`` holds the application's fields (saved or typed); a name absent from it counts
    as given. Every gap is reported, not the first: the applicant fixes them all at once.
    """
    missing = {
        name: str(label) for name, label in REQUIRED_ON_SUBMIT.items() if name in values and values[name] in (None, "")
    }
    if values.get("purpose") == Application.Purpose.NETWORKING and not has_partners:
        missing["partners"] = _("Partnerkommunen")
    if not has_cost_lines:
        missing["cost_lines"] = _("Kostenplan (mindestens eine Position)")
    missing.update(
        {name: str(label) for name, label in SUBMIT_DECLARATIONS.items() if name in values and not values[name]}
    )
    return missing


def application_missing_fields(application: Application) -> list[str]:
    """German names of what an applicant still has to fill in before submitting."""
    names = [*REQUIRED_ON_SUBMIT, "purpose", *SUBMIT_DECLARATIONS]
    return list(
        submit_missing(
            values={name: getattr(application, name) for name in names},
            has_cost_lines=application.cost_lines.exists(),
            has_partners=application.partner_municipalities.exists(),
        ).values()
    )


# --- applicant actions ------------------------------------------------------------------


@german_records
def application_submit(*, user: AbstractUser, application_id: int, revision: int | None = None) -> Application:
    """Submit a draft: number it, run every eligibility rule, put it into review."""
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_submit(user=user, application=application).require()
        _check_revision(application, revision)
        missing = application_missing_fields(application)
        if missing:
            raise WorkflowError(
                _("Der Antrag ist noch nicht vollständig. Es fehlen: %(missing)s.") % {"missing": ", ".join(missing)},
                code="incomplete",
            )
        if application.file_number is None:
            application.file_number = number_next(prefix=FILE_NUMBER_PREFIX, year=application.programme_year.year)
        application.submit()
        _bump(application, "file_number", "submitted_at")
        audit_record(application=application, action="grants.application.submitted", actor=user, from_state=S.DRAFT)
        eligibility_run(application)
        application.start_review()
        _bump(application)
        audit_record(
            application=application,
            action="grants.application.review_started",
            actor=None,
            from_state=S.SUBMITTED,
            comment=_("Automatische Förderprüfung durchgeführt."),
        )
        sync_tasks_for(application, actor=user)
        notify_applicant(application=application, event="submitted")
        staff_notify(recipients=role_members(Role.CLERK), event="review_task", application=application, actor=user)
    return application


@german_records
def application_resubmit(
    *, user: AbstractUser, application_id: int, answer: str, revision: int | None = None
) -> Application:
    """Answer the office's questions and send the application back into review."""
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_answer(user=user, application=application).require()
        _check_revision(application, revision)
        answer = clean_reason(answer, what=_("Ihre Antwort"))
        application.resubmit()
        _bump(application)
        audit_record(
            application=application,
            action="grants.application.resubmitted",
            actor=user,
            from_state=S.INFO_REQUESTED,
            comment=answer,
        )
        eligibility_run(application)
        task = sync_tasks_for(application, actor=user)
        # The review task returns to the clerk who asked; without one, every clerk hears of it.
        staff_notify(
            recipients=holder_or_role(task.owner if task is not None else None, Role.CLERK),
            event="answer_received",
            application=application,
            context={"message": answer},
            actor=user,
        )
    return application


@german_records
def application_withdraw(*, user: AbstractUser, application_id: int, reason: str = "") -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_withdraw(user=user, application=application).require()
        before = application.status
        application.withdraw()
        _moved(
            application,
            action="grants.application.withdrawn",
            actor=user,
            from_state=before,
            comment=clean_reason(reason, what=_("einen Grund"), required=False),
        )
    return application


# --- programme office -------------------------------------------------------------------


@german_records
def application_request_info(*, clerk: AbstractUser, application_id: int, message: str) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_review(user=clerk, application=application).require()
        message = clean_reason(message, what=_("Ihre Rückfrage"))
        application.request_info()
        _moved(
            application,
            action="grants.application.info_requested",
            actor=clerk,
            from_state=S.IN_REVIEW,
            comment=message,
        )
        notify_applicant(application=application, event="info_requested", message=message)
    return application


@german_records
def eligibility_override(*, clerk: AbstractUser, application_id: int, result_id: int, reason: str) -> EligibilityResult:
    """Let a failed rule of ``application_id`` pass, with a written reason that stays on record."""
    reason = clean_reason(reason, what=_("eine Begründung für die Übersteuerung"))
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_review(user=clerk, application=application).require()
        try:
            # The result must belong to this application: an id from another file is refused.
            result = EligibilityResult.objects.select_for_update().get(
                pk=result_id, application=application, current=True
            )
        except EligibilityResult.DoesNotExist:
            raise WorkflowError(_("Das Prüfergebnis wurde nicht gefunden."), code="not_found") from None
        if result.outcome != EligibilityResult.Outcome.FAILED or result.overridden_by_id:
            raise WorkflowError(_("Nur eine nicht erfüllte Regel kann übersteuert werden."), code="not_failed")
        if result.rule in NOT_OVERRIDABLE:
            raise WorkflowError(str(NOT_OVERRIDABLE[result.rule]), code="not_overridable")
        result.overridden_by = clerk
        result.override_reason = reason
        result.overridden_at = timezone.now()
        result.save(update_fields=["overridden_by", "override_reason", "overridden_at"])
        audit_record(
            application=application,
            action="grants.eligibility.overridden",
            actor=clerk,
            from_state=application.status,
            comment=f"{result.rule}: {reason}",
        )
    return result


@german_records
def application_recommend(
    *,
    clerk: AbstractUser,
    application_id: int,
    recommendation: str,
    reason: str,
    amount: Decimal | None = None,
) -> Application:
    """Recommend approval (amount, possibly reduced) or rejection; an approver decides."""
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_review(user=clerk, application=application).require()
        reason = clean_reason(reason, what=_("eine Begründung"))
        if recommendation == Application.Recommendation.APPROVE:
            # A hard limit (the cap) is not overridden: the recommended amount is checked
            # against what is free today instead, below.
            blocking = [
                r.rule
                for r in application.eligibility_results.filter(current=True)
                if r.blocking and r.rule not in NOT_OVERRIDABLE
            ]
            if blocking:
                raise WorkflowError(
                    _("Nicht erfüllte Fördervoraussetzungen müssen erst übersteuert werden: %(rules)s.")
                    % {"rules": ", ".join(blocking)},
                    code="blocking_rules",
                )
            amount = money(amount if amount is not None else application.requested_amount or ZERO)
            if amount <= ZERO:
                raise WorkflowError(_("Der empfohlene Betrag muss größer als 0 € sein."), code="amount")
            if amount > (application.requested_amount or ZERO):
                raise WorkflowError(
                    _("Der empfohlene Betrag darf den beantragten Betrag von %(requested)s nicht übersteigen.")
                    % {"requested": format_eur(application.requested_amount or ZERO)},
                    code="amount",
                )
            _expect_within_cap(application=application, amount=amount, approving=False)
            application.recommended_amount = amount
        elif recommendation == Application.Recommendation.REJECT:
            application.recommended_amount = None
        else:
            raise WorkflowError(_("Bitte wählen Sie eine Empfehlung."), code="recommendation")
        application.recommendation = recommendation
        application.recommendation_reason = reason
        application.recommended_by = clerk
        application.recommend()
        _moved(
            application,
            "recommendation",
            "recommended_amount",
            "recommendation_reason",
            "recommended_by",
            action="grants.application.recommended",
            actor=clerk,
            from_state=S.IN_REVIEW,
            comment=f"{application.get_recommendation_display()}: {reason}",
        )
        staff_notify(
            recipients=role_members(Role.APPROVER), event="decision_waiting", application=application, actor=clerk
        )
    return application


def _expect_within_cap(*, application: Application, amount: Decimal, approving: bool) -> None:
    """Refuse an amount beyond the municipality's remaining cap: a hard limit, no override lets it pass."""
    remaining = municipality_remaining_cap(
        programme_year=application.programme_year, municipality=application.municipality
    )
    if amount > remaining:
        if approving:
            message = _(
                "Der Höchstbetrag der Kommune würde überschritten: frei sind noch %(remaining)s, "
                "bewilligt werden sollen %(amount)s."
            )
        else:
            message = _(
                "Der Höchstbetrag der Kommune würde überschritten: frei sind noch %(remaining)s, "
                "empfohlen werden sollen %(amount)s."
            )
        raise WorkflowError(
            message % {"remaining": format_eur(max(remaining, ZERO)), "amount": format_eur(amount)}, code="cap"
        )


def _expect_within_budget(*, application: Application, amount: Decimal) -> None:
    """Refuse an amount beyond the programme's available budget (checked at approval only: the
    budget may still grow while a recommendation waits)."""
    available = programme_available(programme_year=application.programme_year)
    if amount > available:
        raise WorkflowError(
            _("Das Programmbudget reicht nicht: verfügbar sind noch %(available)s, bewilligt werden sollen %(amount)s.")
            % {"available": format_eur(max(available, ZERO)), "amount": format_eur(amount)},
            code="budget",
        )


def _approved_amount(*, application: Application, amount: Decimal | None, reason: str) -> Decimal:
    """The amount the approver decides: the recommended one, or less with a reason; never more."""
    recommended = money(application.recommended_amount)
    if amount is None:
        return recommended
    amount = money(amount)
    if amount <= ZERO:
        raise WorkflowError(_("Der bewilligte Betrag muss größer als 0 € sein."), code="amount")
    ceiling = min(recommended, money(application.requested_amount or recommended))
    if amount > ceiling:
        raise WorkflowError(
            _(
                "Der bewilligte Betrag darf den empfohlenen Betrag von %(recommended)s "
                "und den beantragten Betrag nicht übersteigen."
            )
            % {"recommended": format_eur(recommended)},
            code="amount",
        )
    if amount < recommended and not reason:
        raise WorkflowError(
            _("Bitte begründen Sie, warum Sie weniger als den empfohlenen Betrag von %(amount)s bewilligen.")
            % {"amount": format_eur(recommended)},
            code="note",
        )
    return amount


@german_records
def application_approve(
    *, approver: AbstractUser, application_id: int, reason: str = "", amount: Decimal | None = None
) -> Application:
    """Approve ``amount`` (default: the recommended one) and commit the money in one transaction.

    The approver may approve less than recommended, with a reason; the cap and the budget are
    hard limits. The programme year row is locked first: every approval of the year queues
    behind it, so the cap and budget checks see every commitment booked before them, and two
    approvals racing for the last euros cannot both succeed.
    """
    with transaction.atomic():
        year_id = Application.objects.filter(pk=application_id).values_list("programme_year_id", flat=True).first()
        if year_id is None:
            raise WorkflowError(_("Der Antrag wurde nicht gefunden."), code="not_found")
        ProgrammeYear.objects.select_for_update().get(pk=year_id)
        application = lock_application(application_id)
        application_can_decide(user=approver, application=application).require()
        if application.recommendation != Application.Recommendation.APPROVE:
            raise WorkflowError(
                _("Empfohlen ist die Ablehnung. Bitte lehnen Sie ab oder geben Sie den Antrag zurück."),
                code="recommendation",
            )
        reason = clean_reason(reason, what=_("eine Begründung"), required=False)
        amount = _approved_amount(application=application, amount=amount, reason=reason)
        _expect_within_cap(application=application, amount=amount, approving=True)
        _expect_within_budget(application=application, amount=amount)
        ledger_book(
            application=application,
            kind=LedgerEntry.Kind.COMMITMENT,
            amount=amount,
            booked_by=approver,
            note=application.file_number or "",
        )
        recommended = money(application.recommended_amount)
        application.approved_amount = amount
        application.decided_by = approver
        application.decision_reason = reason
        application.approve()
        if amount < recommended:
            comment = _("Bewilligt: %(amount)s statt empfohlener %(recommended)s") % {
                "amount": format_eur(amount),
                "recommended": format_eur(recommended),
            }
        else:
            comment = _("Bewilligt: %(amount)s") % {"amount": format_eur(amount)}
        _moved(
            application,
            "approved_amount",
            "decided_by",
            "decision_reason",
            "decided_at",
            action="grants.application.approved",
            actor=approver,
            from_state=S.RECOMMENDED,
            comment=comment + (f" – {reason}" if reason else ""),
        )
        # The proof of use exists from the moment of approval, with its due date.
        proof_of_use_open_locked(application=application)
        notice_issue(application=application, kind=Notice.Kind.APPROVAL, user=approver)
        notify_applicant(application=application, event="approved")
    return application


@german_records
def application_reject(*, approver: AbstractUser, application_id: int, reason: str) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_decide(user=approver, application=application).require()
        reason = clean_reason(reason, what=_("eine Begründung der Ablehnung"))
        application.decided_by = approver
        application.decision_reason = reason
        application.reject()
        _moved(
            application,
            "decided_by",
            "decision_reason",
            "decided_at",
            action="grants.application.rejected",
            actor=approver,
            from_state=S.RECOMMENDED,
            comment=reason,
        )
        notice_issue(application=application, kind=Notice.Kind.REJECTION, user=approver)
        notify_applicant(application=application, event="rejected")
    return application


@german_records
def application_send_back(*, approver: AbstractUser, application_id: int, reason: str) -> Application:
    """Return a recommendation to the clerks for another look."""
    with transaction.atomic():
        application = lock_application(application_id)
        application_can_decide(user=approver, application=application).require()
        reason = clean_reason(reason, what=_("eine Begründung"))
        application.send_back()
        _moved(
            application, action="grants.application.sent_back", actor=approver, from_state=S.RECOMMENDED, comment=reason
        )
        task = open_task_for(application=application)
        staff_notify(
            recipients=holder_or_role(task.owner if task is not None else None, Role.CLERK),
            event="review_returned",
            application=application,
            context={"message": reason},
            actor=approver,
        )
    return application


# --- the office's tasks (claiming from the group queue) -----------------------------------


def task_claim(*, user: AbstractUser, task_id: int, application_id: int | None = None) -> Task:
    """Take an open task from the group queue (viewflow: assign).

    The compare-and-swap ``update()`` only touches a row that is still new and has no
    owner; whoever comes second changes nothing and is told who was faster.
    """
    task = office_task_get(task_id=task_id, application_id=application_id)
    application = Application.objects.get(office_processes__pk=task.process_id)
    permission = application_can_claim(user=user, application=application, task=task)
    # A task that is no longer free is for the compare-and-swap below to explain (who was faster).
    if permission.code != "claimed":
        permission.require()
    claimed = Task.objects.filter(pk=task.pk, status=STATUS.NEW, owner__isnull=True).update(
        owner=user, status=STATUS.ASSIGNED, assigned=timezone.now()
    )
    task = office_task_get(task_id=task_id, application_id=application_id)
    if claimed == 1 or (task.status == STATUS.ASSIGNED and task.owner_id == user.pk):
        return task
    if task.status in OPEN and task.owner_id is not None:
        raise WorkflowError(
            _("Diese Aufgabe hat bereits %(name)s übernommen.") % {"name": user_label(task.owner)}, code="claimed"
        )
    raise WorkflowError(_("Diese Aufgabe ist bereits erledigt. Bitte laden Sie die Seite neu."), code="closed")


def application_claim(*, user: AbstractUser, application_id: int) -> Task:
    """Claim whatever office task the application has open (for scripts: the demo, imports, tests)."""
    task = open_task_for(application=Application(pk=application_id))
    if task is None:
        raise WorkflowError(
            _("Zu diesem Antrag gibt es keine offene Aufgabe. Bitte laden Sie die Seite neu."), code="no_task"
        )
    return task_claim(user=user, task_id=task.pk, application_id=application_id)


def task_release(*, user: AbstractUser, task_id: int, application_id: int | None = None) -> Task:
    """Put a claimed task back into the group queue (viewflow: unassign); only its owner may."""
    task = office_task_get(task_id=task_id, application_id=application_id)
    released = Task.objects.filter(pk=task.pk, status=STATUS.ASSIGNED, owner=user).update(
        owner=None, status=STATUS.NEW, assigned=None
    )
    if released != 1:
        raise WorkflowError(_("Sie können nur eine Aufgabe zurückgeben, die Sie übernommen haben."), code="not_owner")
    return office_task_get(task_id=task_id, application_id=application_id)
