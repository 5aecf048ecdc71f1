"""Claiming several tasks of the queue at once: each through ``task_claim``, each on its own.

What the clerk relies on: the ticked tasks that were free are theirs afterwards, every
other one is listed with the reason it was refused, a reload or a second post of the
same form changes nothing, and a stale page gives a refusal line, never an error.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.status import STATUS

from grants.roles import Role
from tests import factories
from workflows.applications import services
from workflows.applications.flows import open_task_for
from workflows.bulk import services as bulk
from workflows.models import AuditRecord

TOKEN = "a" * 22


@pytest.fixture
def files(applicant, gardelegen, programme_year, active_members, structural_c, clerk):
    common = {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}
    return {
        "first": factories.in_review(**common, title="Erstes Vorhaben"),
        "second": factories.in_review(**common, title="Zweites Vorhaben"),
        "taken": factories.in_review(**common, title="Vergebenes Vorhaben"),
        "decision": factories.recommended(**common, clerk=clerk, title="Empfohlenes Vorhaben"),
    }


@pytest.fixture
def colleague(db):
    return factories.user_with_roles("sachbearbeitung-2", Role.CLERK, first_name="Sina", last_name="Zweite")


def task_of(application):
    return open_task_for(application=application)


def post(client: Client, *task_ids, token: str = TOKEN):
    return client.post(
        reverse("office_queue_claim"), {"token": token, "ausgewaehlt": [str(task_id) for task_id in task_ids]}
    )


def result_rows(html: str, heading: str) -> list[tuple[str, str]]:
    """The (file number, text) rows of the result table under ``heading``."""
    section = html.split(f'id="heading-{heading}"', 1)[1].split("</section>", 1)[0]
    return [
        (re.sub(r"\s+", " ", ref).strip(), re.sub(r"\s+", " ", text).strip())
        for ref, text in re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', section, re.S)
    ]


def test_a_mix_claims_the_free_ones_and_says_why_not_for_the_rest(client_for, clerk, colleague, files):
    factories.take(colleague, files["taken"].pk)
    tasks = {name: task_of(application) for name, application in files.items()}
    client = client_for(clerk)

    response = post(
        client,
        tasks["first"].pk,
        tasks["second"].pk,
        tasks["taken"].pk,
        tasks["decision"].pk,
        987654321,
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("bulk_result", kwargs={"token": TOKEN})
    for name in ("first", "second"):
        task = task_of(files[name])
        assert (task.owner, task.status) == (clerk, STATUS.ASSIGNED)
    assert task_of(files["taken"]).owner == colleague
    assert task_of(files["decision"]).owner is None

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert result_rows(html, "done") == [
        (files["first"].file_number, "Übernommen: Prüfung"),
        (files["second"].file_number, "Übernommen: Prüfung"),
    ]
    assert result_rows(html, "refused") == [
        (files["taken"].file_number, "Diese Aufgabe hat bereits Sina Zweite übernommen."),
        (files["decision"].file_number, "Diese Aufgabe ist Ihrer Rolle nicht zugänglich."),
        ("Aufgabe 987654321", "Die Aufgabe wurde nicht gefunden."),
    ]
    assert "2 erledigt, 3 abgelehnt" in html
    # Reloading the result page shows the same result again.
    again = client.get(response["Location"]).content.decode()
    assert result_rows(again, "done") == result_rows(html, "done")
    assert result_rows(again, "refused") == result_rows(html, "refused")


def test_an_approver_claims_decisions_and_is_refused_reviews(client_for, approver, files):
    client = client_for(approver)
    post(client, task_of(files["decision"]).pk, task_of(files["first"]).pk)
    assert task_of(files["decision"]).owner == approver
    assert task_of(files["first"]).owner is None
    html = client.get(reverse("bulk_result", kwargs={"token": TOKEN})).content.decode()
    assert result_rows(html, "done") == [(files["decision"].file_number, "Übernommen: Entscheidung")]
    assert result_rows(html, "refused") == [
        (files["first"].file_number, "Diese Aufgabe ist Ihrer Rolle nicht zugänglich.")
    ]


def test_each_item_goes_through_task_claim_like_one_by_one(client_for, clerk, files, monkeypatch):
    by_hand = factories.in_review(
        applicant=files["first"].created_by,
        municipality=files["first"].municipality,
        programme_year=files["first"].programme_year,
        title="Einzeln übernommen",
    )
    calls = []
    real = services.task_claim

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(bulk, "task_claim", spy)
    audit_before = list(AuditRecord.objects.values_list("pk", flat=True))
    first, second = task_of(files["first"]), task_of(files["second"])
    post(client_for(clerk), first.pk, second.pk)
    assert calls == [{"user": clerk, "task_id": first.pk}, {"user": clerk, "task_id": second.pk}]

    # One by one on the review page: the same state, and neither way writes an audit record.
    single = task_of(by_hand)
    client_for(clerk).post(reverse("office_review", kwargs={"pk": by_hand.pk}), {"action": "claim", "task": single.pk})
    bulk_claimed, one_claimed = task_of(files["first"]), task_of(by_hand)
    assert (bulk_claimed.owner, bulk_claimed.status, bulk_claimed.assigned is not None) == (
        one_claimed.owner,
        one_claimed.status,
        one_claimed.assigned is not None,
    )
    assert (one_claimed.owner, one_claimed.status) == (clerk, STATUS.ASSIGNED)
    assert list(AuditRecord.objects.values_list("pk", flat=True)) == audit_before


def test_a_repeated_post_has_no_second_effect(client_for, clerk, files):
    client = client_for(clerk)
    first = task_of(files["first"])
    post(client, first.pk)
    # Meanwhile the clerk gives the task back; the replayed form must not take it again.
    services.task_release(user=clerk, task_id=first.pk)
    response = post(client, first.pk)
    assert response["Location"] == reverse("bulk_result", kwargs={"token": TOKEN})
    assert task_of(files["first"]).owner is None
    html = client.get(response["Location"]).content.decode()
    assert result_rows(html, "done") == [(files["first"].file_number, "Übernommen: Prüfung")]


def test_a_new_form_for_a_task_already_mine_says_so(client_for, clerk, files):
    client = client_for(clerk)
    first = task_of(files["first"])
    post(client, first.pk)
    post(client, first.pk, token="b" * 22)
    html = client.get(reverse("bulk_result", kwargs={"token": "b" * 22})).content.decode()
    assert result_rows(html, "done") == []
    assert result_rows(html, "refused") == [(files["first"].file_number, "Diese Aufgabe haben Sie bereits übernommen.")]


def test_a_stale_queue_page_gives_a_refusal_line(client_for, clerk, colleague, files):
    client = client_for(clerk)
    page = client.get(reverse("office_queue")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    ticked = re.findall(r'name="ausgewaehlt" value="(\d+)"', page)
    # Three review tasks free; the decision task is an approver's and has no checkbox.
    assert sorted(int(value) for value in ticked) == sorted(
        task_of(files[name]).pk for name in ("first", "second", "taken")
    )
    factories.take(colleague, files["taken"].pk)  # faster, between page and click
    response = client.post(reverse("office_queue_claim"), {"token": token, "ausgewaehlt": ticked})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert len(result_rows(html, "done")) == 2
    assert result_rows(html, "refused") == [
        (files["taken"].file_number, "Diese Aufgabe hat bereits Sina Zweite übernommen.")
    ]


def test_nothing_ticked_says_so_in_german(client_for, clerk, files):
    client = client_for(clerk)
    response = client.post(reverse("office_queue_claim"), {"token": TOKEN}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("office_queue")
    assert "Bitte wählen Sie mindestens eine Aufgabe aus." in response.content.decode()
    assert task_of(files["first"]).owner is None


def test_readers_see_no_checkboxes_and_a_post_is_refused(client_for, controller, files):
    client = client_for(controller)
    page = client.get(reverse("office_queue")).content.decode()
    assert 'name="ausgewaehlt"' not in page
    assert "Ausgewählte übernehmen" not in page
    assert post(client, task_of(files["first"]).pk).status_code == 403
    assert task_of(files["first"]).owner is None


def test_the_queue_shows_the_button_to_a_clerk(client_for, clerk, files):
    page = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert "Ausgewählte übernehmen" in page
    assert f"Aufgabe zu {files['first'].file_number} auswählen" in page


def test_the_result_of_another_session_does_not_exist(client_for, clerk, approver, files):
    post(client_for(clerk), task_of(files["first"]).pk)
    other = Client()
    other.force_login(approver)
    assert other.get(reverse("bulk_result", kwargs={"token": TOKEN})).status_code == 404


@pytest.mark.parametrize("token", ["x" * 15, "x" * 65, "x" * 16 + "\n", "x" * 16 + "/", "\x00"])
def test_a_token_of_the_wrong_shape_is_refused_and_changes_nothing(client_for, clerk, files, token):
    task = open_task_for(application=files["first"])
    response = client_for(clerk).post(reverse("office_queue_claim"), {"token": token, "ausgewaehlt": [task.pk]})
    assert response["Location"] == reverse("office_queue")
    task.refresh_from_db()
    assert task.owner_id is None
