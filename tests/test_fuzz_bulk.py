"""Hostile selections posted to the bulk actions: never a 500, never a task or reminder not asked for.

Hypothesis posts what the queue and the proof list never render: forged and unknown
ids, ids beyond bigint, negative numbers, words, Unicode digits, empty entries,
thousands of ids, the ids of other people's tasks and of tasks of another role, and
broken or missing tokens. Each example runs in a savepoint that is rolled back.

More fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` Django itself refuses with 400 before
the view runs. The oracle: an invalid post changes nothing and says why in German; a valid one
claims exactly the ticked tasks that were free and the clerk's to take (or sends
exactly the due reminders), and its result names every distinct id once, done or refused.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from grants.models import ProofOfUse
from grants.roles import Role
from tests import factories
from tests.builders import open_payout_window
from tests.test_fuzz_forms import NASTY, fuzz
from tests.test_permissions import diff, snapshot
from tests.workflows.bulk.test_claim import result_rows
from workflows.applications.flows import open_task_for
from workflows.bulk.forms import MAX_SELECTED

VALID_TOKEN = "f" * 22
TOKENS = st.one_of(
    st.just(VALID_TOKEN),
    st.sampled_from(["", "kurz", "x" * 65, "../../etc/passwd", "ä" * 22, "<script>" * 3, "f" * 21 + " "]),
    st.text(max_size=70),
)


@pytest.fixture
def world(applicant, gardelegen, programme_year, active_members, structural_c, clerk, approver):
    """Two free review tasks, one a colleague holds, one decision task (an approver's)."""
    open_payout_window(programme_year)
    common = {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}
    colleague = factories.user_with_roles("sachbearbeitung-2", Role.CLERK, first_name="Sina", last_name="Zweite")
    free = [factories.in_review(**common, title=f"Frei {n}") for n in (1, 2)]
    taken = factories.in_review(**common, title="Vergeben")
    factories.take(colleague, taken.pk)
    decision = factories.recommended(**common, clerk=clerk, title="Empfohlen")
    return {
        "free": [open_task_for(application=application).pk for application in free],
        "taken": open_task_for(application=taken).pk,
        "decision": open_task_for(application=decision).pk,
        "colleague": colleague,
    }


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def entries(world) -> st.SearchStrategy:
    known = [*world["free"], world["taken"], world["decision"]]
    return st.one_of(
        st.sampled_from([str(pk) for pk in known]),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["0", "007", "١٢", "²", "1e3", "1.0", " 5 ", "+3", "0x10", "9" * 19, "9" * 18]),
        st.sampled_from(NASTY),
        st.text(max_size=12),
    )


def selections(world) -> st.SearchStrategy:
    return st.one_of(
        st.lists(entries(world), max_size=8),
        # Thousands of ids: more than any page shows.
        st.integers(min_value=MAX_SELECTED + 1, max_value=3000).map(lambda n: [str(i) for i in range(1, n + 1)]),
    )


def valid_ids(values: list[str]) -> list[int] | None:
    """What the form accepts: ASCII digits only, at most 18 of them, at most MAX_SELECTED entries."""
    if not values or len(values) > MAX_SELECTED:
        return None
    ids = []
    for value in values:
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return None
        ids.append(int(value))
    return list(dict.fromkeys(ids))


def owners(world) -> dict[int, int | None]:
    pks = [*world["free"], world["taken"], world["decision"]]
    return dict(Task.objects.filter(pk__in=pks).values_list("pk", "owner_id"))


@fuzz
@given(data=st.data())
@example(data=None)
def test_claim_several_tasks(world, clerk, data):
    client = Client()
    client.force_login(clerk)
    if data is None:  # the plain mix, always tried
        cases = [(VALID_TOKEN, [str(world["free"][0]), str(world["taken"]), str(world["decision"]), "123456789"])]
    else:
        cases = [(data.draw(TOKENS), data.draw(selections(world)))]
    for token, values in cases:
        with rolled_back():
            before, owned_before = snapshot(), owners(world)
            response = client.post(reverse("office_queue_claim"), {"token": token, "ausgewaehlt": values})
            if len(values) + 2 > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
                # Django refuses so many fields before any view runs (400, the error page in German).
                assert response.status_code == 400
                assert "Es wurde nichts geändert." in response.content.decode()
                assert diff(before, snapshot()) == []
                continue
            assert response.status_code == 302
            ids = valid_ids(values)
            if ids is None or not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
                assert response["Location"] == reverse("office_queue")
                assert diff(before, snapshot()) == []
                (message,) = [str(m) for m in get_messages(response.wsgi_request)]
                assert message.startswith(("Bitte", "Die Auswahl", "Das Formular"))
                continue
            # Exactly the free review tasks ticked are the clerk's now; nothing else moved.
            expected = dict(owned_before)
            for pk in ids:
                if pk in world["free"]:
                    expected[pk] = clerk.pk
            assert owners(world) == expected
            assert Task.objects.filter(owner=clerk, status=STATUS.ASSIGNED).count() == len(
                set(ids) & set(world["free"])
            )
            page = client.get(response["Location"])
            assert page.status_code == 200
            html = page.content.decode()
            assert len(result_rows(html, "done")) + len(result_rows(html, "refused")) == len(ids)
            assert len(result_rows(html, "done")) == len(set(ids) & set(world["free"]))


@fuzz
@given(token=TOKENS, values=st.lists(st.one_of(st.sampled_from(NASTY), st.integers().map(str)), max_size=6))
def test_send_several_reminders(approved, clerk, token, values):
    """Forged proof ids: only the one proof exists and is not due; nothing is ever sent."""
    client = Client()
    client.force_login(clerk)
    proof = ProofOfUse.objects.get(application=approved)
    for posted in (values, [*values, str(proof.pk)]):
        with rolled_back():
            before = snapshot()
            response = client.post(reverse("proof_office_remind"), {"token": token, "ausgewaehlt": posted})
            assert response.status_code == 302
            # Months before its due date the proof gets no reminder: nothing changes, whatever was posted.
            assert diff(before, snapshot()) == []
            if response["Location"] != reverse("proof_office_list"):
                html = client.get(response["Location"]).content.decode()
                assert result_rows(html, "done") == []
                assert len(result_rows(html, "refused")) == len(valid_ids(posted))
