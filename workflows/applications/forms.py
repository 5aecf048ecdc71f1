"""Applicant forms: the application with its cost plan, attachments, answers, withdrawal.

Forms check fields only (format, ranges, what belongs together in one row). Whether
an application is complete and eligible is decided by the services and the
eligibility rules, never here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budgets.sepa import sepa_has_latin
from core.dates import format_day
from core.money import money
from core.templatetags.money import eur
from grants.banking import IbanDetails, iban_details
from grants.errors import GrantsError
from grants.models import Application, CostLine, CostType, Municipality, ProgrammeYear
from workflows.applications.services import REQUIRED_ON_SUBMIT, SUBMIT_DECLARATIONS, CostLineInput, submit_missing
from workflows.common.attachments import MAX_ATTACHMENT_BYTES
from workflows.common.fields import (
    MAX_AMOUNT,
    DraftBooleanField,
    DraftCharField,
    DraftChoiceField,
    DraftEmailField,
    DraftModelChoiceField,
    GermanAmountField,
    GermanDateField,
    lazy_format,
    number_german,
)
from workflows.common.guards import MAX_TEXT

MAX_PARTNERS = 30
MAX_CANDIDATES_SHOWN = 8
AGS_RE = re.compile(r"^\d{8}$")
AGS_SUFFIX_RE = re.compile(r"\((\d{8})\)\s*$")
PHONE_RE = re.compile(r"^[0-9+()/.\- ]*$")


class ProgrammeYearChoiceField(forms.ModelChoiceField):
    """One of the programme years offered, as radio buttons "2027 (Antragsfrist 30.09.2027)".

    The value is an id of ASCII digits: anything else is not one of the choices (and
    never reaches the database as a lookup).
    """

    widget = forms.RadioSelect
    default_error_messages = {
        "required": _("Bitte wählen Sie das Programmjahr."),
        "invalid_choice": _(
            "Für dieses Programmjahr sind keine Anträge möglich. Bitte wählen Sie eines der angebotenen Programmjahre."
        ),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=ProgrammeYear.objects.none(), empty_label=None, **kwargs)

    def offer(self, years: list[ProgrammeYear]) -> None:
        self.queryset = ProgrammeYear.objects.filter(pk__in=[year.pk for year in years]).order_by("year")

    def to_python(self, value):
        text = str(value)
        if value not in self.empty_values and not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def label_from_instance(self, obj: ProgrammeYear) -> str:
        deadline = format_day(obj.application_deadline)
        return str(_("%(year)s (Antragsfrist %(deadline)s)") % {"year": obj.year, "deadline": deadline})


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _label(field_name: str):
    return capfirst(Application._meta.get_field(field_name).verbose_name)


# --- partner municipalities -------------------------------------------------------------


def _candidates(matches: list[Municipality], total: int) -> str:
    shown = ", ".join(f"{m.name} ({m.ags})" for m in matches[:MAX_CANDIDATES_SHOWN])
    if total > MAX_CANDIDATES_SHOWN:
        shown += " " + str(_("und %(count)d weitere") % {"count": total - MAX_CANDIDATES_SHOWN})
    return shown


def _resolve_one(text: str) -> tuple[Municipality | None, str | None, bool]:
    """(municipality, error, not_found) for one typed name or AGS."""
    suffix = AGS_SUFFIX_RE.search(text)
    ags = suffix.group(1) if suffix else (text if AGS_RE.match(text) else None)
    if ags:
        found = Municipality.objects.filter(ags=ags).first()
        if found is None:
            return None, str(_("Eine Kommune mit dem AGS %(ags)s gibt es nicht.") % {"ags": ags}), True
        return found, None, False
    exact = list(Municipality.objects.filter(name__iexact=text)[:2])
    if len(exact) == 1:
        return exact[0], None, False
    query = Municipality.objects.filter(name__icontains=text).order_by("name", "ags")
    total = query.count()
    if total == 1:
        return query.get(), None, False
    if total == 0:
        return (
            None,
            str(
                _(
                    "»%(text)s« wurde nicht gefunden. Bitte prüfen Sie die Schreibweise oder geben Sie "
                    "den achtstelligen Amtlichen Gemeindeschlüssel (AGS) an."
                )
                % {"text": text}
            ),
            True,
        )
    return (
        None,
        str(
            _("»%(text)s« ist nicht eindeutig. In Frage kommen: %(candidates)s. Bitte geben Sie den AGS an.")
            % {"text": text, "candidates": _candidates(list(query[:MAX_CANDIDATES_SHOWN]), total)}
        ),
        False,
    )


def resolve_partners(text: str) -> tuple[list[Municipality], list[str]]:
    """Municipalities named one per line (or separated by ";" or ","), by AGS or name.

    Names may contain commas ("Gardelegen, Hansestadt"): a piece is first looked up
    as a whole and split at commas only when nothing matches it.
    """
    found: list[Municipality] = []
    errors: list[str] = []
    for piece in (p.strip() for p in re.split(r"[\n;]", text or "")):
        if not piece:
            continue
        municipality, error, not_found = _resolve_one(piece)
        if not_found and "," in piece:
            parts = [p.strip() for p in piece.split(",") if p.strip()]
            results = [_resolve_one(part) for part in parts]
            found.extend(m for m, _e, _n in results if m is not None)
            errors.extend(e for _m, e, _n in results if e)
            continue
        if municipality is not None:
            found.append(municipality)
        if error:
            errors.append(error)
    unique = list({m.pk: m for m in found}.values())
    return unique, errors


def partners_text(municipalities) -> str:
    """What the partner field shows for saved partners: one "Name (AGS)" per line."""
    return "\n".join(f"{m.name} ({m.ags})" for m in municipalities)


# --- the application ----------------------------------------------------------------------

# Saved through ``application_create``/``application_update`` as they are.
PLAIN_DRAFT_FIELDS = [
    "title",
    "goals",
    "description",
    "purpose",
    "requested_amount",
    "contact_name",
    "contact_email",
    "contact_phone",
    "account_holder",
    "declaration_no_early_start",
    "declaration_no_double_funding",
]


class ApplicationForm(forms.Form):
    """The application; used for a new draft and for editing one.

    ``municipalities``: when the user acts for several, a select offers them (new
    drafts only). ``programme_years``: the years open for applications (new drafts
    only); with more than one the applicant picks one, the earliest preselected.
    ``application``: the draft being edited; its form carries the revision it was
    rendered from, so a stale or replayed POST is refused.
    """

    use_required_attribute = False  # a draft may be saved half-filled; the browser must not block it

    programme_year = ProgrammeYearChoiceField(
        label=_("Für welches Programmjahr?"),
        help_text=_("Anträge sind bis zum Ende des Fristtags möglich, also bis 24:00 Uhr."),
    )
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Kommune"), empty_label=_("Bitte wählen")
    )
    title = forms.CharField(
        label=_label("title"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie einen Titel an; ohne Titel kann nichts gespeichert werden.")},
    )
    purpose = DraftChoiceField(label=_label("purpose"), choices=[("", _("Bitte wählen")), *Application.Purpose.choices])
    goals = DraftCharField(
        label=_label("goals"),
        max_length=MAX_TEXT,
        widget=_textarea(),
        help_text=_("Was soll das Vorhaben für Ihre Kommune erreichen?"),
    )
    description = DraftCharField(
        label=_label("description"),
        max_length=MAX_TEXT,
        widget=_textarea(6),
        help_text=_("Was wird wann und mit wem getan?"),
    )
    partners = DraftCharField(
        label=_("Partnerkommunen"),
        max_length=5000,
        widget=_textarea(3),
        help_text=_(
            "Nur beim Zweck »Interkommunale Vernetzung« erforderlich. Eine Kommune je Zeile, mit Namen "
            "oder achtstelligem Amtlichem Gemeindeschlüssel (AGS), z. B. »Bindlach« oder »09472119«."
        ),
    )
    period_start = GermanDateField(label=_label("period_start"), help_text=_("Format TT.MM.JJJJ, z. B. 01.03.2026."))
    period_end = GermanDateField(label=_label("period_end"), help_text=_("Format TT.MM.JJJJ, z. B. 30.11.2026."))
    requested_amount = GermanAmountField(label=_label("requested_amount"), help_text=_("In Euro, z. B. 4.250,00."))
    contact_name = DraftCharField(label=_label("contact_name"), max_length=150)
    contact_email = DraftEmailField(
        label=_label("contact_email"),
        max_length=254,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@kommune.de.")},
    )
    contact_phone = forms.CharField(label=_label("contact_phone"), max_length=50, required=False)
    account_holder = DraftCharField(label=_label("account_holder"), max_length=140)
    iban = DraftCharField(
        label=_label("iban"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Die BIC und das Kreditinstitut ermitteln wir aus der IBAN."),
    )
    declaration_no_early_start = DraftBooleanField(label=_label("declaration_no_early_start"))
    declaration_no_double_funding = DraftBooleanField(label=_label("declaration_no_double_funding"))
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        error_messages={
            "required": _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
            "invalid": _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
            "min_value": _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
        },
    )
    # Marks one "new application" form, so that sending it again (reload, back button)
    # does not create a second application.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args,
        municipalities: list[Municipality] | None = None,
        programme_years: list[ProgrammeYear] | None = None,
        application: Application | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.own_programme_year = None
        if application is not None:
            self.own_municipality = application.municipality
            self.own_programme_year = application.programme_year
            del self.fields["municipality"]
            del self.fields["form_token"]
            del self.fields["programme_year"]
            self.fields["revision"].required = True
        else:
            self._offer_years(list(programme_years or []))
            municipalities = list(municipalities or [])
            if len(municipalities) == 1:
                self.own_municipality = municipalities[0]
                del self.fields["municipality"]
            else:
                self.own_municipality = None
                self.fields["municipality"].queryset = Municipality.objects.filter(
                    pk__in=[m.pk for m in municipalities]
                )

    def _offer_years(self, years: list[ProgrammeYear]) -> None:
        posted = self.is_bound and self.data.get(self.add_prefix("programme_year"), "") != ""
        # One open year is taken without asking. A choice that arrives anyway (the form
        # was shown while two years were open) is checked, never silently replaced.
        if not years or (len(years) == 1 and not posted):
            self.own_programme_year = years[0] if years else None
            del self.fields["programme_year"]
            return
        field = self.fields["programme_year"]
        field.offer(years)
        field.initial = years[0].pk

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        """The saved draft as the form shows it."""
        initial = {name: getattr(application, name) for name in PLAIN_DRAFT_FIELDS}
        initial.update(
            period_start=application.period_start,
            period_end=application.period_end,
            iban=IbanDetails(iban=application.iban, bic="", bank_name="").formatted if application.iban else "",
            partners=partners_text(application.partner_municipalities.order_by("name", "ags")),
            revision=application.revision,
        )
        return initial

    def clean_partners(self) -> list[Municipality]:
        municipalities, errors = resolve_partners(self.cleaned_data.get("partners", ""))
        if errors:
            raise ValidationError(errors)
        if len(municipalities) > MAX_PARTNERS:
            raise ValidationError(_("Bitte nennen Sie höchstens %(limit)d Partnerkommunen.") % {"limit": MAX_PARTNERS})
        return municipalities

    def clean_iban(self) -> IbanDetails | None:
        value = self.cleaned_data.get("iban", "")
        if not value.strip():
            return None
        try:
            return iban_details(iban=value)
        except GrantsError as error:
            raise ValidationError(error.message, code=error.code) from None

    def clean_account_holder(self) -> str:
        value = self.cleaned_data.get("account_holder", "")
        # The holder is the payee of the SEPA transfer: the bank reads Latin letters only.
        if value.strip() and not sepa_has_latin(value, 70):
            raise ValidationError(
                _(
                    "Bitte geben Sie den Kontoinhaber in lateinischen Buchstaben an, so wie ihn die Bank führt: "
                    "Die Überweisung (SEPA) kennt nur lateinische Buchstaben."
                ),
                code="no_latin",
            )
        return value

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone", "").strip()
        if not PHONE_RE.match(value):
            raise ValidationError(_("Bitte geben Sie nur Ziffern, Leerzeichen und + ( ) / - an."))
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Das Ende darf nicht vor dem Beginn liegen."))
        own = cleaned.get("municipality") or self.own_municipality
        partners = cleaned.get("partners") or []
        if own is not None and any(m.pk == own.pk for m in partners):
            self.add_error("partners", _("Ihre eigene Kommune kann nicht zugleich Partnerkommune sein."))
        return cleaned

    # --- what the view hands to the services -----------------------------------------

    def chosen_municipality(self) -> Municipality | None:
        return self.cleaned_data.get("municipality") or self.own_municipality

    def chosen_programme_year(self) -> ProgrammeYear | None:
        return self.cleaned_data.get("programme_year") or self.own_programme_year

    def year_for_rules(self) -> ProgrammeYear | None:
        """The year whose limits the page shows: the only open one, the one chosen, or the first offered."""
        if self.own_programme_year is not None:
            return self.own_programme_year
        if self.is_bound and self.errors is not None and self.cleaned_data.get("programme_year"):
            return self.cleaned_data["programme_year"]
        field = self.fields.get("programme_year")
        return field.queryset.first() if field is not None else None

    def municipality_shown(self) -> Municipality | None:
        """The municipality the page speaks about: the only one, or the one chosen."""
        if self.own_municipality is not None:
            return self.own_municipality
        if self.is_bound and self.errors is not None:
            return self.cleaned_data.get("municipality")
        return None

    def requested_shown(self):
        """The requested amount as typed (when valid) or as saved."""
        if self.is_bound:
            return self.cleaned_data.get("requested_amount") if self.errors is not None else None
        return self.initial.get("requested_amount")

    def period_start_shown(self):
        """The start as typed (when valid) or as saved."""
        if self.is_bound:
            return self.cleaned_data.get("period_start") if self.errors is not None else None
        return self.initial.get("period_start")

    def can_save(self) -> bool:
        """Is there enough valid input to save anything (title, municipality, year, revision)?"""
        needed = [name for name in ("title", "municipality", "programme_year", "revision") if name in self.fields]
        return (
            all(name in self.cleaned_data for name in needed)
            and self.chosen_municipality() is not None
            and self.chosen_programme_year() is not None
        )

    def draft_data(self) -> dict:
        """Every field that is valid; invalid ones keep their saved value."""
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in PLAIN_DRAFT_FIELDS if name in cleaned}
        # The period is saved only as a pair: half of it could contradict the saved other half.
        if "period_start" in cleaned and "period_end" in cleaned:
            data.update(period_start=cleaned["period_start"], period_end=cleaned["period_end"])
        if "iban" in cleaned:
            details = cleaned["iban"]
            data.update(
                iban=details.iban if details else "",
                bic=details.bic if details else "",
                bank_name=details.bank_name if details else "",
            )
        return data

    def partners_or_none(self) -> list[Municipality] | None:
        """The partners when the field is valid, else ``None`` (keep the saved ones)."""
        return self.cleaned_data.get("partners") if "partners" in self.cleaned_data else None

    def flag_missing_for_submit(self, *, formset: BaseCostLineFormSet) -> list[str]:
        """Mark every field still missing for submitting at the field; return their German names.

        Judged on what was typed, so that one click names every gap (a field that is
        already marked as wrong counts as given: it carries its own message).
        """
        names = [*REQUIRED_ON_SUBMIT, "purpose", *SUBMIT_DECLARATIONS]
        values = {
            name: self.cleaned_data.get(name) for name in names if name in self.fields and name not in self.errors
        }
        missing = submit_missing(
            values=values,
            has_cost_lines=any(not row.is_blank() for row in formset.forms),
            has_partners="partners" in self.errors or bool(self.cleaned_data.get("partners")),
        )
        for name in missing:
            if name == "cost_lines":
                formset.flag_no_line()
            elif name in SUBMIT_DECLARATIONS:
                self.add_error(name, _("Bitte bestätigen Sie diese Erklärung; sie ist zum Einreichen erforderlich."))
            elif name == "partners":
                self.add_error(
                    name, _("Beim Zweck »Interkommunale Vernetzung« nennen Sie bitte mindestens eine Partnerkommune.")
                )
            else:
                self.add_error(name, _("Bitte füllen Sie dieses Feld aus; es ist zum Einreichen erforderlich."))
        return list(missing.values())

    def show_revision(self, revision: int) -> None:
        """After a partial save the page shows the typed values with the new revision."""
        data = self.data.copy()
        data[self.add_prefix("revision")] = str(revision)
        self.data = data


# --- the cost plan ------------------------------------------------------------------------

COST_LINE_FIELDS = ["cost_type", "description", "days", "day_rate", "flat_amount"]


class CostLineForm(forms.Form):
    """One line: days × day rate, or a flat amount. A line left empty is ignored."""

    use_required_attribute = False

    cost_type = DraftModelChoiceField(
        queryset=CostType.objects.all(), label=_("Kostenart"), empty_label=_("Bitte wählen")
    )
    description = DraftCharField(label=_("Beschreibung"), max_length=200)
    days = GermanAmountField(
        label=_("Tage"), min_value=Decimal("0.5"), max_value=Decimal("9999.99"), help_text=_("z. B. 2 oder 1,5")
    )
    day_rate = GermanAmountField(label=_("Tagessatz (EUR)"))
    flat_amount = GermanAmountField(label=_("oder Pauschalbetrag (EUR)"))

    def is_blank(self) -> bool:
        """Nothing typed in any field of the line (judged on the raw input)."""
        if not self.is_bound:
            return not any(self.initial.get(name) not in (None, "") for name in COST_LINE_FIELDS)
        return all(not str(self[name].data or "").strip() for name in COST_LINE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        typed = {name: bool(str(self[name].data or "").strip()) for name in COST_LINE_FIELDS}
        if not typed["cost_type"]:
            self.add_error("cost_type", _("Bitte wählen Sie eine Kostenart."))
        if not typed["description"]:
            self.add_error("description", _("Bitte beschreiben Sie die Position kurz."))
        by_day = typed["days"] or typed["day_rate"]
        if by_day and typed["flat_amount"]:
            self.add_error(
                "flat_amount",
                _("Bitte geben Sie entweder Tage und Tagessatz oder einen Pauschalbetrag an, nicht beides."),
            )
        elif not by_day and not typed["flat_amount"]:
            self.add_error("days", _("Bitte geben Sie Tage und Tagessatz oder einen Pauschalbetrag an."))
        elif typed["days"] and not typed["day_rate"]:
            self.add_error("day_rate", _("Bitte geben Sie auch den Tagessatz an."))
        elif typed["day_rate"] and not typed["days"]:
            self.add_error("days", _("Bitte geben Sie auch die Zahl der Tage an."))
        elif cleaned.get("days") and cleaned.get("day_rate") and cleaned["days"] * cleaned["day_rate"] > MAX_AMOUNT:
            self.add_error(
                "day_rate",
                _("Tage × Tagessatz ergeben mehr als %(limit)s EUR; bitte prüfen Sie die Angaben.")
                % {"limit": number_german(MAX_AMOUNT)},
            )
        return cleaned

    def _values(self) -> dict | None:
        if self.is_bound:
            if self.is_blank() or self.errors:
                return None
            return self.cleaned_data
        return None if self.is_blank() else self.initial

    @property
    def amount(self) -> Decimal | None:
        """The line's amount as the service will compute it; ``None`` while incomplete or wrong."""
        values = self._values()
        if not values:
            return None
        flat, days, rate = values.get("flat_amount"), values.get("days"), values.get("day_rate")
        if flat is None and (days is None or rate is None):
            return None
        return CostLine.compute_amount(days=_decimal(days), day_rate=_decimal(rate), flat_amount=_decimal(flat))

    def to_input(self) -> CostLineInput:
        data = self.cleaned_data
        return CostLineInput(
            cost_type=data["cost_type"],
            description=data["description"],
            days=data.get("days"),
            day_rate=data.get("day_rate"),
            flat_amount=data.get("flat_amount"),
        )


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


class BaseCostLineFormSet(forms.BaseFormSet):
    def cost_lines(self) -> list[CostLineInput]:
        """The lines to save; only call after ``is_valid()`` returned True."""
        return [form.to_input() for form in self.forms if not form.is_blank()]

    def cost_lines_or_none(self) -> list[CostLineInput] | None:
        """All lines when every line is valid, else ``None``: the saved plan stays as it is."""
        return self.cost_lines() if self.is_valid() else None

    @property
    def total(self) -> Decimal:
        """Sum of the lines that are complete and valid (shown while editing)."""
        return money(sum((form.amount or Decimal("0") for form in self.forms), Decimal("0")))

    def show_max_day_rate(self, programme_year: ProgrammeYear) -> None:
        """Name the year's maximum day rate beside every day-rate field."""
        text = _("Höchstens %(max)s (Programmjahr %(year)s).") % {
            "max": eur(programme_year.max_day_rate),
            "year": programme_year.year,
        }
        for form in self.forms:
            form.fields["day_rate"].help_text = text

    def day_rates_above(self, limit: Decimal) -> list[tuple[int, Decimal]]:
        """(line number, day rate) of each line whose day rate exceeds ``limit``: saved or typed."""
        found = []
        for number, form in enumerate(self.forms, start=1):
            values = form.cleaned_data if form.is_bound and form.errors is not None else form.initial
            rate = values.get("day_rate")
            if rate not in (None, "") and Decimal(rate) > limit:
                found.append((number, Decimal(rate)))
        return found

    def flag_no_line(self) -> None:
        """Submitting without any cost line: say so at the first line's cost type."""
        if self.forms:
            self.forms[0].add_error("cost_type", _("Bitte geben Sie mindestens eine Kostenposition an."))

    @property
    def has_line_errors(self) -> bool:
        return self.is_bound and (bool(self.non_form_errors()) or any(form.errors for form in self.forms))

    @staticmethod
    def initial_for(application: Application) -> list[dict]:
        return [
            {
                "cost_type": line.cost_type_id,
                "description": line.description,
                "days": line.days,
                "day_rate": line.day_rate,
                "flat_amount": line.flat_amount,
            }
            for line in application.cost_lines.all()
        ]


MAX_COST_LINES = 30
CostLineFormSet = forms.formset_factory(
    CostLineForm,
    formset=BaseCostLineFormSet,
    extra=3,
    max_num=MAX_COST_LINES,
    validate_max=True,
    absolute_max=MAX_COST_LINES + 10,
)
COST_LINE_PREFIX = "kosten"


# --- attachments, answers, withdrawal -------------------------------------------------------


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        help_text=lazy_format(
            _("PDF, PNG oder JPEG, höchstens %(limit)d MB je Datei."), limit=MAX_ATTACHMENT_BYTES // (1024 * 1024)
        ),
        max_length=255,
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
            "invalid": _("Die Datei ist nicht angekommen. Bitte versuchen Sie es noch einmal."),
            "missing": _("Die Datei ist nicht angekommen. Bitte versuchen Sie es noch einmal."),
        },
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Ihre Antwort"),
        max_length=MAX_TEXT,
        widget=_textarea(6),
        error_messages={"required": _("Bitte geben Sie Ihre Antwort ein.")},
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
            "invalid": _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
        },
    )


class MoveToYearForm(forms.Form):
    """The button "In das Programmjahr 2027 übernehmen" sends the id of the year it names.

    Only the format is checked here; whether the draft may go into that year is decided
    by ``application_move_to_year``.
    """

    programme_year = forms.CharField(
        max_length=9,
        error_messages={
            "required": _("Bitte wählen Sie das Programmjahr."),
            "max_length": _("Dieses Programmjahr gibt es nicht."),
        },
    )

    def clean_programme_year(self) -> int:
        value = self.cleaned_data["programme_year"]
        # ASCII digits only: str.isdigit() also accepts "²" (int() refuses it) and "١٢" (read as 12).
        if not (value.isascii() and value.isdigit()):
            raise ValidationError(_("Dieses Programmjahr gibt es nicht."))
        return int(value)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4),
        help_text=_("Sie können kurz angeben, warum Sie den Antrag zurückziehen."),
    )


class EarlyStartRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=MAX_TEXT,
        widget=_textarea(4),
        help_text=_("Warum muss das Vorhaben vor der Bewilligung beginnen?"),
        error_messages={"required": _("Bitte begründen Sie, warum Sie vorzeitig beginnen möchten.")},
    )
