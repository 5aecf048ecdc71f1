"""Hostile input on the address form: never a 500; saved exactly what the form accepted,
or nothing changed."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import ChangeRecord
from grants.models import MunicipalityAddress

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            "'; DROP TABLE x; --",
            "\u202e39638",
            "x" * 10_001,
            "39638\n",
            "Postfach",
            '=HYPERLINK("http://x")',
            "\x00",
            "١٢٣٤٥",
        ]
    ),
)
FIELDS = ["recipient", "street", "house_number", "po_box", "postcode", "town", "email", "phone"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({name: HOSTILE for name in FIELDS}))
def test_hostile_address_input_is_refused_in_german_or_saved_as_accepted(applicant, gardelegen, data):
    client = Client()
    client.force_login(applicant)
    url = reverse("municipality_address_edit", args=[gardelegen.ags])
    with transaction.atomic():
        before = MunicipalityAddress.objects.filter(municipality=gardelegen).values(*FIELDS).get()
        response = client.post(url, data)
        after = MunicipalityAddress.objects.filter(municipality=gardelegen).values(*FIELDS).get()
        if response.status_code == 200:
            assert after == before
            assert not ChangeRecord.objects.exists()
            content = response.content.decode()
            assert "Bitte prüfen Sie Ihre Angaben" in content or "fehlt" in content or "darf" in content
        else:
            assert response.status_code == 302, response.status_code
            assert after["postcode"].isascii() and after["postcode"].isdigit() and len(after["postcode"]) == 5
            assert after["town"] and (after["po_box"] or (after["street"] and after["house_number"]))
            assert all("\n" not in value and "\x00" not in value for value in after.values())
        transaction.set_rollback(True)
