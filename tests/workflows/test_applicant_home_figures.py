"""The applicant's list: per application requested, approved, paid, refunded (from the ledger),
and what is still free this year per municipality."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.ledger import ledger_book
from budgets.models import LedgerEntry
from budgets.selectors import municipality_year_room
from core.money import format_eur
from tests import factories
from tests.clock import DEADLINE_DAY

pytestmark = pytest.mark.now(DEADLINE_DAY)


def euro(amount: Decimal) -> str:
    return format_eur(amount).replace("\xa0", " ")


def rows(response) -> list[str]:
    """Each table row as the text a reader sees, spaces collapsed."""
    html = response.content.decode()
    found = re.findall(r"<tr class=\"kern-table__row\">(.*?)</tr>", html, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).replace("\xa0", " ").strip() for row in found]


def test_the_list_shows_requested_approved_paid_refunded_and_what_is_free(
    client_for, approved, applicant, gardelegen, programme_year
):
    ledger_book(application=approved, kind=LedgerEntry.Kind.PAYOUT, amount=Decimal("1000.00"))
    ledger_book(application=approved, kind=LedgerEntry.Kind.PAYOUT, amount=Decimal("500.00"))
    ledger_book(application=approved, kind=LedgerEntry.Kind.REFUND, amount=Decimal("200.00"))
    pending = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, requested_amount=Decimal("700.00")
    )
    response = client_for(applicant).get(reverse("applicant_home"))
    table = rows(response)

    approved_row = next(row for row in table if row.startswith(approved.title) and approved.file_number in row)
    expected = " ".join(
        [
            euro(approved.requested_amount),
            euro(approved.approved_amount),
            euro(Decimal("1500.00")),
            euro(Decimal("200.00")),
        ]
    )
    assert expected in approved_row
    pending_row = next(row for row in table if pending.file_number in row)
    assert f"{euro(Decimal('700.00'))} – – –" in pending_row

    room = municipality_year_room(programme_year=programme_year, municipality=gardelegen)
    # Cap minus (approved - refunded) minus the open request, as the ledger says.
    assert room.free == programme_year.cap_per_municipality - (approved.approved_amount - 200) - 700
    room_row = next(row for row in table if row.startswith(gardelegen.name) and "2026" in row)
    assert room_row == (
        f"{gardelegen.name} 2026 {euro(room.cap)} {euro(room.committed)} {euro(room.pending)} {euro(room.free)}"
    )


def test_a_new_applicant_sees_the_whole_cap_free(client_for, applicant, gardelegen, programme_year, active_members):
    table = rows(client_for(applicant).get(reverse("applicant_home")))
    cap = euro(programme_year.cap_per_municipality)
    assert f"{gardelegen.name} 2026 {cap} {euro(Decimal('0'))} {euro(Decimal('0'))} {cap}" in table
