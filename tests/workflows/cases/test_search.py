"""Search of the list by every key, on SQLite (substring) and PostgreSQL (full text with
the German configuration on a GIN index, numbers exact or by prefix)."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.builders import expense, in_review, pay
from tests.workflows.cases.conftest import file_numbers
from workflows.cases.selectors import CaseFilter, case_list, case_url
from workflows.proofs.services import proof_claim_refund

URL = reverse("case_list")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MF-2026-0000", ["recommended", "in_review", "approved"]),  # a file number's beginning
        ("ZD-2026-00001", ["approved"]),  # notice number
        ("zd-2026-00001", ["approved"]),
        ("MA-2026-00001", ["approved"]),  # payout number
        ("Seniorenbeirat", ["in_review"]),  # title
        ("Reisekosten Partnerstadt", ["recommended"]),
        ("Bindlach", ["in_review"]),  # municipality
        ("Gardelegen", ["recommended", "approved"]),
        ("09472119", ["in_review"]),  # AGS
        ("15081135", ["recommended", "approved"]),
        ("Fritz Fremd", ["in_review"]),  # contact person
        ("Berater", ["recommended"]),
        ("Geheimer Entwurf", []),  # a draft is no file yet
        ("nichts dergleichen", []),
    ],
)
def test_search_finds_by_each_key(client_for, clerk, files, text, expected):
    numbers = file_numbers(client_for(clerk).get(URL, {"q": text}))
    assert numbers == [getattr(files, name).file_number for name in expected]


def test_a_complete_file_number_opens_the_case(client_for, clerk, files):
    client = client_for(clerk)
    for text in (files.in_review.file_number, f"  {files.in_review.file_number.lower()} "):
        response = client.get(URL, {"q": text})
        assert response.status_code == 302
        assert response["Location"] == case_url(files.in_review.pk)


def test_an_unknown_complete_file_number_lists_nothing(client_for, clerk, files):
    response = client_for(clerk).get(URL, {"q": "MF-2026-99999"})
    assert file_numbers(response) == []
    assert "0 Anträge" in response.content.decode()


def test_search_finds_by_refund_claim_number(client_for, clerk, approver, applicant, approved, sepa_debtor):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00", number="R-9")
    proof = in_review(approved, applicant, clerk, expense("600.00"))
    claim = proof_claim_refund(clerk=clerk, proof_id=proof.pk, amount=Decimal("400.00"), reason="Nicht verwendet.")
    numbers = file_numbers(client_for(clerk).get(URL, {"q": claim.number}))
    assert numbers == [approved.file_number]


def test_search_with_filters_and_in_german_words(client_for, clerk, files):
    client = client_for(clerk)
    assert file_numbers(client.get(URL, {"q": "Gardelegen", "status": "approved"})) == [files.approved.file_number]
    if connection.vendor == "postgresql":
        # A word's beginning finds it, and German stemming finds the plural of the singular.
        assert file_numbers(client.get(URL, {"q": "dorfwerk"})) == [files.approved.file_number]
        assert file_numbers(client.get(URL, {"q": "Seniorenbeiräte"})) == [files.in_review.file_number]
        # Stop words alone find nothing, and do not break the query.
        assert file_numbers(client.get(URL, {"q": "und der"})) == []


def test_the_full_text_search_uses_the_gin_indexes(on_postgres, files):
    """The query's expression is the index's: with sequential scans off, the planner takes them."""
    queryset = case_list(user=files.approved.created_by, filters=CaseFilter(search="Seniorenbeirat"))
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "application_search_gin" in plan
    assert "municipality_search_gin" in plan


def _search_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_search_gin"])
        return {row[0] for row in cursor.fetchall()}


def test_the_index_migration_goes_both_ways(on_postgres, db):
    migration = importlib.import_module("workflows.migrations.0007_case_search_indexes")
    assert _search_indexes() == {"application_search_gin", "municipality_search_gin"}
    with connection.schema_editor() as editor:
        migration.backwards(apps, editor)
    assert _search_indexes() == set()
    with connection.schema_editor() as editor:
        migration.forwards(apps, editor)
    assert _search_indexes() == {"application_search_gin", "municipality_search_gin"}


def test_on_sqlite_the_migration_does_nothing(db):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite side")
    migration = importlib.import_module("workflows.migrations.0007_case_search_indexes")
    # SQLite's schema editor cannot open inside the test's transaction; nothing is asked of it but its connection.
    editor = SimpleNamespace(connection=connection)
    migration.forwards(apps, editor)
    migration.backwards(apps, editor)
