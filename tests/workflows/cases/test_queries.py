"""Queries per page of the list stay the same from 200 to 20,000 applications (PostgreSQL)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from grants.models import Application
from tests.workflows.cases.conftest import file_numbers
from workflows.applications.flows import ApplicationFlow

S = Application.Status
STATUSES = [S.IN_REVIEW, S.RECOMMENDED, S.APPROVED, S.INFO_REQUESTED, S.REJECTED]
URL = reverse("case_list")
PAGES = [
    {},
    {"sortierung": "kommune", "seite": "2"},
    {"q": "Vorhaben"},
    {"q": "MF-2026-1"},
    {"land": "15", "foerdergebiet": "C", "ueberfaellig": "on"},
    {"faellig": "aufgaben"},
]


def grow(target: int, *, have: int, municipalities, programme_year, creator, clerk) -> None:
    """Applications up to ``target``; every tenth in review with a review task held by ``clerk``."""
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            municipality=municipalities[n % len(municipalities)],
            programme_year=programme_year,
            created_by=creator,
            title=f"Vorhaben Nummer {n}",
            contact_name="Anja Antrag",
            status=S.IN_REVIEW if n % 10 == 0 else STATUSES[n % len(STATUSES)],
            submitted_at=now - datetime.timedelta(hours=3 * n),
            requested_amount=Decimal("2500.00"),
            recommended_by=clerk if n % 7 == 0 else None,
            file_number=f"MF-2026-{100000 + n:06d}",
        )
        for n in range(have, target)
    )
    reviewed = [application for application in applications if application.status == S.IN_REVIEW]
    processes = Process.objects.bulk_create(Process(flow_class=ApplicationFlow) for _ in reviewed)
    with connection.cursor() as cursor:
        # Multi-table rows cannot be bulk-created by the ORM: the child rows go in directly.
        cursor.executemany(
            "INSERT INTO workflows_applicationprocess (process_ptr_id, application_id) VALUES (%s, %s)",
            [(process.pk, application.pk) for process, application in zip(processes, reviewed, strict=True)],
        )
    Task.objects.bulk_create(
        Task(
            process=process,
            flow_task=ApplicationFlow.review,
            flow_task_type="HUMAN",
            status=STATUS.ASSIGNED,
            owner=clerk,
        )
        for process in processes
    )


def counts(client) -> list[int]:
    result = []
    for params in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert file_numbers(response), params
        result.append(len(queries))
    return result


def test_queries_per_page_do_not_grow_with_the_applications(
    on_postgres, client_for, clerk, applicant, gardelegen, bindlach, programme_year, structural_c
):
    client = client_for(clerk)
    world = {
        "municipalities": [gardelegen, bindlach],
        "programme_year": programme_year,
        "creator": applicant,
        "clerk": clerk,
    }
    grow(200, have=0, **world)
    client.get(URL)  # sessions and caches warm
    small = counts(client)
    grow(20_000, have=200, **world)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = counts(client)
    assert large == small
    assert max(small) <= 12
    assert "20.000 Anträge" in client.get(URL).content.decode() or "20000 Anträge" in client.get(URL).content.decode()
