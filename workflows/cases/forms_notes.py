"""The note form of the case page. Field validation only; ``case_note_add`` has the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.applications.flows import user_label
from workflows.common.guards import MAX_TEXT


class ColleagueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


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
