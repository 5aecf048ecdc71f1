"""The Basiszinssatz table as the administrators keep it: each publication of the
Deutsche Bundesbank is entered once, half-year after half-year.

A new row must (``base_rate_problems``):

- start a half-year (1 January or 1 July, § 247 Abs. 1 BGB) and be exactly the one after
  the newest row: no gap, no overlap; a second entry for a half-year names the first;
- give the rate in percent with at most two decimals, from -10 to +20;
- name its source (the publication);
- give the date of publication, not in the future and not more than a year before the
  half-year begins.

A row is never changed or deleted: interest already computed rests on it
(``BaseRate.save`` refuses updates, and there is no page for either).

``base_rate_add`` locks every row of the table, in ``valid_from`` order as
``budgets.interest.base_rates_load`` does, before it reads the newest: two
administrators entering at the same moment are served one after the other, and the
second sees the first one's row. The unique ``valid_from`` catches the one case no row
lock covers, two first rows of an empty table.
"""

from __future__ import annotations

import datetime
import logging
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from budgets.errors import InterestError
from budgets.interest import (
    RATE_MAX,
    RATE_MIN,
    half_year_end,
    half_year_start,
    is_half_year_start,
    next_half_year,
    rate_is_plausible,
)
from budgets.models import BaseRate
from core.dates import format_day, shift_years
from core.money import format_percent
from grants.roles import Role, has_role

logger = logging.getLogger(__name__)

SOURCE_MAX_LENGTH = BaseRate._meta.get_field("source").max_length
# The Bundesbank announces the rate shortly before the half-year begins; a year
# earlier nothing about it can have been published.
PUBLISHED_AT_MOST_YEARS_BEFORE = 1


class BaseRateRefused(InterestError):
    """A new base rate was refused: one German message per field (``None``: the whole entry)."""

    def __init__(self, problems: dict[str | None, str], *, code: str = "base_rate_refused") -> None:
        super().__init__(" ".join(problems.values()), code=code)
        self.problems = problems


def base_rate_can_add(*, user) -> tuple[bool, str]:
    """Only administrators enter a published rate."""
    if not user.is_authenticated:
        return False, _("Bitte melden Sie sich an.")
    if not has_role(user, Role.ADMIN):
        return False, _("Den Basiszinssatz trägt die Administration ein.")
    return True, ""


# --- reading -------------------------------------------------------------------------------


def base_rates_listed() -> QuerySet[BaseRate]:
    """Every row, the newest first, with who entered it."""
    return BaseRate.objects.select_related("created_by").order_by("-valid_from")


def base_rate_next_valid_from() -> datetime.date | None:
    """The half-year to be entered next; None while the table is empty (any half-year may begin it)."""
    newest = BaseRate.objects.aggregate(newest=Max("valid_from"))["newest"]
    return next_half_year(newest) if newest is not None else None


def base_rate_missing_from(*, day: datetime.date) -> datetime.date | None:
    """The first day without a Basiszinssatz if the table does not reach ``day``; else None.

    Usually the start of ``day``'s own half-year; earlier when more than one
    publication is missing, since they are entered in order.
    """
    newest = BaseRate.objects.aggregate(newest=Max("valid_from"))["newest"]
    if newest is None:
        return half_year_start(day)
    covered = half_year_end(newest)
    return covered + datetime.timedelta(days=1) if covered < day else None


# --- the rules -------------------------------------------------------------------------------


def clean_source(source: str) -> str:
    return " ".join((source or "").split())


def base_rate_problems(
    *,
    valid_from: datetime.date | None,
    rate: Decimal | None,
    source: str,
    published_on: datetime.date | None,
    newest: BaseRate | None,
    same: BaseRate | None,
    today: datetime.date,
) -> dict[str, str]:
    """What is wrong with a new row, per field, in German; empty when nothing is.

    ``newest`` is the newest row of the table, ``same`` the row that already starts on
    ``valid_from`` (if any), ``source`` already cleaned (``clean_source``).
    """
    problems: dict[str, str] = {}
    if valid_from is None:
        problems["valid_from"] = _("Bitte geben Sie an, ab wann der Basiszinssatz gilt.")
    elif not is_half_year_start(valid_from):
        problems["valid_from"] = _(
            "Der Basiszinssatz ändert sich nur zum 1. Januar und zum 1. Juli (§ 247 Abs. 1 BGB). Bitte geben Sie "
            "den 01.01. oder den 01.07. eines Jahres an."
        )
    elif same is not None:
        problems["valid_from"] = _(
            "Für das Halbjahr ab dem %(day)s ist bereits ein Basiszinssatz hinterlegt: %(rate)s (Quelle: "
            "%(source)s). Ein veröffentlichter Satz wird nicht geändert."
        ) % {"day": format_day(same.valid_from), "rate": format_percent(same.rate), "source": same.source or "–"}
    elif newest is not None and valid_from != next_half_year(newest.valid_from):
        problems["valid_from"] = _(
            "Als Nächstes ist der Basiszinssatz ab dem %(next)s einzutragen, das Halbjahr nach dem neuesten "
            "hinterlegten (ab dem %(newest)s). Die Halbjahre werden der Reihe nach eingetragen, ohne Lücke."
        ) % {"next": format_day(next_half_year(newest.valid_from)), "newest": format_day(newest.valid_from)}

    if rate is None:
        problems["rate"] = _("Bitte geben Sie den Basiszinssatz in Prozent an, z. B. 1,27 oder -0,88.")
    elif rate.is_finite() and not RATE_MIN <= rate <= RATE_MAX:
        problems["rate"] = _(
            "Der Basiszinssatz liegt zwischen %(min)s und %(max)s. Bitte prüfen Sie den Wert und das Vorzeichen."
        ) % {"min": format_percent(RATE_MIN), "max": format_percent(RATE_MAX)}
    elif not rate_is_plausible(rate):
        problems["rate"] = _(
            "Bitte geben Sie den Basiszinssatz in Prozent mit höchstens zwei Nachkommastellen an, z. B. 1,27."
        )

    if not source:
        problems["source"] = _(
            "Bitte geben Sie die Quelle an, z. B. »Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger«."
        )
    elif len(source) > SOURCE_MAX_LENGTH:
        problems["source"] = _("Die Quelle ist zu lang (höchstens %(max)d Zeichen).") % {"max": SOURCE_MAX_LENGTH}
    elif any(unicodedata.category(char) == "Cc" for char in source):
        problems["source"] = _("Die Quelle enthält Steuerzeichen. Bitte geben Sie sie als einfachen Text ein.")

    if published_on is None:
        problems["published_on"] = _("Bitte geben Sie an, wann der Basiszinssatz veröffentlicht wurde.")
    elif published_on > today:
        problems["published_on"] = _("Das Datum der Veröffentlichung darf nicht in der Zukunft liegen.")
    elif valid_from is not None and published_on < shift_years(valid_from, -PUBLISHED_AT_MOST_YEARS_BEFORE):
        problems["published_on"] = _(
            "Die Veröffentlichung liegt mehr als ein Jahr vor dem Beginn des Halbjahrs (%(day)s). Bitte prüfen "
            "Sie das Datum."
        ) % {"day": format_day(valid_from)}
    return problems


# --- writing -------------------------------------------------------------------------------


def base_rate_add(
    *,
    user: AbstractUser,
    valid_from: datetime.date,
    rate: Decimal,
    source: str,
    published_on: datetime.date,
) -> BaseRate:
    """Enter the Basiszinssatz of the next half-year as published; refuses with ``BaseRateRefused``."""
    # Refusals are German like every service's, whatever language the page was in.
    with translation.override(settings.LANGUAGE_CODE):
        allowed, reason = base_rate_can_add(user=user)
        if not allowed:
            raise BaseRateRefused({None: reason}, code="forbidden")
        source = clean_source(source)
        if rate is not None and rate.is_finite() and rate.is_zero():
            rate = Decimal("0.00")  # "-0,00" is the same rate and must not be stored with a sign
        with transaction.atomic():
            list(BaseRate.objects.select_for_update().order_by("valid_from").values_list("pk", flat=True))
            newest = BaseRate.objects.order_by("-valid_from").first()
            same = BaseRate.objects.filter(valid_from=valid_from).first() if valid_from is not None else None
            problems = base_rate_problems(
                valid_from=valid_from,
                rate=rate,
                source=source,
                published_on=published_on,
                newest=newest,
                same=same,
                today=timezone.localdate(),
            )
            if problems:
                raise BaseRateRefused(problems)
            try:
                with transaction.atomic():
                    row = BaseRate.objects.create(
                        valid_from=valid_from, rate=rate, source=source, published_on=published_on, created_by=user
                    )
            except IntegrityError:
                raise BaseRateRefused(
                    {
                        "valid_from": _(
                            "Für das Halbjahr ab dem %(day)s wurde soeben ein Basiszinssatz eingetragen. Bitte "
                            "laden Sie die Seite neu."
                        )
                        % {"day": format_day(valid_from)}
                    }
                ) from None
    logger.info("Basiszinssatz ab %s: %s %% eingetragen von %s", valid_from, rate, user.get_username())
    return row
