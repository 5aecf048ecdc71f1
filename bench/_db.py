"""Fresh, throw-away databases for benchmarks: a SQLite file and a PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "mikro_bench"


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def fresh_postgres_url() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


def fresh_sqlite_url() -> str:
    path = Path(tempfile.mkdtemp(prefix="mikro-bench-")) / "bench.sqlite3"
    return f"sqlite:///{path}"


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        MEDIA_ROOT=tempfile.mkdtemp(prefix="mikro-bench-media-"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=bench_env(database_url),
        check=True,
    )


def databases() -> list[tuple[str, str]]:
    """(label, url) for each database to measure, migrated and empty."""
    result = [("SQLite", fresh_sqlite_url())]
    if postgres_available():
        result.append(("PostgreSQL", fresh_postgres_url()))
    else:
        print("PostgreSQL not reachable: measuring SQLite only.")
    for _label, url in result:
        migrate(url)
    return result
