"""Build applications through the services, as users would, in any state of the lifecycle."""

from __future__ import annotations

import contextlib
import datetime
from contextlib import contextmanager
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.services import account_email_trust
from core.dates import end_of_day
from grants.eligibility import NOT_OVERRIDABLE
from grants.models import Application, CostType, ProgrammeYear
from grants.roles import Role
from grants.selectors import programme_year_is_open
from workflows.applications import services
from workflows.applications.services import CostLineInput
from workflows.common.errors import WorkflowError

# Every persona's password (the tests log in with it).
PASSWORD = "Test-Passwort-2026"


def complete_data(**overrides) -> dict:
    """A complete application whose project starts in six days and runs for three weeks."""
    today = timezone.localdate()
    data = {
        "title": "Moderation Dorfwerkstatt Demografie",
        "goals": "Leitbild für die Ortsteile",
        "description": "Zwei moderierte Werkstätten mit Bürgerinnen und Bürgern.",
        "purpose": Application.Purpose.MODERATION,
        "period_start": today + datetime.timedelta(days=6),
        "period_end": today + datetime.timedelta(days=25),
        "requested_amount": Decimal("2550.00"),
        "contact_name": "Anja Antrag",
        "contact_email": "kontakt@gardelegen.example",
        "contact_phone": "03907 123",
        "account_holder": "Hansestadt Gardelegen",
        "iban": "DE02120300000000202051",
        "bic": "BYLADEM1001",
        "bank_name": "Deutsche Kreditbank Berlin",
        "declaration_no_early_start": True,
        "declaration_no_double_funding": True,
    }
    data.update(overrides)
    return data


def moderation_lines(days: str = "3", rate: str = "850.00") -> list[CostLineInput]:
    return [
        CostLineInput(
            cost_type=CostType.objects.get(code="moderation"),
            description="Moderation zweier Werkstätten",
            days=Decimal(days),
            day_rate=Decimal(rate),
        )
    ]


@contextmanager
def while_open(programme_year: ProgrammeYear):
    """Run the block while ``programme_year`` still takes applications.

    A draft can only be started in an open year. A test at a later instant (the seed
    year's deadline is behind ``tests.clock.NOW``) gets its draft as the municipality
    made it: on the deadline day, at 23:00 Berlin time; the clock comes back afterwards.
    """
    if programme_year_is_open(programme_year=programme_year):
        yield
        return
    last_hour = end_of_day(programme_year.application_deadline) - datetime.timedelta(hours=1)
    with time_machine.travel(last_hour, tick=False):
        yield


def draft(*, applicant, municipality, programme_year, lines=None, **overrides) -> Application:
    data = complete_data(**overrides)  # dates from the test's own today, not the deadline day's
    with while_open(programme_year):
        return services.application_create(
            user=applicant,
            municipality=municipality,
            programme_year=programme_year,
            data=data,
            cost_lines=moderation_lines() if lines is None else lines,
        )


def take(user, application_id: int) -> None:
    """Claim the application's open office task for ``user``, as the office pages do before acting.

    Leaves the task as it is when there is none or it is not ``user``'s to take: the
    service called next then says why it refuses.
    """
    with contextlib.suppress(WorkflowError):
        services.application_claim(user=user, application_id=application_id)


def override_failed(application: Application, clerk) -> None:
    """Claim the review task for ``clerk`` (if free) and let every failed rule pass."""
    take(clerk, application.pk)
    for result in application.eligibility_results.filter(current=True, outcome="failed"):
        if result.rule in NOT_OVERRIDABLE:
            continue  # a hard limit, refused by the service
        services.eligibility_override(
            clerk=clerk, application_id=application.pk, result_id=result.pk, reason="Geprüft, Ausnahme begründet."
        )


def in_review(*, applicant, municipality, programme_year, clerk=None, **overrides) -> Application:
    application = draft(applicant=applicant, municipality=municipality, programme_year=programme_year, **overrides)
    application = services.application_submit(user=applicant, application_id=application.pk)
    if clerk is not None:
        override_failed(application, clerk)
    return application


def recommended(*, applicant, municipality, programme_year, clerk, amount=None, **overrides) -> Application:
    application = in_review(
        applicant=applicant, municipality=municipality, programme_year=programme_year, clerk=clerk, **overrides
    )
    return services.application_recommend(
        clerk=clerk,
        application_id=application.pk,
        recommendation=Application.Recommendation.APPROVE,
        amount=amount,
        reason="Fördervoraussetzungen erfüllt.",
    )


def user_with_roles(username: str, *roles: Role, **extra):
    """A person with a confirmed e-mail address <username>@example.org (no role: a newcomer)."""
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    account_email_trust(user=user)
    return user
