"""The list of all applications: who sees it, what it lists, filters, sorting, pages, bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants.models import Application
from tests import factories
from tests.workflows.cases.conftest import file_numbers
from workflows.applications import services
from workflows.cases.selectors import case_url

S = Application.Status
URL = reverse("case_list")


def test_every_submitted_application_of_every_year_and_no_draft(client_for, controller, files):
    numbers = file_numbers(client_for(controller).get(URL))
    # Newest submission first.
    assert numbers == [files.recommended.file_number, files.in_review.file_number, files.approved.file_number]
    content = client_for(controller).get(URL).content.decode()
    assert "Geheimer Entwurf" not in content
    assert "3 Anträge" in content
    assert case_url(files.approved.pk) in content


def test_a_draft_withdrawn_before_submission_is_no_file(client_for, controller, applicant, files):
    services.application_withdraw(user=applicant, application_id=files.draft.pk)
    assert Application.objects.get(pk=files.draft.pk).status == S.WITHDRAWN
    assert len(file_numbers(client_for(controller).get(URL))) == 3
    assert len(file_numbers(client_for(controller).get(URL, {"status": S.WITHDRAWN}))) == 0


def test_rows_link_to_the_case(client_for, clerk, files):
    assert case_url(files.approved.pk) == reverse("case_detail", kwargs={"pk": files.approved.pk})
    content = client_for(clerk).get(URL).content.decode()
    assert f'href="{case_url(files.in_review.pk)}"' in content


def test_the_row_shows_the_clerk_who_holds_the_task_or_recommended(client_for, approver, clerk, files):
    clerk.first_name, clerk.last_name = "Susi", "Sachbearbeiterin"
    clerk.save()
    content = client_for(approver).get(URL, {"status": S.IN_REVIEW}).content.decode()
    assert "Susi Sachbearbeiterin" in content
    content = client_for(approver).get(URL, {"status": S.RECOMMENDED}).content.decode()
    assert "Susi Sachbearbeiterin" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": S.APPROVED}, ["approved"]),
        ({"status": S.IN_REVIEW}, ["in_review"]),
        ({"land": "09"}, ["in_review"]),
        ({"land": "15"}, ["recommended", "approved"]),
        ({"kreis": "15081"}, ["recommended", "approved"]),
        ({"kreis": "09472"}, ["in_review"]),
        ({"foerdergebiet": "C"}, ["recommended", "approved"]),
        ({"foerdergebiet": "none"}, ["in_review"]),
        ({"foerdergebiet": "D"}, []),
        ({"zweck": Application.Purpose.CONSULTING}, ["in_review"]),
        ({"zweck": Application.Purpose.TRAVEL}, ["recommended"]),
        ({"land": "15", "status": S.RECOMMENDED}, ["recommended"]),
        ({"faellig": "auszahlung-pruefen"}, ["approved"]),
    ],
)
def test_filters(client_for, controller, files, params, expected):
    numbers = file_numbers(client_for(controller).get(URL, params))
    assert numbers == [getattr(files, name).file_number for name in expected]


def test_the_year_filter(client_for, controller, files, next_programme_year, applicant, gardelegen):
    later = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=next_programme_year, title="Nächstes Jahr"
    )
    client = client_for(controller)
    assert file_numbers(client.get(URL, {"jahr": next_programme_year.year})) == [later.file_number]
    assert len(file_numbers(client.get(URL, {"jahr": files.approved.programme_year.year}))) == 3
    assert len(file_numbers(client.get(URL))) == 4


def test_the_clerk_filter(client_for, controller, clerk, files):
    numbers = file_numbers(client_for(controller).get(URL, {"bearbeitung": clerk.pk}))
    # Holds the review task of Bindlach's file, recommended the other; the approved one was recommended too.
    assert numbers == [files.recommended.file_number, files.in_review.file_number, files.approved.file_number]


def test_the_overdue_filter(client_for, controller, files, clock):
    client = client_for(controller)
    assert file_numbers(client.get(URL, {"ueberfaellig": "on"})) == []
    clock.shift(60 * 60 * 24 * 15)
    client = client_for(controller)  # the session of two weeks ago has expired
    assert file_numbers(client.get(URL, {"ueberfaellig": "on"})) == [files.in_review.file_number]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("eingereicht", ["approved", "in_review", "recommended"]),
        ("-eingereicht", ["recommended", "in_review", "approved"]),
        ("aktenzeichen", ["approved", "in_review", "recommended"]),
        ("-aktenzeichen", ["recommended", "in_review", "approved"]),
        ("kommune", ["in_review", "approved", "recommended"]),
        ("status", ["in_review", "recommended", "approved"]),
        ("-status", ["approved", "recommended", "in_review"]),
    ],
)
def test_sorting(client_for, controller, files, sort, expected):
    numbers = file_numbers(client_for(controller).get(URL, {"sortierung": sort}))
    assert numbers == [getattr(files, name).file_number for name in expected]


def test_sorting_by_amount(client_for, controller, files):
    Application.objects.filter(pk=files.in_review.pk).update(requested_amount="100.00")
    numbers = file_numbers(client_for(controller).get(URL, {"sortierung": "betrag"}))
    assert numbers[0] == files.in_review.file_number
    numbers = file_numbers(client_for(controller).get(URL, {"sortierung": "-betrag"}))
    assert numbers[-1] == files.in_review.file_number


def test_a_bad_value_is_named_and_the_rest_still_applies(client_for, controller, files):
    response = client_for(controller).get(URL, {"land": "15", "status": "erfunden", "sortierung": "'; DROP"})
    content = response.content.decode()
    assert file_numbers(response) == [files.recommended.file_number, files.approved.file_number]
    assert "Bitte prüfen Sie Ihre Angaben." in content
    assert "Ungültige Angaben wurden nicht angewandt" in content


def test_active_filters_can_be_removed_one_by_one(client_for, controller, files):
    content = client_for(controller).get(URL, {"land": "15", "status": S.APPROVED}).content.decode()
    assert "Aktive Filter" in content
    assert f'href="{URL}?status={S.APPROVED}"' in content
    assert f'href="{URL}?land=15"' in content
    assert "Alle Filter zurücksetzen" in content


def test_fifty_per_page_and_an_honest_count(client_for, controller, files, programme_year, applicant, gardelegen):
    base = Application.objects.get(pk=files.in_review.pk)
    Application.objects.bulk_create(
        Application(
            municipality=gardelegen,
            programme_year=programme_year,
            created_by=applicant,
            title=f"Vorhaben {n}",
            status=S.IN_REVIEW,
            submitted_at=base.submitted_at,
            file_number=f"MF-2026-9{n:04d}",
        )
        for n in range(60)
    )
    client = client_for(controller)
    first = client.get(URL, {"status": S.IN_REVIEW})
    assert len(file_numbers(first)) == 50
    content = first.content.decode()
    assert "61 Anträge" in content
    assert "Seite 1 von 2" in content
    assert f"status={S.IN_REVIEW}&amp;seite=2" in content
    assert len(file_numbers(client.get(URL, {"status": S.IN_REVIEW, "seite": "2"}))) == 11
    assert len(file_numbers(client.get(URL, {"status": S.IN_REVIEW, "seite": "kaputt"}))) == 50


def test_the_navigation_leads_office_roles_to_the_list(client_for, controller, clerk, applicant, files):
    assert f'href="{URL}"' in client_for(controller).get(reverse("reports_home")).content.decode()
    assert f'href="{URL}"' in client_for(clerk).get(reverse("office_queue")).content.decode()
    assert client_for(applicant).get(URL).status_code == 403
