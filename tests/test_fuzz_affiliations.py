"""Random and hostile input posted to the forms of acting for a municipality (as in
``tests/test_fuzz_forms.py``): never a 500, and a refusal changes no domain table."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from grants.models import Affiliation, AffiliationRequest
from tests.test_fuzz_forms import any_text, fuzz, logged_in, payload, rolled_back
from tests.test_permissions import diff, snapshot

REQUEST_FIELDS = {
    "action": st.sampled_from(["", "withdraw"]),
    "request": st.integers(min_value=-5, max_value=10**20).map(str),
    "q": st.sampled_from(["garde", "39638", "1508"]),
    "municipality": st.sampled_from(["15081135", "09472119", "99999999", "1508113"]),
    "function": st.sampled_from(["Bürgermeisterin", "  ", "x" * 201, "Kämmerer"]),
    "join_network": st.sampled_from(["on", "", "0"]),
}
COLLEAGUE_FIELDS = {
    "action": st.sampled_from(["confirm", "decline", "invite", "revoke", "end", "deactivate", "x"]),
    "request": st.integers(min_value=-5, max_value=10**20).map(str),
    "invitation": st.integers(min_value=-5, max_value=10**20).map(str),
    "user": st.integers(min_value=-5, max_value=10**20).map(str),
    "email": st.sampled_from(["neu@example.org", "kein-at", "a@b", "x" * 300 + "@example.org"]),
    "reason": st.one_of(any_text, st.just("Ausgeschieden")),
}
OFFICE_FIELDS = {
    "action": st.sampled_from(["roles", "deactivate", "reactivate", "end", "main_contact", "x"]),
    "roles": st.sampled_from(["clerk", "applicant", "admin", "root"]),
    "affiliation": st.integers(min_value=-5, max_value=10**20).map(str),
    "reason": st.one_of(any_text, st.just("Ausgeschieden")),
}


def _check(response, before, allowed: set[str]):
    assert response.status_code in (200, 302, 404)
    changed = set(diff(before, snapshot()))
    event(f"changed={sorted(changed)}")
    assert changed <= allowed, changed


@fuzz
@given(data=payload(REQUEST_FIELDS))
@example(data={"municipality": "15081135", "function": "Bürgermeisterin", "join_network": "on"})
@example(data={"municipality": "15081135\x00", "function": "x"})
def test_ask_to_act_for_a_municipality(gardelegen, bindlach, data):
    user, _created = get_user_model().objects.get_or_create(username="fuzz-neu", email="fuzz@example.org")
    with rolled_back():
        before = snapshot()
        response = logged_in(user).post(reverse("affiliation_request"), data)
        _check(response, before, {"grants.AffiliationRequest", "grants.MembershipStatus", "core.ChangeRecord"})
        if response.status_code == 200:
            assert not AffiliationRequest.objects.filter(user=user).exists()


@fuzz
@given(data=payload(COLLEAGUE_FIELDS))
@example(data={"action": "invite", "email": "neu@example.org"})
@example(data={"action": "deactivate", "user": "1", "reason": "\x00"})
def test_the_main_contacts_buttons(gardelegen, applicant, foreign_applicant, data):
    Affiliation.objects.filter(user=applicant).update(is_main_contact=True)
    with rolled_back():
        before = snapshot()
        response = logged_in(applicant).post(reverse("municipality_users_action", kwargs={"ags": gardelegen.ags}), data)
        _check(
            response,
            before,
            {"grants.Invitation", "grants.Affiliation", "guardian.UserObjectPermission", "core.ChangeRecord"},
        )


@fuzz
@given(data=payload(OFFICE_FIELDS))
@example(data={"action": "roles", "roles": "applicant"})
def test_the_office_user_page(admin_user, applicant, data):
    with rolled_back():
        before = snapshot()
        response = logged_in(admin_user).post(reverse("office_user_detail", kwargs={"pk": applicant.pk}), data)
        _check(response, before, {"grants.Affiliation", "guardian.UserObjectPermission", "core.ChangeRecord"})
