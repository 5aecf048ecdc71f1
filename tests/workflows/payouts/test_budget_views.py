"""The budget page (figures are ledger sums, one query per table) and lapsing commitments
nobody called by the invoice deadline: preview, confirmation, replay, e-mail, roles."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Q, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets.models import LedgerEntry, Payout
from grants.models import Application, MembershipStatus, Municipality, MunicipalityAddress
from grants.services import affiliation_create
from tests import factories
from tests.builders import approved_application, invoice, open_payout_window, released, request
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord
from workflows.payouts import budget, sepa
from workflows.payouts import services as payouts

S = Application.Status
K = LedgerEntry.Kind


pytestmark = pytest.mark.usefixtures("sepa_debtor")


@pytest.fixture
def gardelegen_app(applicant, gardelegen, programme_year, active_members, structural_c, clerk, approver):
    open_payout_window(programme_year)
    return approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )


@pytest.fixture
def bindlach_app(foreign_applicant, bindlach, programme_year, active_members, clerk, approver):
    open_payout_window(programme_year)
    return approved_application(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        approver=approver,
    )


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pay(application, *, applicant, clerk, approver, amount: str) -> Payout:
    """Through the services: request, check, release, batch, export, book with today's value date."""
    payout = released(application, applicant=applicant, clerk=clerk, approver=approver, amount=amount)
    batch = sepa.sepa_batch_create(approver=approver)
    sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    sepa.sepa_batch_book_paid(user=approver, batch_id=batch.pk, value_date=timezone.localdate())
    return payout


def ledger(kind: str, **filters) -> Decimal:
    return LedgerEntry.objects.filter(kind=kind, **filters).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def deadline_passed(programme_year) -> None:
    programme_year.invoice_deadline = timezone.localdate() - datetime.timedelta(days=1)
    programme_year.save(update_fields=["invoice_deadline"])


def lapse_url(programme_year) -> str:
    return reverse("budget_lapse", kwargs={"year": programme_year.year})


# --- the budget page -------------------------------------------------------------------------


def test_budget_page_figures_are_the_ledger_sums(
    gardelegen_app, bindlach_app, applicant, clerk, approver, controller, programme_year
):
    pay(gardelegen_app, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")

    response = browser(controller).get(reverse("budget_overview"))
    assert response.status_code == 200
    figures = response.context["figures"]
    committed = ledger(K.COMMITMENT) - ledger(K.RELEASE) - ledger(K.REFUND)
    assert figures.committed == committed == Decimal("5100.00")
    assert figures.granted == ledger(K.COMMITMENT)
    assert figures.paid == ledger(K.PAYOUT) == Decimal("1000.00")
    assert figures.released == ledger(K.RELEASE) == Decimal("0.00")
    assert figures.refunded == ledger(K.REFUND)
    assert figures.available == programme_year.budget - committed == Decimal("244900.00")
    assert figures.budget == Decimal("250000.00")
    content = response.content.decode()
    for shown in ("250.000,00\u00a0€", "5.100,00\u00a0€", "244.900,00\u00a0€", "1.000,00\u00a0€"):
        assert shown in content

    by_land = {row.label: row for row in response.context["by_land"]}
    for land in ("Sachsen-Anhalt", "Bayern"):
        in_land = Q(municipality__land__name=land)
        expected = (
            ledger(K.COMMITMENT, municipality__land__name=land)
            - ledger(K.RELEASE, municipality__land__name=land)
            - ledger(K.REFUND, municipality__land__name=land)
        )
        assert by_land[land].committed == expected == Decimal("2550.00")
        assert by_land[land].paid == ledger(K.PAYOUT, municipality__land__name=land)
        assert by_land[land].applications == LedgerEntry.objects.filter(in_land, kind=K.COMMITMENT).count() == 1
    assert (by_land["Sachsen-Anhalt"].paid, by_land["Bayern"].paid) == (Decimal("1000.00"), Decimal("0.00"))
    assert response.context["by_land_total"].committed == committed

    # Gardelegen's Kreis is assisted area C; Bindlach has no status.
    by_status = {row.key: row for row in response.context["by_status"]}
    assert list(by_status) == ["C", "D", "none"]
    assert (by_status["C"].committed, by_status["C"].paid) == (Decimal("2550.00"), Decimal("1000.00"))
    assert (by_status["D"].committed, by_status["D"].paid) == (Decimal("0.00"), Decimal("0.00"))
    assert (by_status["none"].committed, by_status["none"].paid) == (Decimal("2550.00"), Decimal("0.00"))
    assert response.context["by_status_total"].committed == committed
    assert response.context["by_status_total"].paid == ledger(K.PAYOUT)


def test_budget_page_for_each_office_role_and_not_for_applicants(
    gardelegen_app, applicant, clerk, approver, controller, programme_year
):
    for user in (controller, clerk, approver):
        response = browser(user).get(reverse("budget_year", kwargs={"year": programme_year.year}))
        assert response.status_code == 200
        assert reverse("budget_overview") in response.content.decode()  # the "Haushalt" navigation entry
    assert browser(applicant).get(reverse("budget_overview")).status_code == 403
    assert browser(controller).get(reverse("budget_year", kwargs={"year": 1999})).status_code == 404
    # Controllers read; the lapse link is for those who may lapse.
    assert lapse_url(programme_year) not in browser(controller).get(reverse("budget_overview")).content.decode()


def _query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_budget_page_queries_do_not_grow_with_the_number_of_applications(
    gardelegen_app, applicant, clerk, approver, controller, programme_year, kreis_salzwedel
):
    controlling = browser(controller)
    url = reverse("budget_overview")
    controlling.get(url)  # the session's first page also remembers the profile's language
    before = _query_count(controlling, url)

    # Four more approved applications in three more municipalities, with a payout.
    for index in range(3):
        municipality = Municipality.objects.create(
            ags=f"1508100{index}",
            name=f"Testgemeinde {index}",
            kind=Municipality.Kind.GEMEINDE,
            land=kreis_salzwedel.land,
            kreis=kreis_salzwedel,
        )
        MunicipalityAddress.objects.create(
            municipality=municipality, street="Markt", house_number="1", postcode="39638", town=municipality.name
        )
        MembershipStatus.objects.create(
            municipality=municipality, status=MembershipStatus.Status.ACTIVE, since=datetime.date(2024, 1, 1)
        )
        affiliation_create(user=applicant, municipality=municipality)
        approved_application(
            applicant=applicant,
            municipality=municipality,
            programme_year=programme_year,
            clerk=clerk,
            approver=approver,
        )
    factories_app = approved_application(
        applicant=applicant,
        municipality=gardelegen_app.municipality,
        programme_year=programme_year,
        clerk=clerk,
        approver=approver,
        requested_amount=Decimal("850.00"),
        lines=factories.moderation_lines(days="1", rate="850.00"),
    )
    pay(factories_app, applicant=applicant, clerk=clerk, approver=approver, amount="500.00")
    assert Application.objects.filter(status=S.APPROVED).count() == 5

    assert _query_count(controlling, url) == before


# --- lapse ---------------------------------------------------------------------------------------


def test_lapse_preview_confirm_replay_and_mail(
    gardelegen_app,
    bindlach_app,
    applicant,
    foreign_applicant,
    clerk,
    approver,
    programme_year,
    django_capture_on_commit_callbacks,
):
    # Bindlach called money before the deadline: its commitment stays.
    request(bindlach_app, foreign_applicant, invoice("500.00"))
    deadline_passed(programme_year)
    office = browser(clerk)

    page = office.get(lapse_url(programme_year))
    assert page.status_code == 200
    content = page.content.decode()
    assert gardelegen_app.file_number in content and "Gardelegen, Hansestadt" in content
    assert "2.550,00\u00a0€" in content
    assert bindlach_app.file_number not in content
    assert [c.application for c in page.context["candidates"]] == [gardelegen_app]
    ids = page.context["form"]["application_ids"].value()

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(lapse_url(programme_year), {"application_ids": ids})
    assert response.status_code == 302
    assert response["Location"] == reverse("budget_year", kwargs={"year": programme_year.year})
    gardelegen_app.refresh_from_db()
    bindlach_app.refresh_from_db()
    assert (gardelegen_app.status, bindlach_app.status) == (S.LAPSED, S.APPROVED)
    [release] = LedgerEntry.objects.filter(kind=K.RELEASE)
    assert (release.application, release.amount, release.booked_by) == (gardelegen_app, Decimal("2550.00"), clerk)
    [record] = AuditRecord.objects.filter(action="grants.application.lapsed")
    assert (record.application, record.actor, record.from_state, record.to_state) == (
        gardelegen_app,
        clerk,
        S.APPROVED,
        S.LAPSED,
    )
    assert "2.550,00" in record.comment
    [message] = mail.outbox
    assert gardelegen_app.file_number in message.subject and "verfallen" in message.subject
    assert "2.550,00" in message.body and f"{programme_year.invoice_deadline:%d.%m.%Y}" in message.body
    assert "kontakt@gardelegen.example" in message.to

    # The budget: the commitment went back.
    figures = browser(clerk).get(reverse("budget_overview")).context["figures"]
    assert figures.released == Decimal("2550.00")
    assert figures.committed == Decimal("2550.00")
    assert figures.available == programme_year.budget - Decimal("2550.00")

    # Replay (double click, back button): nothing happens a second time.
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(lapse_url(programme_year), {"application_ids": ids}, follow=True)
    assert response.status_code == 200
    assert "bereits verfallen" in response.content.decode()
    assert LedgerEntry.objects.filter(kind=K.RELEASE).count() == 1
    assert AuditRecord.objects.filter(action="grants.application.lapsed").count() == 1
    assert len(mail.outbox) == 1
    assert office.get(lapse_url(programme_year)).context["candidates"] == []


def test_a_request_between_preview_and_confirmation_keeps_the_commitment(
    gardelegen_app, applicant, clerk, approver, programme_year
):
    payout = request(gardelegen_app, applicant, invoice("100.00"))
    payouts.payout_reject(clerk=clerk, payout_id=payout.pk, reason="Falsches Vorhaben.")
    deadline_passed(programme_year)
    # A rejected request is no call: the application is listed.
    [candidate] = budget.commitments_lapse_preview(programme_year=programme_year)
    assert candidate.application == gardelegen_app and candidate.amount == Decimal("2550.00")

    # Now something is open (created directly: the payout window is closed for the municipality).
    Payout.objects.create(
        number="MA-TEST-1",
        application=gardelegen_app,
        requested_amount=Decimal("10.00"),
        account_holder="Hansestadt Gardelegen",
        iban="DE02120300000000202051",
        town="Gardelegen",
        requested_by=applicant,
    )
    result = budget.commitments_lapse(
        user=approver, programme_year_id=programme_year.pk, application_ids=[gardelegen_app.pk]
    )
    assert result.lapsed == []
    assert [skip.reason for skip in result.skipped] == ["inzwischen wurden Mittel abgerufen"]
    gardelegen_app.refresh_from_db()
    assert gardelegen_app.status == S.APPROVED
    assert not LedgerEntry.objects.filter(kind=K.RELEASE).exists()


def test_partly_paid_applications_do_not_lapse(gardelegen_app, applicant, clerk, approver, programme_year):
    pay(gardelegen_app, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    deadline_passed(programme_year)
    assert budget.commitments_lapse_preview(programme_year=programme_year) == []


def test_no_lapse_before_the_deadline(gardelegen_app, clerk, programme_year):
    office = browser(clerk)
    page = office.get(lapse_url(programme_year))
    assert page.status_code == 200
    assert "noch nicht abgelaufen" in page.content.decode()
    response = office.post(lapse_url(programme_year), {"application_ids": str(gardelegen_app.pk)})
    assert response.status_code == 200
    assert "erst danach" in response.content.decode()
    gardelegen_app.refresh_from_db()
    assert gardelegen_app.status == S.APPROVED
    assert not LedgerEntry.objects.filter(kind=K.RELEASE).exists()


def test_only_clerks_and_approvers_lapse(gardelegen_app, applicant, controller, programme_year):
    deadline_passed(programme_year)
    for user in (controller, applicant):
        client = browser(user)
        assert client.get(lapse_url(programme_year)).status_code == 403
        assert client.post(lapse_url(programme_year), {"application_ids": str(gardelegen_app.pk)}).status_code == 403
    with pytest.raises(WorkflowError) as caught:
        budget.commitments_lapse(
            user=controller, programme_year_id=programme_year.pk, application_ids=[gardelegen_app.pk]
        )
    assert caught.value.code == "forbidden"
    gardelegen_app.refresh_from_db()
    assert gardelegen_app.status == S.APPROVED


def test_bad_lapse_input_is_explained(gardelegen_app, clerk, programme_year):
    deadline_passed(programme_year)
    office = browser(clerk)
    for data in ({}, {"application_ids": "abc"}, {"application_ids": ","}):
        response = office.post(lapse_url(programme_year), data)
        assert response.status_code == 200
        assert "unvollständig angekommen" in response.content.decode()
    # Unknown ids are skipped, not a 500.
    response = office.post(lapse_url(programme_year), {"application_ids": "999999"}, follow=True)
    assert response.status_code == 200
    assert "nicht gefunden" in response.content.decode()
    gardelegen_app.refresh_from_db()
    assert gardelegen_app.status == S.APPROVED
