"""Issuing notices: inside the decision's transaction, numbered, frozen, rendered after
commit, never changed; a correction is a new notice."""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from pypdf import PdfReader

from grants.models import LegalTextBlock, NumberSequence
from reports.models import Notice, NoticeImmutable
from reports.selectors import add_months, municipality_letter_name
from reports.services import notice_render
from tests import factories
from workflows.applications import services
from workflows.common.errors import WorkflowError
from workflows.common.notices import notice_correct, notice_issue
from workflows.models import AuditRecord

HOSTILE_TITLE = "<font size=40>&<para>"


@pytest.fixture
def legal_texts(programme_year):
    for kind, title, text, printed in [
        (LegalTextBlock.Kind.LEGAL_BASIS, "Rechtsgrundlage", "§§ 23, 44 BHO.", True),
        (LegalTextBlock.Kind.REMEDY, "Rechtsbehelfsbelehrung", "Widerspruch binnen eines Monats.", True),
        (LegalTextBlock.Kind.DATA_PROTECTION, "Datenschutzhinweis", "Nur intern, nicht drucken.", False),
    ]:
        LegalTextBlock.objects.create(programme_year=programme_year, kind=kind, title=title, text=text, printed=printed)


@pytest.fixture
def recommended(applicant, gardelegen, programme_year, active_members, clerk, legal_texts):
    return factories.recommended(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        amount=Decimal("2500.00"),
    )


def pdf_text(notice: Notice) -> str:
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def approve(application, approver, capture) -> Notice:
    with capture(execute=True):
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk)
    return Notice.objects.get(application=application, kind=Notice.Kind.APPROVAL)


@pytest.fixture
def approved_notice(recommended, approver, django_capture_on_commit_callbacks):
    return approve(recommended, approver, django_capture_on_commit_callbacks)


# --- issuing with the decision ------------------------------------------------------------------


def test_approval_issues_a_numbered_notice_with_amount_and_municipality(approved_notice, approver):
    notice = approved_notice
    assert notice.number.startswith(f"ZD-{datetime.date.today().year}-")
    assert notice.issued_by == approver
    assert notice.is_rendered
    text = pdf_text(notice)
    assert notice.number in text
    assert "2.500,00 €" in text
    assert "Hansestadt Gardelegen" in text
    assert "Festbetragsfinanzierung" in text


def test_the_snapshot_freezes_what_is_printed(approved_notice, recommended, programme_year):
    snapshot = approved_notice.snapshot
    assert snapshot["application"]["approved_amount"] == "2500.00"
    assert snapshot["file_number"] == recommended.file_number
    assert snapshot["financing"]["financing_type"] == "Festbetragsfinanzierung"
    assert snapshot["proof_of_use_deadline"] == "2027-03-20"  # 20.12.2026 + 3 months
    assert snapshot["cost_lines"][0]["amount"] == "2550.00"
    # Only blocks marked "printed" are copied; the approval prints all it has.
    assert [block["kind"] for block in snapshot["legal_texts"]] == ["legal_basis", "remedy"]
    text = pdf_text(approved_notice)
    assert "Widerspruch binnen eines Monats." in text
    assert "Nur intern, nicht drucken." not in text


def test_rejection_issues_a_notice_with_the_reason(
    applicant,
    gardelegen,
    programme_year,
    active_members,
    clerk,
    approver,
    legal_texts,
    django_capture_on_commit_callbacks,
):
    application = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    factories.take(clerk, application.pk)
    services.application_recommend(
        clerk=clerk, application_id=application.pk, recommendation="reject", reason="Nicht förderfähig."
    )
    with django_capture_on_commit_callbacks(execute=True):
        factories.take(approver, application.pk)
        services.application_reject(
            approver=approver, application_id=application.pk, reason="Das Vorhaben liegt außerhalb des Programms."
        )
    notice = Notice.objects.get(application=application)
    assert notice.kind == Notice.Kind.REJECTION
    text = pdf_text(notice)
    assert notice.number in text
    assert "abgelehnt" in text
    assert "Das Vorhaben liegt außerhalb des Programms." in text


def test_a_rolled_back_approval_leaves_no_notice_and_no_used_number(
    recommended, approver, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        factories.take(approver, recommended.pk)
        services.application_approve(approver=approver, application_id=recommended.pk)
        raise RuntimeError("Abbruch nach der Bewilligung")
    assert callbacks == []
    assert not Notice.objects.exists()
    assert not NumberSequence.objects.filter(key__startswith="ZD-").exists()


def test_numbers_count_up_without_gaps(
    applicant,
    gardelegen,
    programme_year,
    active_members,
    clerk,
    approver,
    legal_texts,
    django_capture_on_commit_callbacks,
):
    numbers = []
    for amount in ("1000.00", "1500.00"):
        application = factories.recommended(
            applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, amount=amount
        )
        numbers.append(approve(application, approver, django_capture_on_commit_callbacks).number)
    first, second = (int(number.rsplit("-", 1)[1]) for number in numbers)
    assert second == first + 1


def test_markup_in_the_title_is_printed_literally(
    applicant, gardelegen, programme_year, active_members, clerk, approver, django_capture_on_commit_callbacks
):
    application = factories.recommended(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        amount=Decimal("2500.00"),
        title=HOSTILE_TITLE,
    )
    notice = approve(application, approver, django_capture_on_commit_callbacks)
    assert HOSTILE_TITLE in pdf_text(notice)


def test_notice_issue_refuses_to_run_outside_a_transaction():
    # No database here: outside any atomic block the call stops before its first query.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        notice_issue(application=None, kind=Notice.Kind.APPROVAL, user=None)


def test_a_notice_needs_a_fitting_application(recommended, approver):
    with pytest.raises(WorkflowError) as error:
        notice_issue(application=recommended, kind=Notice.Kind.APPROVAL, user=approver)
    assert error.value.code == "not_approved"


# --- the file and its hash ----------------------------------------------------------------------


def test_the_stored_file_matches_its_sha256(approved_notice):
    with approved_notice.pdf.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == approved_notice.sha256
    assert approved_notice.pdf.name == f"notices/{approved_notice.issued_at.year}/{approved_notice.number}.pdf"


def test_rendering_twice_changes_nothing(approved_notice, media):
    again = notice_render(notice_id=approved_notice.pk)
    assert (again.pdf.name, again.sha256) == (approved_notice.pdf.name, approved_notice.sha256)
    assert len(list((media / "notices").rglob("*.pdf"))) == 1


def test_missing_pdfs_are_rendered_by_the_command(recommended, approver):
    # Without executing the on-commit callbacks the task never ran: no PDF yet.
    factories.take(approver, recommended.pk)
    services.application_approve(approver=approver, application_id=recommended.pk)
    notice = Notice.objects.get(application=recommended)
    assert not notice.is_rendered
    call_command("notices_render_missing", verbosity=0)
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.is_rendered and len(notice.sha256) == 64


# --- immutability -------------------------------------------------------------------------------


def test_an_issued_notice_cannot_be_changed_or_deleted(approved_notice):
    notice = approved_notice
    notice.snapshot["application"]["approved_amount"] = "5000.00"
    with pytest.raises(NoticeImmutable):
        notice.save()
    with pytest.raises(NoticeImmutable):
        notice.delete()
    with pytest.raises(NoticeImmutable):
        Notice.objects.filter(pk=notice.pk).update(snapshot={})
    with pytest.raises(NoticeImmutable):
        Notice.objects.filter(pk=notice.pk).delete()
    fresh = Notice.objects.get(pk=notice.pk)
    assert fresh.snapshot["application"]["approved_amount"] == "2500.00"


def test_notices_protect_their_application_and_issuer():
    assert Notice._meta.get_field("application").remote_field.on_delete is models.PROTECT
    assert Notice._meta.get_field("issued_by").remote_field.on_delete is models.PROTECT


def test_the_database_refuses_a_file_without_a_full_hash(recommended, approver):
    factories.take(approver, recommended.pk)
    services.application_approve(approver=approver, application_id=recommended.pk)
    notice = Notice.objects.get(application=recommended)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(pdf="notices/x.pdf", sha256="abc", rendered_at=timezone.now())


def test_admin_shows_notices_read_only(client_for, admin_user, approved_notice):
    client = client_for(admin_user)
    assert client.get(f"/admin/reports/notice/{approved_notice.pk}/change/").status_code == 200
    assert client.get("/admin/reports/notice/add/").status_code == 403
    assert client.post(f"/admin/reports/notice/{approved_notice.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notice.objects.filter(pk=approved_notice.pk).exists()


# --- corrections --------------------------------------------------------------------------------


def test_a_correction_is_a_new_notice_that_supersedes_the_old(
    approved_notice, approver, django_capture_on_commit_callbacks
):
    old = approved_notice
    with django_capture_on_commit_callbacks(execute=True):
        new = notice_correct(notice_id=old.pk, user=approver, reason="Zeitraum falsch übertragen.")
    new = Notice.objects.get(pk=new.pk)
    assert new.supersedes == old
    assert new.number != old.number
    assert new.kind == old.kind
    unchanged = Notice.objects.get(pk=old.pk)
    assert (unchanged.sha256, unchanged.snapshot) == (old.sha256, old.snapshot)
    assert unchanged.superseded_by == new
    text = pdf_text(new)
    assert f"ersetzt den Bescheid {old.number}" in text
    assert "Zeitraum falsch übertragen." in text
    record = AuditRecord.objects.get(action="reports.notice.corrected")
    assert old.number in record.comment and new.number in record.comment


def test_a_notice_is_corrected_once(approved_notice, approver):
    notice_correct(notice_id=approved_notice.pk, user=approver, reason="Erste Berichtigung.")
    with pytest.raises(WorkflowError) as error:
        notice_correct(notice_id=approved_notice.pk, user=approver, reason="Zweite Berichtigung.")
    assert error.value.code == "already_corrected"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_a_reason(approved_notice, approver, reason):
    with pytest.raises(WorkflowError):
        notice_correct(notice_id=approved_notice.pk, user=approver, reason=reason)


def test_clerks_and_applicants_cannot_correct(approved_notice, clerk, applicant):
    for user in (clerk, applicant):
        with pytest.raises(WorkflowError) as error:
            notice_correct(notice_id=approved_notice.pk, user=user, reason="Versuch.")
        assert error.value.code == "forbidden"


# --- notices without a transition of their own --------------------------------------------------


def test_payout_advice_and_refund_claim_take_their_extra_values(
    approved_notice, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        advice = notice_issue(
            application=approved_notice.application,
            kind=Notice.Kind.PAYOUT_ADVICE,
            user=clerk,
            extra={
                "payout_number": "MA-2026-00001",
                "amount": Decimal("1200"),
                "value_date": datetime.date(2026, 12, 1),
            },
        )
        claim = notice_issue(
            application=approved_notice.application,
            kind=Notice.Kind.REFUND_CLAIM,
            user=clerk,
            extra={
                "amount": Decimal("300.00"),
                "reason": "Ausgaben niedriger als bewilligt.",
                "due_date": datetime.date(2027, 2, 1),
                "interest_from": datetime.date(2027, 1, 1),
            },
        )
    assert advice.snapshot["extra"]["amount"] == "1200.00"
    assert "1.200,00 €" in pdf_text(Notice.objects.get(pk=advice.pk))
    claim_text = pdf_text(Notice.objects.get(pk=claim.pk))
    assert "300,00 €" in claim_text and "01.02.2027" in claim_text and "Basiszinssatz" in claim_text


def test_missing_or_unknown_extra_values_are_programming_errors(approved_notice, clerk):
    with pytest.raises(ValueError, match="payout_number"):
        notice_issue(
            application=approved_notice.application, kind=Notice.Kind.PAYOUT_ADVICE, user=clerk, extra={"amount": "1"}
        )
    with pytest.raises(ValueError, match="takes no extra value"):
        notice_issue(
            application=approved_notice.application, kind=Notice.Kind.APPROVAL, user=clerk, extra={"amount": "1"}
        )


# --- small helpers of the snapshot --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 20), 3, datetime.date(2027, 3, 20)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
    ],
)
def test_proof_of_use_deadline_adds_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Gardelegen, Hansestadt", "63", "Hansestadt Gardelegen"),
        ("Bindlach", "64", "Gemeinde Bindlach"),
        ("Bayreuth", "61", "Stadt Bayreuth"),
        ("Gutsbezirk Reinhardswald", "65", "Gutsbezirk Reinhardswald"),
    ],
)
def test_letter_name_of_a_municipality(name, kind, expected):
    assert municipality_letter_name(name=name, kind=kind) == expected
