"""The master-data history reads the same later: who, what, before and after, why."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from core.changes import change_history, change_record
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
