"""Random and hostile input posted to the administrators' legal-page form, as in
``tests/test_fuzz_forms.py``: never a 500, and a refusal leaves the page, its versions
and the change history as they were. The oracle is the form plus the service's rules
(not empty once trimmed, changed, started from the current version): a version is saved
exactly when both accept it, and then exactly as they read it.
"""

from __future__ import annotations

from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from core.legal import normalized_text
from core.models import ChangeRecord, LegalPage, LegalPageVersion
from tests.test_fuzz_forms import any_text, fuzz, logged_in, payload, rolled_back
from tests.test_permissions import diff, snapshot
from workflows.legal.forms import LegalPageForm

LEGAL_FIELDS = {
    "title": st.one_of(st.sampled_from(["Impressum", "Impressum der Geschäftsstelle", "<b>Impressum</b>"]), any_text),
    "text": st.one_of(
        st.sampled_from(["Neu.\r\n\r\nZweiter Absatz.", "<script>alert(1)</script>", "[bitte ergänzen]"]),
        any_text,
        st.text(max_size=300),
    ),
    "version": st.one_of(st.sampled_from(["1", "2", "0", "-1", "", "1,0", "99999999999999999999"]), any_text),
}
COMPLETE = {
    "title": "Impressum",
    "text": "Geschäftsstelle Zukunftsraum Demografie\r\n\r\nTelefon 030 1234",
    "version": "1",
}


def legal_state() -> dict:
    return {
        "pages": list(LegalPage.objects.order_by("pk").values_list()),
        "versions": list(LegalPageVersion.objects.order_by("pk").values_list()),
        "changes": list(ChangeRecord.objects.order_by("pk").values_list()),
    }


def accepted(data: dict, page: LegalPage) -> tuple[str, str] | None:
    """(title, text) as they must be stored, or None when the form or the rules refuse."""
    form = LegalPageForm(data)
    if not form.is_valid():
        return None
    title = " ".join(form.cleaned_data["title"].split())
    text = normalized_text(form.cleaned_data["text"])
    if not title or not text or form.cleaned_data["version"] != page.version:
        return None
    if (title, text) == (page.title, page.text):
        return None
    return title, text


@fuzz
@given(data=payload(LEGAL_FIELDS))
@example(data=COMPLETE)
@example(data=dict(COMPLETE, text="\x00"))
@example(data=dict(COMPLETE, title="a\x00b"))
@example(data=dict(COMPLETE, text=" \r\n\t "))
@example(data=dict(COMPLETE, title="Ä" * 201))
@example(data=dict(COMPLETE, text="x" * 100_001))
@example(data=dict(COMPLETE, version="2"))
@example(data=dict(COMPLETE, version="1E309"))
def test_edit_a_legal_page(admin_user, data):
    client = logged_in(admin_user)
    url = reverse("legal_edit", kwargs={"kind": "imprint"})
    with rolled_back():
        page = LegalPage.objects.get(kind="imprint")
        before, before_domain = legal_state(), snapshot()
        expected = accepted(data, page)

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        page.refresh_from_db()
        event(f"saved={page.version == 2}")
        assert expected is not None or data != COMPLETE, "a complete entry was refused"
        # The legal pages and their history are core tables, checked through legal_state().
        assert [table for table in diff(before_domain, snapshot()) if not table.startswith("core.")] == []
        if expected is None:
            assert response.status_code == 200
            assert legal_state() == before
            return
        assert response.status_code == 302
        assert (page.version, page.title, page.text, page.updated_by) == (2, *expected, admin_user)
        assert LegalPageVersion.objects.filter(page=page, version=2, title=expected[0], text=expected[1]).exists()
        assert LegalPageVersion.objects.count() == len(before["versions"]) + 1
        assert ChangeRecord.objects.count() == len(before["changes"]) + 1
