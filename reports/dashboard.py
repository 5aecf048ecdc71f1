"""Reads for the controllers' dashboard (``/berichte/uebersicht/``): the money of a
programme year month by month, by Land and by structural status, its applications by
status, a second year beside it, and a map of the member municipalities.

Every amount is a sum over the append-only ledger (``budgets.selectors``), never a
stored or edited figure; the test of the dashboard compares each one with the ledger.
Services write, selectors read: nothing here writes.

The map is drawn on the server as SVG from the Destatis centre points of the
municipalities (``Municipality.longitude``/``latitude``), so it needs neither JavaScript
nor map tiles from outside. Germany's shape is drawn from the directory itself: every
cell of a coarse grid that holds a municipality is shaded (one grouped query, some
a few hundred rectangles instead of 11,000 points); on top, a point per member and a larger one per
funded municipality (members are few).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budgets.models import LedgerEntry
from budgets.selectors import (
    LedgerSums,
    ledger_sums_by_land,
    ledger_sums_by_month,
    ledger_sums_by_structural_status,
    ledger_sums_total,
    municipalities_funded,
)
from core.money import money
from grants.models import Application, Land, MembershipStatus, Municipality, ProgrammeYear, StructuralStatus
from grants.selectors import municipalities_with_membership

S = Application.Status
SS = StructuralStatus.Status
STRUCTURAL_ORDER = [SS.C, SS.D, SS.NONE]
# Drafts are the municipality's own until submitted: the office counts from submission on.
COUNTED_STATUSES = [status for status in S if status != S.DRAFT]


def status_day(*, programme_year: ProgrammeYear, today: datetime.date | None = None) -> datetime.date:
    """The day whose membership and GRW status count for a year: its last day, or today while it runs."""
    return min(today or timezone.localdate(), programme_year.last_day)


# --- money by month -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first day of the month
    sums: LedgerSums
    committed_cumulative: Decimal  # net commitments booked up to the end of this month
    paid_cumulative: Decimal


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def money_by_month(*, programme_year: ProgrammeYear) -> list[MonthRow]:
    """January to December of the year, and any month before or after it with bookings."""
    by_month = ledger_sums_by_month(programme_year=programme_year)
    first = min([datetime.date(programme_year.year, 1, 1), *by_month])
    last = max([datetime.date(programme_year.year, 12, 1), *by_month])
    rows, month = [], first
    committed = paid = Decimal("0.00")
    while month <= last:
        sums = by_month.get(month, LedgerSums())
        committed, paid = money(committed + sums.committed), money(paid + sums.payouts)
        rows.append(MonthRow(month=month, sums=sums, committed_cumulative=committed, paid_cumulative=paid))
        month = _next_month(month)
    return rows


# --- money by Land and by structural status ------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    sums: LedgerSums


def money_by_land(*, programme_year: ProgrammeYear) -> list[BreakdownRow]:
    """Every Land, also those without bookings, by name."""
    by_land = ledger_sums_by_land(programme_year=programme_year)
    return [
        BreakdownRow(key=land.code, label=land.name, sums=by_land.get(land.pk, LedgerSums()))
        for land in Land.objects.order_by("name")
    ]


def money_by_structural_status(*, programme_year: ProgrammeYear, day: datetime.date) -> list[BreakdownRow]:
    """C, D and none, always all three."""
    by_status = ledger_sums_by_structural_status(programme_year=programme_year, day=day)
    return [
        BreakdownRow(key=status, label=str(SS(status).label), sums=by_status[status]) for status in STRUCTURAL_ORDER
    ]


def breakdown_total(rows: list[BreakdownRow]) -> LedgerSums:
    total = LedgerSums()
    for row in rows:
        total = total + row.sums
    return total


# --- two years side by side ----------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    year: int
    budget: Decimal
    sums: LedgerSums
    applications: int  # submitted (every status but draft)
    approved: int  # approved or later: a commitment was booked
    funded_municipalities: int

    @property
    def available(self) -> Decimal:
        return money(self.budget - self.sums.committed)


@dataclass(frozen=True)
class StatusRow:
    status: str
    label: str
    counts: list[int]


@dataclass(frozen=True)
class ComparisonRow:
    """Net commitments booked up to the end of one month of the calendar year, per year compared."""

    month: int
    label: str
    committed: list[Decimal]


def applications_by_status(*, programme_years: list[ProgrammeYear]) -> list[StatusRow]:
    """Submitted applications per status, one count per year given; one query."""
    counts = {
        (row["programme_year_id"], row["status"]): row["count"]
        for row in Application.objects.filter(programme_year__in=programme_years, status__in=COUNTED_STATUSES)
        .values("programme_year_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return [
        StatusRow(
            status=status.value,
            label=str(status.label),
            counts=[counts.get((year.pk, status.value), 0) for year in programme_years],
        )
        for status in COUNTED_STATUSES
    ]


def _committed_up_to(months: list[MonthRow], year: int) -> list[Decimal]:
    """Cumulative net commitments at the end of January … December of ``year`` (``money_by_month`` lists each)."""
    by_month = {row.month: row.committed_cumulative for row in months}
    return [by_month[datetime.date(year, number, 1)] for number in range(1, 13)]


# --- the map ---------------------------------------------------------------------------------------

# Germany's bounding box with a small margin (WGS 84 degrees) and an equirectangular
# projection whose x is shrunk by the cosine of the middle latitude, so that the
# country keeps its shape. Plain arithmetic on the server: no map library, no tiles.
WEST, EAST, SOUTH, NORTH = 5.7, 15.2, 47.1, 55.2
MAP_WIDTH = 460.0
_X_SHRINK = math.cos(math.radians((SOUTH + NORTH) / 2))
_SCALE = MAP_WIDTH / ((EAST - WEST) * _X_SHRINK)
MAP_HEIGHT = round((NORTH - SOUTH) * _SCALE, 1)
# The background grid: cells of 1/8 degree of longitude × 1/12 degree of latitude (about 9 km),
# coarse enough that the sparse west (large Gemeinden, few centre points) shows no holes.
CELLS_PER_DEGREE_LON, CELLS_PER_DEGREE_LAT = 8, 12
MAP_GAP_CELLS = 2


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """Map coordinates (x to the right, y down) in the SVG's viewBox."""
    return (longitude - WEST) * _X_SHRINK * _SCALE, (NORTH - latitude) * _SCALE


def _svg_number(value: float) -> str:
    # Written into SVG attributes: a dot, never the German decimal comma of the template.
    return f"{value:.1f}"


@dataclass(frozen=True)
class MapPoint:
    name: str
    ags: str
    x: str
    y: str


@dataclass(frozen=True)
class MapLandRow:
    land: str
    members: int
    funded: int


@dataclass(frozen=True)
class GermanyMap:
    day: datetime.date
    width: str
    height: str
    background: str  # one SVG path of the grid cells holding a municipality
    members: list[MapPoint]  # members not funded in the year
    funded: list[MapPoint]  # funded in the year (members or not any more)
    rows: list[MapLandRow]
    member_count: int
    funded_count: int
    funded_members: int
    without_coordinates: int

    @property
    def funded_not_members(self) -> int:
        return self.funded_count - self.funded_members


def _background_path() -> str:
    cells = (
        Municipality.objects.filter(longitude__isnull=False, latitude__isnull=False)
        .annotate(
            cell_x=Floor(F("longitude") * CELLS_PER_DEGREE_LON),
            cell_y=Floor(F("latitude") * CELLS_PER_DEGREE_LAT),
        )
        .values_list("cell_y", "cell_x")
        .distinct()
        .order_by("cell_y", "cell_x")
    )
    # The cells of a row become rectangles, bridging gaps of up to MAP_GAP_CELLS empty cells
    # (where large Gemeinden leave their neighbours' cells without a centre point): a few
    # hundred rectangles instead of thousands of cells.
    runs: list[list[int]] = []  # [row, first column, last column]
    for cell_y, cell_x in cells:
        row, column = int(cell_y), int(cell_x)
        if runs and runs[-1][0] == row and column - runs[-1][2] <= MAP_GAP_CELLS + 1:
            runs[-1][2] = column
        else:
            runs.append([row, column, column])
    cell_width = _SCALE * _X_SHRINK / CELLS_PER_DEGREE_LON
    # A little taller than a row, so that rounding leaves no hairline between rows.
    height = _svg_number(_SCALE / CELLS_PER_DEGREE_LAT + 0.2)
    parts = []
    for row, first, last in runs:
        x, y = project(first / CELLS_PER_DEGREE_LON, (row + 1) / CELLS_PER_DEGREE_LAT)
        width = _svg_number(cell_width * (last - first + 1))
        parts.append(f"M{_svg_number(x)} {_svg_number(y)}h{width}v{height}h-{width}z")
    return "".join(parts)


def germany_map(*, programme_year: ProgrammeYear, day: datetime.date) -> GermanyMap:
    """Members active on ``day`` and the municipalities funded in the year, with counts per Land."""
    funded_ids = municipalities_funded(programme_year=programme_year)
    with_history = Municipality.objects.filter(pk__in=MembershipStatus.objects.values("municipality_id"))
    member_ids = set(
        municipalities_with_membership(day=day, queryset=with_history)
        .filter(membership_status=MembershipStatus.Status.ACTIVE)
        .values_list("pk", flat=True)
    )
    shown = (
        Municipality.objects.filter(pk__in=member_ids | funded_ids)
        .values("pk", "name", "ags", "land_id", "longitude", "latitude")
        .order_by("name", "ags")
    )
    members, funded, without = [], [], 0
    per_land: dict[int, list[int]] = {}
    for row in shown:
        counts = per_land.setdefault(row["land_id"], [0, 0])
        counts[0] += row["pk"] in member_ids
        counts[1] += row["pk"] in funded_ids
        if row["longitude"] is None or row["latitude"] is None:
            without += 1
            continue
        x, y = project(float(row["longitude"]), float(row["latitude"]))
        point = MapPoint(name=row["name"], ags=row["ags"], x=_svg_number(x), y=_svg_number(y))
        (funded if row["pk"] in funded_ids else members).append(point)
    rows = [
        MapLandRow(land=land.name, members=per_land.get(land.pk, [0, 0])[0], funded=per_land.get(land.pk, [0, 0])[1])
        for land in Land.objects.order_by("name")
    ]
    return GermanyMap(
        day=day,
        width=_svg_number(MAP_WIDTH),
        height=_svg_number(MAP_HEIGHT),
        background=_background_path(),
        members=members,
        funded=funded,
        rows=rows,
        member_count=len(member_ids),
        funded_count=len(funded_ids),
        funded_members=len(member_ids & funded_ids),
        without_coordinates=without,
    )


# --- the whole dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ControllerDashboard:
    programme_year: ProgrammeYear
    comparison_year: ProgrammeYear | None
    day: datetime.date
    months: list[MonthRow]
    by_land: list[BreakdownRow]
    by_land_total: LedgerSums
    by_status: list[BreakdownRow]
    by_status_total: LedgerSums
    years: list[YearFigures]
    applications: list[StatusRow]
    comparison: list[ComparisonRow]
    map: GermanyMap


def year_figures(*, programme_year: ProgrammeYear) -> YearFigures:
    counts = Application.objects.filter(programme_year=programme_year, status__in=COUNTED_STATUSES).count()
    funded = municipalities_funded(programme_year=programme_year)
    sums = ledger_sums_total(programme_year=programme_year)
    approved = Application.objects.filter(
        programme_year=programme_year, ledger_entries__kind=LedgerEntry.Kind.COMMITMENT
    ).count()
    return YearFigures(
        year=programme_year.year,
        budget=money(programme_year.budget),
        sums=sums,
        applications=counts,
        approved=approved,
        funded_municipalities=len(funded),
    )


def controller_dashboard(
    *, programme_year: ProgrammeYear, comparison_year: ProgrammeYear | None, today: datetime.date | None = None
) -> ControllerDashboard:
    day = status_day(programme_year=programme_year, today=today)
    years = [programme_year] + ([comparison_year] if comparison_year is not None else [])
    by_land = money_by_land(programme_year=programme_year)
    by_status = money_by_structural_status(programme_year=programme_year, day=day)
    months = money_by_month(programme_year=programme_year)
    cumulative = [months] + [money_by_month(programme_year=year) for year in years[1:]]
    per_year = [_committed_up_to(rows, year.year) for rows, year in zip(cumulative, years, strict=True)]
    comparison = [
        ComparisonRow(month=number, label=str(MONTHS[number]), committed=[values[number - 1] for values in per_year])
        for number in range(1, 13)
    ]
    return ControllerDashboard(
        programme_year=programme_year,
        comparison_year=comparison_year,
        day=day,
        months=months,
        by_land=by_land,
        by_land_total=breakdown_total(by_land),
        by_status=by_status,
        by_status_total=breakdown_total(by_status),
        years=[year_figures(programme_year=year) for year in years],
        applications=applications_by_status(programme_years=years),
        comparison=comparison,
        map=germany_map(programme_year=programme_year, day=day),
    )


def chart_data(dashboard: ControllerDashboard) -> dict:
    """What ``static/js/dashboard.js`` draws, as plain JSON: labels in the reader's
    language, amounts as strings ("1234.56") so that nothing passes through a float here."""
    years = [str(figures.year) for figures in dashboard.years]
    return {
        "months": {
            "labels": [date_format(row.month, "YEAR_MONTH_FORMAT") for row in dashboard.months],
            "committed": [str(row.committed_cumulative) for row in dashboard.months],
            "paid": [str(row.paid_cumulative) for row in dashboard.months],
            "budget": str(money(dashboard.programme_year.budget)),
            "series": [_("Gebunden (kumuliert)"), _("Ausgezahlt (kumuliert)"), _("Programmbudget")],
        },
        "lands": _breakdown_chart(dashboard.by_land),
        "structural": _breakdown_chart(dashboard.by_status),
        "applications": {
            "labels": [row.label for row in dashboard.applications],
            "years": years,
            "counts": [[row.counts[index] for row in dashboard.applications] for index in range(len(years))],
        },
        "comparison": {
            "labels": [row.label for row in dashboard.comparison],
            "years": years,
            "committed": [[str(row.committed[index]) for row in dashboard.comparison] for index in range(len(years))],
            "budgets": [str(figures.budget) for figures in dashboard.years],
            # The script puts the year in: one translated text for any year.
            "budget_label": _("Programmbudget %(year)s"),
        },
        "currency": "EUR",
    }


def _breakdown_chart(rows: list[BreakdownRow]) -> dict:
    return {
        "labels": [row.label for row in rows],
        "committed": [str(row.sums.committed) for row in rows],
        "paid": [str(row.sums.payouts) for row in rows],
        "series": [_("Gebunden"), _("Ausgezahlt")],
    }
