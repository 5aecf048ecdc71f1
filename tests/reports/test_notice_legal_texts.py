"""Each notice kind prints its own legal texts of its programme year (issue 13, item 9):
a rejection or a refund claim never says that the grant "is awarded"."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from pypdf import PdfReader

from grants import legal_defaults
from grants.models import LegalTextBlock
from reports.notices import render_notice
from reports.selectors import notice_snapshot, office_sender
from workflows.management.commands.demo_setup import LEGAL_TEXTS

APPROVAL_BASIS = "Die Zuwendung wird auf Grundlage der §§ 23 und 44 BHO gewährt."
EXTRA = {
    "refund_claim": {"amount": "300.00", "reason": "Weniger ausgegeben.", "due_date": "2027-01-31"},
    "payout_advice": {"payout_number": "MA-2026-00007", "amount": "1200.00"},
}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Words joined by single spaces: a sentence may wrap anywhere.
    return " ".join("\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ").split())


@pytest.fixture
def year_texts(programme_year):
    LegalTextBlock.objects.create(
        programme_year=programme_year, kind="legal_basis", title="Rechtsgrundlage", text=APPROVAL_BASIS
    )
    for kind, (title, text) in legal_defaults.DEFAULTS.items():
        LegalTextBlock.objects.create(programme_year=programme_year, kind=kind, title=title, text=text)
    return programme_year


def text_of(application, kind: str) -> tuple[dict, str]:
    snapshot = notice_snapshot(application=application, kind=kind, extra=EXTRA.get(kind))
    snapshot.update(number="ZD-2026-00001", issued_on="2026-11-24")
    return snapshot, pdf_text(render_notice(snapshot))


def test_the_approval_prints_its_basis_and_the_reservation_of_revocation(approved, year_texts):
    snapshot, text = text_of(approved, "approval")
    assert [b["kind"] for b in snapshot["legal_texts"]] == [
        "legal_basis",
        "revocation",
        "remedy",
        "data_protection",
        "enclosures",
    ]
    assert "gewährt" in text
    assert "Vorbehalt des Widerrufs" in text and "§ 49a Abs. 3 VwVfG" in text


def test_the_rejection_prints_its_own_basis_not_the_approvals(approved, year_texts):
    snapshot, text = text_of(approved, "rejection")
    assert [b["kind"] for b in snapshot["legal_texts"]] == ["rejection_basis", "remedy", "data_protection"]
    assert APPROVAL_BASIS not in text
    assert "kein Rechtsanspruch" in text


def test_the_refund_claim_prints_the_basis_of_revocation_and_refund(approved, year_texts):
    snapshot, text = text_of(approved, "refund_claim")
    assert [b["kind"] for b in snapshot["legal_texts"]] == ["refund_basis", "remedy", "data_protection"]
    assert APPROVAL_BASIS not in text
    assert "§ 49 Abs. 3" in text and "§ 49a Abs. 1 VwVfG" in text


def test_the_remedy_names_the_authority_with_its_address(approved, year_texts, settings):
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_STREET, settings.SEPA_DEBTOR_BUILDING_NUMBER = "Musterstraße", "1"
    settings.SEPA_DEBTOR_POSTCODE, settings.SEPA_DEBTOR_TOWN = "10115", "Berlin"
    snapshot, _ = text_of(approved, "rejection")
    remedy = next(b["text"] for b in snapshot["legal_texts"] if b["kind"] == "remedy")
    assert legal_defaults.AUTHORITY_TOKEN not in remedy
    assert "Geschäftsstelle Zukunftsraum Demografie, Musterstraße 1, 10115 Berlin" in remedy
    assert office_sender()["name"] in remedy


def test_a_year_without_the_new_blocks_gets_them_from_the_migration(programme_year):
    LegalTextBlock.objects.create(programme_year=programme_year, kind="refund_basis", title="Eigene", text="Eigener")
    migration = importlib.import_module("grants.migrations.0012_legal_text_per_notice_kind")
    migration.add_missing_blocks(apps, None)
    kinds = dict(programme_year.legal_texts.values_list("kind", "text"))
    assert set(legal_defaults.DEFAULTS) <= set(kinds)
    assert kinds["refund_basis"] == "Eigener"  # what the office wrote is kept
    assert "kein Rechtsanspruch" in kinds["rejection_basis"]


def test_the_demo_has_a_text_for_every_kind():
    assert {kind for kind, *_ in LEGAL_TEXTS} == set(LegalTextBlock.Kind.values)


def test_the_snapshot_carries_the_clerk_and_the_offices_account(approved, year_texts, clerk, settings):
    settings.OFFICE_PHONE = "030 1234-0"
    settings.SEPA_DEBTOR_IBAN = "DE02120300000000202051"
    clerk.first_name, clerk.last_name, clerk.email = "Sabine", "Sachbearbeitung", "sabine@example.org"
    clerk.save()
    snapshot, text = text_of(approved, "approval")
    assert snapshot["contact"] == {
        "name": "Sabine Sachbearbeitung",
        "phone": "030 1234-0",
        "email": "sabine@example.org",
    }
    assert "Sabine Sachbearbeitung" in text and "sabine@example.org" in text
    assert "IBAN DE02120300000000202051" in text
    # The postal address comes from the municipality's data.
    assert snapshot["recipient"]["lines"][-1].endswith("Gardelegen")


def test_the_approval_has_every_element_of_a_zuwendungsbescheid(approved, year_texts, settings):
    """Issue 13, item 10."""
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_STREET, settings.SEPA_DEBTOR_BUILDING_NUMBER = "Musterstraße", "1"
    settings.SEPA_DEBTOR_POSTCODE, settings.SEPA_DEBTOR_TOWN = "10115", "Berlin"
    _, text = text_of(approved, "approval")
    # Reservation of revocation and the note on refund and interest.
    assert "Vorbehalt des Widerrufs" in text and "§§ 48 und 49 VwVfG" in text
    assert "§ 49a Abs. 1 VwVfG zu erstatten" in text and "§ 49a Abs. 3 VwVfG" in text
    assert "Bewilligungszeitraum 01.12.2026 bis 20.12.2026" in text
    # Rechtsbehelfsbelehrung: remedy, authority with address, form, time limit.
    assert "Rechtsbehelfsbelehrung" in text
    assert "Widerspruch" in text
    assert "Geschäftsstelle Zukunftsraum Demografie, Musterstraße 1, 10115 Berlin" in text
    assert "schriftlich, elektronisch oder zur Niederschrift" in text
    assert "innerhalb eines Monats nach Bekanntgabe" in text
    assert "Datenschutzhinweis" in text and "Art. 13 DSGVO" in text
    # The enclosures come after the signature, one per line.
    enclosures = text.index("Anlagen – Allgemeine Nebenbestimmungen")
    assert enclosures > text.index("Mit freundlichen Grüßen")
    assert "(ANBest-Gk)" in text[enclosures:] and "– Muster des Verwendungsnachweises" in text[enclosures:]
