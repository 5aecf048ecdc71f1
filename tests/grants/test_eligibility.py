"""The eligibility rules as pure functions: plain values in, German reasons out."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from grants.eligibility import ApplicationFacts, CostLineFacts, YearRules, check_all, rule_set_version

D = datetime.date
RULES = YearRules(
    year=2026,
    cap=Decimal("5000.00"),
    max_day_rate=Decimal("850.00"),
    eligible_cost_types=frozenset({"consulting", "moderation", "travel"}),
    application_deadline=D(2026, 9, 30),
    version="2026.1",
)
GOOD = ApplicationFacts(
    submitted_on=D(2026, 3, 2),
    member_active=True,
    requested_amount=Decimal("2550.00"),
    period_start=D(2026, 4, 1),
    period_end=D(2026, 6, 30),
    early_start_allowed=False,
    cost_lines=(CostLineFacts("moderation", "Moderation", Decimal("2550.00"), Decimal("850.00")),),
)


def outcomes(facts: ApplicationFacts) -> dict[str, tuple[str, str]]:
    return {result.rule: (result.outcome, result.message) for result in check_all(facts, RULES)}


def test_a_good_application_passes_every_rule():
    assert {rule: outcome for rule, (outcome, _m) in outcomes(GOOD).items()} == dict.fromkeys(
        [
            "member_active",
            "within_cap",
            "cost_types",
            "day_rate",
            "no_early_start",
            "deadline",
            "period_in_year",
            "amount",
        ],
        "passed",
    )
    assert rule_set_version(RULES) == "2026.1/r1"


@pytest.mark.parametrize(
    ("change", "rule", "outcome", "text"),
    [
        ({"member_active": False}, "member_active", "failed", "02.03.2026 kein aktives Mitglied"),
        (
            {"committed": Decimal("3000.00")},
            "within_cap",
            "failed",
            "verbleibenden Höchstbetrag der Kommune von 2.000,00",
        ),
        ({"pending_elsewhere": Decimal("1000.00")}, "within_cap", "warning", "offene Anträge"),
        (
            {"cost_lines": (CostLineFacts("catering", "Bewirtung", Decimal("100.00")),)},
            "cost_types",
            "failed",
            "Bewirtung",
        ),
        ({"cost_lines": ()}, "cost_types", "failed", "keine Position"),
        (
            {"cost_lines": (CostLineFacts("consulting", "Beratung", Decimal("1800.00"), Decimal("900.00")),)},
            "day_rate",
            "failed",
            "900,00",
        ),
        ({"period_start": D(2026, 3, 1)}, "no_early_start", "failed", "vorzeitiger Maßnahmebeginn"),
        ({"submitted_on": D(2026, 10, 1), "period_start": D(2026, 10, 2)}, "deadline", "failed", "30.09.2026"),
        ({"period_end": D(2027, 1, 31)}, "period_in_year", "failed", "nicht im Programmjahr 2026"),
        ({"period_end": None}, "period_in_year", "failed", "unvollständig"),
        ({"requested_amount": Decimal("0.00")}, "amount", "failed", "größer als 0"),
        ({"requested_amount": None}, "amount", "failed", "größer als 0"),
        ({"requested_amount": Decimal("2550.01")}, "amount", "failed", "übersteigt die geplanten Kosten"),
    ],
)
def test_each_rule_fails_with_a_german_reason(change, rule, outcome, text):
    result_outcome, message = outcomes(replace(GOOD, **change))[rule]
    assert result_outcome == outcome
    assert text in message


def test_an_allowed_early_start_passes():
    facts = replace(GOOD, period_start=D(2026, 2, 1), early_start_allowed=True)
    assert outcomes(facts)["no_early_start"][0] == "passed"


def test_all_failures_are_reported_not_only_the_first():
    bad = replace(GOOD, member_active=False, requested_amount=Decimal("9000.00"), period_end=D(2027, 2, 1))
    failed = {rule for rule, (outcome, _m) in outcomes(bad).items() if outcome == "failed"}
    assert failed == {"member_active", "within_cap", "period_in_year", "amount"}


def test_exactly_the_cap_and_exactly_the_maximum_rate_pass():
    facts = replace(
        GOOD,
        committed=Decimal("2450.00"),
        cost_lines=(CostLineFacts("consulting", "Beratung", Decimal("2550.00"), Decimal("850.00")),),
    )
    result = outcomes(facts)
    assert result["within_cap"][0] == "passed"
    assert result["day_rate"][0] == "passed"
