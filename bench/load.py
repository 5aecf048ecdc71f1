"""Load run: gunicorn on a fresh PostgreSQL database, 50 virtual users for 45 seconds.

Not a test: it prints figures. The server runs as in production (gunicorn, DEBUG off,
secure cookies behind a TLS proxy, which the virtual users imitate with
``X-Forwarded-Proto: https``). The database gets the municipality directory, the
example memberships, a programme year, the users and about 200 applications in review.

Each virtual user logs in once through the login form, then works until the time is
up (or its request budget is spent), with a short pause between steps:

- applicants (60 %) open their draft and save it (GET the form, POST it with the
  CSRF token and the revision the page carries: 302 expected);
- clerks (40 %) browse the queue with filters and pages and open an application.

Printed: throughput (requests per second), p50/p95/max latency per kind of request,
and the errors: any status of 500 or more, and any connection error or timeout. The
run fails (exit 1) when there is an error or an unexpected answer (a refused save, a
failed login). Only 127.0.0.1 is contacted.

Environment: LOAD_USERS (50), LOAD_SECONDS (45), LOAD_WORKERS (4 gunicorn workers),
LOAD_APPLICATIONS (200), LOAD_MAX_REQUESTS (per user, 2000), LOAD_THINK (0.2 s mean pause).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from bench._db import PG_ADMIN_URL, ROOT, bench_env, migrate, postgres_available

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "45"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
APPLICATIONS = int(os.environ.get("LOAD_APPLICATIONS", "200"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "2000"))
THINK = float(os.environ.get("LOAD_THINK", "0.2"))
APPLICANT_SHARE = 0.6
DB_NAME = "mikro_bench_load"
HOST = "127.0.0.1"
PASSWORD = "Last-Passwort-2026"
TIMEOUT = 60

SEED = r"""
import datetime, json, sys
from decimal import Decimal
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from pathlib import Path
from grants.imports import memberships_import, municipalities_import, structural_status_import
from grants.models import CostType, MembershipStatus, Municipality
from grants.roles import Role
from grants.services import affiliation_create
from workflows.applications import services
from workflows.management.commands.demo_setup import programme_year_ensure

applicants, clerks, applications, password = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
fixtures = Path(settings.BASE_DIR) / "fixtures"
municipalities_import(path=fixtures / "gv-auszug-destatis.csv")
structural_status_import(path=fixtures / "grw-status-beispiel.csv")
memberships_import(path=fixtures / "mitglieder-beispiel.csv")
today = timezone.localdate()
year = programme_year_ensure(year=today.year)
year.budget = Decimal("10000000.00")
year.save()
# One hash for everyone: hashing 70 passwords at production cost would take a minute.
hashed = make_password(password)
User = get_user_model()
per_user = max(1, -(-applications // applicants))
municipalities = list(Municipality.objects.order_by("ags")[: applicants * per_user])
MembershipStatus.objects.bulk_create(
    MembershipStatus(municipality=m, status=MembershipStatus.Status.ACTIVE, since=datetime.date(2024, 1, 1))
    for m in municipalities
)
moderation = CostType.objects.get(code="moderation")
start = min(today + datetime.timedelta(days=7), year.last_day)


def data(title, user):
    return {
        "title": title, "goals": "Leitbild für die Ortsteile", "description": "Zwei moderierte Werkstätten.",
        "purpose": "moderation", "period_start": start, "period_end": year.last_day,
        "requested_amount": Decimal("2550.00"), "contact_name": user.username,
        "contact_email": f"{user.username}@example.org", "account_holder": "Gemeindekasse",
        "iban": "DE02120300000000202051", "declaration_no_early_start": True, "declaration_no_double_funding": True,
    }


lines = [services.CostLineInput(cost_type=moderation, description="Moderation", days=Decimal("3"),
                                day_rate=Decimal("850.00"))]
users, drafts, in_review = [], {}, 0
for index in range(applicants):
    user = User.objects.create(username=f"last-antrag-{index}", password=hashed, email=f"a{index}@example.org")
    user.groups.add(Group.objects.get(name=Role.APPLICANT))
    own = municipalities[index * per_user:(index + 1) * per_user]
    for municipality in own:
        affiliation_create(user=user, municipality=municipality)
    for municipality in own:
        if in_review >= applications:
            break
        application = services.application_create(
            user=user, municipality=municipality, programme_year=year, data=data(f"Vorhaben {in_review}", user),
            cost_lines=lines,
        )
        services.application_submit(user=user, application_id=application.pk)
        in_review += 1
    draft = services.application_create(
        user=user, municipality=own[0], programme_year=year, data=data("Entwurf", user), cost_lines=lines
    )
    drafts[user.username] = draft.pk
    users.append(user.username)
clerk_names = []
for index in range(clerks):
    user = User.objects.create(username=f"last-sachbearbeitung-{index}", password=hashed)
    user.groups.add(Group.objects.get(name=Role.CLERK))
    clerk_names.append(user.username)
print(json.dumps({"applicants": drafts, "clerks": clerk_names, "cost_type": moderation.pk, "in_review": in_review,
                  "lands": sorted({m.land_id for m in municipalities})}))
"""


# --- the database and the server -------------------------------------------------------------


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME


def drop_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def server_env(database_url: str) -> dict[str, str]:
    env = bench_env(database_url)
    env.update(BEHIND_TLS_PROXY="1", TASKS_BACKEND="immediate", LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="60")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--backlog",
        "256",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(database_url), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/konto/anmelden/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- virtual users ------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION_RE = re.compile(r'name="revision" value="(\d+)"')
REVIEW_LINK_RE = re.compile(r'href="(/arbeitskorb/\d+/)"')


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.timings[kind].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def odd(self, text: str) -> None:
        with self.lock:
            self.unexpected.append(text)


class Failed(Exception):
    pass


class Browser:
    """One person's browser: its own cookies, one request at a time, no redirects followed."""

    def __init__(self, port: int, results: Results):
        self.port = port
        self.results = results
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def request(self, kind: str, method: str, path: str, data: dict | None = None, expect: int = 200) -> str:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",  # as the TLS-terminating proxy in production
            "User-Agent": "mikro-bench-load",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}:{self.port}"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            self.results.error(f"{kind} {path}: {type(error).__name__}: {error}")
            raise Failed from error
        elapsed = time.perf_counter() - started
        self.requests += 1
        self.results.add(kind, elapsed)
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.status >= 500:
            self.results.error(f"{kind} {path}: HTTP {response.status}")
            raise Failed
        if response.status != expect:
            location = response.headers.get("Location", "")
            self.results.odd(f"{kind} {path}: HTTP {response.status} {location}".strip())
            raise Failed
        return content

    def login(self, username: str) -> None:
        page = self.request("login form", "GET", "/konto/anmelden/")
        token = CSRF_RE.search(page).group(1)
        data = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        self.request("login", "POST", "/konto/anmelden/", data, expect=302)


def applicant_step(browser: Browser, draft_id: int, cost_type: int, step: int) -> None:
    path = f"/antraege/{draft_id}/bearbeiten/"
    page = browser.request("applicant: edit page", "GET", path)
    data = {
        "csrfmiddlewaretoken": CSRF_RE.search(page).group(1),
        "revision": REVISION_RE.search(page).group(1),
        "title": f"Dorfwerkstatt, Fassung {step}",
        "purpose": "moderation",
        "goals": "Leitbild für die Ortsteile",
        "description": f"Zwei moderierte Werkstätten (Fassung {step}).",
        "partners": "",
        "period_start": "01.12.2026",
        "period_end": "20.12.2026",
        "requested_amount": "2.550,00",
        "contact_name": "Anja Antrag",
        "contact_email": "kontakt@example.org",
        "contact_phone": "03907 123",
        "account_holder": "Gemeindekasse",
        "iban": "DE02 1203 0000 0000 2020 51",
        "declaration_no_early_start": "on",
        "declaration_no_double_funding": "on",
        "kosten-TOTAL_FORMS": "3",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "30",
        "kosten-0-cost_type": str(cost_type),
        "kosten-0-description": "Moderation",
        "kosten-0-days": random.choice(["2", "3", "1,5"]),
        "kosten-0-day_rate": "850,00",
    }
    browser.request("applicant: save draft", "POST", path, data, expect=302)


def clerk_step(browser: Browser, lands: list[int]) -> None:
    query = {"seite": random.choice(["1", "1", "2", "3", "4"])}
    if random.random() < 0.5:
        query["priority"] = random.choice(["C", "D", "none"])
    if random.random() < 0.3:
        query["land"] = str(random.choice(lands))
    if random.random() < 0.3:
        query["status"] = "in_review"
    if random.random() < 0.1:
        query["overdue"] = "on"
    page = browser.request("clerk: queue", "GET", "/arbeitskorb/warteschlange/?" + urllib.parse.urlencode(query))
    links = REVIEW_LINK_RE.findall(page)
    if links and random.random() < 0.5:
        browser.request("clerk: review page", "GET", random.choice(links))


def virtual_user(role, username, seed, port, results, ready, start, stop_at) -> None:
    random.seed(username)
    browser = Browser(port, results)
    try:
        browser.login(username)
        logged_in = True
    except Failed:
        logged_in = False
    except Exception as error:  # a login page without the expected form
        results.odd(f"login {username}: {type(error).__name__}: {error}")
        logged_in = False
    ready.wait()
    if not logged_in:
        return
    start.wait()
    step = 0
    while time.monotonic() < stop_at[0] and browser.requests < MAX_REQUESTS:
        step += 1
        try:
            if role == "applicant":
                applicant_step(browser, seed["applicants"][username], seed["cost_type"], step)
            else:
                clerk_step(browser, seed["lands"])
        except Failed:
            pass
        except Exception as error:  # a page without the expected form is an unexpected answer
            results.odd(f"{role} {username}: {type(error).__name__}: {error}")
        time.sleep(random.expovariate(1 / THINK) if THINK > 0 else 0)


def run_users(port: int, seed: dict, results: Results) -> tuple[float, float]:
    """Log everybody in (not measured as load), then run all users for SECONDS; (login s, load s)."""
    applicants = list(seed["applicants"])
    clerks = seed["clerks"]
    people = [("applicant", name) for name in applicants] + [("clerk", name) for name in clerks]
    ready = threading.Barrier(len(people) + 1)
    start = threading.Event()
    stop_at = [float("inf")]
    threads = [
        threading.Thread(
            target=virtual_user,
            args=(role, name, seed, port, results, ready, start, stop_at),
            daemon=True,
        )
        for role, name in people
    ]
    login_started = time.perf_counter()
    for thread in threads:
        thread.start()
    ready.wait()
    login_seconds = time.perf_counter() - login_started
    load_started = time.perf_counter()
    stop_at[0] = time.monotonic() + SECONDS
    start.set()
    for thread in threads:
        thread.join(timeout=SECONDS + 2 * TIMEOUT)
    return login_seconds, time.perf_counter() - load_started


# --- report --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def report(results: Results, login_seconds: float, load_seconds: float, users: int) -> None:
    login_kinds = {"login form", "login"}
    load_requests = sum(len(v) for kind, v in results.timings.items() if kind not in login_kinds)
    print(f"  {users} virtual users logged in within {login_seconds:5.1f} s")
    print(
        f"  load phase {load_seconds:5.1f} s: {load_requests} requests, "
        f"throughput {load_requests / load_seconds:6.1f} req/s"
    )
    print(f"  {'request':<24} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'mean ms':>8}")
    for kind in sorted(results.timings, key=lambda k: (k not in login_kinds, k)):
        values = results.timings[kind]
        print(
            f"  {kind:<24} {len(values):>6} {percentile(values, 0.5) * 1000:>8.0f} "
            f"{percentile(values, 0.95) * 1000:>8.0f} {max(values) * 1000:>8.0f} "
            f"{statistics.fmean(values) * 1000:>8.0f}"
        )
    print(f"  errors (HTTP >= 500, connection errors, timeouts): {len(results.errors)}")
    for text in results.errors[:10]:
        print(f"    {text}")
    print(f"  unexpected answers (refused save, failed login, missing form): {len(results.unexpected)}")
    for text in results.unexpected[:10]:
        print(f"    {text}")


def main() -> int:
    if not postgres_available():
        print("PostgreSQL not reachable: the load run needs it (SQLite cannot take parallel writers). Skipped.")
        return 0
    applicants = max(1, round(USERS * APPLICANT_SHARE))
    clerks = max(1, USERS - applicants)
    database_url = fresh_database()
    server = None
    try:
        migrate(database_url)
        started = time.perf_counter()
        seeded = subprocess.run(
            [sys.executable, "-c", SEED, str(applicants), str(clerks), str(APPLICATIONS), PASSWORD],
            cwd=ROOT,
            env=server_env(database_url),
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            print(seeded.stdout + seeded.stderr, file=sys.stderr)
            raise RuntimeError("seeding the load database failed")
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        print(
            f"PostgreSQL, gunicorn with {WORKERS} workers on {os.cpu_count()} CPU(s): {seed['in_review']} "
            f"applications in review, {applicants} applicants saving drafts, {clerks} clerks browsing the queue, "
            f"{SECONDS:.0f} s, mean pause {THINK:.1f} s (seeded in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        port = free_port()
        server = start_server(database_url, port)
        results = Results()
        login_seconds, load_seconds = run_users(port, seed, results)
        report(results, login_seconds, load_seconds, applicants + clerks)
        return 1 if results.errors or results.unexpected else 0
    finally:
        if server is not None:
            stop_server(server)
        drop_database()


if __name__ == "__main__":
    sys.exit(main())
