"""Personas and small master data shared by all tests.

The personas: an applicant of Gardelegen (structurally weak, C), a foreign applicant
of another municipality who must never see Gardelegen's files, a clerk, an approver,
a controller and an administrator.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from accounts.services import account_email_trust
from grants.models import (
    CostType,
    Kreis,
    Land,
    MembershipStatus,
    Municipality,
    MunicipalityAddress,
    ProgrammeYear,
    StructuralStatus,
)
from grants.roles import Role
from grants.services import affiliation_create
from tests.builders import approved_application, open_payout_window
from tests.clock import NOW
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def clock(request):
    """Every test runs at ``tests.clock.NOW`` or at its ``now`` marker's instant, never at the machine's date.

    Autouse fixtures of a scope run before the others of it, so the personas, the
    programme year and everything a test builds are made at that instant too.
    """
    marker = request.node.get_closest_marker("now")
    destination = marker.args[0] if marker else NOW
    if isinstance(destination, str):
        destination = datetime.datetime.fromisoformat(destination)
    if destination.tzinfo is None:
        raise ValueError("The now marker needs an aware instant, e.g. 2026-12-31T23:30+01:00.")
    with time_machine.travel(destination, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def empty_cache():
    # allauth's rate limits (one confirmation mail per address in three minutes, sign-ups
    # per address) and the API's counters live in the cache: each test starts afresh.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing costs a quarter second per user on purpose; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-axes needs the request at authenticate(), which the test client's
    # login() does not pass; the lockout has its own tests with it switched on.
    settings.AXES_ENABLED = False


@pytest.fixture
def land_st(db):
    return Land.objects.create(code="15", name="Sachsen-Anhalt")


@pytest.fixture
def land_by(db):
    return Land.objects.create(code="09", name="Bayern")


@pytest.fixture
def kreis_salzwedel(land_st):
    return Kreis.objects.create(ags="15081", name="Altmarkkreis Salzwedel", kind=Kreis.Kind.LANDKREIS, land=land_st)


@pytest.fixture
def kreis_bayreuth(land_by):
    return Kreis.objects.create(ags="09472", name="Bayreuth", kind=Kreis.Kind.LANDKREIS, land=land_by)


@pytest.fixture
def gardelegen(kreis_salzwedel):
    municipality = Municipality.objects.create(
        ags="15081135",
        name="Gardelegen, Hansestadt",
        kind=Municipality.Kind.STADT,
        land=kreis_salzwedel.land,
        kreis=kreis_salzwedel,
        population=22000,
        postcode="39638",
    )
    MunicipalityAddress.objects.create(
        municipality=municipality,
        recipient="Hansestadt Gardelegen",
        street="Rathausplatz",
        house_number="10",
        postcode="39638",
        town="Gardelegen",
    )
    return municipality


@pytest.fixture
def bindlach(kreis_bayreuth):
    municipality = Municipality.objects.create(
        ags="09472119",
        name="Bindlach",
        kind=Municipality.Kind.GEMEINDE,
        land=kreis_bayreuth.land,
        kreis=kreis_bayreuth,
        population=7355,
        postcode="95463",
    )
    MunicipalityAddress.objects.create(municipality=municipality, po_box="1120", postcode="95461", town="Bindlach")
    return municipality


@pytest.fixture
def active_members(gardelegen, bindlach):
    for municipality in (gardelegen, bindlach):
        MembershipStatus.objects.create(
            municipality=municipality, status=MembershipStatus.Status.ACTIVE, since=datetime.date(2024, 1, 1)
        )
    return [gardelegen, bindlach]


@pytest.fixture
def structural_c(kreis_salzwedel):
    return StructuralStatus.objects.create(
        kreis=kreis_salzwedel,
        status=StructuralStatus.Status.C,
        source="Testdaten",
        valid_from=datetime.date(2022, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )


@pytest.fixture
def programme_year(db):
    """The year of the instant the test runs at (``tests.clock.NOW`` unless it says otherwise)."""
    return programme_year_create(timezone.localdate().year)


@pytest.fixture
def next_programme_year(programme_year):
    """The following year, already set up: open for applications until 30 September of it."""
    return programme_year_create(programme_year.year + 1)


def programme_year_create(number: int, *, deadline: datetime.date | None = None) -> ProgrammeYear:
    """A programme year with the seed year's rules: deadline 30.09. (unless given), invoices by 15.12."""
    year = ProgrammeYear.objects.create(
        year=number,
        cap_per_municipality=Decimal("5000.00"),
        budget=Decimal("250000.00"),
        max_day_rate=Decimal("850.00"),
        application_deadline=deadline or datetime.date(number, 9, 30),
        invoice_deadline=datetime.date(number, 12, 15),
        payout_window_start=datetime.date(number, 1, 1),
        payout_window_end=datetime.date(number, 12, 15),
    )
    year.eligible_cost_types.set(CostType.objects.all())
    return year


def _user(username: str, role: Role, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    user.groups.add(Group.objects.get(name=role))
    account_email_trust(user=user)
    return user


@pytest.fixture
def applicant(gardelegen):
    user = _user("antrag", Role.APPLICANT, first_name="Anja", last_name="Antrag")
    affiliation_create(user=user, municipality=gardelegen)
    return user


@pytest.fixture
def foreign_applicant(bindlach):
    user = _user("antrag-fremd", Role.APPLICANT, first_name="Fritz", last_name="Fremd")
    affiliation_create(user=user, municipality=bindlach)
    return user


@pytest.fixture
def clerk(db):
    return _user("sachbearbeitung", Role.CLERK)


@pytest.fixture
def approver(db):
    return _user("bewilligung", Role.APPROVER)


@pytest.fixture
def controller(db):
    return _user("controlling", Role.CONTROLLER)


@pytest.fixture
def admin_user(db):
    user = _user("admin", Role.ADMIN, is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def client_for(client):
    """Log a persona in: ``client_for(applicant)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def on_postgres(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files and rendered notices go to a folder of this test's own, in every test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def media(media_root):
    """The test's media folder, for tests that look at the files written."""
    return media_root


@pytest.fixture
def sepa_debtor(settings):
    """The programme office's account, so that SEPA batches can be created."""
    settings.SEPA_DEBTOR_IBAN = "DE89 3704 0044 0532 0130 00"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


@pytest.fixture
def approved(applicant, gardelegen, programme_year, active_members, clerk, approver):
    """Gardelegen's application, approved: 3 days × 850 EUR = 2,550.00 EUR, payouts open."""
    open_payout_window(programme_year)
    return approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
