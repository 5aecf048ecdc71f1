"""The case page (Akte): every office role reads the whole file; the actions offered are
those the permission functions allow; the controller reads only; the page reads the file
in a fixed number of queries however many payouts, notices and e-mails it has."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import SentEmail
from grants.roles import Role
from reports.models import Notice
from tests import factories
from tests.builders import invoice
from tests.builders import request as payout_request
from tests.factories import user_with_roles
from workflows.common.notices import notice_issue
from workflows.models import CaseNote

pytestmark = pytest.mark.usefixtures("sepa_debtor")

OFFICE = ["clerk", "approver", "controller", "admin_user"]
# Every form that posts on the page, and every button that does.
FORM = re.compile(r"<form[^>]*method=\"post\"")
HEADINGS = [
    "Bearbeitung",
    "Antragsdaten",
    "Kostenplan",
    "Anlagen",
    "Förderprüfung",
    "Bescheide",
    "Mittelabrufe",
    "Verwendungsnachweis",
    "Rückforderungen",
    "Gesendete E-Mails",
    "Interne Vermerke",
    "Verlauf",
]


def main(page: str) -> str:
    """The page's own content, without the header's logout and language forms."""
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def case_url(application) -> str:
    return reverse("case_detail", kwargs={"pk": application.pk})


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def mail_logged(application, subject: str, body: str = "Guten Tag,\n\nText.") -> SentEmail:
    return SentEmail.objects.create(
        application=application,
        kind="approved",
        subject=subject,
        body=body,
        recipients="kontakt@gardelegen.example,antrag@example.org",
        language="de",
    )


@pytest.fixture
def file(approved, applicant):
    """The approved file with a payout, the approval notice and one e-mail in the log."""
    payout_request(approved, applicant)
    if not Notice.objects.filter(application=approved).exists():
        with transaction.atomic():
            notice_issue(application=approved, kind=Notice.Kind.APPROVAL, user=None)
    mail_logged(approved, "Ihr Antrag wurde bewilligt", body="Guten Tag,\n\nIhr Antrag ist bewilligt.")
    return approved


@pytest.mark.parametrize("role", OFFICE)
def test_every_office_role_reads_every_part(role, request, file):
    response = login(request.getfixturevalue(role)).get(case_url(file))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in HEADINGS:
        assert f">{heading}</h2>" in page, heading
    payout = file.payouts.get()
    assert payout.number in page
    assert reverse("payout_office_detail", kwargs={"pk": payout.pk}) in page
    notice = file.notices.first()
    assert notice.number in page
    assert file.file_number in page
    assert file.proof_of_use.due_date.strftime("%d.%m.%Y") in page


def test_the_emails_sent_are_listed_with_their_text(file, clerk):
    page = login(clerk).get(case_url(file)).content.decode()
    assert "Ihr Antrag wurde bewilligt" in page
    assert "kontakt@gardelegen.example, antrag@example.org" in page
    assert "<details>" in page
    assert "Ihr Antrag ist bewilligt." in page
    assert "Bewilligung" in page  # the kind, in words


def test_a_draft_has_no_case(applicant, gardelegen, programme_year, active_members, clerk):
    draft = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    assert login(clerk).get(case_url(draft)).status_code == 404


def test_the_municipality_cannot_open_a_case(file, applicant):
    assert login(applicant).get(case_url(file)).status_code == 403


def test_the_controller_reads_and_cannot_change_anything(file, controller, clerk):
    client = login(controller)
    page = main(client.get(case_url(file)).content.decode())
    assert FORM.findall(page) == []
    assert "<textarea" not in page
    assert "Vermerk speichern" not in page
    response = client.post(case_url(file), {"text": "Vom Controlling", "mentioned": [clerk.pk]})
    assert response.status_code == 403
    assert not CaseNote.objects.exists()


def test_the_clerk_who_holds_the_review_gets_the_review_link(applicant, gardelegen, programme_year, active_members,
                                                             clerk):  # fmt: skip
    application = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    page = login(clerk).get(case_url(application)).content.decode()
    assert f'href="{reverse("office_review", kwargs={"pk": application.pk})}"><span class="kern-label">Prüfen' in page
    assert 'value="claim"' not in page


def test_a_free_task_can_be_claimed_through_the_existing_flow(applicant, gardelegen, programme_year, active_members,
                                                              clerk):  # fmt: skip
    application = factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    client = login(clerk)
    page = client.get(case_url(application)).content.decode()
    review_url = reverse("office_review", kwargs={"pk": application.pk})
    assert f'<form method="post" action="{review_url}">' in page
    assert "Aufgabe übernehmen" in page
    assert ">Prüfen<" not in page  # not before the task is the clerk's
    task = re.search(r'name="task" value="(\d+)"', page).group(1)
    response = client.post(review_url, {"action": "claim", "task": task})
    assert response.status_code == 302
    page = client.get(case_url(application)).content.decode()
    assert ">Prüfen<" in page


def test_a_task_claimed_by_another_clerk_offers_no_action(applicant, gardelegen, programme_year, active_members,
                                                          clerk):  # fmt: skip
    application = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    colleague = user_with_roles("sachbearbeitung-2", Role.CLERK, first_name="Carla", last_name="Kollegin")
    page = login(colleague).get(case_url(application)).content.decode()
    assert "bearbeitet von sachbearbeitung" in page
    assert "Aufgabe übernehmen" not in page
    assert ">Prüfen<" not in page
    assert ">Entscheiden<" not in page


def test_the_approver_decides_only_after_claiming(applicant, gardelegen, programme_year, active_members, clerk,
                                                  approver):  # fmt: skip
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    client = login(approver)
    page = client.get(case_url(application)).content.decode()
    decision_url = reverse("office_decision", kwargs={"pk": application.pk})
    assert f'<form method="post" action="{decision_url}">' in page
    assert ">Entscheiden<" not in page
    factories.take(approver, application.pk)
    page = client.get(case_url(application)).content.decode()
    assert f'href="{decision_url}"><span class="kern-label">Entscheiden' in page
    # The clerk who recommended sees neither: four-eyes.
    page = login(clerk).get(case_url(application)).content.decode()
    assert "Aufgabe übernehmen" not in page and ">Entscheiden<" not in page


def test_payout_and_proof_actions_follow_their_permissions(file, clerk, approver, controller):
    payout = file.payouts.get()
    clerk_page = login(clerk).get(case_url(file)).content.decode()
    assert f'Prüfen<span class="kern-sr-only"> {payout.number}' in clerk_page
    approver_page = login(approver).get(case_url(file)).content.decode()
    assert f'Prüfen<span class="kern-sr-only"> {payout.number}' not in approver_page
    # Approvers do not open the office's proof-of-use pages: no link they could not follow.
    proof_url = reverse("proof_office_review", kwargs={"pk": file.proof_of_use.pk})
    assert proof_url in clerk_page
    assert proof_url not in approver_page
    assert proof_url in login(controller).get(case_url(file)).content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_file(file, applicant, clerk, approver):
    CaseNote.objects.create(application=file, author=clerk, text="Erster Vermerk")
    client = login(clerk)
    url = case_url(file)
    _queries(client, url)  # warm the caches of the first request (session, roles)
    before = _queries(client, url)
    for number in range(2, 5):
        payout_request(file, applicant, invoice("100.00", number=f"R-{number}"))
        mail_logged(file, f"Nachricht {number}")
    with transaction.atomic():
        for _ in range(3):
            notice_issue(application=file, kind=Notice.Kind.APPROVAL, user=approver)
    CaseNote.objects.create(application=file, author=approver, text="Zweiter Vermerk")
    CaseNote.objects.create(application=file, author=clerk, text="Dritter Vermerk")
    after = _queries(client, url)
    assert file.payouts.count() == 4
    assert after == before


def test_the_office_pages_lead_to_the_case(file, applicant, gardelegen, programme_year, clerk, approver, controller):
    recommended = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, title="Zweites"
    )
    pages = {
        reverse("office_review", kwargs={"pk": file.pk}): case_url(file),
        reverse("office_decision", kwargs={"pk": recommended.pk}): case_url(recommended),
        reverse("payout_office_detail", kwargs={"pk": file.payouts.get().pk}): case_url(file),
        reverse("proof_office_review", kwargs={"pk": file.proof_of_use.pk}): case_url(file),
    }
    client = login(controller)
    for url, case in pages.items():
        assert f'href="{case}"' in client.get(url).content.decode(), url


def test_the_controller_reaches_the_file_behind_a_notice(file, controller, applicant):
    """A notice whose PDF is not there yet: the controller is led to the case, the municipality is not."""
    notice = file.notices.filter(pdf="").first()
    if notice is None:
        with transaction.atomic():
            notice = notice_issue(application=file, kind=Notice.Kind.APPROVAL, user=None)
    url = reverse("notice_download", kwargs={"pk": notice.pk})
    response = login(controller).get(url)
    assert response.status_code == 503
    assert f'href="{case_url(file)}"' in response.content.decode()
    page = login(applicant).get(url).content.decode()
    assert case_url(file) not in page


def test_a_notice_list_can_link_each_notice_to_its_case(file):
    notices = list(Notice.objects.filter(application=file).select_related("application"))
    html = render_to_string("workflows/documents_notice_list.html", {"notices": notices, "case_links": True})
    assert f'href="{case_url(file)}">{file.file_number}</a>' in html
    assert case_url(file) not in render_to_string("workflows/documents_notice_list.html", {"notices": notices})
