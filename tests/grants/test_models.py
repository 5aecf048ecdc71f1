"""Programme year rules are validated in forms and by database constraints."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grants.models import MembershipStatus, ProgrammeYear, StructuralStatus


def test_programme_year_defaults_are_the_guideline_figures(programme_year):
    assert programme_year.cap_per_municipality == Decimal("5000.00")
    assert programme_year.max_day_rate == Decimal("850.00")
    assert set(programme_year.eligible_cost_types.values_list("code", flat=True)) == {
        "consulting",
        "moderation",
        "travel",
    }


def test_programme_year_clean_reports_each_bad_rule_in_german(programme_year):
    programme_year.budget = Decimal("1000.00")
    programme_year.application_deadline = datetime.date(2027, 1, 15)
    programme_year.payout_window_end = datetime.date(2025, 12, 1)
    with pytest.raises(ValidationError) as caught:
        programme_year.full_clean()
    errors = caught.value.message_dict
    assert "mindestens den Höchstbetrag" in errors["budget"][0]
    assert "im Programmjahr" in errors["application_deadline"][0]
    assert "payout_window_end" in errors


def test_negative_cap_is_refused_by_the_form_validation(programme_year):
    programme_year.cap_per_municipality = Decimal("-1.00")
    with pytest.raises(ValidationError) as caught:
        programme_year.full_clean()
    assert "cap_per_municipality" in caught.value.message_dict


def test_database_refuses_a_budget_below_the_cap(programme_year):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.filter(pk=programme_year.pk).update(budget=Decimal("10.00"))


def test_structural_status_needs_exactly_one_subject(kreis_salzwedel, gardelegen):
    with pytest.raises(IntegrityError), transaction.atomic():
        StructuralStatus.objects.create(
            kreis=kreis_salzwedel, municipality=gardelegen, status="C", source="x", valid_from=datetime.date(2022, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StructuralStatus.objects.create(status="C", source="x", valid_from=datetime.date(2022, 1, 1))


def test_one_membership_change_per_day(gardelegen):
    MembershipStatus.objects.create(municipality=gardelegen, status="active", since=datetime.date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipStatus.objects.create(municipality=gardelegen, status="ended", since=datetime.date(2024, 1, 1))
