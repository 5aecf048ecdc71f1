"""Time to approve 1,000 applications through the service: locks, cap and budget
checks, ledger, audit, task queue, proof of use, and the approval notice (snapshot,
number; its PDF is rendered after each commit, which the figure includes)."""

from __future__ import annotations

import subprocess
import sys

from bench._db import ROOT, bench_env, databases

CHILD = r"""
import datetime, statistics, time
import django
django.setup()
from decimal import Decimal
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from pathlib import Path
from grants.imports import municipalities_import
from grants.models import Application, Municipality, MunicipalityAddress
from grants.roles import Role
from workflows.management.commands.demo_setup import programme_year_ensure
from workflows.applications import services
from workflows.applications.flows import sync_tasks_for

N = 1000
municipalities_import(path=Path(settings.BASE_DIR) / "fixtures" / "gv-auszug-destatis.csv")
year = programme_year_ensure(year=2026)
year.budget = Decimal("10000000.00")
year.save()
User = get_user_model()
clerk = User.objects.create_user("bench-clerk")
clerk.groups.add(Group.objects.get(name=Role.CLERK))
approver = User.objects.create_user("bench-approver")
approver.groups.add(Group.objects.get(name=Role.APPROVER))
# Notices need a deliverable address (§ 41 VwVfG); the directory has none.
MunicipalityAddress.objects.bulk_create([
    MunicipalityAddress(municipality=m, street="Rathausplatz", house_number="1", postcode="39638", town=m.name[:80])
    for m in Municipality.objects.order_by("ags")[:N]
])
Application.objects.bulk_create([
    Application(
        municipality=municipality, programme_year=year, created_by=clerk, title=f"Vorhaben {i}",
        status=Application.Status.RECOMMENDED, requested_amount=Decimal("1000.00"),
        recommendation="approve", recommended_amount=Decimal("1000.00"), recommended_by=clerk,
        file_number=f"MF-2026-{i:05d}", period_start=datetime.date(2026, 6, 1), period_end=datetime.date(2026, 9, 30),
    )
    for i, municipality in enumerate(Municipality.objects.order_by("ags")[:N], start=1)
])
ids = list(Application.objects.values_list("pk", flat=True))
# Each recommendation waits in the approvers' queue; the approver has claimed it, as on the page.
for application in Application.objects.all():
    sync_tasks_for(application)
    services.application_claim(user=approver, application_id=application.pk)
durations = []
statements = 0


def count(execute, sql, params, many, context):
    global statements
    statements += 1
    return execute(sql, params, many, context)


with connection.execute_wrapper(count):
    started = time.perf_counter()
    for pk in ids:
        t = time.perf_counter()
        services.application_approve(approver=approver, application_id=pk)
        durations.append(time.perf_counter() - t)
    total = time.perf_counter() - started
print(f"  {N} approvals in {total:6.2f} s   median {statistics.median(durations) * 1000:5.1f} ms   "
      f"p95 {sorted(durations)[int(N * 0.95)] * 1000:5.1f} ms   {statements / N:.0f} SQL statements each")
"""


def main() -> None:
    for label, url in databases():
        print(f"{label}:", flush=True)
        subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=bench_env(url), check=True)


if __name__ == "__main__":
    main()
