"""Random and hostile input posted to the master-data forms (as in ``tests/test_fuzz_forms.py``):
never a 500, and a refusal leaves every domain table (the change history included) as it was."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from core.models import ChangeRecord
from grants.models import MembershipStatus
from tests.test_fuzz_forms import any_text, corrupted, dates, fuzz, logged_in, rolled_back
from tests.test_permissions import diff, snapshot

MEMBERSHIP_FIELDS = {
    "status": st.sampled_from(["active", "ended", "suspended", "applied", "aktiv", ""]),
    "since": dates(),
    "note": st.one_of(st.text(max_size=40), st.just('=HYPERLINK("http://x")')),
}
YEAR_FIELDS = {
    "cap_per_municipality": st.sampled_from(["5.000,00", "1,00", "0,00", "9.999.999.999,99", "1e9"]),
    "budget": st.sampled_from(["250.000,00", "4.999,99", "1.000.000.000.000,00"]),
    "max_day_rate": st.sampled_from(["850,00", "900", "-1"]),
    "application_deadline": dates(),
    "invoice_deadline": dates(),
    "payout_window_start": dates(),
    "payout_window_end": dates(),
    "proof_of_use_months": st.sampled_from(["3", "0", "61", "x"]),
    "rule_set_version": st.sampled_from(["2026.2", "", "x" * 31]),
}
TEXT_FIELDS = {
    "title": st.sampled_from(["Rechtsbehelfsbelehrung", "", "Ä" * 201]),
    "text": st.sampled_from(["Gegen diesen Bescheid …", "", "<b>fett</b>", '=HYPERLINK("x")', "x" * 20_001]),
    "printed": st.sampled_from(["on", "", "false"]),
}


def _refused_changes_nothing(response, before) -> None:
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert diff(before, snapshot()) == []


@fuzz
@given(data=corrupted(MEMBERSHIP_FIELDS))
@example(data={"status": "active", "since": "01.01.2025", "note": "Beitritt"})
def test_record_a_membership(clerk, gardelegen, data):
    client = logged_in(clerk)
    with rolled_back():
        before = snapshot()
        response = client.post(reverse("masterdata_membership_detail", kwargs={"ags": gardelegen.ags}), data)
        _refused_changes_nothing(response, before)
        if response.status_code == 302:
            assert MembershipStatus.objects.count() == ChangeRecord.objects.count() == 1


lines = st.one_of(
    st.sampled_from(
        [
            "15081135,aktiv,2024-01-01",
            '=HYPERLINK("http://evil"),aktiv,2024-01-01',
            "15081135,=1+1,2024-01-01",
            "15081135,aktiv,31.02.2024",
            '"unclosed,aktiv,2024-01-01',
            "15081135,aktiv",
            "x" * 200_000,
        ]
    ),
    any_text,
)


@fuzz
@given(
    body=st.one_of(
        st.lists(lines, max_size=6).map(lambda rows: ("ags,status,since\n" + "\n".join(rows)).encode("utf-8")),
        st.binary(max_size=200),
    ),
    name=st.sampled_from(["mitglieder.csv", "x.CSV", "x.xlsx", "../../etc/passwd.csv", "\x00.csv"]),
)
@example(body=b"ags,status,since\n15081135,aktiv,2024-01-01\n", name="mitglieder.csv")
def test_upload_memberships(clerk, gardelegen, body, name):
    client = logged_in(clerk)
    url = reverse("masterdata_membership_upload")
    with rolled_back():
        before = snapshot()
        response = client.post(url, {"action": "preview", "file": SimpleUploadedFile(name, body)})
        assert response.status_code == 200
        assert diff(before, snapshot()) == []  # a preview never writes
        pending = client.session.get("masterdata_membership_upload")
        if pending:
            response = client.post(url, {"action": "import", "token": pending["token"]})
            assert response.status_code == 200
            assert MembershipStatus.objects.count() == len({(r[1], r[3]) for r in pending["rows"]})


@fuzz
@given(data=corrupted(YEAR_FIELDS))
def test_change_a_programme_year(admin_user, programme_year, data):
    client = logged_in(admin_user)
    data = dict(
        data, eligible_cost_types=[str(pk) for pk in programme_year.eligible_cost_types.values_list("pk", flat=True)]
    )
    with rolled_back():
        before = snapshot()
        response = client.post(reverse("masterdata_programme_year_edit", kwargs={"year": programme_year.year}), data)
        _refused_changes_nothing(response, before)


@fuzz
@given(data=corrupted(TEXT_FIELDS))
def test_change_a_text_block(admin_user, programme_year, data):
    client = logged_in(admin_user)
    url = reverse("masterdata_legal_text_edit", kwargs={"year": programme_year.year, "kind": "remedy"})
    with rolled_back():
        before = snapshot()
        response = client.post(url, data)
        _refused_changes_nothing(response, before)
