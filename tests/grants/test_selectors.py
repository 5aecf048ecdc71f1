"""Membership on a date and structural status with Kreis inheritance."""

from __future__ import annotations

import datetime

import pytest

from grants.models import MembershipStatus, Municipality, StructuralStatus
from grants.selectors import (
    membership_is_active,
    membership_status_on,
    municipalities_with_membership,
    municipalities_with_structural_status,
    structural_status_on,
)

D = datetime.date


@pytest.fixture
def history(gardelegen):
    for status, since in [
        (MembershipStatus.Status.APPLIED, D(2023, 11, 1)),
        (MembershipStatus.Status.ACTIVE, D(2024, 1, 1)),
        (MembershipStatus.Status.SUSPENDED, D(2025, 7, 1)),
        (MembershipStatus.Status.ACTIVE, D(2025, 10, 1)),
        (MembershipStatus.Status.ENDED, D(2026, 12, 31)),
    ]:
        MembershipStatus.objects.create(municipality=gardelegen, status=status, since=since)
    return gardelegen


@pytest.mark.parametrize(
    ("day", "active", "status"),
    [
        (D(2023, 10, 31), False, None),
        (D(2023, 12, 31), False, "applied"),
        (D(2024, 1, 1), True, "active"),
        (D(2025, 6, 30), True, "active"),
        (D(2025, 7, 1), False, "suspended"),
        (D(2025, 10, 1), True, "active"),
        (D(2026, 12, 30), True, "active"),
        (D(2026, 12, 31), False, "ended"),
    ],
)
def test_active_member_on_a_date(history, day, active, status, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert membership_is_active(municipality=history, day=day) is active
    assert membership_status_on(municipality=history, day=day) == status


def test_membership_annotation_for_many_municipalities(history, bindlach, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = dict(municipalities_with_membership(day=D(2025, 8, 1)).values_list("ags", "membership_status"))
    assert rows == {"15081135": "suspended", "09472119": None}


def test_gemeinde_inherits_kreis_status_unless_overridden(gardelegen, bindlach, kreis_salzwedel, kreis_bayreuth):
    StructuralStatus.objects.create(
        kreis=kreis_salzwedel, status="C", source="Test", valid_from=D(2022, 1, 1), valid_to=D(2027, 12, 31)
    )
    StructuralStatus.objects.create(kreis=kreis_bayreuth, status="D", source="Test", valid_from=D(2022, 1, 1))
    StructuralStatus.objects.create(
        municipality=bindlach, status="C", source="Einzelfall", valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31)
    )
    salzwedel = Municipality.objects.create(
        ags="15081455", name="Salzwedel", kind="63", land=gardelegen.land, kreis=kreis_salzwedel
    )

    assert structural_status_on(municipality=gardelegen, day=D(2026, 5, 1)) == "C"
    assert structural_status_on(municipality=salzwedel, day=D(2026, 5, 1)) == "C"
    # The Gemeinde row overrides its Kreis only while it is valid.
    assert structural_status_on(municipality=bindlach, day=D(2024, 6, 1)) == "C"
    assert structural_status_on(municipality=bindlach, day=D(2025, 6, 1)) == "D"
    # Outside every validity period there is no status.
    assert structural_status_on(municipality=gardelegen, day=D(2028, 1, 1)) == "none"
    assert structural_status_on(municipality=gardelegen, day=D(2021, 12, 31)) == "none"


def test_structural_status_annotation_is_one_query(gardelegen, bindlach, structural_c, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = dict(municipalities_with_structural_status(day=D(2026, 1, 1)).values_list("ags", "structural_status"))
    assert rows == {"15081135": "C", "09472119": "none"}


def test_a_newer_kreis_row_replaces_the_older_one(gardelegen, kreis_salzwedel):
    StructuralStatus.objects.create(kreis=kreis_salzwedel, status="D", source="alt", valid_from=D(2014, 1, 1))
    StructuralStatus.objects.create(kreis=kreis_salzwedel, status="C", source="neu", valid_from=D(2022, 1, 1))
    assert structural_status_on(municipality=gardelegen, day=D(2020, 1, 1)) == "D"
    assert structural_status_on(municipality=gardelegen, day=D(2022, 1, 1)) == "C"
