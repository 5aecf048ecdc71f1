"""The municipality's postal address: kept with its history, printed in the address field
of every notice, and required before a notice can go out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.changes import change_history
from grants.addresses import address_missing, municipality_address_update
from grants.errors import GrantsError
from grants.models import Application, MunicipalityAddress
from reports.models import Notice
from tests import factories
from tests.workflows.documents.test_notices import pdf_text
from workflows.applications import services
from workflows.common.errors import WorkflowError

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_complete_address_is_saved_and_its_changes_are_kept(applicant, gardelegen):
    municipality_address_update(
        municipality=gardelegen,
        actor=applicant,
        recipient="Stadtverwaltung Gardelegen",
        street="  Rathausplatz ",
        house_number="10",
        postcode="39638",
        town="Gardelegen",
        email="info@gardelegen.de",
        phone="03907 716-0",
    )
    address = MunicipalityAddress.objects.get(municipality=gardelegen)
    assert (address.street, address.recipient, address.phone) == (
        "Rathausplatz",
        "Stadtverwaltung Gardelegen",
        "03907 716-0",
    )
    [record] = change_history(subject=gardelegen)
    assert record.actor == applicant
    assert record.action == "grants.municipality.address_changed"
    assert record.changes["recipient"] == ["Hansestadt Gardelegen", "Stadtverwaltung Gardelegen"]
    assert record.changes["email"] == ["", "info@gardelegen.de"]
    assert "street" not in record.changes  # unchanged fields are not listed


def test_saving_the_same_address_again_records_nothing(applicant, gardelegen):
    address = gardelegen.address
    municipality_address_update(
        municipality=gardelegen,
        actor=applicant,
        recipient=address.recipient,
        street=address.street,
        house_number=address.house_number,
        postcode=address.postcode,
        town=address.town,
    )
    assert list(change_history(subject=gardelegen)) == []


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"street": "Markt", "postcode": "39638", "town": "Gardelegen"}, "Straße und Hausnummer oder Postfach"),
        ({"street": "Markt", "house_number": "1", "postcode": "3963", "town": "Gardelegen"}, "Postleitzahl"),
        ({"po_box": "1120", "postcode": "39638"}, "Ort"),
    ],
)
def test_an_address_a_letter_cannot_reach_is_refused_and_nothing_changes(applicant, gardelegen, values, missing):
    with pytest.raises(GrantsError) as refused:
        municipality_address_update(municipality=gardelegen, actor=applicant, **values)
    assert missing in refused.value.message
    gardelegen.address.refresh_from_db()
    assert gardelegen.address.street == "Rathausplatz"
    assert list(change_history(subject=gardelegen)) == []


def test_a_po_box_is_enough_and_the_word_postfach_is_not_doubled(applicant, bindlach):
    address = municipality_address_update(
        municipality=bindlach, actor=applicant, po_box="Postfach 11 20", postcode="95461", town="Bindlach"
    )
    assert address.po_box == "11 20"
    assert address_missing(address=address) == []


@pytest.mark.parametrize("phone", ["ruf mich an", "<script>", "0123\u202e456"])
def test_a_phone_number_with_letters_is_refused(applicant, gardelegen, phone):
    with pytest.raises(GrantsError):
        municipality_address_update(
            municipality=gardelegen,
            actor=applicant,
            street="A",
            house_number="1",
            postcode="39638",
            town="G",
            phone=phone,
        )


def test_without_a_deliverable_address_no_approval_and_no_notice(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    MunicipalityAddress.objects.filter(municipality=gardelegen).update(street="", po_box="")
    services.application_claim(user=approver, application_id=application.pk)
    with pytest.raises(WorkflowError) as refused:
        services.application_approve(approver=approver, application_id=application.pk)
    assert refused.value.code == "address_missing"
    assert "Straße und Hausnummer oder Postfach" in refused.value.message
    application.refresh_from_db()
    assert application.status == Application.Status.RECOMMENDED
    assert not Notice.objects.exists()


def test_the_notice_goes_to_the_address_the_municipality_entered(
    applicant, gardelegen, programme_year, active_members, clerk, approver, media, django_capture_on_commit_callbacks
):
    municipality_address_update(
        municipality=gardelegen,
        actor=applicant,
        recipient="Stadtverwaltung Gardelegen",
        po_box="1234",
        postcode="39631",
        town="Gardelegen",
    )
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    services.application_claim(user=approver, application_id=application.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(approver=approver, application_id=application.pk)
    notice = Notice.objects.get(application=application)
    lines = notice.snapshot["recipient"]["lines"]
    assert lines[0] == "Stadtverwaltung Gardelegen"
    assert lines[-2:] == ["Postfach 1234", "39631 Gardelegen"]
    text = pdf_text(notice)
    assert "Postfach 1234" in text
    assert "39631 Gardelegen" in text


def test_the_applicant_edits_the_address_and_sees_its_history(applicant, gardelegen):
    client = _logged_in(applicant)
    url = reverse("municipality_address_edit", args=[gardelegen.ags])
    response = client.post(
        url,
        {"recipient": "", "street": "Rathausplatz", "house_number": "11", "postcode": "39638", "town": "Gardelegen"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("municipality_detail", args=[gardelegen.ags])
    page = client.get(response["Location"]).content.decode()
    assert "Rathausplatz 11" in page
    history = client.get(url).content.decode()
    assert "Hausnummer: „10“ → „11“" in history


def test_a_wrong_entry_is_explained_in_german_and_keeps_what_was_typed(applicant, gardelegen):
    response = _logged_in(applicant).post(
        reverse("municipality_address_edit", args=[gardelegen.ags]),
        {"street": "Lange Straße", "house_number": "", "postcode": "12", "town": "", "email": "kein-at"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bitte geben Sie die Hausnummer an." in content
    assert "Bitte geben Sie den Ort an." in content
    assert "Die Postleitzahl hat fünf Ziffern." in content
    assert 'value="Lange Straße"' in content
    gardelegen.address.refresh_from_db()
    assert gardelegen.address.street == "Rathausplatz"


def test_the_municipality_page_says_what_is_missing(applicant, gardelegen):
    MunicipalityAddress.objects.filter(municipality=gardelegen).delete()
    content = _logged_in(applicant).get(reverse("municipality_detail", args=[gardelegen.ags])).content.decode()
    assert "Anschrift unvollständig" in content
    assert "Straße und Hausnummer oder Postfach, Postleitzahl, Ort" in content


def test_the_clerk_corrects_the_address_and_the_controller_may_not(clerk, controller, gardelegen):
    url = reverse("municipality_address_edit", args=[gardelegen.ags])
    data = {"street": "Rathausplatz", "house_number": "12", "postcode": "39638", "town": "Gardelegen"}
    assert _logged_in(controller).post(url, data).status_code == 403
    assert _logged_in(clerk).post(url, data).status_code == 302
    [record] = change_history(subject=gardelegen)
    assert record.actor == clerk


def test_the_decision_page_warns_before_the_approver_decides(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    MunicipalityAddress.objects.filter(municipality=gardelegen).update(town="")
    content = _logged_in(approver).get(reverse("office_decision", args=[application.pk])).content.decode()
    assert "Anschrift der Kommune unvollständig" in content
    assert "fehlt: Ort" in content


def test_a_postcode_in_other_digits_is_refused(applicant, gardelegen):
    with pytest.raises(GrantsError):
        municipality_address_update(
            municipality=gardelegen, actor=applicant, street="A", house_number="1", postcode="١٢٣٤٥", town="G"
        )


def test_once_there_is_a_main_contact_only_they_keep_the_address(applicant, gardelegen, django_user_model):
    from grants.models import Affiliation
    from grants.services import affiliation_create

    main = django_user_model.objects.create_user("haupt", email="haupt@gardelegen.example")
    affiliation_create(user=main, municipality=gardelegen)
    Affiliation.objects.filter(user=main, municipality=gardelegen).update(is_main_contact=True)
    url = reverse("municipality_address_edit", args=[gardelegen.ags])
    data = {"street": "Rathausplatz", "house_number": "12", "postcode": "39638", "town": "Gardelegen"}
    assert _logged_in(applicant).post(url, data).status_code == 403
    assert _logged_in(main).post(url, data).status_code == 302
