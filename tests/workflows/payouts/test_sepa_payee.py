"""A SEPA payee the bank cannot read: refused where it is typed, and left out of a batch
(with the reason shown) instead of sinking the file for every other payee."""

from __future__ import annotations

import html

import pytest
import xmlschema
from django.test import Client
from django.urls import reverse

from budgets.models import Payout
from budgets.sepa import XSD_PATH, pain001_summary, sepa_has_latin
from grants.models import Application
from tests.builders import released
from tests.clock import DEADLINE_DAY
from tests.workflows.applications.test_applicant_flow import post_data
from tests.workflows.payouts.test_views import new_url, request_data
from workflows.payouts import sepa

P = Payout.Status


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_IBAN = "DE89 3704 0044 0532 0130 00"
    settings.SEPA_DEBTOR_BIC = ""
    settings.SEPA_DEBTOR_TOWN = "Berlin"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        ("Hansestadt Gardelegen", True),
        ("Gemeinde Ærø – Kämmerei", True),
        ("Иван Петров", False),
        ("Αθήνα", False),
        ("北京市", False),
        ("?!…–", False),
        ("12345", False),
        ("Київ Kyjiw", True),
    ],
)
def test_a_name_needs_a_latin_letter(value, usable):
    assert sepa_has_latin(value) is usable


def test_the_payout_form_refuses_a_town_without_latin_letters_and_keeps_it(approved, applicant):
    response = browser(applicant).post(new_url(approved), request_data(town="Київ"))
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Bitte geben Sie den Ort in lateinischen Buchstaben an" in content
    assert 'value="Київ"' in content
    assert not Payout.objects.exists()


@pytest.mark.now(DEADLINE_DAY)
def test_the_application_form_refuses_an_account_holder_without_latin_letters(
    client_for, applicant, gardelegen, programme_year, active_members, structural_c
):
    response = client_for(applicant).post(
        reverse("applicant_application_new"), post_data(account_holder="Іван Петренко", submit="1")
    )
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Bitte geben Sie den Kontoinhaber in lateinischen Buchstaben an" in content
    assert 'value="Іван Петренко"' in content
    assert not Application.objects.filter(account_holder="Іван Петренко").exists()
    assert not Application.objects.exclude(status=Application.Status.DRAFT).exists()


@pytest.fixture
def one_bad_two_good(approved, applicant, clerk, approver) -> list[Payout]:
    """Three released payouts of one application; the second one's payee has only Cyrillic letters
    (as an account holder saved before the form refused it)."""
    payouts = [
        released(approved, applicant=applicant, clerk=clerk, approver=approver, amount=amount, number=number)
        for amount, number in (("500.00", "R-1"), ("700.00", "R-2"), ("900.00", "R-3"))
    ]
    Payout.objects.filter(pk=payouts[1].pk).update(account_holder="Иван Петров")
    return payouts


def test_one_bad_payout_is_left_out_and_the_others_go_to_the_bank(one_bad_two_good, approver):
    good_first, bad, good_last = one_bad_two_good

    batch = sepa.sepa_batch_create(approver=approver)

    assert xmlschema.XMLSchema(str(XSD_PATH)).is_valid(batch.xml)
    summary = pain001_summary(batch.xml_bytes)
    assert summary.end_to_end_ids == (good_first.number, good_last.number)
    assert str(summary.control_sum) == "1400.00" == str(batch.control_sum)
    bad.refresh_from_db()
    assert bad.status == P.RELEASED
    assert not hasattr(bad, "sepa_line") or not Payout.objects.filter(pk=bad.pk, sepa_line__isnull=False).exists()
    ready, left_out = sepa.sepa_ready()
    assert ready.count == 0
    assert [item.payout.pk for item in left_out] == [bad.pk]
    assert "keine lateinischen Buchstaben" in left_out[0].reasons[0]


def test_the_approver_sees_what_is_left_out_and_why(one_bad_two_good, approver):
    good_first, bad, good_last = one_bad_two_good
    client = browser(approver)

    page = html.unescape(client.get(reverse("sepa_overview")).content.decode())
    assert "Nicht in der nächsten SEPA-Datei" in page
    assert bad.number in page and "»Иван Петров« enthält keine lateinischen Buchstaben" in page
    # The button offers what will go to the bank: the two good ones.
    assert "SEPA-Datei mit 2 Auszahlungen über 1.400,00" in page

    response = client.post(
        reverse("sepa_overview"),
        {"expected_count": "2", "expected_total": "1400.00", "execution_date": ""},
        follow=True,
    )
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"Der Mittelabruf {bad.number} ist nicht in der Datei und bleibt freigegeben" in content
    [batch_line_ids] = [list(response.context["batch"].lines.values_list("payout_id", flat=True))]
    assert batch_line_ids == [good_first.pk, good_last.pk]


def test_only_bad_payouts_make_no_file_and_say_why(approved, applicant, clerk, approver):
    payout = released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="500.00")
    Payout.objects.filter(pk=payout.pk).update(town="Αθήνα")

    with pytest.raises(sepa.WorkflowError) as refusal:
        sepa.sepa_batch_create(approver=approver)

    assert refusal.value.code == "nothing_to_batch"
    assert payout.number in refusal.value.message and "»Αθήνα«" in refusal.value.message
