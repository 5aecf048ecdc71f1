"""Eligibility rules of the programme as pure functions.

Each rule takes a frozen snapshot of the application (``ApplicationFacts``) and the
programme year's rules (``YearRules``) and returns a ``RuleResult``. Nothing here
touches the database: the facts are gathered by ``workflows`` before the check, so
every rule can be tested with plain values and re-run later with the same outcome.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import ZERO, format_eur, money

# Bump when the code of a rule changes; stored with each result next to the
# programme year's own version.
CODE_VERSION = "r1"

PASSED, FAILED, WARNING = "passed", "failed", "warning"


@dataclass(frozen=True)
class CostLineFacts:
    cost_type: str
    cost_type_name: str
    amount: Decimal
    day_rate: Decimal | None = None


@dataclass(frozen=True)
class ApplicationFacts:
    submitted_on: datetime.date
    member_active: bool
    requested_amount: Decimal | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    early_start_allowed: bool
    cost_lines: tuple[CostLineFacts, ...]
    # Net committed (approved minus released and refunded) for this municipality and year.
    committed: Decimal = ZERO
    # Requested amounts of the municipality's other applications still undecided.
    pending_elsewhere: Decimal = ZERO


@dataclass(frozen=True)
class YearRules:
    year: int
    cap: Decimal
    max_day_rate: Decimal
    eligible_cost_types: frozenset[str]
    application_deadline: datetime.date
    version: str


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: str
    message: str


@dataclass(frozen=True)
class Rule:
    code: str
    label: str  # lazy: shown in the reader's language
    check: Callable[[ApplicationFacts, YearRules], RuleResult] = field(repr=False)
    # Why a clerk may not let this rule pass (lazy); empty when an override with a reason is allowed.
    not_overridable: str = ""


def _d(day: datetime.date) -> str:
    return date_format(day, "d.m.Y")


def rule_member_active(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    if facts.member_active:
        return RuleResult("member_active", PASSED, _("Die Kommune ist aktives Mitglied des Netzwerks."))
    return RuleResult(
        "member_active",
        FAILED,
        _("Die Kommune war am %(day)s kein aktives Mitglied des Netzwerks.") % {"day": _d(facts.submitted_on)},
    )


def rule_within_cap(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    requested = facts.requested_amount or ZERO
    remaining = money(rules.cap - facts.committed)
    if requested > remaining:
        return RuleResult(
            "within_cap",
            FAILED,
            _(
                "Der beantragte Betrag von %(requested)s übersteigt den verbleibenden Höchstbetrag der Kommune "
                "von %(remaining)s (Höchstbetrag %(cap)s, bereits gebunden %(committed)s)."
            )
            % {
                "requested": format_eur(requested),
                "remaining": format_eur(max(remaining, ZERO)),
                "cap": format_eur(rules.cap),
                "committed": format_eur(facts.committed),
            },
        )
    if facts.pending_elsewhere > ZERO:
        return RuleResult(
            "within_cap",
            WARNING,
            _(
                "Im Rahmen des Höchstbetrags (noch %(remaining)s frei). Weitere offene Anträge der Kommune "
                "über %(pending)s sind noch nicht entschieden."
            )
            % {"remaining": format_eur(remaining), "pending": format_eur(facts.pending_elsewhere)},
        )
    return RuleResult(
        "within_cap",
        PASSED,
        _("Im Rahmen des Höchstbetrags (noch %(remaining)s frei).") % {"remaining": format_eur(remaining)},
    )


def rule_cost_types(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    ineligible = sorted(
        {line.cost_type_name for line in facts.cost_lines if line.cost_type not in rules.eligible_cost_types}
    )
    if not facts.cost_lines:
        return RuleResult("cost_types", FAILED, _("Der Kostenplan enthält keine Position."))
    if ineligible:
        return RuleResult(
            "cost_types",
            FAILED,
            _("Nicht förderfähige Kostenarten im Jahr %(year)s: %(types)s.")
            % {"year": rules.year, "types": ", ".join(ineligible)},
        )
    return RuleResult("cost_types", PASSED, _("Alle Kostenarten sind förderfähig."))


def rule_day_rate(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    too_high = [
        line.day_rate for line in facts.cost_lines if line.day_rate is not None and line.day_rate > rules.max_day_rate
    ]
    if too_high:
        return RuleResult(
            "day_rate",
            FAILED,
            _("Tagessatz %(rate)s liegt über dem Höchstsatz von %(max)s.")
            % {"rate": format_eur(max(too_high)), "max": format_eur(rules.max_day_rate)},
        )
    return RuleResult(
        "day_rate",
        PASSED,
        _("Alle Tagessätze liegen im Rahmen des Höchstsatzes von %(max)s.") % {"max": format_eur(rules.max_day_rate)},
    )


def rule_no_early_start(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    if facts.period_start is None:
        return RuleResult("no_early_start", FAILED, _("Der Beginn des Vorhabens fehlt."))
    if facts.period_start < facts.submitted_on and not facts.early_start_allowed:
        return RuleResult(
            "no_early_start",
            FAILED,
            _(
                "Das Vorhaben beginnt am %(start)s, vor der Antragstellung am %(submitted)s "
                "(vorzeitiger Maßnahmebeginn)."
            )
            % {"start": _d(facts.period_start), "submitted": _d(facts.submitted_on)},
        )
    return RuleResult("no_early_start", PASSED, _("Kein Beginn vor der Antragstellung."))


def rule_deadline(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    if facts.submitted_on > rules.application_deadline:
        return RuleResult(
            "deadline",
            FAILED,
            _("Eingereicht am %(submitted)s, nach der Antragsfrist %(deadline)s.")
            % {"submitted": _d(facts.submitted_on), "deadline": _d(rules.application_deadline)},
        )
    return RuleResult(
        "deadline",
        PASSED,
        _("Fristgerecht eingereicht (Frist %(deadline)s).") % {"deadline": _d(rules.application_deadline)},
    )


def rule_period_in_year(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    first, last = datetime.date(rules.year, 1, 1), datetime.date(rules.year, 12, 31)
    if facts.period_start is None or facts.period_end is None:
        return RuleResult("period_in_year", FAILED, _("Der Zeitraum des Vorhabens ist unvollständig."))
    if facts.period_end < facts.period_start:
        return RuleResult("period_in_year", FAILED, _("Das Ende des Vorhabens liegt vor seinem Beginn."))
    if facts.period_start < first or facts.period_end > last:
        return RuleResult(
            "period_in_year",
            FAILED,
            _("Der Zeitraum %(start)s – %(end)s liegt nicht im Programmjahr %(year)s.")
            % {"start": _d(facts.period_start), "end": _d(facts.period_end), "year": rules.year},
        )
    return RuleResult("period_in_year", PASSED, _("Der Zeitraum liegt im Programmjahr."))


def rule_amount(facts: ApplicationFacts, rules: YearRules) -> RuleResult:
    requested = facts.requested_amount
    if requested is None or requested <= ZERO:
        return RuleResult("amount", FAILED, _("Der beantragte Betrag muss größer als 0 € sein."))
    total = money(sum((line.amount for line in facts.cost_lines), ZERO))
    if requested > total:
        return RuleResult(
            "amount",
            FAILED,
            _("Der beantragte Betrag von %(requested)s übersteigt die geplanten Kosten von %(total)s.")
            % {"requested": format_eur(requested), "total": format_eur(total)},
        )
    return RuleResult("amount", PASSED, _("Der beantragte Betrag ist durch den Kostenplan gedeckt."))


RULES: tuple[Rule, ...] = (
    Rule("member_active", gettext_lazy("Aktives Mitglied"), rule_member_active),
    # The cap is a hard limit: approval refuses an amount beyond it, so an override would only
    # produce a recommendation that the approver can do nothing with but refuse.
    Rule(
        "within_cap",
        gettext_lazy("Höchstbetrag je Kommune"),
        rule_within_cap,
        not_overridable=gettext_lazy(
            "Der Höchstbetrag je Kommune ist eine feste Grenze und kann nicht übersteuert werden. "
            "Empfehlen Sie höchstens den noch freien Betrag oder die Ablehnung."
        ),
    ),
    Rule("cost_types", gettext_lazy("Förderfähige Kostenarten"), rule_cost_types),
    Rule("day_rate", gettext_lazy("Tagessatz"), rule_day_rate),
    Rule("no_early_start", gettext_lazy("Kein vorzeitiger Beginn"), rule_no_early_start),
    Rule("deadline", gettext_lazy("Antragsfrist"), rule_deadline),
    Rule("period_in_year", gettext_lazy("Zeitraum im Programmjahr"), rule_period_in_year),
    Rule("amount", gettext_lazy("Betrag"), rule_amount),
)
RULE_LABELS = {rule.code: rule.label for rule in RULES}
NOT_OVERRIDABLE = {rule.code: rule.not_overridable for rule in RULES if rule.not_overridable}


def rule_overridable(code: str) -> bool:
    return code not in NOT_OVERRIDABLE


def check_all(facts: ApplicationFacts, rules: YearRules) -> list[RuleResult]:
    """Run every rule; all failures are reported, not only the first."""
    return [rule.check(facts, rules) for rule in RULES]


def rule_set_version(rules: YearRules) -> str:
    return f"{rules.version}/{CODE_VERSION}"
