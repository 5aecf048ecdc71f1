"""Notices rendered per second, and time and peak memory of the annual report for
100,000 applications next to a bare openpyxl write-only dump of the same rows.

Every measurement runs in a fresh interpreter, so peak RSS (ru_maxrss) belongs to it
alone; "over Django" is the growth above the process after ``django.setup()``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from bench import _db
from bench._db import ROOT, bench_env

APPLICATIONS = int(os.environ.get("BENCH_DOCUMENT_APPLICATIONS", "100000"))
NOTICES = 200
# Its own PostgreSQL database, so that other benchmarks running at the same time keep theirs.
_db.PG_BENCH_DB = "mikro_bench_documents"

PRELUDE = r"""
import resource, sys, time
import django
django.setup()

def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

SEED = (
    PRELUDE
    + r"""
import datetime
from decimal import Decimal
from pathlib import Path
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from budgets.models import LedgerEntry
from grants.imports import municipalities_import, structural_status_import
from grants.models import Application, Municipality
from workflows.management.commands.demo_setup import programme_year_ensure

N = int(sys.argv[1])
fixtures = Path(settings.BASE_DIR) / "fixtures"
municipalities_import(path=fixtures / "gv-auszug-destatis.csv")
structural_status_import(path=fixtures / "grw-status-beispiel.csv")
year = programme_year_ensure(year=2026)
year.budget = Decimal("1000000000.00")
year.save()
user = get_user_model().objects.create_user("bench-office")
municipalities = list(Municipality.objects.order_by("ags").values_list("pk", flat=True))
purposes = list(Application.Purpose.values)
statuses = ["in_review", "approved", "approved", "paid", "rejected", "withdrawn"]
start = timezone.now() - datetime.timedelta(days=300)
started = time.perf_counter()
BATCH = 5000
for offset in range(0, N, BATCH):
    with transaction.atomic():
        batch = []
        for i in range(offset, min(N, offset + BATCH)):
            status = statuses[i % len(statuses)]
            decided = status in ("approved", "paid", "rejected")
            amount = Decimal(1000 + (i * 37) % 4000)
            batch.append(Application(
                municipality_id=municipalities[i % len(municipalities)], programme_year=year, created_by=user,
                title=f"=Vorhaben {i}" if i % 1000 == 0 else f"Vorhaben {i}: Moderation und Beratung",
                purpose=purposes[i % len(purposes)], status=status, requested_amount=amount,
                approved_amount=amount if status in ("approved", "paid") else None,
                file_number=f"MF-2026-{i + 1:06d}",
                submitted_at=start + datetime.timedelta(minutes=2 * i),
                decided_at=start + datetime.timedelta(minutes=2 * i + 600) if decided else None,
            ))
        created = Application.objects.bulk_create(batch)
        ledger = []
        for application in created:
            if application.approved_amount is None:
                continue
            common = dict(programme_year=year, municipality_id=application.municipality_id,
                          application=application, booked_by=user)
            ledger.append(LedgerEntry(kind="commitment", amount=application.approved_amount, **common))
            if application.status == "paid":
                ledger.append(LedgerEntry(kind="payout", amount=application.approved_amount,
                                          note=application.file_number, **common))
        LedgerEntry.objects.bulk_create(ledger)
from django.db import connection
if connection.vendor == "postgresql":
    # As autovacuum would have done by the time anyone exports: plans need statistics.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
print(f"  seeded {N:,} applications and {LedgerEntry.objects.count():,} ledger entries "
      f"in {time.perf_counter() - started:5.1f} s".replace(",", "."))
"""
)

NOTICES_CHILD = (
    PRELUDE
    + r"""
from django.db import transaction
from grants.models import Application
from reports.models import Notice
from reports.notices import render_notice
from reports.services import notice_render
from workflows.common.notices import notice_issue

N = int(sys.argv[1])
ids = list(Application.objects.filter(status="approved").order_by("pk").values_list("pk", flat=True)[:N])
# Issue in one transaction; the after-commit rendering is measured separately below.
started = time.perf_counter()
with transaction.atomic():
    notices = [notice_issue(application=Application.objects.get(pk=pk), kind=Notice.Kind.APPROVAL, user=None)
               for pk in ids]
issued = time.perf_counter() - started
snapshot = notices[0].snapshot
render_notice(snapshot)  # fonts loaded once per process
started = time.perf_counter()
size = 0
for _ in range(N):
    size = len(render_notice(snapshot))
pure = time.perf_counter() - started
started = time.perf_counter()
for notice in notices:
    notice_render(notice_id=notice.pk)
stored = time.perf_counter() - started
print(f"  notices: issue (snapshot + number) {N / issued:6.0f}/s   render PDF {N / pure:5.0f}/s "
      f"({pure / N * 1000:4.1f} ms, {size / 1024:.0f} KiB each)   render + hash + store {N / stored:5.0f}/s")
"""
)

REPORT_CHILD = (
    PRELUDE
    + r"""
import os
from grants.models import ProgrammeYear
from reports.exports.annual_report import AnnualReport
from reports.exports.base import write_workbook

target = sys.argv[1]
baseline = peak_rss_mib()
started = time.perf_counter()
rows = write_workbook(AnnualReport(programme_year=ProgrammeYear.objects.get(year=2026)), target)
elapsed = time.perf_counter() - started
print(f"  annual report      {elapsed:6.1f} s   {rows:>7,} rows   {os.path.getsize(target) / 2**20:5.1f} MiB   "
      f"peak RSS {peak_rss_mib():6.1f} MiB ({peak_rss_mib() - baseline:+6.1f} MiB over Django)".replace(",", "."))
"""
)

BARE_CHILD = (
    PRELUDE
    + r"""
import datetime, os
from openpyxl import Workbook
from grants.models import Application

target = sys.argv[1]
baseline = peak_rss_mib()
started = time.perf_counter()
workbook = Workbook(write_only=True)
ws = workbook.create_sheet("Anträge")
rows = 0
fields = ["file_number", "municipality__ags", "municipality__name", "municipality__land__name",
          "municipality__kreis__name", "purpose", "title", "requested_amount", "approved_amount",
          "submitted_at", "decided_at", "status"]
# The same application rows as the report's "Anträge" sheet, as they come, without the
# ledger sums, the other sheets, formats or the formula guard.
for row in Application.objects.order_by("file_number").values_list(*fields).iterator(chunk_size=2000):
    ws.append([value.replace(tzinfo=None) if isinstance(value, datetime.datetime) else value for value in row])
    rows += 1
workbook.save(target)
elapsed = time.perf_counter() - started
print(f"  bare openpyxl dump {elapsed:6.1f} s   {rows:>7,} rows   {os.path.getsize(target) / 2**20:5.1f} MiB   "
      f"peak RSS {peak_rss_mib():6.1f} MiB ({peak_rss_mib() - baseline:+6.1f} MiB over Django)".replace(",", "."))
"""
)


def _run(code: str, url: str, *args: str, media: str) -> None:
    env = bench_env(url)
    env["MEDIA_ROOT"] = media
    # As in production: after commit the rendering is queued for the worker, not run
    # in the issuing process, so "issue" and "render" are measured apart.
    env["TASKS_BACKEND"] = "database"
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True)


def _drop_postgres() -> None:
    import psycopg

    with psycopg.connect(_db.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_db.PG_BENCH_DB} WITH (FORCE)")


def main() -> None:
    for label, url in _db.databases():
        print(f"{label}:", flush=True)
        with tempfile.TemporaryDirectory(prefix="mikro-bench-documents-") as work:
            _run(SEED, url, str(APPLICATIONS), media=work)
            _run(NOTICES_CHILD, url, str(NOTICES), media=work)
            _run(REPORT_CHILD, url, os.path.join(work, "report.xlsx"), media=work)
            _run(BARE_CHILD, url, os.path.join(work, "bare.xlsx"), media=work)
        if url.startswith("sqlite:///"):
            os.unlink(url.removeprefix("sqlite:///"))
        else:
            _drop_postgres()


if __name__ == "__main__":
    main()
