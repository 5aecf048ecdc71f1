"""SQL queries and median time of the clerk queue (first page) with 200 and 20,000 open applications."""

from __future__ import annotations

import subprocess
import sys

from bench._db import ROOT, bench_env, databases

SIZES = (200, 20_000)
RUNS = 7

CHILD = r"""
import datetime, statistics, sys, time
from decimal import Decimal
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS
from grants.models import Application, Kreis, Land, Municipality, ProgrammeYear, StructuralStatus
from workflows.applications.flows import ApplicationFlow

sizes = [int(size) for size in sys.argv[1].split(",")]
runs = int(sys.argv[2])

User = get_user_model()
creator = User.objects.create_user(username="antrag")
clerk = User.objects.create_user(username="sachbearbeitung")
clerk.groups.add(Group.objects.get(name="clerk"))
colleague = User.objects.create_user(username="kollegin")
colleague.groups.add(Group.objects.get(name="clerk"))
year = ProgrammeYear.objects.create(
    year=2026, budget=Decimal("250000.00"), application_deadline=datetime.date(2026, 9, 30),
    invoice_deadline=datetime.date(2026, 12, 15), payout_window_start=datetime.date(2026, 1, 1),
    payout_window_end=datetime.date(2026, 12, 15),
)
land = Land.objects.create(code="15", name="Sachsen-Anhalt")
municipalities = []
for k, status in enumerate(["C", "D", None, None]):
    kreis = Kreis.objects.create(ags=f"150{k:02d}", name=f"Kreis {k}", kind="44", land=land)
    if status:
        StructuralStatus.objects.create(
            kreis=kreis, status=status, source="Bench", valid_from=datetime.date(2022, 1, 1)
        )
    municipalities += Municipality.objects.bulk_create(
        Municipality(ags=f"150{k:02d}{n:03d}", name=f"Gemeinde {k}-{n}", kind="64", land=land, kreis=kreis)
        for n in range(100)
    )

now = timezone.now()
created = 0


def top_up(target):
    # Applications in review with their process and one open review task, as sync_tasks_for leaves them.
    global created
    with transaction.atomic():
        while created < target:
            batch = min(2000, target - created)
            applications = Application.objects.bulk_create(
                Application(
                    municipality=municipalities[(created + i) % len(municipalities)], programme_year=year,
                    created_by=creator, title=f"Vorhaben {created + i}", status=Application.Status.IN_REVIEW,
                    submitted_at=now - datetime.timedelta(minutes=37 * (created + i)),
                    requested_amount=Decimal("2500.00"), file_number=f"MF-2026-{created + i:06d}",
                )
                for i in range(batch)
            )
            processes = Process.objects.bulk_create(Process(flow_class=ApplicationFlow) for _ in applications)
            with connection.cursor() as cursor:
                # Multi-table rows cannot be bulk-created by the ORM: the child rows go in directly.
                cursor.executemany(
                    "INSERT INTO workflows_applicationprocess (process_ptr_id, application_id) VALUES (%s, %s)",
                    [(p.pk, a.pk) for p, a in zip(processes, applications)],
                )
            Task.objects.bulk_create(
                Task(
                    process=process, flow_task=ApplicationFlow.review, flow_task_type="HUMAN",
                    status=STATUS.ASSIGNED if n % 5 == 0 else STATUS.NEW,
                    owner=colleague if n % 5 == 0 else None,
                )
                for n, process in enumerate(processes, start=created)
            )
            created += batch


client = Client()
client.force_login(clerk)
url = reverse("office_queue")
for size in sizes:
    top_up(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Read now: the next request empties the connection's query log.
    query_count = len(captured)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    print(f"  {size:>6} applications   {query_count:2d} queries   median {statistics.median(timings) * 1000:7.1f} ms"
          f"   (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f}, {runs} runs)")
"""


def main() -> None:
    for label, url in databases():
        print(f"{label}: clerk queue, first page (50 rows)", flush=True)
        subprocess.run(
            [sys.executable, "-c", CHILD, ",".join(map(str, SIZES)), str(RUNS)],
            cwd=ROOT,
            env=bench_env(url),
            check=True,
        )


if __name__ == "__main__":
    main()
