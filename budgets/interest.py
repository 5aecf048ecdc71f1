"""Interest on refund claims per § 49a Abs. 3 VwVfG, and the Basiszinssatz table it needs.

The amount to be refunded bears interest of 5 percentage points above the
Basiszinssatz (§ 247 BGB) a year, from the day the claim arose to the day of payment.

Day count (documented choice, "act/365"): every calendar day from ``start`` up to the
day before ``end`` bears interest at the rate in force on that day, each day worth
1/365 of the yearly rate, also in leap years. The day of payment bears none, so a claim
paid on the day it arose bears no interest. The rate in force on a day is the
Basiszinssatz of the newest row whose ``valid_from`` is not after that day; a negative
Basiszinssatz counts as it is (-0.88 % gives 4.12 %). The exact sum over all days is
rounded once, at the end, with ``core.money.money`` (half up).

The published rates are data in the table ``BaseRate``, one row per half-year as
published by the Deutsche Bundesbank. The history since 2002 ships with the application
(``budgets/data/basiszinssatz.csv``, loaded by migrations and by
``manage.py load_base_rates``); each later publication is entered by an administrator on
the page "Basiszinssatz" (``budgets.base_rates``). Interest for a day after the last
known half-year is refused rather than guessed; ``interest_provisional`` says what is
known so far and from which day the rate is missing.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from budgets.errors import InterestError
from budgets.models import BaseRate
from core.money import format_eur, format_percent, money

RATES_FILE = Path(__file__).resolve().parent / "data" / "basiszinssatz.csv"
# § 49a Abs. 3 Satz 1 VwVfG: five percentage points above the Basiszinssatz.
SURCHARGE_POINTS = Decimal("5")
DAYS_PER_YEAR = 365
# § 247 Abs. 1 BGB: the rate changes on 1 January and 1 July.
CHANGE_MONTHS = (1, 7)
# Beyond these a value is a typing error, not a publication: since 2002 the rate lay
# between -0.88 and 3.62. The same bounds hold for the page and for the shipped file.
RATE_MIN = Decimal("-10.00")
RATE_MAX = Decimal("20.00")
BUNDESBANK_SOURCE = "Deutsche Bundesbank, Basiszinssatz nach § 247 BGB"

Rates = list[tuple[datetime.date, Decimal]]


@dataclass(frozen=True)
class InterestPeriod:
    """Consecutive days at one rate: ``first`` up to and including ``last``."""

    first: datetime.date
    last: datetime.date
    days: int
    base_rate: Decimal

    @property
    def rate(self) -> Decimal:
        return self.base_rate + SURCHARGE_POINTS


# --- pure functions ---------------------------------------------------------------------


def _rate_on(rates: Rates, day: datetime.date) -> tuple[int, Decimal]:
    index = None
    for position, (valid_from, _rate) in enumerate(rates):
        if valid_from <= day:
            index = position
        else:
            break
    if index is None:
        raise InterestError(
            _("Für den %(day)s ist kein Basiszinssatz hinterlegt.") % {"day": f"{day:%d.%m.%Y}"}, code="no_base_rate"
        )
    return index, rates[index][1]


def interest_periods(*, start: datetime.date, end: datetime.date, rates: Rates) -> list[InterestPeriod]:
    """The days from ``start`` up to the day before ``end``, split where the rate changes."""
    if end < start:
        raise ValueError("The end of an interest period must not be before its start.")
    rates = sorted(rates)
    periods: list[InterestPeriod] = []
    day = start
    while day < end:
        index, base_rate = _rate_on(rates, day)
        next_change = rates[index + 1][0] if index + 1 < len(rates) else None
        stop = end if next_change is None else min(end, next_change)
        periods.append(
            InterestPeriod(
                first=day, last=stop - datetime.timedelta(days=1), days=(stop - day).days, base_rate=base_rate
            )
        )
        day = stop
    return periods


def interest_for(*, principal: Decimal, start: datetime.date, end: datetime.date, rates: Rates) -> Decimal:
    """Interest on ``principal`` from ``start`` (bears interest) to ``end`` (day of payment, does not).

    ``rates``: (valid_from, Basiszinssatz in percent) pairs; the rate in force on a day
    is the one of the newest ``valid_from`` not after it. Rounded once, at the end.
    """
    principal = Decimal(principal)
    if principal < 0:
        raise ValueError("The principal must not be negative.")
    periods = interest_periods(start=start, end=end, rates=rates)
    with localcontext() as context:
        context.prec = 40
        # principal × Σ(rate in percent × days) / (100 × 365): one division, then one rounding.
        points_days = sum((period.rate * period.days for period in periods), Decimal("0"))
        exact = principal * points_days / (100 * DAYS_PER_YEAR)
    return money(exact)


def half_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1, 1) if day.month < 7 else datetime.date(day.year, 7, 1)


def half_year_end(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 6, 30) if day.month < 7 else datetime.date(day.year, 12, 31)


def next_half_year(day: datetime.date) -> datetime.date:
    """The first day of the half-year after the one ``day`` lies in."""
    return half_year_end(day) + datetime.timedelta(days=1)


def is_half_year_start(day: datetime.date) -> bool:
    return day.day == 1 and day.month in CHANGE_MONTHS


def rate_is_plausible(rate: Decimal) -> bool:
    """A percentage with at most two decimals within ``RATE_MIN`` and ``RATE_MAX``."""
    # The range first: quantizing a huge value (1E+100) would raise instead of answering.
    return rate.is_finite() and RATE_MIN <= rate <= RATE_MAX and rate == rate.quantize(Decimal("0.01"))


def known_until(rates: Rates) -> datetime.date | None:
    """The last day the table covers: the end of the half-year of its newest row."""
    return half_year_end(max(rates)[0]) if rates else None


def missing_from(*, rates: Rates, start: datetime.date, end: datetime.date) -> datetime.date | None:
    """The first interest day (``start`` up to the day before ``end``) after the table's end, or None."""
    if end <= start:
        return None
    covered = known_until(rates)
    if covered is None:
        return start
    if end - datetime.timedelta(days=1) <= covered:
        return None
    return max(start, covered + datetime.timedelta(days=1))


@dataclass(frozen=True)
class ProvisionalInterest:
    """The interest of the days whose Basiszinssatz is known; the days from ``missing_from``
    on are left out until their rate is published (None: every day is known)."""

    amount: Decimal
    periods: list[InterestPeriod]
    missing_from: datetime.date | None

    @property
    def days(self) -> int:
        return sum(period.days for period in self.periods)

    @property
    def first(self) -> datetime.date | None:
        return self.periods[0].first if self.periods else None

    @property
    def last(self) -> datetime.date | None:
        return self.periods[-1].last if self.periods else None

    @property
    def description(self) -> str:
        """In German, e.g. "vorläufig 3,45 € für 120 Zinstage vom 02.03.2026 bis 30.06.2026; …"."""
        values = {"amount": format_eur(self.amount), "days": self.days}
        if self.days == 1:
            text = _("vorläufig %(amount)s für 1 Zinstag am %(first)s") % {**values, "first": f"{self.first:%d.%m.%Y}"}
        elif self.days:
            text = _("vorläufig %(amount)s für %(days)d Zinstage vom %(first)s bis %(last)s") % {
                **values,
                "first": f"{self.first:%d.%m.%Y}",
                "last": f"{self.last:%d.%m.%Y}",
            }
        else:
            text = _("vorläufig %(amount)s, noch für keinen Zinstag ist der Basiszinssatz bekannt") % values
        if self.missing_from is not None:
            text += "; " + _("für die Zeit ab %(day)s fehlt der Basiszinssatz") % {
                "day": f"{self.missing_from:%d.%m.%Y}"
            }
        return text


def interest_provisional(
    *, principal: Decimal, start: datetime.date, end: datetime.date, rates: Rates
) -> ProvisionalInterest:
    """Interest from ``start`` up to the last day before ``end`` that ``rates`` cover.

    The later days bear interest too, at a rate not yet published: they are left out,
    never guessed, and ``missing_from`` names the first of them.
    """
    gap = missing_from(rates=rates, start=start, end=end)
    stop = end if gap is None else gap
    return ProvisionalInterest(
        amount=interest_for(principal=principal, start=start, end=stop, rates=rates),
        periods=interest_periods(start=start, end=stop, rates=rates),
        missing_from=gap,
    )


def parse_base_rates(text: str) -> Rates:
    """Rows ``valid_from,rate`` (ISO date, percent with a dot); lines starting with ``#`` are comments.

    Refuses (``ValueError``, with the line) anything but one row per half-year without
    gaps, each on 1 January or 1 July: the table must say exactly how far it is known.
    """
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    data = [(number, line) for number, line in lines if not line.lstrip().startswith("#")]
    if not data:
        raise ValueError("The base rate table is empty.")
    header_number, header = data[0]
    if [cell.strip() for cell in header.split(",")] != ["valid_from", "rate"]:
        raise ValueError(f"Line {header_number}: expected the header 'valid_from,rate'.")
    rates: Rates = []
    for number, line in data[1:]:
        row = next(csv.reader([line]))
        if len(row) != 2:
            raise ValueError(f"Line {number}: expected two values, valid_from and rate.")
        try:
            valid_from = datetime.date.fromisoformat(row[0].strip())
            rate = Decimal(row[1].strip())
        except (ValueError, InvalidOperation):
            raise ValueError(f"Line {number}: {','.join(row)!r} is not 'YYYY-MM-DD,rate'.") from None
        if not is_half_year_start(valid_from):
            raise ValueError(f"Line {number}: the Basiszinssatz changes only on 1 January and 1 July.")
        if not rate_is_plausible(rate):
            raise ValueError(
                f"Line {number}: the rate must be a percentage with at most two decimals, "
                f"from {RATE_MIN} to {RATE_MAX}."
            )
        if rates:
            expected = next_half_year(rates[-1][0])
            if valid_from != expected:
                raise ValueError(f"Line {number}: expected the half-year starting {expected.isoformat()}.")
        rates.append((valid_from, rate))
    return rates


def read_rates_file(path: Path = RATES_FILE) -> Rates:
    return parse_base_rates(path.read_text(encoding="utf-8"))


def describe(*, principal: Decimal, periods: list[InterestPeriod], interest: Decimal) -> str:
    """The calculation in German, as it is recorded on the claim and shown to the municipality."""

    lines = [
        _("Zinsen nach § 49a Abs. 3 VwVfG auf %(principal)s (5 Prozentpunkte über dem Basiszinssatz, act/365):")
        % {"principal": format_eur(principal)}
    ]
    for period in periods:
        lines.append(
            _("%(first)s bis %(last)s: %(days)d Tage × %(rate)s (Basiszinssatz %(base)s + 5 Prozentpunkte)")
            % {
                "first": f"{period.first:%d.%m.%Y}",
                "last": f"{period.last:%d.%m.%Y}",
                "days": period.days,
                "rate": format_percent(period.rate),
                "base": format_percent(period.base_rate),
            }
        )
    if not periods:
        lines.append(_("Keine Zinstage: Zahlung am Tag der Entstehung."))
    lines.append(_("Zinsen gesamt (einmal kaufmännisch gerundet): %(interest)s") % {"interest": format_eur(interest)})
    return "\n".join(lines)


# --- the table in the database ------------------------------------------------------------


def base_rates() -> Rates:
    return [(row.valid_from, row.rate) for row in BaseRate.objects.order_by("valid_from")]


def base_rates_load(*, rates: Rates) -> int:
    """Add the rows the database does not have yet; returns how many were added.

    A published rate never changes: a row that differs from the database is refused
    (a typo in the file must not rewrite interest already computed).
    """
    with transaction.atomic():
        existing = {row.valid_from: row.rate for row in BaseRate.objects.select_for_update().order_by("valid_from")}
        for valid_from, rate in rates:
            if valid_from in existing and existing[valid_from] != rate:
                raise InterestError(
                    _("Der Basiszinssatz ab %(day)s ist mit %(old)s hinterlegt, die Datei nennt %(new)s.")
                    % {"day": f"{valid_from:%d.%m.%Y}", "old": existing[valid_from], "new": rate},
                    code="base_rate_conflict",
                )
        new = [
            BaseRate(valid_from=valid_from, rate=rate, source=BUNDESBANK_SOURCE)
            for valid_from, rate in rates
            if valid_from not in existing
        ]
        BaseRate.objects.bulk_create(new)
    return len(new)


@dataclass(frozen=True)
class Interest:
    amount: Decimal
    periods: list[InterestPeriod]
    calculation: str


def claim_interest(*, principal: Decimal, start: datetime.date, end: datetime.date) -> Interest:
    """Interest on a refund claim with the rates in the database; refuses days the table does not cover."""
    rates = base_rates()
    if missing_from(rates=rates, start=start, end=end) is not None:
        covered = known_until(rates)
        # The half-year to be entered next, which may lie before the claim arose.
        missing = covered + datetime.timedelta(days=1) if covered else start
        raise InterestError(
            _(
                "Die Zinsen können noch nicht berechnet werden: Der Basiszinssatz ab dem %(day)s ist nicht "
                "hinterlegt. Die Administration trägt ihn nach der Bekanntgabe der Deutschen Bundesbank auf der "
                "Seite »Basiszinssatz« ein; danach lassen sich die Zinsen berechnen."
            )
            % {"day": f"{missing:%d.%m.%Y}"},
            code="base_rate_missing",
        )
    periods = interest_periods(start=start, end=end, rates=rates)
    amount = interest_for(principal=principal, start=start, end=end, rates=rates)
    return Interest(
        amount=amount, periods=periods, calculation=describe(principal=principal, periods=periods, interest=amount)
    )


def claim_interest_provisional(*, principal: Decimal, start: datetime.date, end: datetime.date) -> ProvisionalInterest:
    """``interest_provisional`` with the rates in the database."""
    return interest_provisional(principal=principal, start=start, end=end, rates=base_rates())


@dataclass(frozen=True)
class RefundTerms:
    """What a refund claim notice says about interest: the interest up to the due date
    (if paid on it) and what each further day adds, at the rate in force on the due date."""

    to_due: ProvisionalInterest
    rate: Decimal | None
    per_day: Decimal | None


def refund_terms(*, principal: Decimal, start: datetime.date, due: datetime.date, rates: Rates) -> RefundTerms:
    """Interest from ``start`` to the due date, and per day after it.

    The rate of a day after the due date is not known yet when the notice is issued; the
    notice states the one in force on the due date (or the last one published).
    """
    to_due = interest_provisional(principal=principal, start=start, end=due, rates=rates)
    known = [rate for valid_from, rate in sorted(rates) if valid_from <= due]
    if not known:
        return RefundTerms(to_due=to_due, rate=None, per_day=None)
    rate = known[-1] + SURCHARGE_POINTS
    with localcontext() as context:
        context.prec = 40
        per_day = money(Decimal(principal) * rate / (100 * DAYS_PER_YEAR))
    return RefundTerms(to_due=to_due, rate=rate, per_day=per_day)


def claim_refund_terms(*, principal: Decimal, start: datetime.date, due: datetime.date) -> RefundTerms:
    """``refund_terms`` with the rates in the database."""
    return refund_terms(principal=principal, start=start, due=due, rates=base_rates())
