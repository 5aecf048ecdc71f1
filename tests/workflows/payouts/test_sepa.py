"""SEPA batches: a valid pain.001.001.09 with the right figures, each payout in one batch,
booked as paid exactly once, and ledger sums that equal the figures."""

from __future__ import annotations

import datetime
import hashlib
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import xmlschema
from django.db import IntegrityError, transaction
from django.utils import timezone

from budgets.errors import SepaError
from budgets.ledger import ledger_book
from budgets.models import LedgerEntry, Payout, SepaBatch, SepaBatchLine
from budgets.selectors import (
    application_paid_total,
    application_payout_remaining,
    application_requested_open_total,
    payouts_ready_for_batch,
    programme_committed,
    programme_paid,
    programme_payouts_in_transit,
    programme_refunded,
    programme_released,
)
from budgets.sepa import NAMESPACE, XSD_PATH, pain001_summary, sepa_text, validate_pain001
from grants.models import Application
from tests.builders import approved_application, invoice, open_payout_window, released, request
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord
from workflows.payouts import sepa

P = Payout.Status
NS = {"p": NAMESPACE}
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_IBAN = "DE89 3704 0044 0532 0130 00"
    settings.SEPA_DEBTOR_BIC = ""  # taken from the bank registry
    settings.SEPA_DEBTOR_STREET = "Friedrichstraße"
    settings.SEPA_DEBTOR_BUILDING_NUMBER = "100"
    settings.SEPA_DEBTOR_POSTCODE = "10117"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


@pytest.fixture
def gardelegen_app(applicant, gardelegen, programme_year, active_members, clerk, approver) -> Application:
    open_payout_window(programme_year)
    return approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )


@pytest.fixture
def bindlach_app(foreign_applicant, bindlach, programme_year, active_members, clerk, approver) -> Application:
    open_payout_window(programme_year)
    return approved_application(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        approver=approver,
        account_holder="Gemeinde Bindlach – Kämmerei",
    )


@pytest.fixture
def two_released(gardelegen_app, bindlach_app, applicant, foreign_applicant, clerk, approver) -> list[Payout]:
    """1,000.00 EUR of Gardelegen's 2,550.00 and all 2,550.00 of Bindlach's."""
    return [
        released(gardelegen_app, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00"),
        released(bindlach_app, applicant=foreign_applicant, clerk=clerk, approver=approver, amount="2550.00"),
    ]


def text(element, path: str) -> str:
    return element.findtext(path, namespaces=NS)


# --- the file ------------------------------------------------------------------------------


def test_batch_is_a_valid_pain_001_001_09_whose_figures_equal_the_payouts(
    two_released, gardelegen_app, applicant, clerk, approver
):
    waiting = request(gardelegen_app, applicant, invoice("100.00", number="R-open"))  # not released: stays out
    tomorrow = TODAY() + datetime.timedelta(days=1)

    batch = sepa.sepa_batch_create(approver=approver, execution_date=tomorrow)

    batch.refresh_from_db()
    assert batch.number == f"SEPA-{TODAY().year}-00001"
    assert batch.status == SepaBatch.Status.CREATED
    assert batch.schema == "pain.001.001.09"
    assert batch.sha256 == hashlib.sha256(batch.xml_bytes).hexdigest()
    # Valid against the official XSD shipped in budgets/xsd (checked here independently of the service).
    schema = xmlschema.XMLSchema(str(XSD_PATH))
    assert schema.is_valid(batch.xml)
    validate_pain001(batch.xml_bytes)

    expected = [p.checked_amount for p in two_released]
    assert sum(expected) == Decimal("3550.00")
    summary = pain001_summary(batch.xml_bytes)
    assert summary.message_id == batch.number == batch.message_id
    assert summary.transaction_count == batch.transaction_count == 2
    assert summary.control_sum == batch.control_sum == Decimal("3550.00")
    assert list(summary.amounts) == expected
    assert list(summary.end_to_end_ids) == [p.number for p in two_released]

    root = ET.fromstring(batch.xml_bytes)
    [block] = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert (text(block, "p:NbOfTxs"), text(block, "p:CtrlSum")) == ("2", "3550.00")
    assert text(block, "p:ReqdExctnDt/p:Dt") == tomorrow.isoformat()
    assert text(block, "p:Dbtr/p:Nm") == "Geschaeftsstelle Zukunftsraum Demografie"
    assert text(block, "p:DbtrAcct/p:Id/p:IBAN") == "DE89370400440532013000"
    assert text(block, "p:DbtrAgt/p:FinInstnId/p:BICFI") == batch.debtor_bic != ""
    debtor_address = block.find("p:Dbtr/p:PstlAdr", NS)
    assert [(child.tag.split("}")[1], child.text) for child in debtor_address] == [
        ("StrtNm", "Friedrichstrasse"),
        ("BldgNb", "100"),
        ("PstCd", "10117"),
        ("TwnNm", "Berlin"),
        ("Ctry", "DE"),
    ]
    first, second = block.findall("p:CdtTrfTxInf", NS)
    assert text(first, "p:Cdtr/p:Nm") == "Hansestadt Gardelegen"
    assert text(second, "p:Cdtr/p:Nm") == "Gemeinde Bindlach Kaemmerei"
    assert [(child.tag.split("}")[1], child.text) for child in first.find("p:Cdtr/p:PstlAdr", NS)] == [
        ("StrtNm", "Rudolf-Breitscheid-Strasse"),
        ("BldgNb", "3"),
        ("PstCd", "39638"),
        ("TwnNm", "Gardelegen"),
        ("Ctry", "DE"),
    ]
    assert text(first, "p:CdtrAcct/p:Id/p:IBAN") == "DE02120300000000202051"
    assert text(first, "p:CdtrAgt/p:FinInstnId/p:BICFI") == "BYLADEM1001"
    assert text(first, "p:RmtInf/p:Ustrd") == (
        f"Zuwendung Mikrofoerderung {gardelegen_app.file_number}, Mittelabruf {two_released[0].number}"
    )
    # Structured addresses only: no unstructured address lines anywhere.
    assert root.findall(".//p:AdrLine", NS) == []

    lines = list(batch.lines.order_by("pk"))
    assert [(line.payout_id, line.amount, line.end_to_end_id) for line in lines] == [
        (p.pk, p.checked_amount, p.number) for p in two_released
    ]
    assert list(payouts_ready_for_batch()) == []
    waiting.refresh_from_db()
    assert waiting.status == P.REQUESTED
    assert AuditRecord.objects.filter(action="budgets.payout.batched").count() == 2


def test_the_validator_refuses_a_file_that_breaks_the_schema(two_released, approver):
    batch = sepa.sepa_batch_create(approver=approver)
    broken = batch.xml_bytes.replace(b"<CtrlSum>3550.00</CtrlSum>", b"<CtrlSum>3.550,00</CtrlSum>", 1)
    with pytest.raises(SepaError) as caught:
        validate_pain001(broken)
    assert caught.value.code == "sepa_invalid"
    too_long = batch.xml_bytes.replace(b"<TwnNm>Berlin</TwnNm>", b"<TwnNm>" + b"B" * 36 + b"</TwnNm>", 1)
    with pytest.raises(SepaError):
        validate_pain001(too_long)


def test_the_shipped_xsd_is_pain_001_001_09():
    root = ET.parse(XSD_PATH).getroot()
    assert root.get("targetNamespace") == "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"


def test_sepa_text_keeps_to_the_sepa_character_set():
    assert sepa_text("Müller & Söhne – Großstraße", 70) == "Mueller + Soehne Grossstrasse"
    assert sepa_text("Café Ørsted <b>", 70) == "Cafe rsted b"
    assert sepa_text("x" * 80, 70) == "x" * 70


# --- one batch per payout ------------------------------------------------------------------


def test_a_payout_is_in_one_batch_only(gardelegen_app, applicant, clerk, approver):
    first = released(gardelegen_app, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    batch_one = sepa.sepa_batch_create(approver=approver)

    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_create(approver=approver)
    assert caught.value.code == "nothing_to_batch"

    second = released(gardelegen_app, applicant=applicant, clerk=clerk, approver=approver, amount="500", number="R-2")
    batch_two = sepa.sepa_batch_create(approver=approver)
    assert list(batch_one.lines.values_list("payout_id", flat=True)) == [first.pk]
    assert list(batch_two.lines.values_list("payout_id", flat=True)) == [second.pk]
    assert batch_two.number.endswith("-00002")

    # The database refuses a payout in a second batch, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        SepaBatchLine.objects.create(
            batch=batch_two,
            payout=first,
            end_to_end_id=first.number,
            amount=first.checked_amount,
            creditor_name="x",
            iban=first.iban,
            remittance="x",
        )


def test_batch_needs_the_debtor_settings(settings, two_released, approver):
    settings.SEPA_DEBTOR_IBAN = ""
    del settings.SEPA_DEBTOR_TOWN
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_create(approver=approver)
    assert caught.value.code == "sepa_config"
    assert "SEPA_DEBTOR_IBAN" in caught.value.message and "SEPA_DEBTOR_TOWN" in caught.value.message

    settings.SEPA_DEBTOR_IBAN = "DE89370400440532013001"
    settings.SEPA_DEBTOR_TOWN = "Berlin"
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_create(approver=approver)
    assert caught.value.code == "sepa_config"
    assert "IBAN ist ungültig" in caught.value.message
    assert not SepaBatch.objects.exists()


def test_batch_refusals(two_released, approver, clerk):
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_create(approver=clerk)
    assert caught.value.code == "forbidden"
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_create(approver=approver, execution_date=TODAY() - datetime.timedelta(days=1))
    assert caught.value.code == "execution_date"
    assert not SepaBatch.objects.exists()


# --- export and booking ----------------------------------------------------------------------


def test_export_then_book_paid_exactly_once(two_released, gardelegen_app, bindlach_app, clerk, approver, controller):
    programme_year = gardelegen_app.programme_year
    batch = sepa.sepa_batch_create(approver=approver)

    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_book_paid(user=clerk, batch_id=batch.pk, value_date=TODAY())
    assert caught.value.code == "wrong_state"

    batch = sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    assert (batch.status, batch.exported_by) == (SepaBatch.Status.EXPORTED, approver)
    assert set(Payout.objects.values_list("status", flat=True)) == {P.EXPORTED}
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    assert caught.value.code == "wrong_state"
    assert programme_payouts_in_transit(programme_year=programme_year) == Decimal("3550.00")

    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_book_paid(user=controller, batch_id=batch.pk, value_date=TODAY())
    assert caught.value.code == "forbidden"
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_book_paid(user=clerk, batch_id=batch.pk, value_date=TODAY() + datetime.timedelta(days=1))
    assert caught.value.code == "value_date"

    batch = sepa.sepa_batch_book_paid(user=clerk, batch_id=batch.pk, value_date=TODAY())

    batch.refresh_from_db()
    assert (batch.status, batch.value_date, batch.booked_by) == (SepaBatch.Status.BOOKED, TODAY(), clerk)
    entries = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).order_by("pk")
    assert [(e.payout_id, e.application_id, e.amount) for e in entries] == [
        (p.pk, p.application_id, p.checked_amount) for p in two_released
    ]
    assert all(e.booked_by == clerk and batch.number in e.note for e in entries)
    for payout in two_released:
        payout.refresh_from_db()
        assert (payout.status, payout.value_date) == (P.PAID, TODAY())
        assert payout.paid_at is not None

    # Gardelegen got 1,000 of 2,550 and stays approved; Bindlach got everything and is paid.
    gardelegen_app.refresh_from_db()
    bindlach_app.refresh_from_db()
    assert gardelegen_app.status == Application.Status.APPROVED
    assert bindlach_app.status == Application.Status.PAID
    paid_record = AuditRecord.objects.get(action="grants.application.paid")
    assert (paid_record.application, paid_record.from_state, paid_record.to_state) == (bindlach_app, "approved", "paid")
    assert AuditRecord.objects.filter(action="budgets.payout.paid").count() == 2

    # A replay has no second effect.
    with pytest.raises(WorkflowError) as caught:
        sepa.sepa_batch_book_paid(user=clerk, batch_id=batch.pk, value_date=TODAY())
    assert caught.value.code == "already_booked"
    assert "bereits" in caught.value.message
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 2
    # And the ledger itself refuses a second payout entry for the same payout.
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            programme_year=programme_year,
            municipality=gardelegen_app.municipality,
            application=gardelegen_app,
            payout=two_released[0],
            kind=LedgerEntry.Kind.PAYOUT,
            amount=Decimal("1.00"),
        )

    # The ledger sums are the figures of the file and of the payouts.
    assert programme_paid(programme_year=programme_year) == batch.control_sum == Decimal("3550.00")
    assert application_paid_total(application=gardelegen_app) == Decimal("1000.00")
    assert application_paid_total(application=bindlach_app) == Decimal("2550.00")
    assert application_requested_open_total(application=gardelegen_app) == Decimal("0.00")
    assert application_payout_remaining(application=gardelegen_app) == Decimal("1550.00")
    assert application_payout_remaining(application=bindlach_app) == Decimal("0.00")
    assert programme_payouts_in_transit(programme_year=programme_year) == Decimal("0.00")
    # Paying out draws on the commitment; it does not change it.
    assert programme_committed(programme_year=programme_year) == Decimal("5100.00")


def test_application_is_paid_when_the_last_payout_is_booked(gardelegen_app, applicant, clerk, approver):
    def pay(amount: str, number: str) -> None:
        released(gardelegen_app, applicant=applicant, clerk=clerk, approver=approver, amount=amount, number=number)
        batch = sepa.sepa_batch_create(approver=approver)
        sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
        sepa.sepa_batch_book_paid(user=approver, batch_id=batch.pk, value_date=TODAY())

    pay("1000.00", "R-1")
    gardelegen_app.refresh_from_db()
    assert gardelegen_app.status == Application.Status.APPROVED
    pay("1550.00", "R-2")
    gardelegen_app.refresh_from_db()
    assert gardelegen_app.status == Application.Status.PAID
    assert application_paid_total(application=gardelegen_app) == gardelegen_app.approved_amount

    with pytest.raises(WorkflowError) as caught:
        request(gardelegen_app, applicant, invoice("1.00", number="R-3"))
    assert caught.value.code == "application_state"


def test_programme_figures_by_ledger_kind(gardelegen_app, programme_year):
    def book(kind: str, amount: str) -> None:
        ledger_book(
            application=gardelegen_app,
            kind=kind,
            amount=Decimal(amount),
        )

    book("release", "300.00")
    book("refund", "120.50")
    book("refund", "0.50")
    assert programme_released(programme_year=programme_year) == Decimal("300.00")
    assert programme_refunded(programme_year=programme_year) == Decimal("121.00")
    assert programme_paid(programme_year=programme_year) == Decimal("0.00")
    assert programme_committed(programme_year=programme_year) == Decimal("2129.00")
