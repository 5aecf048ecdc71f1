"""The note form of the case page. Field validation only; ``case_note_add`` has the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.applications.flows import user_label
from workflows.common.guards import MAX_TEXT

# Beyond a 64-bit integer no user exists; SQLite would not even take the number in a query.
MAX_ID = 2**63 - 1


class ColleagueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)

    def _check_values(self, value):
        for entry in value:
            text = str(entry).strip()
            if text.isascii() and text.isdigit() and int(text) > MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={})
        return super()._check_values(value)


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Vermerk"),
        max_length=MAX_TEXT,
        help_text=_("Nur für die Geschäftsstelle sichtbar; die Kommune sieht Vermerke nie."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Bitte schreiben Sie den Vermerk.")},
    )
    mentioned = ColleagueChoiceField(
        label=_("Kolleginnen und Kollegen benachrichtigen"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wer hier angekreuzt ist, erhält eine E-Mail mit einem Link zu dieser Akte."),
        error_messages={
            "invalid_choice": _("Diese Person gibt es in der Geschäftsstelle nicht. Bitte laden Sie die Seite neu."),
            "invalid_pk_value": _("Diese Auswahl ist ungültig. Bitte laden Sie die Seite neu."),
            "invalid_list": _("Diese Auswahl ist ungültig. Bitte laden Sie die Seite neu."),
        },
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentioned"].queryset = colleagues
