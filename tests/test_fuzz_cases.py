"""Hostile input on the GET form of the list of all applications and on its export:
never a 500, a German message for what is invalid, the rest of the filter still applied,
and what was typed kept in the form."""

from __future__ import annotations

import html
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from grants.models import Application
from tests import factories
from tests.test_fuzz_forms import any_text, fuzz, logged_in
from workflows.cases.due import DUE_ITEMS
from workflows.cases.forms import SORT_CHOICES, CaseFilterForm
from workflows.cases.selectors import case_url

PARAMS = {
    "q": st.one_of(
        st.sampled_from(["MF-2026-00001", "mf-2026-0000", "ZD-2026", "Gardelegen", "15081", "und"]), any_text
    ),
    "jahr": st.one_of(st.sampled_from(["2026", "2027", "1999"]), any_text),
    "status": st.one_of(st.sampled_from(["in_review", "approved", "draft"]), any_text),
    "land": st.one_of(st.sampled_from(["15", "09", "99"]), any_text),
    "kreis": st.one_of(st.sampled_from(["15081", "09472", "00000"]), any_text),
    "foerdergebiet": st.one_of(st.sampled_from(["C", "D", "none"]), any_text),
    "zweck": st.one_of(st.sampled_from(["moderation", "travel"]), any_text),
    "bearbeitung": st.one_of(st.sampled_from(["1", "2", "999999"]), any_text),
    "ueberfaellig": st.one_of(st.sampled_from(["on", "1"]), any_text),
    "faellig": st.one_of(st.sampled_from([item.key for item in DUE_ITEMS]), any_text),
    "sortierung": st.one_of(st.sampled_from([key for key, _label in SORT_CHOICES]), any_text),
    "seite": st.one_of(st.sampled_from(["1", "2", "0", "-1", "last", "999999"]), any_text),
}
query_strategy = st.fixed_dictionaries({}, optional=PARAMS)


@pytest.fixture
def world(applicant, gardelegen, programme_year, active_members, structural_c, clerk):
    return factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk)


def _form(query: dict) -> CaseFilterForm:
    form = CaseFilterForm(query)
    form.is_valid()
    return form


@fuzz
@given(query=query_strategy)
def test_the_list_takes_any_query(world, clerk, query):
    response = logged_in(clerk).get(reverse("case_list"), query)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        # Only a complete file number jumps, and only to the file it names.
        assert response["Location"] == case_url(world.pk)
        return
    content = html.unescape(response.content.decode())
    form = _form(query)
    if form.errors:
        assert "Bitte prüfen Sie Ihre Angaben." in content
    else:
        assert "Bitte prüfen Sie Ihre Angaben." not in content
    typed = query.get("q", "")
    if typed and "q" in form.cleaned_data and typed.strip() and "\x00" not in typed:
        # What was searched stays in the search field.
        assert html.escape(typed.strip(), quote=True) in response.content.decode() or typed.strip() in content


@fuzz
@given(query=query_strategy)
def test_the_export_takes_any_query(world, clerk, query):
    response = logged_in(clerk).get(reverse("case_list_export"), query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Aktenzeichen"
    assert all(row[0] == world.file_number for row in rows[1:])
    assert len(rows) <= 1 + Application.objects.exclude(status=Application.Status.DRAFT).count()
