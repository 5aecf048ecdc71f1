"""Services of the office's master data: memberships, programme years, legal text blocks.

Each one owns its transaction, refuses with a German ``GrantsError`` and records every
change in the history of master data (``core.changes.change_record``).

A programme year's ledger totals (``LEDGER_TOTAL_FIELDS``) are never written here: they
move only with the ledger (``budgets.ledger``). Cap and budget may not fall below what is
already committed. The budget floor is on the year's row itself; the largest commitment of
one municipality lives in the ledger, which this layer may not read, so the caller passes
the selector (``budgets.selectors.municipality_committed_largest``) and it is asked under
the year's row lock, the lock every approval takes before it commits money.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.changes import change_record
from core.money import money
from grants.errors import GrantsError
from grants.models import CostType, LegalTextBlock, MembershipStatus, Municipality, ProgrammeYear
from grants.models.programme import LEDGER_TOTAL_FIELDS

NOTE_MAX = MembershipStatus._meta.get_field("note").max_length
TITLE_MAX = LegalTextBlock._meta.get_field("title").max_length
TEXT_MAX = 20_000

# The fields an office form may write; the ledger totals are not among them.
PROGRAMME_YEAR_FIELDS = (
    "cap_per_municipality",
    "budget",
    "max_day_rate",
    "application_deadline",
    "invoice_deadline",
    "proof_of_use_months",
    "payout_window_start",
    "payout_window_end",
    "rule_set_version",
)
assert not set(PROGRAMME_YEAR_FIELDS) & set(LEDGER_TOTAL_FIELDS)


class MasterDataRefused(GrantsError):
    """A change was refused: one German message per field (``None``: the whole change)."""

    def __init__(self, problems: dict[str | None, str], *, code: str = "refused") -> None:
        super().__init__(" ".join(str(message) for message in problems.values()), code=code)
        self.problems = problems


def _has_control(text: str, *, allow_newlines: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


# --- memberships ---------------------------------------------------------------------------


def membership_status_record(
    *,
    actor,
    municipality: Municipality,
    status: str,
    since: datetime.date,
    note: str = "",
) -> MembershipStatus:
    """Record that ``municipality``'s membership has ``status`` from ``since`` (a row of that day is corrected)."""
    note = " ".join((note or "").split())
    if status not in MembershipStatus.Status.values:
        raise MasterDataRefused({"status": "Bitte wählen Sie einen Status der Mitgliedschaft."})
    if len(note) > NOTE_MAX:
        raise MasterDataRefused({"note": f"Die Bemerkung ist zu lang (höchstens {NOTE_MAX} Zeichen)."})
    if _has_control(note):
        raise MasterDataRefused({"note": "Die Bemerkung enthält Steuerzeichen. Bitte nur einfachen Text."})
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        current = MembershipStatus.objects.filter(municipality=municipality, since=since).first()
        label = MembershipStatus.Status(status).label
        if current is not None:
            if current.status == status and current.note == note:
                raise MasterDataRefused(
                    {None: f"Am {since:%d.%m.%Y} ist bereits »{label}« mit dieser Bemerkung erfasst."},
                    code="unchanged",
                )
            changes = {"since": since.isoformat(), "status": [current.status, status], "note": [current.note, note]}
            current.status, current.note = status, note
            current.save(update_fields=["status", "note"])
            action = "grants.membership.changed"
        else:
            before = (
                MembershipStatus.objects.filter(municipality=municipality, since__lt=since)
                .order_by("-since")
                .values_list("status", flat=True)
                .first()
            )
            if before == status:
                raise MasterDataRefused(
                    {"status": f"Die Mitgliedschaft ist am {since:%d.%m.%Y} bereits »{label}«."}, code="unchanged"
                )
            current = MembershipStatus.objects.create(municipality=municipality, since=since, status=status, note=note)
            changes = {"since": since.isoformat(), "status": [before, status], "note": note}
            action = "grants.membership.recorded"
        change_record(actor=actor, subject=municipality, action=action, changes=changes)
    return current


# --- programme years -----------------------------------------------------------------------


def _year_problems(year: ProgrammeYear) -> dict[str | None, str]:
    try:
        year.clean()
    except ValidationError as error:
        return {field: " ".join(str(m) for m in messages) for field, messages in error.message_dict.items()}
    return {}


def _clean_values(values: dict) -> dict:
    unknown = set(values) - set(PROGRAMME_YEAR_FIELDS)
    if unknown:
        raise ValueError(f"Not a field an office form may write: {sorted(unknown)}")
    values = dict(values)
    for name in ("cap_per_municipality", "budget", "max_day_rate"):
        if values.get(name) is not None:
            values[name] = money(values[name])
    if "rule_set_version" in values:
        values["rule_set_version"] = " ".join((values["rule_set_version"] or "").split())
    return values


def _version_problem(values: dict) -> dict[str, str]:
    version = values.get("rule_set_version", "x")
    if not version:
        return {"rule_set_version": "Bitte geben Sie die Version des Regelwerks an, z. B. 2027.1."}
    if len(version) > 30 or _has_control(version):
        return {"rule_set_version": "Die Version des Regelwerks hat höchstens 30 Zeichen einfachen Text."}
    return {}


def programme_year_create(*, actor, year: int, cost_types: list[CostType], **values) -> ProgrammeYear:
    """Set up a new programme year; its text blocks are taken over from the latest year before it."""
    values = _clean_values(values)
    row = ProgrammeYear(year=year, **values)
    problems = _version_problem(values) | _year_problems(row)
    if not 2000 <= year <= 2100:
        problems["year"] = "Bitte geben Sie ein Jahr zwischen 2000 und 2100 an."
    elif ProgrammeYear.objects.filter(year=year).exists():
        problems["year"] = f"Das Programmjahr {year} gibt es bereits."
    if not cost_types:
        problems["eligible_cost_types"] = "Bitte wählen Sie mindestens eine förderfähige Kostenart."
    if problems:
        raise MasterDataRefused(problems)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            row.eligible_cost_types.set(cost_types)
            previous = ProgrammeYear.objects.filter(year__lt=year).order_by("-year").first()
            taken = []
            if previous is not None:
                for block in previous.legal_texts.all():
                    LegalTextBlock.objects.create(
                        programme_year=row, kind=block.kind, title=block.title, text=block.text, printed=block.printed
                    )
                    taken.append(block.kind)
            change_record(
                actor=actor,
                subject=row,
                action="grants.programme_year.created",
                changes={
                    **values,
                    "eligible_cost_types": sorted(c.code for c in cost_types),
                    "legal_texts_from": previous.year if previous else None,
                    "legal_texts": taken,
                },
            )
    except IntegrityError:
        raise MasterDataRefused({"year": f"Das Programmjahr {year} gibt es bereits."}) from None
    return row


def programme_year_update(
    *,
    actor,
    programme_year: ProgrammeYear,
    cost_types: list[CostType],
    municipality_committed_largest: Callable[..., Decimal],
    **values,
) -> ProgrammeYear:
    """Change the rules of a year. Cap and budget never fall below what is already committed."""
    values = _clean_values(values)
    with transaction.atomic():
        row = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
        before = {name: getattr(row, name) for name in PROGRAMME_YEAR_FIELDS}
        before_types = sorted(row.eligible_cost_types.values_list("code", flat=True))
        for name, value in values.items():
            setattr(row, name, value)
        problems = _version_problem(values) | _year_problems(row)
        if not cost_types:
            problems["eligible_cost_types"] = "Bitte wählen Sie mindestens eine förderfähige Kostenart."
        committed = money(row.committed_total - row.released_total - row.refunded_total)
        if row.budget is not None and row.budget < committed:
            problems["budget"] = (
                f"Das Programmbudget darf nicht unter die bereits gebundenen Mittel sinken ({_euro(committed)})."
            )
        largest = municipality_committed_largest(programme_year=row)
        if row.cap_per_municipality is not None and row.cap_per_municipality < largest:
            problems["cap_per_municipality"] = (
                f"Der Höchstbetrag darf nicht unter die höchste Bindung einer Kommune in diesem Jahr sinken "
                f"({_euro(largest)})."
            )
        if problems:
            raise MasterDataRefused(problems)
        after_types = sorted(c.code for c in cost_types)
        changes = {
            name: [before[name], getattr(row, name)]
            for name in PROGRAMME_YEAR_FIELDS
            if before[name] != getattr(row, name)
        }
        if before_types != after_types:
            changes["eligible_cost_types"] = [before_types, after_types]
        if not changes:
            raise MasterDataRefused({None: "Sie haben nichts geändert."}, code="unchanged")
        row.save(update_fields=list(PROGRAMME_YEAR_FIELDS))
        row.eligible_cost_types.set(cost_types)
        change_record(actor=actor, subject=row, action="grants.programme_year.changed", changes=changes)
    return row


def _euro(amount: Decimal) -> str:
    whole, _dot, cents = f"{amount:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups) or '0'},{cents} €"


# --- legal text blocks ---------------------------------------------------------------------


def legal_text_block_update(
    *, actor, programme_year: ProgrammeYear, kind: str, title: str, text: str, printed: bool
) -> LegalTextBlock:
    """Set the block of ``kind`` of a year (created when missing). Issued notices keep the
    text they were issued with: they carry a frozen copy (``reports.selectors.notice_snapshot``)."""
    if kind not in LegalTextBlock.Kind.values:
        raise MasterDataRefused({None: "Diesen Textbaustein gibt es nicht."}, code="not_found")
    title = " ".join((title or "").split())
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    problems: dict[str | None, str] = {}
    if not title:
        problems["title"] = "Bitte geben Sie eine Überschrift an."
    elif len(title) > TITLE_MAX or _has_control(title):
        problems["title"] = f"Die Überschrift hat höchstens {TITLE_MAX} Zeichen einfachen Text."
    if not text:
        problems["text"] = "Bitte geben Sie den Text an."
    elif len(text) > TEXT_MAX:
        problems["text"] = "Der Text ist zu lang (höchstens 20.000 Zeichen)."
    elif _has_control(text, allow_newlines=True):
        problems["text"] = "Der Text enthält Steuerzeichen. Bitte nur einfachen Text."
    if problems:
        raise MasterDataRefused(problems)
    with transaction.atomic():
        ProgrammeYear.objects.select_for_update().filter(pk=programme_year.pk).first()
        block = LegalTextBlock.objects.filter(programme_year=programme_year, kind=kind).first()
        if block is None:
            block = LegalTextBlock.objects.create(
                programme_year=programme_year, kind=kind, title=title, text=text, printed=printed
            )
            change_record(
                actor=actor,
                subject=block,
                action="grants.legal_text.created",
                changes={"title": title, "text": text, "printed": printed},
            )
            return block
        before = {"title": block.title, "text": block.text, "printed": block.printed}
        after = {"title": title, "text": text, "printed": printed}
        changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        if not changes:
            raise MasterDataRefused({None: "Sie haben nichts geändert."}, code="unchanged")
        block.title, block.text, block.printed = title, text, printed
        block.save(update_fields=["title", "text", "printed"])
        change_record(actor=actor, subject=block, action="grants.legal_text.changed", changes=changes)
    return block
