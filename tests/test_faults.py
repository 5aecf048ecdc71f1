"""A crash in the middle of a decision leaves nothing behind.

A fault is injected at each step of the approval (after the ledger entry, after the
transition, in the audit trail, the task queue, the proof of use, the notice, the
e-mail) and of the payout steps (release, booking a SEPA batch as paid). Afterwards
the database must be exactly as before — no ledger entry, no transition, no audit
record, no notice, no task — and no e-mail may have left.

These tests commit for real (``transaction=True``): the service's transaction is the
outermost one, as in production, and a rollback is a real rollback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budgets.models import LedgerEntry, Payout, SepaBatch
from grants.models import Application
from tests import factories
from tests.builders import invoice, open_payout_window, released
from tests.builders import request as payout_request
from workflows.applications import flows, services
from workflows.applications.flows import ApplicationFlow
from workflows.models import AuditRecord
from workflows.payouts import sepa
from workflows.payouts import services as payouts

# serialized_rollback keeps the groups and cost types seeded by migrations.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.usefixtures("sepa_debtor")]

S = Application.Status
P = Payout.Status


class InjectedFault(RuntimeError):
    pass


def snapshot() -> dict:
    """Every row of every table Django knows, sessions and login bookkeeping aside."""
    skipped = {"sessions", "axes", "admin", "contenttypes"}
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label not in skipped and model._meta.managed
    }


def files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def changed(before: dict, after: dict) -> list[str]:
    return [label for label in sorted(before) if before[label] != after.get(label)]


class Fault:
    """Replace ``owner.name`` by a wrapper that calls the real one, then raises."""

    def __init__(self, monkeypatch, owner, name: str, *, before: bool = False, on_call: int = 1):
        self.calls = 0
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            self.calls += 1
            if self.calls == on_call and before:
                raise InjectedFault(f"{name} failed")
            result = real(*args, **kwargs)
            if self.calls == on_call:
                raise InjectedFault(f"crash after {name}")
            return result

        monkeypatch.setattr(owner, name, wrapper)


def assert_nothing_left(before: dict, before_files: set[str], media: Path, fault: Fault) -> None:
    assert fault.calls, "the fault was never reached: the test proves nothing"
    assert changed(before, snapshot()) == []
    assert files(media) == before_files
    assert mail.outbox == []


# --- approval -----------------------------------------------------------------------------------


@pytest.fixture
def recommended(applicant, gardelegen, programme_year, active_members, clerk, approver):
    open_payout_window(programme_year)
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    # The approver has taken the decision task, as on the decision page.
    factories.take(approver, application.pk)
    mail.outbox.clear()
    return application


def _ledger_manager():
    return LedgerEntry.objects


def _audit_manager():
    return AuditRecord.objects


# (label, owner of the attribute, attribute, options). Each step of application_approve.
APPROVAL_FAULTS = [
    ("after the ledger entry", _ledger_manager, "create", {}),
    ("after the transition is saved", lambda: Application, "save", {}),
    ("after the audit record", lambda: services, "audit_record", {}),
    ("in the audit trail", _audit_manager, "create", {"before": True}),
    ("after the tasks are synced", lambda: services, "sync_tasks_for", {}),
    ("after the proof of use is opened", lambda: services, "proof_of_use_open_locked", {}),
    ("when the e-mail is queued", lambda: services, "notify_applicant", {"before": True}),
    ("after the notice is issued", lambda: services, "notice_issue", {}),
]


@pytest.mark.parametrize(("where", "owner", "name", "options"), APPROVAL_FAULTS, ids=[f[0] for f in APPROVAL_FAULTS])
def test_a_crash_during_approval_leaves_nothing(where, owner, name, options, monkeypatch, recommended, approver, media):
    before, before_files = snapshot(), files(media)
    fault = Fault(monkeypatch, owner(), name, **options)

    with pytest.raises(InjectedFault):
        services.application_approve(approver=approver, application_id=recommended.pk, reason="Passt.")

    assert_nothing_left(before, before_files, media, fault)
    recommended.refresh_from_db()
    assert recommended.status == S.RECOMMENDED
    assert flows.open_task_for(application=recommended, node=ApplicationFlow.decision) is not None


def test_without_a_fault_the_approval_changes_what_the_faults_must_not(recommended, approver, media):
    """The control: the snapshot does see an approval (ledger, status, audit, mail)."""
    before = snapshot()
    services.application_approve(approver=approver, application_id=recommended.pk)
    touched = changed(before, snapshot())
    for label in ("budgets.LedgerEntry", "grants.Application", "workflows.AuditRecord", "grants.ProofOfUse"):
        assert label in touched
    assert len(mail.outbox) == 1


def test_a_crash_in_the_decision_page_is_a_500_and_leaves_nothing(monkeypatch, recommended, approver, media):
    """Through the web: the approver's click ends in an error page, not in half a decision."""
    task = flows.open_task_for(application=recommended, node=ApplicationFlow.decision)
    services.task_claim(user=approver, task_id=task.pk, application_id=recommended.pk)
    client = Client(raise_request_exception=False)
    client.force_login(approver)
    before, before_files = snapshot(), files(media)
    fault = Fault(monkeypatch, LedgerEntry.objects, "create")

    response = client.post(
        reverse("office_decision", kwargs={"pk": recommended.pk}), {"action": "approve", "approve-note": ""}
    )

    assert response.status_code == 500
    assert_nothing_left(before, before_files, media, fault)


# --- payouts ----------------------------------------------------------------------------------------


@pytest.fixture
def checked(approved, applicant, clerk):
    payout = payout_request(approved, applicant, invoice("1000.00"))
    payout = payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    mail.outbox.clear()
    return payout


RELEASE_FAULTS = [
    ("after the payout is saved", lambda: Payout, "save", {}),
    ("in the audit trail", _audit_manager, "create", {"before": True}),
    ("after the audit record", _audit_manager, "create", {}),
]


@pytest.mark.parametrize(("where", "owner", "name", "options"), RELEASE_FAULTS, ids=[f[0] for f in RELEASE_FAULTS])
def test_a_crash_during_payout_release_leaves_nothing(
    where, owner, name, options, monkeypatch, checked, approver, media
):
    before, before_files = snapshot(), files(media)
    fault = Fault(monkeypatch, owner(), name, **options)

    with pytest.raises(InjectedFault):
        payouts.payout_release(approver=approver, payout_id=checked.pk)

    assert_nothing_left(before, before_files, media, fault)
    checked.refresh_from_db()
    assert (checked.status, checked.released_by_id) == (P.CHECKED, None)


@pytest.fixture
def exported_batch(approved, applicant, clerk, approver) -> SepaBatch:
    """Two released payouts (1,000 + 1,550 EUR: the whole grant) in an exported batch."""
    released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00", number="R-1")
    released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1550.00", number="R-2")
    batch = sepa.sepa_batch_create(approver=approver)
    batch = sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    mail.outbox.clear()
    return batch


BOOKING_FAULTS = [
    ("after the first ledger entry", _ledger_manager, "create", {}),
    ("at the second ledger entry", _ledger_manager, "create", {"before": True, "on_call": 2}),
    ("after the second payout is paid", lambda: Payout, "save", {"on_call": 2}),
    ("after the application is marked paid", lambda: Application, "save", {}),
    ("after the batch is booked", lambda: SepaBatch, "save", {}),
    ("after the second payout advice is issued", lambda: sepa, "notice_issue", {"on_call": 2}),
]


@pytest.mark.parametrize(("where", "owner", "name", "options"), BOOKING_FAULTS, ids=[f[0] for f in BOOKING_FAULTS])
def test_a_crash_while_booking_a_batch_leaves_nothing(
    where, owner, name, options, monkeypatch, exported_batch, approver, approved, media
):
    before, before_files = snapshot(), files(media)
    fault = Fault(monkeypatch, owner(), name, **options)

    with pytest.raises(InjectedFault):
        sepa.sepa_batch_book_paid(user=approver, batch_id=exported_batch.pk, value_date=timezone.localdate())

    assert_nothing_left(before, before_files, media, fault)
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {P.EXPORTED}

    # And the booking works once the fault is gone.
    monkeypatch.undo()
    sepa.sepa_batch_book_paid(user=approver, batch_id=exported_batch.pk, value_date=timezone.localdate())
    approved.refresh_from_db()
    assert approved.status == S.PAID
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 2
