"""The selection a bulk action posts: the ticked ids and the page's one-time token.

Field validation only; whether each item may be done is for the services to say.
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.common.fields import lazy_format

# More than a page or two of the queue at once is a mistake (or a forged post): refused whole.
MAX_SELECTED = 200
SELECTED = "ausgewaehlt"
# Anchored: the form field searches, so an open pattern would take a longer token too.
TOKEN_PATTERN = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")
# Beyond PostgreSQL's bigint there is no row to find; refused as an invalid entry.
MAX_ID_DIGITS = 18


def token_new() -> str:
    """A fresh token for a page with a bulk form: the result is stored under it, once."""
    return secrets.token_urlsafe(16)


class IdListField(forms.Field):
    """The ticked checkboxes: ids, each once, in the order ticked."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("Die Auswahl enthält ungültige Einträge. Bitte laden Sie die Seite neu."),
        "too_many": lazy_format(_("Bitte wählen Sie höchstens %(max)s Einträge auf einmal aus."), max=MAX_SELECTED),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        if len(value) > MAX_SELECTED:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        ids = []
        for entry in value:
            entry = str(entry).strip()
            if not (entry.isascii() and entry.isdigit()) or len(entry) > MAX_ID_DIGITS:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(entry))
        # A number ticked twice (or posted twice) is done once.
        return list(dict.fromkeys(ids))


class BulkForm(forms.Form):
    token = forms.RegexField(
        regex=TOKEN_PATTERN,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu."),
            "invalid": _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu."),
            # A forged token is a broken form like any other, whatever character broke it.
            "null_characters_not_allowed": _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu."),
        },
    )
    # The label of the empty selection comes from the subclass.
    empty_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SELECTED] = IdListField(error_messages={"required": self.empty_message})

    def first_error(self) -> str:
        for name in ("token", SELECTED):
            if name in self.errors:
                return self.errors[name][0]
        return next(iter(self.errors.values()))[0]


class TaskSelectionForm(BulkForm):
    empty_message = _("Bitte wählen Sie mindestens eine Aufgabe aus.")


class ProofSelectionForm(BulkForm):
    empty_message = _("Bitte wählen Sie mindestens einen Verwendungsnachweis aus.")
