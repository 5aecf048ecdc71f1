"""Registration names the municipality (by name, postcode or AGS; without JavaScript the
search runs when the form is sent); once the address is confirmed, the municipality's main
contact gets the request. The suggestions while typing come from /kommune/suche/."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import UserProfile
from grants.models import Affiliation, AffiliationRequest, MembershipStatus, Municipality

pytestmark = pytest.mark.django_db

PASSPHRASE = "Lange-Sichere-Phrase-2026"
BASE = {
    "first_name": "Berta",
    "last_name": "Bauamt",
    "email": "berta@example.org",
    "function": "Kämmerin",
    "password1": PASSPHRASE,
    "password2": PASSPHRASE,
    "privacy_consent": "on",
}


@pytest.fixture
def two_neustadts(kreis_bayreuth):
    for ags, name in (("09575153", "Neustadt a.d.Aisch"), ("09473154", "Neustadt bei Coburg")):
        Municipality.objects.create(
            ags=ags, name=name, kind=Municipality.Kind.STADT, land=kreis_bayreuth.land, kreis=kreis_bayreuth
        )


def register(client, **fields):
    return client.post(reverse("account_signup"), {**BASE, **fields})


def confirm(client, *, address: str = "berta@example.org"):
    (message,) = [message for message in mail.outbox if message.to == [address]]
    link = re.search(r"https?://\S+(/konto/e-mail/bestaetigung/\S+/)", message.body).group(1)
    return client.post(link)


def test_one_match_is_taken_and_asked_for_after_confirmation(
    client, applicant, gardelegen, django_capture_on_commit_callbacks
):
    Affiliation.objects.filter(user=applicant, municipality=gardelegen).update(is_main_contact=True)
    assert register(client, municipality_query="39638").status_code == 302
    berta = get_user_model().objects.get(email="berta@example.org")
    assert UserProfile.objects.get(user=berta).wanted_ags == gardelegen.ags
    assert not AffiliationRequest.objects.exists()
    assert not [message for message in mail.outbox if message.to == [applicant.email]]

    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client).status_code == 302
    request = AffiliationRequest.objects.get(user=berta)
    assert request.municipality == gardelegen and request.status == AffiliationRequest.Status.REQUESTED
    assert UserProfile.objects.get(user=berta).wanted_ags == ""  # asked once
    assert [message for message in mail.outbox if message.to == [applicant.email]]


def test_several_matches_are_offered_and_what_was_typed_stays(client, two_neustadts):
    response = register(client, municipality_query="Neustadt")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Zu „Neustadt“ passen 2 Kommunen. Bitte wählen Sie Ihre aus." in content
    assert 'value="09575153"' in content and 'value="09473154"' in content
    assert 'value="Neustadt"' in content and 'value="Kämmerin"' in content
    assert not get_user_model().objects.filter(email="berta@example.org").exists()

    response = register(client, municipality_query="Neustadt", municipality="09473154")
    assert response.status_code == 302
    assert UserProfile.objects.get(user__email="berta@example.org").wanted_ags == "09473154"


def test_a_choice_that_the_search_does_not_hold_is_refused(client, two_neustadts, gardelegen):
    response = register(client, municipality_query="Neustadt", municipality=gardelegen.ags)
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Kommune aus der Trefferliste." in response.content.decode()


def test_no_match_is_explained_and_the_join_request_follows_the_confirmation(client, gardelegen):
    response = register(client, municipality_query="Atlantis")
    assert response.status_code == 200
    assert "Zu „Atlantis“ haben wir keine Kommune gefunden." in response.content.decode()
    response = register(client, municipality_query="")
    assert "Bitte nennen Sie die Kommune, für die Sie handeln möchten." in response.content.decode()

    # The suggestion's text ("Name (AGS)") finds exactly that municipality.
    assert (
        register(client, municipality_query="Gardelegen, Hansestadt (15081135)", join_network="on").status_code == 302
    )
    confirm(client)
    assert MembershipStatus.objects.get(municipality=gardelegen).status == MembershipStatus.Status.APPLIED


def test_suggestions_while_typing(client, gardelegen, bindlach):
    answer = client.get(reverse("municipality_lookup"), {"q": "garde"})
    assert answer.status_code == 200
    assert answer.json() == {
        "results": [
            {
                "value": "Gardelegen, Hansestadt (15081135)",
                "label": "Gardelegen, Hansestadt — 39638 Altmarkkreis Salzwedel, AGS 15081135",
            }
        ]
    }
    assert client.get(reverse("municipality_lookup"), {"q": "g"}).json() == {"results": []}
    assert client.get(reverse("municipality_lookup"), {"q": "\x00garde"}).json() == {"results": []}
    assert client.post(reverse("municipality_lookup"), {"q": "garde"}).status_code == 405


def test_the_signup_page_offers_the_suggestions_by_a_script_file(client, db):
    content = client.get(reverse("account_signup")).content.decode()
    assert 'list="municipality-options"' in content
    assert '<datalist id="municipality-options"></datalist>' in content
    assert 'src="/static/js/municipality-search.js"' in content
    assert f'data-lookup-url="{reverse("municipality_lookup")}"' in content
