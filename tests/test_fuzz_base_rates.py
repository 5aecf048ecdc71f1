"""Random and hostile input posted to the administrators' Basiszinssatz form, as in
``tests/test_fuzz_forms.py``: never a 500, and a refusal leaves every domain table as
it was. The oracle is the form plus the rules (``budgets.base_rates.base_rate_problems``):
an entry is saved exactly when both accept it, and then exactly as they read it.

Today is 25.11.2026; the half-year to be entered next starts on 01.07.2026.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from hypothesis import event, example, given
from hypothesis import strategies as st

from budgets.base_rates import base_rate_problems, clean_source
from budgets.models import BaseRate
from tests.clock import TODAY
from tests.test_fuzz_forms import dates, fuzz, german, logged_in, payload, rolled_back
from tests.test_permissions import diff, snapshot
from workflows.base_rates.forms import BaseRateForm

D = Decimal

BASE_RATE_FIELDS = {
    "valid_from": st.sampled_from(
        ["01.07.2026", "1.7.2026", "2026-07-01", "01.07.26", "01.01.2027", "01.01.2026", "15.07.2026", "01.07.2002"]
    ),
    "rate": st.one_of(
        st.decimals(min_value=D("-10.00"), max_value=D("20.00"), places=2).map(german),
        st.sampled_from(["1,27", "-0,88", "0", "-0,00", "+1,5", "20,00", "-10,00", "20,01", "-10,01", "1,275"]),
    ),
    "source": st.one_of(
        st.sampled_from(["Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger", "  Bundesanzeiger  BAnz AT  "]),
        st.text(max_size=60),
    ),
    "published_on": st.one_of(dates(datetime.date(2025, 6, 1), TODAY), dates(TODAY, datetime.date(2027, 1, 31))),
}
COMPLETE = {
    "valid_from": "01.07.2026",
    "rate": "1,11",
    "source": "Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger",
    "published_on": "30.06.2026",
}


def accepted(data: dict) -> dict | None:
    """What the form and the rules accept, as it must be stored; None when either refuses."""
    form = BaseRateForm(data)
    if not form.is_valid():
        return None
    values = dict(form.cleaned_data, source=clean_source(form.cleaned_data["source"]))
    problems = base_rate_problems(
        **values,
        newest=BaseRate.objects.order_by("-valid_from").first(),
        same=BaseRate.objects.filter(valid_from=values["valid_from"]).first(),
        today=timezone.localdate(),
    )
    return None if problems else values


@fuzz
@given(data=payload(BASE_RATE_FIELDS))
@example(data=COMPLETE)
@example(data=dict(COMPLETE, rate="-0,00", published_on="01.07.2025"))
@example(data=dict(COMPLETE, source="Bundes\x00bank"))
@example(data=dict(COMPLETE, rate="1E309"))
@example(data=dict(COMPLETE, valid_from="31.12.9999"))
def test_enter_a_base_rate(admin_user, data):
    client = logged_in(admin_user)
    url = reverse("base_rate_list")
    with rolled_back():
        before = snapshot()
        known = set(BaseRate.objects.values_list("pk", flat=True))
        expected = accepted(data)

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        new = list(BaseRate.objects.exclude(pk__in=known))
        event(f"saved={bool(new)}")
        assert bool(new) == (expected is not None)
        assert expected is not None or data != COMPLETE, "a complete entry was refused"
        if expected is None:
            assert response.status_code == 200
            assert diff(before, snapshot()) == []
            return
        assert response.status_code == 302
        [row] = new
        assert (row.valid_from, row.rate, row.source, row.published_on) == (
            expected["valid_from"],
            expected["rate"],
            expected["source"],
            expected["published_on"],
        )
        assert row.created_by == admin_user
        assert diff(before, snapshot()) == ["budgets.BaseRate"]
