"""The master-data history reads the same later: who, what, before and after, why."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from core.changes import change_history, change_lines, change_record
from core.models import ChangeRecord

pytestmark = pytest.mark.django_db


def test_a_change_is_recorded_with_its_values_as_text(clerk, gardelegen):
    record = change_record(
        actor=clerk,
        subject=gardelegen,
        action="membership_activated",
        changes={"status": ("applied", "active"), "since": datetime.date(2026, 3, 1), "cap": Decimal("5000.00")},
        comment="Beschluss vom 01.03.2026",
    )
    record.refresh_from_db()
    assert record.subject_type == "grants.municipality"
    assert record.subject_id == str(gardelegen.pk)
    assert record.subject_label == str(gardelegen)
    assert record.changes == {"status": ["applied", "active"], "since": "2026-03-01", "cap": "5000.00"}
    assert list(change_history(subject=gardelegen)) == [record]


def test_an_anonymous_actor_is_recorded_as_nobody_and_histories_stay_apart(gardelegen, bindlach):
    record = change_record(actor=AnonymousUser(), subject=gardelegen, action="imported")
    assert record.actor is None
    assert list(change_history(subject=bindlach)) == []
    assert ChangeRecord.objects.count() == 1


def test_history_lines_name_the_action_fields_and_values_in_the_page_language(clerk, gardelegen):
    from django.utils import translation

    from grants.models import MembershipStatus

    change_record(
        actor=clerk,
        subject=gardelegen,
        action="grants.membership.recorded",
        changes={"status": (None, "active"), "note": "Beschluss"},
    )
    change_record(
        actor=None, subject=gardelegen, action="something.new", changes={"status": "ended", "is_active": (True, False)}
    )
    newest, first = change_lines(change_history(subject=gardelegen), model=MembershipStatus)
    assert newest.what == "something.new" and newest.who == "System"
    assert sorted(newest.details) == [("Status", "beendet", None), ("is_active", "ja", "nein")]
    assert first.what == "Mitgliedschaft erfasst"
    assert first.who == clerk.get_username()
    assert sorted(first.details) == [("Bemerkung", "Beschluss", None), ("Status", "–", "aktiv")]
    with translation.override("en"):
        (_newest, first) = change_lines(change_history(subject=gardelegen), model=MembershipStatus)
    assert first.what == "Membership recorded"
    assert ("Status", "–", "active") in first.details
