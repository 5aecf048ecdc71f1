"""The clerk/approver queue: priority order, filters, pagination and a flat query count."""

from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, Kreis, Land, Municipality, StructuralStatus
from grants.roles import Role
from tests.conftest import PASSWORD
from workflows.applications.flows import sync_tasks_for
from workflows.applications.selectors import OVERDUE_AFTER_DAYS
from workflows.applications.services import task_claim

S = Application.Status
_numbers = itertools.count(1)


def user_with_roles(username: str, *roles: Role):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username.title())
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def structural_d(kreis_bayreuth):
    return StructuralStatus.objects.create(
        kreis=kreis_bayreuth, status="D", source="Testdaten", valid_from=datetime.date(2022, 1, 1)
    )


@pytest.fixture
def neustadt(land_by):
    """A municipality in a Kreis without any GRW status."""
    kreis = Kreis.objects.create(ags="09575", name="Neustadt a.d.Aisch-Bad Windsheim", kind="44", land=land_by)
    return Municipality.objects.create(ags="09575153", name="Neustadt a.d.Aisch", kind="63", land=land_by, kreis=kreis)


@pytest.fixture
def places(gardelegen, bindlach, neustadt, structural_c, structural_d):
    return {"C": gardelegen, "D": bindlach, "none": neustadt}


def make(municipality, *, days_ago: float, programme_year, created_by, status=S.IN_REVIEW, recommended_by=None):
    application = Application(
        municipality=municipality,
        programme_year=programme_year,
        created_by=created_by,
        title=f"Vorhaben in {municipality.name}",
        status=status,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        requested_amount=Decimal("1000.00"),
        file_number=f"MF-2026-{next(_numbers):05d}",
    )
    if status == S.RECOMMENDED:
        application.recommendation = Application.Recommendation.APPROVE
        application.recommended_amount = Decimal("1000.00")
        application.recommendation_reason = "Erfüllt."
        application.recommended_by = recommended_by
    application.save()
    sync_tasks_for(application)
    return application


def file_numbers(response) -> list[str]:
    return re.findall(
        r'<th scope="row" class="kern-table__cell"><a class="kern-link" href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


def test_queue_puts_c_before_d_before_none_then_oldest_first(client_for, clerk, applicant, programme_year, places):
    def build(key, days):
        return make(places[key], days_ago=days, programme_year=programme_year, created_by=applicant)

    none_oldest = build("none", 40)
    d_new = build("D", 2)
    c_new = build("C", 1)
    d_old = build("D", 20)
    c_old = build("C", 10)

    response = client_for(clerk).get(reverse("office_queue"))

    assert response.status_code == 200
    expected = [c_old, c_new, d_old, d_new, none_oldest]
    assert file_numbers(response) == [a.file_number for a in expected]
    content = response.content.decode()
    assert "GRW-Fördergebiet C über den Kreis Altmarkkreis Salzwedel" in content
    assert "GRW-Fördergebiet D über den Kreis Bayreuth" in content
    assert "kein Fördergebiet" in content
    assert "5 offene Aufgaben" in content


def test_a_municipality_of_its_own_status_overrides_its_kreis(client_for, clerk, applicant, programme_year, places):
    # Gardelegen is itself classified D, although its Kreis is C.
    StructuralStatus.objects.create(
        municipality=places["C"], status="D", source="Testdaten", valid_from=datetime.date(2023, 1, 1)
    )
    make(places["C"], days_ago=1, programme_year=programme_year, created_by=applicant)
    content = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert "GRW-Fördergebiet D (Einstufung der Gemeinde)" in content


def test_a_status_no_longer_valid_does_not_count(client_for, clerk, applicant, programme_year, places):
    StructuralStatus.objects.filter(kreis__ags="15081").update(valid_to=datetime.date(2025, 12, 31))
    make(places["C"], days_ago=1, programme_year=programme_year, created_by=applicant)
    content = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert "kein Fördergebiet" in content


def test_queue_shows_the_columns(client_for, clerk, applicant, programme_year, places):
    application = make(places["C"], days_ago=3, programme_year=programme_year, created_by=applicant)
    content = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert application.file_number in content
    assert "Gardelegen, Hansestadt" in content
    assert "Sachsen-Anhalt" in content
    assert application.submitted_at.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in content
    assert "1.000,00\u00a0€" in content
    assert "in Prüfung" in content
    assert "niemand" in content
    assert reverse("office_review", kwargs={"pk": application.pk}) in content


def test_queue_shows_who_claimed_a_task(client_for, clerk, applicant, programme_year, places):
    colleague = user_with_roles("kollegin", Role.CLERK)
    application = make(places["C"], days_ago=3, programme_year=programme_year, created_by=applicant)
    task_claim(user=colleague, task_id=sync_tasks_for(application).pk)
    content = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert "Kollegin" in content
    assert "niemand" not in content


def test_each_group_sees_its_own_queue(client, clerk, approver, applicant, programme_year, places):
    reviewing = make(places["C"], days_ago=3, programme_year=programme_year, created_by=applicant)
    deciding = make(
        places["D"],
        days_ago=3,
        programme_year=programme_year,
        created_by=applicant,
        status=S.RECOMMENDED,
        recommended_by=clerk,
    )
    make(places["none"], days_ago=3, programme_year=programme_year, created_by=applicant, status=S.INFO_REQUESTED)
    make(places["none"], days_ago=3, programme_year=programme_year, created_by=applicant, status=S.APPROVED)
    both = user_with_roles("beides", Role.CLERK, Role.APPROVER)

    client.force_login(clerk)
    assert file_numbers(client.get(reverse("office_queue"))) == [reviewing.file_number]
    client.force_login(approver)
    response = client.get(reverse("office_queue"))
    assert file_numbers(response) == [deciding.file_number]
    assert reverse("office_decision", kwargs={"pk": deciding.pk}) in response.content.decode()
    client.force_login(both)
    assert file_numbers(client.get(reverse("office_queue"))) == [reviewing.file_number, deciding.file_number]


def test_filters(client, applicant, clerk, programme_year, places):
    both = user_with_roles("beides", Role.CLERK, Role.APPROVER)
    c_recent = make(places["C"], days_ago=2, programme_year=programme_year, created_by=applicant)
    c_overdue = make(places["C"], days_ago=OVERDUE_AFTER_DAYS + 1, programme_year=programme_year, created_by=applicant)
    d_overdue = make(places["D"], days_ago=30, programme_year=programme_year, created_by=applicant)
    d_recommended = make(
        places["D"],
        days_ago=40,
        programme_year=programme_year,
        created_by=applicant,
        status=S.RECOMMENDED,
        recommended_by=clerk,
    )
    none_recent = make(
        places["none"], days_ago=OVERDUE_AFTER_DAYS - 1, programme_year=programme_year, created_by=applicant
    )
    client.force_login(both)
    url = reverse("office_queue")
    bayern = Land.objects.get(code="09")

    def numbers(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return file_numbers(response)

    assert numbers() == [
        c_overdue.file_number,
        c_recent.file_number,
        d_recommended.file_number,
        d_overdue.file_number,
        none_recent.file_number,
    ]
    assert numbers(land=bayern.pk) == [d_recommended.file_number, d_overdue.file_number, none_recent.file_number]
    assert numbers(status=S.RECOMMENDED) == [d_recommended.file_number]
    assert numbers(priority="C") == [c_overdue.file_number, c_recent.file_number]
    assert numbers(priority="none") == [none_recent.file_number]
    # Overdue: submitted more than 14 days ago and still without a recommendation.
    assert numbers(overdue="on") == [c_overdue.file_number, d_overdue.file_number]
    assert numbers(overdue="on", land=bayern.pk, priority="D") == [d_overdue.file_number]
    content = client.get(url, {"overdue": "on"}).content.decode()
    assert "überfällig" in content
    # The form keeps the choice and is labelled.
    assert 'for="id_land"' in content
    assert re.search(r'<input[^>]*name="overdue"[^>]*checked', content)


def test_a_bad_filter_value_shows_everything_and_says_why(client_for, clerk, applicant, programme_year, places):
    make(places["C"], days_ago=2, programme_year=programme_year, created_by=applicant)
    response = client_for(clerk).get(reverse("office_queue"), {"priority": "X"})
    assert response.status_code == 200
    assert len(file_numbers(response)) == 1
    assert "Bitte prüfen Sie Ihre Angaben." in response.content.decode()


def test_pagination_fifty_per_page(client_for, clerk, applicant, programme_year, places):
    for n in range(51):
        make(places["C"], days_ago=60 - n, programme_year=programme_year, created_by=applicant)
    client = client_for(clerk)
    first = client.get(reverse("office_queue"), {"priority": "C"})
    assert len(file_numbers(first)) == 50
    content = first.content.decode()
    assert "Seite 1 von 2" in content
    assert "priority=C&amp;seite=2" in content
    second = client.get(reverse("office_queue"), {"priority": "C", "seite": 2})
    assert len(file_numbers(second)) == 1


def test_query_count_does_not_grow_with_the_rows(
    client_for, clerk, applicant, programme_year, places, django_assert_num_queries
):
    colleague = user_with_roles("kollegin", Role.CLERK)
    keys = ["C", "D", "none"]
    for n in range(3):
        application = make(places[keys[n % 3]], days_ago=n + 1, programme_year=programme_year, created_by=applicant)
        task_claim(user=colleague, task_id=sync_tasks_for(application).pk)
    client = client_for(clerk)
    url = reverse("office_queue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(file_numbers(response)) == 3

    for n in range(27):
        application = make(places[keys[n % 3]], days_ago=n + 5, programme_year=programme_year, created_by=applicant)
        if n % 2:
            task_claim(user=colleague, task_id=sync_tasks_for(application).pk)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert len(file_numbers(response)) == 30
    assert len(few) <= 8


def test_submitted_application_reaches_the_clerks_queue_by_itself(
    client_for, applicant, clerk, gardelegen, programme_year, active_members
):
    """The services keep the viewflow tasks in step: no separate sync call needed."""
    from django.urls import reverse

    from tests import factories

    application = factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    content = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert application.file_number in content


def test_sync_tasks_command_is_idempotent(applicant, gardelegen, programme_year, active_members):
    from io import StringIO

    from django.core.management import call_command
    from viewflow.workflow.models import Task

    from tests import factories

    factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    open_tasks = Task.objects.exclude(status__in=["DONE", "CANCELED"]).count()
    out = StringIO()
    call_command("sync_tasks", stdout=out)
    call_command("sync_tasks", stdout=out)
    assert "Abgeglichene Anträge: 1" in out.getvalue()
    assert Task.objects.exclude(status__in=["DONE", "CANCELED"]).count() == open_tasks
