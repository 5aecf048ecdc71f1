"""The controllers' dashboard: every figure equals the ledger, month by month (Berlin
time), by Land and by structural status; the map shows members and funded ones.

The oracle is plain Python over the ledger rows, not the grouped queries under test.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets.ledger import ledger_book, ledger_totals_differences
from budgets.models import LedgerEntry
from budgets.selectors import LedgerSums
from core.money import format_eur
from grants.models import Kreis, Land, MembershipStatus, Municipality, StructuralStatus
from grants.selectors import structural_status_on
from grants.services import affiliation_create
from reports.dashboard import (
    MAP_HEIGHT,
    MAP_WIDTH,
    _background_path,
    chart_data,
    controller_dashboard,
    project,
)
from tests import factories
from tests.clock import NOW, berlin
from tests.conftest import programme_year_create
from workflows.payouts import budget

D = Decimal
KIND_FIELD = {"commitment": "commitments", "release": "releases", "refund": "refunds", "payout": "payouts"}


@pytest.fixture
def angermuende(db):
    land = Land.objects.create(code="12", name="Brandenburg")
    kreis = Kreis.objects.create(ags="12073", name="Uckermark", kind=Kreis.Kind.LANDKREIS, land=land)
    municipality = Municipality.objects.create(
        ags="12073008", name="Angermünde, Stadt", kind=Municipality.Kind.STADT, land=land, kreis=kreis
    )
    MembershipStatus.objects.create(
        municipality=municipality, status=MembershipStatus.Status.ACTIVE, since=datetime.date(2025, 1, 1)
    )
    return municipality


@pytest.fixture
def world(
    applicant,
    foreign_applicant,
    gardelegen,
    bindlach,
    angermuende,
    active_members,
    structural_c,
    kreis_bayreuth,
    programme_year,
):
    """Three municipalities in three Länder, one each of GRW C, D and none, with a draft each."""
    StructuralStatus.objects.create(
        kreis=kreis_bayreuth, status=StructuralStatus.Status.D, source="Testdaten", valid_from=datetime.date(2022, 1, 1)
    )
    third = factories.user_with_roles("antrag-uckermark", "applicant")
    affiliation_create(user=third, municipality=angermuende)
    common = {"programme_year": programme_year}
    return {
        "g": factories.draft(applicant=applicant, municipality=gardelegen, **common),
        "b": factories.draft(applicant=foreign_applicant, municipality=bindlach, **common),
        "a": factories.draft(applicant=third, municipality=angermuende, **common),
    }


# (instant on the Berlin wall clock, application, kind, amount): the months are chosen so
# that the Berlin month differs from the UTC month at 23:30 on the last day and at 00:30
# on the first, and so that bookings fall into January of the following year.
BOOKINGS = [
    (berlin(2026, 3, 10, 10, 0), "g", "commitment", "2000.00"),
    (berlin(2026, 3, 31, 23, 30), "b", "commitment", "3000.00"),
    (berlin(2026, 6, 30, 23, 30), "g", "payout", "800.00"),
    (berlin(2026, 7, 1, 0, 30), "b", "payout", "1200.00"),
    (berlin(2026, 11, 25, 9, 0), "a", "commitment", "4500.00"),
    (berlin(2026, 11, 25, 9, 5), "g", "release", "200.00"),
    (berlin(2026, 12, 1, 0, 30), "b", "refund", "150.50"),
    (berlin(2027, 1, 20, 12, 0), "a", "payout", "4000.00"),
    (berlin(2027, 1, 20, 12, 5), "g", "refund", "99.99"),
]


def book_all(clock, world):
    for instant, key, kind, amount in BOOKINGS:
        clock.move_to(instant)
        ledger_book(application=world[key], kind=kind, amount=D(amount))
    clock.move_to(NOW)


def oracle(programme_year):
    """The ledger summed by hand: per Berlin month, per Land id, per GRW status today."""
    by_month = defaultdict(lambda: defaultdict(lambda: D("0.00")))
    by_land = defaultdict(lambda: defaultdict(lambda: D("0.00")))
    by_status = defaultdict(lambda: defaultdict(lambda: D("0.00")))
    today = timezone.localdate()
    for entry in LedgerEntry.objects.filter(programme_year=programme_year).select_related("municipality"):
        month = timezone.localtime(entry.booked_at).date().replace(day=1)
        field = KIND_FIELD[entry.kind]
        by_month[month][field] += entry.amount
        by_land[entry.municipality.land_id][field] += entry.amount
        by_status[structural_status_on(municipality=entry.municipality, day=today)][field] += entry.amount
    return by_month, by_land, by_status


def as_dict(sums: LedgerSums) -> dict:
    return {name: getattr(sums, name) for name in KIND_FIELD.values() if getattr(sums, name)}


def test_every_figure_equals_the_ledger(clock, world, programme_year, gardelegen, bindlach, angermuende):
    book_all(clock, world)
    assert ledger_totals_differences(programme_year=programme_year) == {}
    by_month, by_land, by_status = oracle(programme_year)
    # The oracle itself: the month boundaries are Berlin's, not UTC's.
    assert by_month[datetime.date(2026, 3, 1)]["commitments"] == D("5000.00")
    assert by_month[datetime.date(2026, 7, 1)]["payouts"] == D("1200.00")
    assert by_month[datetime.date(2026, 12, 1)]["refunds"] == D("150.50")

    dashboard = controller_dashboard(programme_year=programme_year, comparison_year=None)

    # Per month: January to December, and January of the next year, which has bookings.
    months = [row.month for row in dashboard.months]
    assert months == [datetime.date(2026, number, 1) for number in range(1, 13)] + [datetime.date(2027, 1, 1)]
    committed = paid = D("0.00")
    for row in dashboard.months:
        assert as_dict(row.sums) == {k: v for k, v in by_month.get(row.month, {}).items() if v}, row.month
        expected = by_month.get(row.month, {})
        committed += expected.get("commitments", 0) - expected.get("releases", 0) - expected.get("refunds", 0)
        paid += expected.get("payouts", 0)
        assert (row.committed_cumulative, row.paid_cumulative) == (committed, paid), row.month
    assert dashboard.months[-1].committed_cumulative == D("9500.00") - D("200.00") - D("150.50") - D("99.99")
    assert dashboard.months[-1].paid_cumulative == D("6000.00")

    # Per Land: every Land listed, the three with bookings equal the ledger.
    assert [row.label for row in dashboard.by_land] == ["Bayern", "Brandenburg", "Sachsen-Anhalt"]
    for row in dashboard.by_land:
        land = Land.objects.get(code=row.key)
        assert as_dict(row.sums) == dict(by_land[land.pk]), row.label
    # Per structural status: C is Gardelegen's Kreis, D Bindlach's, none Angermünde.
    assert [row.key for row in dashboard.by_status] == ["C", "D", "none"]
    for row in dashboard.by_status:
        assert as_dict(row.sums) == dict(by_status[row.key]), row.key
    assert as_dict(dashboard.by_status[0].sums) == {
        "commitments": D("2000.00"),
        "releases": D("200.00"),
        "refunds": D("99.99"),
        "payouts": D("800.00"),
    }

    # The totals: of the breakdowns, of the year, and the running totals of the year.
    ledger = LedgerEntry.objects.filter(programme_year=programme_year)
    total = {
        field: sum((e.amount for e in ledger if KIND_FIELD[e.kind] == field), D("0.00"))
        for field in KIND_FIELD.values()
    }
    assert as_dict(dashboard.by_land_total) == total
    assert as_dict(dashboard.by_status_total) == total
    (figures,) = dashboard.years
    assert as_dict(figures.sums) == total
    assert figures.available == programme_year.budget - (total["commitments"] - total["releases"] - total["refunds"])
    assert (figures.approved, figures.funded_municipalities) == (3, 3)

    # What the script draws is the same figures, as strings.
    data = chart_data(dashboard)
    assert data["months"]["committed"] == [str(row.committed_cumulative) for row in dashboard.months]
    assert data["months"]["paid"][-1] == "6000.00"
    assert data["lands"]["committed"] == [str(row.sums.committed) for row in dashboard.by_land]
    assert data["structural"]["paid"] == ["800.00", "1200.00", "4000.00"]


def test_the_page_shows_the_ledger_figures_and_the_map(
    clock, world, client_for, controller, programme_year, gardelegen, bindlach, angermuende
):
    book_all(clock, world)
    gardelegen.longitude, gardelegen.latitude = D("11.39"), D("52.52")
    gardelegen.save()
    bindlach.longitude, bindlach.latitude = D("11.62"), D("49.98")
    bindlach.save()
    # A member without any booking, and one whose membership ended: only the first is a member.
    salzwedel = Municipality.objects.create(
        ags="15081455",
        name="Salzwedel, Hansestadt",
        kind=Municipality.Kind.STADT,
        land=gardelegen.land,
        kreis=gardelegen.kreis,
        longitude=D("11.15"),
        latitude=D("52.85"),
    )
    MembershipStatus.objects.create(municipality=salzwedel, status="active", since=datetime.date(2024, 1, 1))
    ended = Municipality.objects.create(
        ags="15081030",
        name="Arendsee (Altmark), Stadt",
        kind=Municipality.Kind.STADT,
        land=gardelegen.land,
        kreis=gardelegen.kreis,
        longitude=D("11.49"),
        latitude=D("52.88"),
    )
    MembershipStatus.objects.create(municipality=ended, status="active", since=datetime.date(2024, 1, 1))
    MembershipStatus.objects.create(municipality=ended, status="ended", since=datetime.date(2026, 6, 30))

    response = client_for(controller).get(reverse("controller_dashboard"))

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    html = response.content.decode()
    # The month table carries the ledger's figures, formatted as everywhere.
    march = dashboard.months[2]
    assert march.sums.commitments == D("5000.00")
    assert format_eur(D("5000.00")) in html
    assert "März 2026" in html and "Januar 2027" in html
    assert format_eur(D("9049.51")) in html  # committed up to January 2027: 9,500 − 200 − 150.50 − 99.99
    # The map: four members (Angermünde without a point), three funded; the ended one is neither.
    map_ = dashboard.map
    assert (map_.member_count, map_.funded_count, map_.without_coordinates) == (4, 3, 1)
    assert [point.name for point in map_.members] == ["Salzwedel, Hansestadt"]
    assert [point.name for point in map_.funded] == ["Bindlach", "Gardelegen, Hansestadt"]
    assert "Arendsee" not in html
    assert html.count("<circle") == 3 + 2  # the points and the two legend marks
    x, y = project(11.39, 52.52)
    assert f'cx="{x:.1f}" cy="{y:.1f}"' in html
    assert 0 < x < MAP_WIDTH and 0 < y < MAP_HEIGHT
    rows = {row.land: (row.members, row.funded) for row in map_.rows}
    assert rows == {"Bayern": (1, 1), "Brandenburg": (1, 1), "Sachsen-Anhalt": (2, 1)}
    # The data for the charts is JSON in the page, the script and Chart.js come from our own static files.
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "/static/chartjs/chart.umd.min.js" in html
    assert "/static/js/dashboard.js" in html
    assert "<script>" not in html


def test_two_years_side_by_side(client_for, controller, world, programme_year, clock):
    previous = programme_year_create(programme_year.year - 1)
    book_all(clock, world)

    response = client_for(controller).get(reverse("controller_dashboard"))

    dashboard = response.context["dashboard"]
    assert (dashboard.programme_year, dashboard.comparison_year) == (programme_year, previous)
    assert [figures.year for figures in dashboard.years] == [2026, 2025]
    december = dashboard.comparison[11]
    # Up to December 2026, without January 2027's refund; 2025 has nothing booked.
    assert december.committed == [D("9149.50"), D("0.00")]
    assert dashboard.comparison[2].committed == [D("5000.00"), D("0.00")]
    html = response.content.decode()
    assert "2026 und 2025 im Vergleich" in html

    response = client_for(controller).get(reverse("controller_dashboard"), {"year": "2025", "compare": "2026"})
    dashboard = response.context["dashboard"]
    assert (dashboard.programme_year, dashboard.comparison_year) == (previous, programme_year)
    assert response.context["form"].errors == {}

    response = client_for(controller).get(reverse("controller_dashboard"), {"year": "2025", "compare": ""})
    assert response.context["dashboard"].comparison_year is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "1999"}, "Für dieses Jahr ist kein Programmjahr angelegt."),
        ({"year": "zwanzig"}, "Für dieses Jahr ist kein Programmjahr angelegt."),
        ({"year": "2026", "compare": "2026"}, "Bitte wählen Sie zum Vergleich ein anderes Jahr"),
        ({"year": "2026", "compare": "2026.0"}, "Für dieses Jahr ist kein Programmjahr angelegt."),
        ({"compare": "2026"}, "Bitte wählen Sie das Programmjahr."),
    ],
)
def test_a_bad_choice_of_years_is_explained_and_the_default_shown(
    client_for, controller, programme_year, query, message
):
    response = client_for(controller).get(reverse("controller_dashboard"), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert message in html
    assert "Gezeigt wird stattdessen 2026." in html
    assert response.context["dashboard"].programme_year == programme_year


def test_other_parameters_alone_choose_the_default_without_a_message(client_for, controller, programme_year):
    response = client_for(controller).get(reverse("controller_dashboard"), {"page": "2"})
    assert response.context["form"].errors == {}
    assert "Bitte prüfen Sie Ihre Angaben." not in response.content.decode()
    assert response.context["dashboard"].programme_year == programme_year


def test_without_programme_years_the_page_says_so(client_for, controller):
    response = client_for(controller).get(reverse("controller_dashboard"))
    assert response.status_code == 200
    assert "Es sind noch keine Programmjahre angelegt." in response.content.decode()


def test_linked_from_the_reports_page_and_the_navigation(client_for, controller, approver, programme_year):
    response = client_for(controller).get(reverse("reports_home"))
    assert f'href="{reverse("controller_dashboard")}"' in response.content.decode()
    for user in (controller, approver):
        labels = [item["label"] for item in client_for(user).get(reverse("controller_dashboard")).context["nav_items"]]
        assert "Übersicht" in labels


def test_the_same_figures_as_the_budget_page(clock, world, programme_year):
    book_all(clock, world)
    dashboard = controller_dashboard(programme_year=programme_year, comparison_year=None)
    day = budget.structural_status_day(programme_year=programme_year)

    page_by_land = {row.key: (row.committed, row.paid) for row in budget.budget_by_land(programme_year=programme_year)}
    assert {row.key: (row.sums.committed, row.sums.payouts) for row in dashboard.by_land} == page_by_land
    page_by_status = {
        row.key: (row.committed, row.paid)
        for row in budget.budget_by_structural_status(programme_year=programme_year, day=day)
    }
    assert {row.key: (row.sums.committed, row.sums.payouts) for row in dashboard.by_status} == page_by_status
    figures = budget.budget_figures(programme_year=programme_year)
    (year,) = dashboard.years
    assert (year.sums.committed, year.sums.payouts, year.available) == (
        figures.committed,
        figures.paid,
        figures.available,
    )


def test_queries_do_not_grow_with_members_and_bookings(
    clock, world, programme_year, gardelegen, django_assert_num_queries
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            controller_dashboard(programme_year=programme_year, comparison_year=None)
        return len(queries)

    few = count()
    book_all(clock, world)
    for number in range(30):
        municipality = Municipality.objects.create(
            ags=f"15081{number + 500:03d}",
            name=f"Gemeinde {number}",
            kind=Municipality.Kind.GEMEINDE,
            land=gardelegen.land,
            kreis=gardelegen.kreis,
            longitude=D("11.0") + number / D(10),
            latitude=D("52.0"),
        )
        MembershipStatus.objects.create(municipality=municipality, status="active", since=datetime.date(2024, 1, 1))
    assert count() == few


def test_the_map_fits_germany_and_merges_its_backdrop(db, gardelegen):
    # Germany's extreme points (List on Sylt, Oberstdorf, Selfkant, Görlitz) lie inside the picture.
    for longitude, latitude in ((8.42, 55.06), (10.18, 47.27), (5.87, 51.05), (15.04, 51.27)):
        x, y = project(longitude, latitude)
        assert 0 < x < MAP_WIDTH and 0 < y < MAP_HEIGHT
    # Three Gemeinden in one row of cells, one cell apart: one rectangle, not three.
    for number, longitude in enumerate(("11.01", "11.14", "11.39")):
        Municipality.objects.create(
            ags=f"1508190{number}",
            name=f"Ort {number}",
            kind=Municipality.Kind.GEMEINDE,
            land=gardelegen.land,
            kreis=gardelegen.kreis,
            longitude=D(longitude),
            latitude=D("52.51"),
        )
    path = _background_path()
    assert path.count("M") == 1


def test_the_page_in_english(client_for, controller, world, programme_year, clock):
    book_all(clock, world)
    office = client_for(controller)
    office.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = office.get(reverse("controller_dashboard")).content.decode()

    assert '<html lang="en"' in html
    assert "Overview 2026" in html
    assert "Commitments and payouts over the year" in html
    assert "March 2026" in html
    assert "€5,000.00" in html
    assert "Map of Germany with the member municipalities" in html
