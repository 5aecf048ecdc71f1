"""Time and peak memory of importing the whole Destatis directory (11,004 Gemeinden)."""

from __future__ import annotations

import subprocess
import sys

from bench._db import ROOT, bench_env, databases

CHILD = r"""
import resource, time
import django
django.setup()
from pathlib import Path
from django.conf import settings
from grants.imports import municipalities_import

def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path = Path(settings.BASE_DIR) / "fixtures" / "gv-auszug-destatis.csv"
baseline = peak_rss_mib()
for run in ("first import", "re-import"):
    started = time.perf_counter()
    report = municipalities_import(path=path)
    elapsed = time.perf_counter() - started
    total = sum(report.created.values()) + sum(report.updated.values()) + sum(report.unchanged.values())
    print(f"  {run:<13} {elapsed:6.2f} s   rows {total}   errors {len(report.errors)}")
print(f"  peak RSS {peak_rss_mib():6.1f} MiB ({peak_rss_mib() - baseline:+.1f} MiB over Django alone)")
"""


def main() -> None:
    for label, url in databases():
        print(f"{label}:", flush=True)
        subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=bench_env(url), check=True)


if __name__ == "__main__":
    main()
