"""Budget figures: sums over the append-only ledger, the year's from its running totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets.ledger import ledger_book
from budgets.selectors import (
    municipality_committed,
    municipality_remaining_cap,
    programme_available,
    programme_committed,
)
from tests import factories


@pytest.fixture
def application(applicant, gardelegen, programme_year, active_members):
    return factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


def book(application, kind, amount):
    return ledger_book(application=application, kind=kind, amount=Decimal(amount), booked_by=None)


def test_committed_is_commitments_minus_releases_and_refunds(application, programme_year, gardelegen, bindlach):
    book(application, "commitment", "4000.00")
    book(application, "payout", "2500.00")
    book(application, "release", "500.00")
    book(application, "refund", "250.50")

    assert municipality_committed(programme_year=programme_year, municipality=gardelegen) == Decimal("3249.50")
    assert municipality_remaining_cap(programme_year=programme_year, municipality=gardelegen) == Decimal("1750.50")
    assert municipality_committed(programme_year=programme_year, municipality=bindlach) == Decimal("0.00")
    assert programme_committed(programme_year=programme_year) == Decimal("3249.50")
    assert programme_available(programme_year=programme_year) == Decimal("246750.50")


def test_ledger_is_append_only_and_positive(application):
    entry = book(application, "commitment", "100.00")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        book(application, "payout", "-1.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        book(application, "commitment", "1.00")  # a second commitment for the same application
