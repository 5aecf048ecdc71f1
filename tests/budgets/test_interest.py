"""Interest per § 49a Abs. 3 VwVfG: 5 percentage points above the Basiszinssatz, day by day
(act/365: start day counts, payment day does not), rounded once at the end; and the table
of base rates, kept as data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budgets.interest import (
    RATES_FILE,
    InterestError,
    base_rates,
    base_rates_load,
    claim_interest,
    claim_interest_provisional,
    interest_for,
    interest_periods,
    interest_provisional,
    known_until,
    missing_from,
    parse_base_rates,
    read_rates_file,
)
from budgets.models import BaseRate

D = Decimal
day = datetime.date

# Published values (Deutsche Bundesbank) used by the hand computations below.
RATES_2021_2023 = [
    (day(2021, 1, 1), D("-0.88")),
    (day(2021, 7, 1), D("-0.88")),
    (day(2022, 1, 1), D("-0.88")),
    (day(2022, 7, 1), D("-0.88")),
    (day(2023, 1, 1), D("1.62")),
    (day(2023, 7, 1), D("3.12")),
]


# --- the pure function ---------------------------------------------------------------------


def test_across_a_base_rate_change():
    # 1,000.00 EUR from 01.06.2023 (counts) to 01.08.2023 (payment day, does not count):
    #   01.06.–30.06.2023: 30 days at 1.62 + 5 = 6.62 %
    #   01.07.–31.07.2023: 31 days at 3.12 + 5 = 8.12 %
    #   1000 × (6.62 × 30 + 8.12 × 31) / (100 × 365) = 1000 × 450.32 / 36500 = 12.33753… → 12.34
    assert interest_for(principal=D("1000.00"), start=day(2023, 6, 1), end=day(2023, 8, 1), rates=RATES_2021_2023) == D(
        "12.34"
    )
    periods = interest_periods(start=day(2023, 6, 1), end=day(2023, 8, 1), rates=RATES_2021_2023)
    assert [(p.first, p.last, p.days, p.rate) for p in periods] == [
        (day(2023, 6, 1), day(2023, 6, 30), 30, D("6.62")),
        (day(2023, 7, 1), day(2023, 7, 31), 31, D("8.12")),
    ]


def test_negative_base_rate_gives_4_12_percent():
    # 2,550.00 EUR from 15.03.2021 to 15.09.2021, Basiszinssatz −0.88 % → 4.12 % throughout:
    #   days: 17 (15.–31.03.) + 30 + 31 + 30 + 31 + 31 + 14 (01.–14.09.) = 184
    #   2550 × 4.12 × 184 / 36500 = 2550 × 758.08 / 36500 = 1,933,104 / 36500 = 52.96175… → 52.96
    assert interest_for(
        principal=D("2550.00"), start=day(2021, 3, 15), end=day(2021, 9, 15), rates=RATES_2021_2023
    ) == D("52.96")


def test_from_the_negative_into_the_positive_period():
    # 5,000.00 EUR from 01.12.2022 to 31.01.2023:
    #   01.12.–31.12.2022: 31 days at −0.88 + 5 = 4.12 %  → 4.12 × 31 = 127.72
    #   01.01.–30.01.2023: 30 days at  1.62 + 5 = 6.62 %  → 6.62 × 30 = 198.60
    #   5000 × 326.32 / 36500 = 44.70136… → 44.70
    assert interest_for(
        principal=D("5000.00"), start=day(2022, 12, 1), end=day(2023, 1, 31), rates=RATES_2021_2023
    ) == D("44.70")


def test_zero_base_rate_and_act_365_in_a_leap_year():
    zero = [(day(2020, 1, 1), D("0.00"))]
    # 01.01.2020–31.12.2020: 366 days (leap year) at 0 + 5 = 5 %, each day 1/365 of a year:
    #   1000 × 5 × 366 / 36500 = 50.13698… → 50.14
    assert interest_for(principal=D("1000.00"), start=day(2020, 1, 1), end=day(2021, 1, 1), rates=zero) == D("50.14")
    # 365 days: exactly 5 % of a year.
    assert interest_for(principal=D("1000.00"), start=day(2021, 1, 1), end=day(2022, 1, 1), rates=zero) == D("50.00")


def test_same_day_is_zero_even_without_rates():
    assert interest_for(principal=D("2550.00"), start=day(2026, 3, 2), end=day(2026, 3, 2), rates=[]) == D("0.00")
    assert interest_periods(start=day(2026, 3, 2), end=day(2026, 3, 2), rates=[]) == []


def test_one_day_counts_the_start_day_only():
    # 10,000.00 EUR for one day (30.06.2023) at 6.62 %: 10000 × 6.62 / 36500 = 1.81369… → 1.81
    # (on 01.07. the new rate would apply: payment day, no interest).
    assert interest_for(
        principal=D("10000.00"), start=day(2023, 6, 30), end=day(2023, 7, 1), rates=RATES_2021_2023
    ) == D("1.81")


def test_rounded_once_at_the_end_and_half_up():
    rates = [(day(2020, 1, 1), D("0.00")), (day(2020, 7, 1), D("2.30"))]
    # 100.35 EUR from 19.04.2020 to 20.08.2020:
    #   19.04.–30.06.: 73 days at 5.00 % → 100.35 × 5.00 × 73 / 36500 = 1.0035
    #   01.07.–19.08.: 50 days at 7.30 % → 100.35 × 7.30 × 50 / 36500 = 1.0035
    #   sum 2.0070 → 2.01 (rounding each period first would give 1.00 + 1.00 = 2.00)
    assert interest_for(principal=D("100.35"), start=day(2020, 4, 19), end=day(2020, 8, 20), rates=rates) == D("2.01")
    # 100.50 EUR, 73 days at 5 %: exactly 1.005 → half up 1.01 (banker's rounding would give 1.00).
    assert interest_for(principal=D("100.50"), start=day(2020, 4, 19), end=day(2020, 7, 1), rates=rates) == D("1.01")


def test_rates_need_not_be_sorted_and_the_last_one_continues():
    shuffled = list(reversed(RATES_2021_2023))
    assert interest_for(principal=D("1000.00"), start=day(2023, 6, 1), end=day(2023, 8, 1), rates=shuffled) == D(
        "12.34"
    )
    # After the last row its rate continues (the pure function does not know the table's end):
    # 1000 × 8.12 × 31 / 36500 = 6.89643… → 6.90
    assert interest_for(principal=D("1000.00"), start=day(2024, 1, 1), end=day(2024, 2, 1), rates=RATES_2021_2023) == D(
        "6.90"
    )


def test_refusals():
    with pytest.raises(InterestError) as caught:
        interest_for(principal=D("1.00"), start=day(2020, 12, 31), end=day(2021, 1, 2), rates=RATES_2021_2023)
    assert caught.value.code == "no_base_rate"
    with pytest.raises(ValueError):
        interest_for(principal=D("1.00"), start=day(2021, 2, 1), end=day(2021, 1, 31), rates=RATES_2021_2023)
    with pytest.raises(ValueError):
        interest_for(principal=D("-1.00"), start=day(2021, 1, 1), end=day(2021, 1, 31), rates=RATES_2021_2023)


# --- the table -------------------------------------------------------------------------------


def test_the_shipped_table_names_its_source_and_holds_the_published_rates():
    text = RATES_FILE.read_text(encoding="utf-8")
    assert "Deutsche Bundesbank" in text
    assert "§ 247 BGB" in text
    rates = dict(read_rates_file())
    assert rates[day(2013, 7, 1)] == D("-0.38")
    assert rates[day(2016, 7, 1)] == D("-0.88")
    assert rates[day(2019, 1, 1)] == D("-0.88")
    assert rates[day(2022, 7, 1)] == D("-0.88")
    assert rates[day(2023, 1, 1)] == D("1.62")
    assert rates[day(2023, 7, 1)] == D("3.12")
    assert rates[day(2024, 1, 1)] == D("3.62")
    assert rates[day(2024, 7, 1)] == D("3.37")
    assert rates[day(2025, 1, 1)] == D("2.27")
    assert rates[day(2025, 7, 1)] == D("1.27")
    assert rates[day(2026, 1, 1)] == D("1.27")
    assert known_until(read_rates_file()) >= day(2026, 6, 30)


def test_the_shipped_table_reaches_back_to_the_introduction_in_2002():
    rates = read_rates_file()
    assert rates[0] == (day(2002, 1, 1), D("2.57"))
    values = dict(rates)
    assert [values[day(year, month, 1)] for year in (2008, 2009) for month in (1, 7)] == [
        D("3.32"),
        D("3.19"),
        D("1.62"),
        D("0.12"),
    ]
    assert values[day(2011, 7, 1)] == D("0.37")
    assert values[day(2012, 7, 1)] == D("0.12")
    # 2002 to the first half of 2026, every half-year once.
    assert len(rates) == 2 * (2026 - 2002) + 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("date,rate\n2020-01-01,0.00\n", "header"),
        ("valid_from,rate\n2020-02-01,0.00\n", "1 January and 1 July"),
        ("valid_from,rate\n2020-01-01,0.00\n2021-01-01,0.00\n", "2020-07-01"),
        ("valid_from,rate\n2020-01-01,0.005\n", "two decimals"),
        ("valid_from,rate\n2020-01-01,20.01\n", "from -10.00 to 20.00"),
        ("valid_from,rate\n2020-01-01,1e100\n", "from -10.00 to 20.00"),
        ("valid_from,rate\n2020-01-01,null\n", "YYYY-MM-DD,rate"),
        ("valid_from,rate\n2020-01-01\n", "two values"),
    ],
)
def test_a_broken_table_is_refused_with_its_line(text, message):
    with pytest.raises(ValueError) as caught:
        parse_base_rates(text)
    assert message in str(caught.value)


def test_comments_and_blank_lines_are_ignored():
    assert parse_base_rates("# Quelle\n\nvalid_from,rate\n2020-01-01,-0.88\n2020-07-01,-0.88\n") == [
        (day(2020, 1, 1), D("-0.88")),
        (day(2020, 7, 1), D("-0.88")),
    ]


@pytest.mark.django_db
def test_the_migration_loaded_the_table_and_loading_again_changes_nothing():
    assert base_rates() == read_rates_file()
    assert base_rates_load(rates=read_rates_file()) == 0
    call_command("load_base_rates", verbosity=0)
    assert BaseRate.objects.count() == len(read_rates_file())


@pytest.mark.django_db
def test_a_published_rate_is_never_rewritten(tmp_path):
    with pytest.raises(InterestError) as caught:
        base_rates_load(rates=[(day(2023, 1, 1), D("1.63"))])
    assert caught.value.code == "base_rate_conflict"
    assert BaseRate.objects.get(valid_from=day(2023, 1, 1)).rate == D("1.62")

    wrong = tmp_path / "basiszinssatz.csv"
    wrong.write_text("valid_from,rate\n2023-01-01,1.63\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_base_rates", file=wrong, verbosity=0)


@pytest.mark.django_db
def test_claim_interest_uses_the_table_and_refuses_days_it_does_not_know():
    # 2,550.00 EUR from 02.03.2026 to 01.04.2026: 30 days at 1.27 + 5 = 6.27 %:
    #   2550 × 6.27 × 30 / 36500 = 13.14123… → 13.14
    interest = claim_interest(principal=D("2550.00"), start=day(2026, 3, 2), end=day(2026, 4, 1))
    assert interest.amount == D("13.14")
    assert "02.03.2026 bis 31.03.2026: 30 Tage × 6,27 %" in interest.calculation
    assert "13,14" in interest.calculation

    BaseRate.objects.filter(valid_from__gte=day(2026, 1, 1)).delete()
    with pytest.raises(InterestError) as caught:
        claim_interest(principal=D("2550.00"), start=day(2025, 12, 1), end=day(2026, 1, 2))
    assert caught.value.code == "base_rate_missing"
    assert "01.01.2026" in caught.value.message
    # It names the page where the rate is entered, not a file on the server.
    assert "Seite »Basiszinssatz«" in caught.value.message
    assert "basiszinssatz.csv" not in caught.value.message
    # The last day of the known half-year is still fine (payment on 01.01. bears no interest):
    #   01.12.–31.12.2025: 31 days at 1.27 + 5 = 6.27 % → 2550 × 6.27 × 31 / 36500 = 13.57931… → 13.58
    assert claim_interest(principal=D("2550.00"), start=day(2025, 12, 1), end=day(2026, 1, 1)).amount == D("13.58")


# --- provisional interest while a rate is missing ---------------------------------------------


def test_provisional_interest_covers_the_known_days_and_names_the_first_missing_one():
    rates = [(day(2026, 1, 1), D("1.27"))]  # known until 30.06.2026
    # 2,550.00 EUR from 02.03.2026, paid on 01.10.2026:
    #   02.03.–30.06.2026: 30 + 30 + 31 + 30 = 121 days at 1.27 + 5 = 6.27 %
    #   2550 × 6.27 × 121 / 36500 = 1,934,608.5 / 36500 = 53.00297… → 53.00
    provisional = interest_provisional(principal=D("2550.00"), start=day(2026, 3, 2), end=day(2026, 10, 1), rates=rates)
    assert provisional.amount == D("53.00")
    assert (provisional.days, provisional.first, provisional.last) == (121, day(2026, 3, 2), day(2026, 6, 30))
    assert provisional.missing_from == day(2026, 7, 1)
    # The same days as the full computation would count for them: one arithmetic, not two.
    assert provisional.amount == interest_for(
        principal=D("2550.00"), start=day(2026, 3, 2), end=day(2026, 7, 1), rates=rates
    )
    assert provisional.description == (
        "vorläufig 53,00\u00a0€ für 121 Zinstage vom 02.03.2026 bis 30.06.2026; "
        "für die Zeit ab 01.07.2026 fehlt der Basiszinssatz"
    )


def test_provisional_interest_when_every_day_or_no_day_is_known():
    rates = [(day(2026, 1, 1), D("1.27"))]
    # Every day known: the full interest, nothing missing (1000 × 6.27 × 30 / 36500 = 5.15342… → 5.15).
    known = interest_provisional(principal=D("1000.00"), start=day(2026, 3, 2), end=day(2026, 4, 1), rates=rates)
    assert (known.amount, known.days, known.missing_from) == (D("5.15"), 30, None)
    assert known.description == "vorläufig 5,15\u00a0€ für 30 Zinstage vom 02.03.2026 bis 31.03.2026"
    # The claim arose after the table's end: no day known yet.
    none = interest_provisional(principal=D("1000.00"), start=day(2026, 8, 3), end=day(2026, 9, 1), rates=rates)
    assert (none.amount, none.days, none.missing_from) == (D("0.00"), 0, day(2026, 8, 3))
    assert none.description == (
        "vorläufig 0,00\u00a0€, noch für keinen Zinstag ist der Basiszinssatz bekannt; "
        "für die Zeit ab 03.08.2026 fehlt der Basiszinssatz"
    )
    # One day: 1000 × 6.27 / 36500 = 0.17178… → 0.17.
    one = interest_provisional(principal=D("1000.00"), start=day(2026, 6, 30), end=day(2026, 7, 2), rates=rates)
    assert one.description == (
        "vorläufig 0,17\u00a0€ für 1 Zinstag am 30.06.2026; für die Zeit ab 01.07.2026 fehlt der Basiszinssatz"
    )


def test_missing_from():
    rates = [(day(2026, 1, 1), D("1.27"))]
    assert missing_from(rates=rates, start=day(2026, 3, 2), end=day(2026, 7, 1)) is None
    assert missing_from(rates=rates, start=day(2026, 3, 2), end=day(2026, 7, 2)) == day(2026, 7, 1)
    assert missing_from(rates=rates, start=day(2026, 9, 1), end=day(2026, 9, 1)) is None
    assert missing_from(rates=[], start=day(2026, 9, 1), end=day(2026, 9, 2)) == day(2026, 9, 1)


@pytest.mark.django_db
def test_provisional_interest_with_the_table():
    # The shipped table ends on 30.06.2026 (the rate from 01.07.2026 is not published in it).
    provisional = claim_interest_provisional(principal=D("2550.00"), start=day(2026, 3, 2), end=day(2026, 10, 1))
    assert (provisional.amount, provisional.missing_from) == (D("53.00"), day(2026, 7, 1))
