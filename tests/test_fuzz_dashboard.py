"""Random and hostile GET input to the controllers' dashboard, as in ``tests/test_fuzz_forms.py``:
never a 500, a bad choice of years is explained in German and the default years are shown,
nothing typed comes back unescaped, and the page changes nothing.

The oracle is the year form itself (``workflows.dashboard.forms.DashboardYearsForm``).
Programme years 2024 to 2026 exist; today is 25.11.2026.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.conftest import programme_year_create
from tests.test_fuzz_forms import NASTY, any_text, fuzz, logged_in, rolled_back
from tests.test_permissions import diff, snapshot
from workflows.dashboard.forms import DashboardYearsForm

YEARS = ["2024", "2025", "2026"]
year_value = st.one_of(st.sampled_from([*YEARS, "", "2023", "2027", "2026.0", "02026", " 2026", "-2026"]), any_text)
query = st.one_of(
    st.fixed_dictionaries({}, optional={"year": year_value, "compare": year_value}),
    st.dictionaries(st.sampled_from(["year", "compare", "jahr", "page", "year[]"]), year_value, max_size=4),
    # The same name twice: Django keeps the last one.
    st.lists(st.tuples(st.sampled_from(["year", "compare"]), year_value), max_size=4),
)


def as_query(value) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, item in value.items() if isinstance(value, dict) else value:
        data.appendlist(name, item)
    return data


@pytest.fixture
def three_years(programme_year):
    return [programme_year_create(2024), programme_year_create(2025), programme_year]


@fuzz
@given(value=query)
@example(value={"year": "2025", "compare": "2024"})
@example(value={"year": "2026", "compare": "2026"})
@example(value={"year": "<script>alert(1)</script>", "compare": '"><img src=x onerror=alert(1)>'})
@example(value={"year": "\x00", "compare": "9" * 30})
@example(value={"year": "1" * 5000})
@example(value=[("year", "2024"), ("year", "abc")])
def test_hostile_choice_of_years(controller, three_years, value):
    client = logged_in(controller)
    data = as_query(value)
    form = DashboardYearsForm(data or None, years=[2024, 2025, 2026], this_year=2026)
    expected = form.selected()
    with rolled_back():
        before = snapshot()

        response = client.get(reverse("controller_dashboard"), data)

        assert response.status_code == 200
        assert diff(before, snapshot()) == []
    html = response.content.decode()
    dashboard = response.context["dashboard"]
    shown = (dashboard.programme_year.year, dashboard.comparison_year.year if dashboard.comparison_year else None)
    assert shown == expected
    if form.is_bound and form.errors:
        event("refused")
        assert "Bitte prüfen Sie Ihre Angaben." in html
        assert "Gezeigt wird stattdessen" in html
    else:
        event("shown")
        assert "Bitte prüfen Sie Ihre Angaben." not in html
    for item in data.values():
        if "<" in item and item in NASTY:
            assert item not in html
