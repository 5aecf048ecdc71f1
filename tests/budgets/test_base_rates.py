"""The Basiszinssatz table kept by the administrators: the shipped history, the rules for a
new publication (each refusal with its German message), and that nothing is ever rewritten.

Today is 25.11.2026; the newest shipped row is 01.01.2026, so the half-year from
01.07.2026 is missing and is the one to be entered next.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from budgets.base_rates import (
    BaseRateRefused,
    base_rate_add,
    base_rate_can_add,
    base_rate_missing_from,
    base_rate_next_valid_from,
    base_rate_problems,
    base_rates_listed,
)
from budgets.interest import BUNDESBANK_SOURCE, base_rates, read_rates_file
from budgets.models import BaseRate
from grants.roles import Role
from tests import factories
from tests.clock import TODAY

D = Decimal
day = datetime.date
NEXT = day(2026, 7, 1)
SOURCE = "Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger vom 30.06.2026"


def entry(**overrides) -> dict:
    """A valid entry of the half-year from 01.07.2026 (the value is a test value, not the published one)."""
    values = {"valid_from": NEXT, "rate": D("1.11"), "source": SOURCE, "published_on": day(2026, 6, 30)}
    values.update(overrides)
    return values


def refused(user, **overrides) -> dict[str | None, str]:
    before = list(BaseRate.objects.order_by("pk").values_list())
    with pytest.raises(BaseRateRefused) as caught:
        base_rate_add(user=user, **entry(**overrides))
    assert list(BaseRate.objects.order_by("pk").values_list()) == before, "a refusal changed the table"
    return caught.value.problems


# --- the shipped history ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_holds_the_shipped_table_from_2002_with_its_source():
    assert base_rates() == read_rates_file()
    rates = dict(base_rates())
    assert min(rates) == day(2002, 1, 1)
    assert rates[day(2002, 1, 1)] == D("2.57")
    assert rates[day(2007, 7, 1)] == D("3.19")
    assert rates[day(2009, 7, 1)] == D("0.12")
    assert rates[day(2011, 7, 1)] == D("0.37")
    assert rates[day(2012, 7, 1)] == D("0.12")
    assert rates[day(2013, 1, 1)] == D("-0.13")
    assert set(BaseRate.objects.values_list("source", flat=True)) == {BUNDESBANK_SOURCE}
    assert not BaseRate.objects.filter(created_by__isnull=False).exists()


@pytest.mark.django_db
def test_a_published_rate_is_never_changed_and_the_database_refuses_other_days():
    row = BaseRate.objects.get(valid_from=day(2026, 1, 1))
    row.rate = D("9.99")
    with pytest.raises(ValueError):
        row.save()
    assert BaseRate.objects.get(valid_from=day(2026, 1, 1)).rate == D("1.27")
    with pytest.raises(IntegrityError), transaction.atomic():
        BaseRate.objects.create(valid_from=day(2026, 8, 1), rate=D("1.00"), source="Test")


# --- reading --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_missing_half_year_is_named_while_today_is_not_covered():
    assert base_rate_missing_from(day=TODAY) == NEXT
    assert base_rate_missing_from(day=day(2026, 6, 30)) is None
    assert base_rate_missing_from(day=day(2026, 7, 1)) == NEXT
    # Two publications missing: the first of them, since they are entered in order.
    assert base_rate_missing_from(day=day(2027, 2, 1)) == NEXT
    assert base_rate_next_valid_from() == NEXT

    BaseRate.objects.create(valid_from=NEXT, rate=D("1.11"), source="Test")
    assert base_rate_missing_from(day=TODAY) is None
    assert base_rate_missing_from(day=day(2027, 2, 1)) == day(2027, 1, 1)
    assert base_rate_next_valid_from() == day(2027, 1, 1)

    BaseRate.objects.all().delete()
    assert base_rate_missing_from(day=TODAY) == NEXT
    assert base_rate_next_valid_from() is None


# --- adding ----------------------------------------------------------------------------------------


def test_an_administrator_adds_the_next_half_year(admin_user):
    row = base_rate_add(user=admin_user, **entry(source="  Deutsche Bundesbank,\n Bekanntgabe  "))

    row.refresh_from_db()
    assert (row.valid_from, row.rate, row.published_on) == (NEXT, D("1.11"), day(2026, 6, 30))
    assert row.source == "Deutsche Bundesbank, Bekanntgabe"
    assert row.created_by == admin_user
    assert timezone.localdate(row.created_at) == TODAY
    assert base_rates_listed().first() == row
    assert base_rate_missing_from(day=TODAY) is None
    assert base_rate_next_valid_from() == day(2027, 1, 1)


@pytest.mark.parametrize("rate", ["-10.00", "20.00", "0.00", "-0.88"])
def test_the_bounds_of_the_rate_are_accepted(admin_user, rate):
    assert base_rate_add(user=admin_user, **entry(rate=D(rate))).rate == D(rate)


def test_minus_zero_is_stored_as_zero(admin_user):
    row = base_rate_add(user=admin_user, **entry(rate=D("-0.00")))
    row.refresh_from_db()
    assert str(row.rate) == "0.00"


def test_published_exactly_a_year_before_or_today_is_accepted(admin_user):
    assert base_rate_add(user=admin_user, **entry(published_on=day(2025, 7, 1))).pk
    assert base_rate_add(user=admin_user, **entry(valid_from=day(2027, 1, 1), published_on=TODAY)).pk


def test_the_second_entry_of_the_same_half_year_is_refused_and_names_the_first(admin_user):
    base_rate_add(user=admin_user, **entry())

    problems = refused(admin_user, rate=D("1.12"), source="Nochmal")

    assert list(problems) == ["valid_from"]
    assert problems["valid_from"] == (
        f"Für das Halbjahr ab dem 01.07.2026 ist bereits ein Basiszinssatz hinterlegt: 1,11 % (Quelle: {SOURCE}). "
        "Ein veröffentlichter Satz wird nicht geändert."
    )
    assert BaseRate.objects.get(valid_from=NEXT).rate == D("1.11")


# --- each refusal, with its message ---------------------------------------------------------------


def test_only_the_first_of_january_or_july(admin_user):
    problems = refused(admin_user, valid_from=day(2026, 8, 1))
    assert problems == {
        "valid_from": "Der Basiszinssatz ändert sich nur zum 1. Januar und zum 1. Juli (§ 247 Abs. 1 BGB). Bitte "
        "geben Sie den 01.01. oder den 01.07. eines Jahres an."
    }


def test_a_shipped_half_year_is_a_duplicate(admin_user):
    problems = refused(admin_user, valid_from=day(2026, 1, 1), published_on=day(2025, 12, 30))
    assert problems["valid_from"].startswith(
        "Für das Halbjahr ab dem 01.01.2026 ist bereits ein Basiszinssatz hinterlegt: 1,27 % "
        "(Quelle: Deutsche Bundesbank, Basiszinssatz nach § 247 BGB)."
    )


@pytest.mark.parametrize(
    ("valid_from", "published_on"),
    [
        (day(2027, 1, 1), day(2026, 11, 20)),  # a gap: 01.07.2026 is still missing
        (day(2001, 7, 1), day(2001, 6, 29)),  # before the table: an overlap with nothing, but out of order
    ],
)
def test_no_gap_and_no_half_year_out_of_order(admin_user, valid_from, published_on):
    problems = refused(admin_user, valid_from=valid_from, published_on=published_on)
    assert problems == {
        "valid_from": "Als Nächstes ist der Basiszinssatz ab dem 01.07.2026 einzutragen, das Halbjahr nach dem "
        "neuesten hinterlegten (ab dem 01.01.2026). Die Halbjahre werden der Reihe nach eingetragen, ohne Lücke."
    }


RANGE = "Der Basiszinssatz liegt zwischen -10,00 % und 20,00 %. Bitte prüfen Sie den Wert und das Vorzeichen."
DECIMALS = "Bitte geben Sie den Basiszinssatz in Prozent mit höchstens zwei Nachkommastellen an, z. B. 1,27."


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        (D("1.275"), DECIMALS),
        (D("NaN"), DECIMALS),
        (D("20.01"), RANGE),
        (D("-10.01"), RANGE),
        (D("1E+100"), RANGE),
        (None, "Bitte geben Sie den Basiszinssatz in Prozent an, z. B. 1,27 oder -0,88."),
    ],
)
def test_the_rate_has_two_decimals_within_minus_10_and_20(admin_user, rate, message):
    assert refused(admin_user, rate=rate) == {"rate": message}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "Bitte geben Sie die Quelle an, z. B. »Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger«."),
        (" \n\t ", "Bitte geben Sie die Quelle an, z. B. »Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger«."),
        ("x" * 201, "Die Quelle ist zu lang (höchstens 200 Zeichen)."),
        ("Bundes\x00bank", "Die Quelle enthält Steuerzeichen. Bitte geben Sie sie als einfachen Text ein."),
    ],
)
def test_the_source_is_required(admin_user, source, message):
    assert refused(admin_user, source=source) == {"source": message}


@pytest.mark.parametrize(
    ("published_on", "message"),
    [
        (None, "Bitte geben Sie an, wann der Basiszinssatz veröffentlicht wurde."),
        (day(2026, 11, 26), "Das Datum der Veröffentlichung darf nicht in der Zukunft liegen."),
        (
            day(2025, 6, 30),
            "Die Veröffentlichung liegt mehr als ein Jahr vor dem Beginn des Halbjahrs (01.07.2026). Bitte prüfen "
            "Sie das Datum.",
        ),
    ],
)
def test_the_publication_date_is_neither_in_the_future_nor_a_year_early(admin_user, published_on, message):
    assert refused(admin_user, published_on=published_on) == {"published_on": message}


def test_every_problem_is_reported_at_once(admin_user):
    problems = refused(admin_user, valid_from=day(2026, 7, 2), rate=D("33"), source="", published_on=None)
    assert set(problems) == {"valid_from", "rate", "source", "published_on"}


def test_only_administrators_add(clerk, approver, controller, applicant):
    for user in (clerk, approver, controller, applicant):
        with pytest.raises(BaseRateRefused) as caught:
            base_rate_add(user=user, **entry())
        assert caught.value.code == "forbidden"
        assert caught.value.message == "Den Basiszinssatz trägt die Administration ein."
        assert base_rate_can_add(user=user) == (False, "Den Basiszinssatz trägt die Administration ein.")
    assert not BaseRate.objects.filter(valid_from=NEXT).exists()


def test_an_administrator_who_is_also_a_clerk_may_add(db):
    both = factories.user_with_roles("admin-sachbearbeitung", Role.ADMIN, Role.CLERK)
    assert base_rate_can_add(user=both) == (True, "")


def test_the_rules_are_a_pure_function():
    newest = BaseRate(valid_from=day(2026, 1, 1), rate=D("1.27"), source="Quelle")
    ok = base_rate_problems(
        valid_from=NEXT, rate=D("1.11"), source="Quelle", published_on=day(2026, 6, 30), newest=newest, same=None,
        today=TODAY,
    )  # fmt: skip
    assert ok == {}
    # Without a table any half-year may start it.
    first = base_rate_problems(
        valid_from=day(2020, 1, 1), rate=D("-0.88"), source="Quelle", published_on=day(2019, 12, 27), newest=None,
        same=None, today=TODAY,
    )  # fmt: skip
    assert first == {}
