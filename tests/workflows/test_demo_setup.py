"""`make run` seeds a demo that every role can log into and find work in, on any date.

The demo is built relative to the day it runs: it is run here at instants across the
calendar (a working day, the first days of a year, New Year's Eve in Berlin, a leap
day), and each time its years, deadlines, history and base rates must fit that day.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.utils import timezone

from budgets.interest import base_rates, known_until, read_rates_file
from budgets.models import BaseRate, LedgerEntry, Payout, RefundClaim, SepaBatch
from grants.models import Application, Municipality, ProgrammeYear
from grants.roles import user_roles
from reports.models import Notice
from workflows.management.commands.demo_setup import DEMO_DEBTOR, DEMO_PASSWORD, DEMO_RATE_SOURCE, DEMO_USERS
from workflows.models import AuditRecord
from workflows.payouts import sepa

EVERY_STATE = {
    "draft",
    "in_review",
    "info_requested",
    "recommended",
    "approved",
    "rejected",
    "withdrawn",
    "paid",
    "completed",
    "lapsed",
}


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Application, AuditRecord, Notice, LedgerEntry, Payout, RefundClaim, SepaBatch, BaseRate)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "instant",
    [
        "2026-11-25T10:00+01:00",
        "2027-01-02T08:00+01:00",
        "2028-02-29T12:00+01:00",
        "2028-12-31T23:30+01:00",  # 22:30 UTC: still the old year in Berlin
    ],
)
def test_the_demo_fits_the_day_it_is_built_on(instant, settings, clock):
    clock.move_to(datetime.datetime.fromisoformat(instant))
    out = StringIO()
    call_command("demo_setup", stdout=out)
    first = counts()
    call_command("demo_setup", stdout=out)
    assert counts() == first, "a second run changes nothing"

    now = timezone.now()
    today = timezone.localdate()
    assert today == datetime.date.fromisoformat(instant[:10])
    assert Municipality.objects.count() == 11004
    # The dashboard's map: every member has its centre point from the directory.
    members = Municipality.objects.filter(membership_statuses__isnull=False).distinct()
    assert members.exists()
    assert not members.filter(longitude__isnull=True).exists()
    for username, _first, _last, role, _ags in DEMO_USERS:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert role in user_roles(user)
        assert username in out.getvalue()
    assert "http://127.0.0.1:8000/" in out.getvalue()

    # Last year closed, this year and next year open for applications.
    years = {year.year: year for year in ProgrammeYear.objects.all()}
    assert sorted(years) == [today.year - 1, today.year, today.year + 1]
    for number in (today.year, today.year + 1):
        assert years[number].application_deadline >= today
        assert years[number].invoice_deadline >= today
    assert years[today.year - 1].application_deadline < today

    # Every state, and nothing dated after today.
    assert set(Application.objects.values_list("status", flat=True)) >= EVERY_STATE
    assert not AuditRecord.objects.filter(at__gt=now).exists()
    assert not Notice.objects.filter(issued_at__gt=now).exists()
    assert not Application.objects.filter(submitted_at__gt=now).exists()
    this_year = Application.objects.filter(programme_year__year=today.year).exclude(status="draft")
    assert all(timezone.localdate(a.created_at) == today for a in this_year)
    last_year = Application.objects.filter(programme_year__year=today.year - 1)
    assert all(a.submitted_at.year == today.year - 1 for a in last_year)
    for application in last_year:
        assert application.period_start.year == today.year - 1

    # Last year's money adds up: paid in July, a refund received with its interest.
    claim = RefundClaim.objects.get()
    assert claim.paid_on is not None and claim.interest_amount is not None and claim.interest_amount > 0
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    assert SepaBatch.objects.get().status == SepaBatch.Status.BOOKED

    # Base rates cover today; the ones not published are marked as demo values.
    assert known_until(base_rates()) >= today
    shipped = {valid_from for valid_from, _rate in read_rates_file()}
    demo = set(BaseRate.objects.filter(source=DEMO_RATE_SOURCE).values_list("valid_from", flat=True))
    assert set(BaseRate.objects.values_list("valid_from", flat=True)) == shipped | demo
    assert all(valid_from > max(shipped) for valid_from in demo)
    assert "Demowert: Basiszinssatz ab" in out.getvalue() if demo else True

    # A SEPA batch works out of the box with the demo debtor that `make run` configures.
    for name, value in DEMO_DEBTOR.items():
        setattr(settings, name, value)
    approver = get_user_model().objects.get(username="bewilligung")
    batch = sepa.sepa_batch_create(approver=approver)
    assert batch.lines.count() == 1
