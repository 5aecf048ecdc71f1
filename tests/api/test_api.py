"""The JSON API for the network platform (/api/v1/): tokens and scopes, each endpoint,
the idempotent membership push with its conflict and history record, no personal data,
and the rate limit. Today is 25.11.2026."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from api.models import ApiClient
from api.services import api_client_revoke, token_hash
from core.changes import change_history
from core.models import ChangeRecord
from grants.models import MembershipStatus
from tests.api.conftest import bearer
from tests.clock import berlin

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def get(client, path, created=None, **extra):
    headers = bearer(created) if created is not None else {}
    return client.get(f"{BASE}{path}", **headers, **extra)


def push(client, created, body, **extra):
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{BASE}/memberships", payload, content_type="application/json", **bearer(created), **extra)


CHANGE = {"ags": "15081135", "status": "suspended", "since": "2026-12-01", "note": "Beschluss des Rates"}


# --- tokens ----------------------------------------------------------------------------------


def test_the_token_is_stored_only_as_its_hash_with_a_prefix(read_client):
    client = ApiClient.objects.get()
    assert client.token_hash == token_hash(read_client.token) != read_client.token
    assert len(client.token_hash) == 64
    assert client.prefix == read_client.token[:8]
    assert read_client.token not in json.dumps(list(ApiClient.objects.values()), default=str)


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Bearer falsch", "Basic YWRtaW46YWRtaW4=", "Token {token}", "Bearer {token}x"],
)
def test_without_a_valid_token_every_endpoint_is_401(client, gardelegen, read_client, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header.format(token=read_client.token)}
    for response in (
        client.get(f"{BASE}/municipalities", **extra),
        client.get(f"{BASE}/municipalities/15081135", **extra),
        client.get(f"{BASE}/municipalities/15081135/applications", **extra),
        client.post(f"{BASE}/memberships", json.dumps(CHANGE), content_type="application/json", **extra),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json()["detail"].startswith("Kein gültiges Token")
    assert not MembershipStatus.objects.exists()


def test_a_revoked_token_is_401(client, gardelegen, read_client, admin_user):
    assert get(client, "/municipalities/15081135", read_client).status_code == 200

    api_client_revoke(actor=admin_user, client_id=read_client.client.pk)

    assert get(client, "/municipalities/15081135", read_client).status_code == 401


def test_a_read_token_reads_but_may_not_push(client, gardelegen, read_client):
    assert get(client, "/municipalities", read_client).status_code == 200

    response = push(client, read_client, CHANGE)

    assert response.status_code == 403
    assert response.json() == {"detail": "Dieses Token darf nur lesen."}
    assert not MembershipStatus.objects.exists()


def test_last_used_is_written_on_use(client, gardelegen, read_client):
    assert ApiClient.objects.get().last_used_at is None
    before = timezone.now()
    get(client, "/municipalities", read_client)
    assert before <= ApiClient.objects.get().last_used_at <= timezone.now()


# --- municipalities ------------------------------------------------------------------------------


def test_the_list_shows_membership_and_structural_status_today(
    client, gardelegen, bindlach, active_members, structural_c, read_client
):
    MembershipStatus.objects.create(
        municipality=bindlach, status=MembershipStatus.Status.SUSPENDED, since=datetime.date(2026, 7, 1)
    )
    # A change ahead of today does not count yet.
    MembershipStatus.objects.create(
        municipality=gardelegen, status=MembershipStatus.Status.ENDED, since=datetime.date(2027, 1, 1)
    )

    response = get(client, "/municipalities", read_client)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert body["items"] == [
        {
            "ags": "09472119",
            "name": "Bindlach",
            "kind": "64",
            "kind_label": "Kreisangehörige Gemeinde",
            "land": {"code": "09", "name": bindlach.land.name},
            "kreis": {"ags": "09472", "name": "Bayreuth"},
            "population": 7355,
            "membership_status": "suspended",
            "structural_status": "none",
        },
        {
            "ags": "15081135",
            "name": "Gardelegen, Hansestadt",
            "kind": "63",
            "kind_label": "Stadt",
            "land": {"code": "15", "name": gardelegen.land.name},
            "kreis": {"ags": "15081", "name": "Altmarkkreis Salzwedel"},
            "population": 22000,
            "membership_status": "active",
            "structural_status": "C",
        },
    ]


def test_the_list_filters_by_ags_prefix_and_land_and_pages(client, gardelegen, bindlach, read_client):
    def agss(query):
        return [item["ags"] for item in get(client, f"/municipalities{query}", read_client).json()["items"]]

    assert agss("?ags=15081") == ["15081135"]
    assert agss("?ags=09472119") == ["09472119"]
    assert agss("?land=09") == ["09472119"]
    assert agss("?land=15&ags=09") == []
    assert agss("?page=2") == []
    assert get(client, "/municipalities?page=2", read_client).json()["count"] == 2


@pytest.mark.parametrize("query", ["?ags=15O81", "?ags=123456789", "?land=9", "?page=0", "?page=x", "?page=10001"])
def test_bad_filters_are_422(client, gardelegen, read_client, query):
    response = get(client, f"/municipalities{query}", read_client)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_one_municipality(client, gardelegen, active_members, read_client):
    response = get(client, "/municipalities/15081135", read_client)
    assert response.status_code == 200
    assert response.json()["name"] == "Gardelegen, Hansestadt"
    assert response.json()["membership_status"] == "active"


def test_an_unknown_municipality_is_404_and_a_malformed_ags_422(client, gardelegen, read_client):
    for path in ("/municipalities/99999999", "/municipalities/99999999/applications"):
        response = get(client, path, read_client)
        assert response.status_code == 404
        assert response.json() == {"detail": "Gemeinde 99999999 ist nicht bekannt."}
    for path in ("/municipalities/1508113", "/municipalities/15081135x", "/municipalities/abcdefgh/applications"):
        assert get(client, path, read_client).status_code == 422


# --- applications --------------------------------------------------------------------------------


def test_the_applications_show_their_status_without_personal_data(client, approved, applicant, read_client):
    response = get(client, "/municipalities/15081135/applications", read_client)

    assert response.status_code == 200
    assert response.json() == [
        {
            "number": approved.file_number,
            "programme_year": 2026,
            "status": "approved",
            "status_label": "bewilligt",
            "requested_amount": "2550.00",
            "approved_amount": "2550.00",
            "submitted_on": "2026-11-25",
            "decided_on": "2026-11-25",
        }
    ]
    text = response.content.decode()
    for personal in (
        applicant.username,
        applicant.email,
        applicant.last_name,
        approved.contact_name,
        approved.contact_email,
        approved.contact_phone,
        approved.iban,
        approved.account_holder,
        approved.title,
    ):
        assert personal and personal not in text


def test_drafts_are_not_listed(client, applicant, gardelegen, programme_year, read_client):
    from tests import factories

    factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)

    assert get(client, "/municipalities/15081135/applications", read_client).json() == []


# --- membership push ----------------------------------------------------------------------------


def test_a_push_records_the_change_with_its_history(client, gardelegen, active_members, write_client):
    response = push(client, write_client, CHANGE)

    assert response.status_code == 201
    assert response.json() == {**CHANGE, "created": True}
    row = MembershipStatus.objects.get(municipality=gardelegen, since=datetime.date(2026, 12, 1))
    assert (row.status, row.note) == ("suspended", "Beschluss des Rates")
    [record] = change_history(subject=gardelegen)
    assert record.actor is None
    assert record.action == "grants.membership.recorded"
    assert record.comment == "Gemeldet über die Schnittstelle von »Netzwerkplattform«."
    assert record.changes == {
        "status": ["active", "suspended"],
        "since": "2026-12-01",
        "note": "Beschluss des Rates",
        "api_client": f"Netzwerkplattform (#{write_client.client.pk}, {write_client.client.prefix}…)",
    }


def test_the_same_push_again_changes_nothing(client, gardelegen, write_client):
    assert push(client, write_client, CHANGE).status_code == 201
    records = ChangeRecord.objects.count()

    again = push(client, write_client, CHANGE)

    assert again.status_code == 200
    assert again.json() == {**CHANGE, "created": False}
    assert MembershipStatus.objects.count() == 1
    assert ChangeRecord.objects.count() == records


def test_another_status_for_the_same_day_is_a_conflict(client, gardelegen, write_client):
    push(client, write_client, CHANGE)
    records = ChangeRecord.objects.count()

    response = push(client, write_client, {**CHANGE, "status": "ended"})

    assert response.status_code == 409
    assert response.json() == {"detail": "Für 15081135 ist zum 01.12.2026 schon der Status »ruhend« erfasst."}
    assert MembershipStatus.objects.get().status == "suspended"
    assert ChangeRecord.objects.count() == records


def test_an_unknown_municipality_is_404(client, gardelegen, write_client):
    response = push(client, write_client, {**CHANGE, "ags": "15081999"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Gemeinde 15081999 ist nicht bekannt."}


@pytest.mark.parametrize(
    "body",
    [
        {**CHANGE, "ags": "1508113"},
        {**CHANGE, "ags": "١٥٠٨١١٣٥"},  # Arabic-Indic digits are digits, but no AGS
        {**CHANGE, "status": "aktiv"},
        {**CHANGE, "status": None},
        {**CHANGE, "since": "01.12.2026"},
        {**CHANGE, "since": "2026-02-30"},
        {**CHANGE, "since": "1900-01-01"},
        {**CHANGE, "since": "2037-01-01"},
        {**CHANGE, "note": "x" * 301},
        {**CHANGE, "note": "null\x00byte"},
        {**CHANGE, "note": "zwei\nZeilen"},
        {key: value for key, value in CHANGE.items() if key != "since"},
        [],
        '"text"',
    ],
)
def test_bad_input_is_422_and_changes_nothing(client, gardelegen, write_client, body):
    response = push(client, write_client, body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not MembershipStatus.objects.exists()
    assert not ChangeRecord.objects.filter(action="grants.membership.recorded").exists()


def test_a_lone_surrogate_in_the_note_is_refused(client, gardelegen, write_client):
    body = json.dumps(CHANGE).replace("Beschluss", "Beschluss\\ud800")
    assert push(client, write_client, body).status_code == 422
    assert not MembershipStatus.objects.exists()


def test_a_body_that_is_no_json_is_400(client, gardelegen, write_client):
    assert push(client, write_client, "{kein json").status_code == 400


# --- rate limit ----------------------------------------------------------------------------------


def test_the_rate_limit_counts_per_client_and_minute(client, gardelegen, read_client, write_client, settings, clock):
    settings.API_RATE_LIMIT = 3
    clock.move_to(berlin(2026, 11, 25, 10, 0), tick=False)
    for _ in range(3):
        assert get(client, "/municipalities/15081135", read_client).status_code == 200

    refused = get(client, "/municipalities/15081135", read_client)

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Zu viele Anfragen; bitte später erneut versuchen."}
    # 25.11.2026 10:00:00: the minute has just begun.
    assert refused["Retry-After"] == "60"
    # Another client has a count of its own.
    assert get(client, "/municipalities/15081135", write_client).status_code == 200
    assert push(client, read_client, CHANGE).status_code == 429

    clock.shift(datetime.timedelta(seconds=45))
    assert get(client, "/municipalities/15081135", read_client)["Retry-After"] == "15"
    clock.shift(datetime.timedelta(seconds=15))
    assert get(client, "/municipalities/15081135", read_client).status_code == 200


# --- schema --------------------------------------------------------------------------------------


def test_the_schema_documents_each_status_where_it_occurs(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    codes = {
        (path, method): set(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }
    assert codes == {
        ("/api/v1/municipalities", "get"): {"200", "401", "422", "429"},
        ("/api/v1/municipalities/{ags}", "get"): {"200", "401", "404", "422", "429"},
        ("/api/v1/municipalities/{ags}/applications", "get"): {"200", "401", "404", "422", "429"},
        ("/api/v1/memberships", "post"): {"200", "201", "400", "401", "403", "404", "409", "422", "429"},
    }
    assert response.json()["components"]["securitySchemes"]["ClientToken"] == {"type": "http", "scheme": "bearer"}


def test_there_is_no_docs_page_from_a_cdn(client):
    assert client.get(f"{BASE}/docs").status_code == 404
