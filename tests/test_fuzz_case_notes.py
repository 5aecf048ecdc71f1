"""Random and hostile input posted to the note form of the case page, as in
``tests/test_fuzz_forms.py``: never a 500, and a refusal leaves every domain table as it
was. The oracle is the form plus ``case_note_add``'s rules: the text trimmed, not empty,
at most 10,000 characters, without control characters; every ticked colleague one of
the office offered (never a municipal user, a forged or non-numeric id). A note is saved
exactly when both accept it, and then exactly as they read it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from grants.roles import Role
from tests.factories import user_with_roles
from tests.test_fuzz_forms import NASTY, any_text, fuzz, logged_in, rolled_back
from tests.test_permissions import diff, snapshot
from workflows.cases.notes import CONTROL_CHARACTERS
from workflows.common.guards import MAX_TEXT
from workflows.models import CaseNote

pytestmark = pytest.mark.usefixtures("sepa_debtor")

# Stand-ins for ids resolved in the test: a colleague, the author, a municipal user.
COLLEAGUE, MYSELF, MUNICIPAL = "<colleague>", "<myself>", "<municipal>"
mention = st.one_of(
    st.sampled_from([COLLEAGUE, MYSELF, MUNICIPAL, "999999", "0", "-1", "1e3", "1,5", "x", str(10**20), ""]),
    st.sampled_from(NASTY),
)
texts = st.one_of(
    st.sampled_from(
        [
            "Rückruf der Bürgermeisterin am Montag.",
            "x" * MAX_TEXT,
            "x" * (MAX_TEXT + 1),
            "  Vermerk mit Leerraum \r\n",
            "a\x00b",
            "Steuerzeichen \x1b[31mrot",
            "\x07",
            "\u202eevil",
            "<script>alert(1)</script>",
            "",
            " \t\n ",
        ]
    ),
    any_text,
)


@pytest.fixture
def colleague(db):
    return user_with_roles("kollegin", Role.CLERK, first_name="Carla", last_name="Kollegin")


def expected(text: str, mentioned: list[str], ids: dict[str, int]) -> tuple[str, set[int]] | None:
    """(text, mentioned ids) as they must be stored, or None when the form or the service refuses."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_TEXT or CONTROL_CHARACTERS.search(stripped):
        return None
    chosen = set()
    for value in mentioned:
        if value != ids[COLLEAGUE]:
            return None
        chosen.add(int(value))
    return stripped, chosen


@fuzz
@given(text=texts, mentioned=st.lists(mention, max_size=4))
@example(text="Rückruf der Bürgermeisterin am Montag.", mentioned=[COLLEAGUE])
@example(text="Rückruf", mentioned=[])
@example(text="Rückruf", mentioned=[MUNICIPAL])
@example(text="Rückruf", mentioned=[MYSELF])
@example(text="Rückruf", mentioned=[str(10**20)])
@example(text="Rückruf", mentioned=["x"])
@example(text="x" * (MAX_TEXT + 1), mentioned=[])
@example(text="a\x00b", mentioned=[])
@example(text="Steuerzeichen \x1b[31mrot", mentioned=[COLLEAGUE])
def test_write_a_case_note(approved, clerk, applicant, colleague, text, mentioned):
    ids = {COLLEAGUE: str(colleague.pk), MYSELF: str(clerk.pk), MUNICIPAL: str(applicant.pk)}
    posted = [ids.get(value, value) for value in mentioned]
    url = reverse("case_detail", kwargs={"pk": approved.pk})
    client = logged_in(clerk)
    with rolled_back():
        before = snapshot()
        outcome = expected(text, posted, ids)

        response = client.post(url, {"text": text, "mentioned": posted})

        assert response.status_code in (200, 302)
        event(f"saved={response.status_code == 302}")
        if outcome is None:
            assert response.status_code == 200
            assert diff(before, snapshot()) == []
            assert "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
            return
        assert response.status_code == 302
        note = CaseNote.objects.get()
        assert (note.text, {user.pk for user in note.mentioned.all()}, note.author) == (*outcome, clerk)
