"""Running the eligibility rules (``grants.eligibility``, pure functions) on a submitted application.

The facts come from the application and the selectors the approval checks too
(``budgets.selectors.municipality_committed``); each result is stored per rule with the
rule-set version, the previous ones kept as not current.
"""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.utils import timezone

from budgets.selectors import municipality_committed
from core.money import ZERO, money
from grants.eligibility import ApplicationFacts, CostLineFacts, YearRules, check_all, rule_set_version
from grants.models import (
    Application,
    EligibilityResult,
    ProgrammeYear,
)
from grants.selectors import membership_is_active

S = Application.Status


def year_rules(programme_year: ProgrammeYear) -> YearRules:
    return YearRules(
        year=programme_year.year,
        cap=programme_year.cap_per_municipality,
        max_day_rate=programme_year.max_day_rate,
        eligible_cost_types=frozenset(programme_year.eligible_cost_types.values_list("code", flat=True)),
        application_deadline=programme_year.application_deadline,
        version=programme_year.rule_set_version,
    )


PENDING = [S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED, S.RECOMMENDED]


def application_facts(application: Application, *, day: datetime.date) -> ApplicationFacts:
    pending = (
        Application.objects.filter(
            municipality=application.municipality, programme_year=application.programme_year, status__in=PENDING
        )
        .exclude(pk=application.pk)
        .aggregate(total=Sum("requested_amount"))["total"]
        or ZERO
    )
    return ApplicationFacts(
        submitted_on=day,
        member_active=membership_is_active(municipality=application.municipality, day=day),
        requested_amount=application.requested_amount,
        period_start=application.period_start,
        period_end=application.period_end,
        early_start_allowed=application.early_start_allowed,
        cost_lines=tuple(
            CostLineFacts(
                cost_type=line.cost_type.code,
                cost_type_name=line.cost_type.name,
                amount=line.amount,
                day_rate=line.day_rate,
            )
            for line in application.cost_lines.select_related("cost_type")
        ),
        committed=municipality_committed(
            programme_year=application.programme_year, municipality=application.municipality
        ),
        pending_elsewhere=money(pending),
    )


def eligibility_run(application: Application) -> list[EligibilityResult]:
    submitted_on = timezone.localdate(application.submitted_at) if application.submitted_at else timezone.localdate()
    rules = year_rules(application.programme_year)
    version = rule_set_version(rules)
    application.eligibility_results.filter(current=True).update(current=False)
    now = timezone.now()
    return EligibilityResult.objects.bulk_create(
        [
            EligibilityResult(
                application=application,
                rule=result.rule,
                outcome=result.outcome,
                message=result.message,
                rule_set_version=version,
                checked_at=now,
            )
            for result in check_all(application_facts(application, day=submitted_on), rules)
        ]
    )
