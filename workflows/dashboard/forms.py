"""The choice of years on the dashboard (a GET form: nothing is written)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

UNKNOWN_YEAR = _("Für dieses Jahr ist kein Programmjahr angelegt. Bitte wählen Sie ein Jahr aus der Liste.")


def default_years(*, years: list[int], this_year: int) -> tuple[int | None, int | None]:
    """This year and the one before it; without this year, the latest and the one before it."""
    if not years:
        return None, None
    primary = this_year if this_year in years else max(years)
    return primary, max((year for year in years if year < primary), default=None)


class DashboardYearsForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Programmjahr"),
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": UNKNOWN_YEAR, "required": _("Bitte wählen Sie das Programmjahr.")},
    )
    compare = forms.TypedChoiceField(
        label=_("Im Vergleich mit"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": UNKNOWN_YEAR},
    )

    def __init__(self, data=None, *, years: list[int], this_year: int, **kwargs):
        # Other parameters alone (a bookmark with ?page=2) choose nothing: the defaults, no error.
        if data is not None and not {"year", "compare"} & set(data):
            data = None
        self.defaults = default_years(years=years, this_year=this_year)
        initial = {"year": self.defaults[0], "compare": self.defaults[1]}
        super().__init__(data, initial=initial, **kwargs)
        choices = [(str(year), str(year)) for year in sorted(years, reverse=True)]
        self.fields["year"].choices = choices
        self.fields["compare"].choices = [("", _("kein Vergleich")), *choices]

    def clean(self):
        data = super().clean()
        year, compare = data.get("year"), data.get("compare")
        if year is not None and compare is not None and year == compare:
            self.add_error("compare", _("Bitte wählen Sie zum Vergleich ein anderes Jahr als das Programmjahr."))
        return data

    def selected(self) -> tuple[int | None, int | None]:
        """The years to show: the valid choice, else the defaults (the page says why)."""
        if not self.is_bound or not self.is_valid():
            return self.defaults
        year = self.cleaned_data["year"]
        if "compare" not in self.data:
            # A link that names one year only: compare it with the year before it, if set up.
            earlier = [int(value) for value, _label in self.fields["year"].choices if int(value) < year]
            return year, max(earlier, default=None)
        return year, self.cleaned_data["compare"]
