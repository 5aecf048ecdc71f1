"""`make run` seeds a demo that every role can log into and find work in."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from grants.models import Application, Municipality, ProgrammeYear
from grants.roles import user_roles
from workflows.management.commands.demo_setup import DEMO_PASSWORD, DEMO_USERS


@pytest.mark.django_db
def test_demo_setup_creates_users_and_work_and_is_idempotent():
    out = StringIO()
    call_command("demo_setup", stdout=out)
    call_command("demo_setup", stdout=out)

    assert Municipality.objects.count() == 11004
    assert ProgrammeYear.objects.count() == 2
    for username, _first, _last, role, _ags in DEMO_USERS:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert role in user_roles(user)
        assert username in out.getvalue()
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["approved", "draft", "in_review", "in_review", "in_review", "recommended"]
    assert "http://127.0.0.1:8000/" in out.getvalue()
