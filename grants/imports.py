"""Imports of master data from CSV files: the Destatis municipality directory,
structural (GRW) status and memberships exported from the network platform.

Every import is idempotent (re-running updates, never duplicates), reports each
malformed line with its number and imports the rest, and works in bulk: a handful
of queries per table, not one per row.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from core.changes import change_record
from grants.errors import GrantsError
from grants.memberships import MembershipRefused, membership_status_parse
from grants.models import Kreis, Land, MembershipStatus, Municipality, StructuralStatus

BATCH_SIZE = 2000


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Zeile {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What an import did, per kind of record."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)

    def count(self, kind: str, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        self.created[kind] = self.created.get(kind, 0) + created
        self.updated[kind] = self.updated.get(kind, 0) + updated
        self.unchanged[kind] = self.unchanged.get(kind, 0) + unchanged

    def summary_lines(self) -> list[str]:
        lines = []
        for kind in self.created:
            total = self.created[kind] + self.updated[kind] + self.unchanged[kind]
            lines.append(
                f"{kind}: {total} ({self.created[kind]} neu, {self.updated[kind]} geändert, "
                f"{self.unchanged[kind]} unverändert)"
            )
        lines.append(f"Fehlerhafte Zeilen: {len(self.errors)}")
        return lines


class RowError(ValueError):
    """A problem with one line; the import reports it and goes on."""


def read_csv(path: Path, *, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data line; header problems stop the import."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise GrantsError(f"Die Datei {path} kann nicht gelesen werden: {exc.strerror}.") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = [name.strip().lower() for name in next(reader)]
        except StopIteration:
            raise GrantsError(f"Die Datei {path} ist leer.") from None
        except UnicodeDecodeError:
            raise GrantsError(f"Die Datei {path} ist nicht UTF-8-kodiert.") from None
        missing = [name for name in required if name not in header]
        if missing:
            raise GrantsError(f"In der Kopfzeile von {path} fehlen die Spalten: {', '.join(missing)}.")
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise GrantsError(f"Die Datei {path} ist nicht UTF-8-kodiert.") from None
            except csv.Error as exc:
                yield reader.line_num, {"__error__": f"Die Zeile ist kein gültiges CSV ({exc})."}
                continue
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                yield reader.line_num, {"__error__": f"Die Zeile hat {len(values)} statt {len(header)} Spalten."}
                continue
            yield reader.line_num, dict(zip(header, values, strict=True))


def _digits(value: str, length: int, label: str) -> str:
    value = value.strip()
    if len(value) != length or not value.isdigit():
        raise RowError(f"{label} »{value}« hat nicht {length} Ziffern.")
    return value


def _integer(value: str, label: str) -> int | None:
    # Destatis writes thousands separated by spaces: " 90 164".
    value = value.replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    if not value.isdigit():
        raise RowError(f"{label} »{value}« ist keine ganze Zahl.")
    return int(value)


def _decimal(value: str, label: str) -> Decimal | None:
    value = value.strip().replace(" ", "")
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise RowError(f"{label} »{value}« ist keine Zahl.") from None
    if not number.is_finite() or number < 0:
        raise RowError(f"{label} »{value}« ist keine gültige Zahl.")
    return number.quantize(Decimal("0.01"))


def _coordinates(longitude: str, latitude: str) -> tuple[Decimal | None, Decimal | None]:
    """Longitude and latitude in decimal degrees, written with a decimal comma ("9,43751").

    Both or neither: Destatis leaves them empty, or writes "0" and "0", where an area has
    no centre point (coastal waters, the German-Luxembourg condominium); both are stored empty.
    """
    values = []
    for value, label, limit in ((longitude, "Längengrad", 180), (latitude, "Breitengrad", 90)):
        value = value.strip().replace(" ", "")
        if not value:
            values.append(None)
            continue
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise RowError(f"{label} »{value}« ist keine Zahl.")
        if abs(number) > limit:
            raise RowError(f"{label} »{value}« liegt nicht zwischen −{limit} und {limit} Grad.")
        values.append(number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
    longitude_value, latitude_value = values
    if (longitude_value is None) != (latitude_value is None):
        raise RowError("Längen- und Breitengrad stehen nur zusammen: einer der beiden fehlt.")
    if longitude_value == 0 and latitude_value == 0:
        return None, None
    return longitude_value, latitude_value


def parse_date(value: str, label: str) -> datetime.date:
    """Accept ISO dates (2026-01-31) and German dates (31.01.2026)."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowError(f"{label} »{value}« ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT).")


def _sync(model, key: str, rows: dict[str, dict], fields: list[str], report: ImportReport, kind: str) -> None:
    """Create new rows and update changed ones in bulk; leave identical rows alone."""
    existing = {obj[key]: obj for obj in model.objects.values("pk", key, *fields)}
    to_create, to_update = [], []
    unchanged = 0
    for value, data in rows.items():
        current = existing.get(value)
        if current is None:
            to_create.append(model(**{key: value}, **data))
        elif any(current[name] != data[name] for name in fields):
            to_update.append(model(pk=current["pk"], **{key: value}, **data))
        else:
            unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    report.count(kind, created=len(to_create), updated=len(to_update), unchanged=unchanged)


GV_COLUMNS = [
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
    "postleitzahl",
]


def municipalities_import(*, path: Path) -> ImportReport:
    """Import Länder, Kreise and Gemeinden from a Destatis "Gemeindeverzeichnis" extract."""
    report = ImportReport()
    laender: dict[str, dict] = {}
    kreise: dict[str, dict] = {}
    gemeinden: dict[str, dict] = {}
    kreis_kinds = set(Kreis.Kind.values)
    gemeinde_kinds = set(Municipality.Kind.values)

    for line, row in read_csv(path, required=GV_COLUMNS):
        try:
            if "__error__" in row:
                raise RowError(row["__error__"])
            record = row["satzart"].strip()
            name = row["gemeindename"].strip()
            if record in ("10", "40", "60") and not name:
                raise RowError("Der Name fehlt.")
            if record == "10":
                laender[_digits(row["land"], 2, "Länderschlüssel")] = {"name": name}
            elif record == "40":
                land = _digits(row["land"], 2, "Länderschlüssel")
                ags = land + _digits(row["rb"], 1, "Regierungsbezirk") + _digits(row["kreis"], 2, "Kreis")
                kind = row["textkennzeichen"].strip()
                if kind not in kreis_kinds:
                    raise RowError(f"Unbekanntes Textkennzeichen »{kind}« für einen Kreis.")
                kreise[ags] = {"name": name, "kind": kind, "land_code": land, "line": line}
            elif record == "60":
                land = _digits(row["land"], 2, "Länderschlüssel")
                kreis = land + _digits(row["rb"], 1, "Regierungsbezirk") + _digits(row["kreis"], 2, "Kreis")
                ags = kreis + _digits(row["gemeinde"], 3, "Gemeindeschlüssel")
                kind = row["textkennzeichen"].strip()
                if kind not in gemeinde_kinds:
                    raise RowError(f"Unbekanntes Textkennzeichen »{kind}« für eine Gemeinde.")
                postcode = row["postleitzahl"].strip()
                if postcode and (len(postcode) != 5 or not postcode.isdigit()):
                    raise RowError(f"Postleitzahl »{postcode}« hat nicht fünf Ziffern.")
                # Read when the file has them (every Destatis extract does); a file without is imported all the same.
                longitude, latitude = _coordinates(row.get("laengengrad", ""), row.get("breitengrad", ""))
                gemeinden[ags] = {
                    "name": name,
                    "kind": kind,
                    "land_code": land,
                    "kreis_ags": kreis,
                    "population": _integer(row["bevoelkerung"], "Einwohnerzahl"),
                    "area_km2": _decimal(row["flaeche"], "Fläche"),
                    "postcode": postcode,
                    "longitude": longitude,
                    "latitude": latitude,
                    "line": line,
                }
            elif record in ("20", "30", "50"):
                continue  # Regierungsbezirke, Regionen and Gemeindeverbände are not needed here.
            else:
                raise RowError(f"Unbekannte Satzart »{record}«.")
        except RowError as exc:
            report.errors.append(LineError(line, str(exc)))

    with transaction.atomic():
        _sync(Land, "code", laender, ["name"], report, "Länder")
        land_ids = dict(Land.objects.values_list("code", "pk"))
        kreis_rows = {}
        for ags, data in kreise.items():
            line = data.pop("line")
            land_id = land_ids.get(data.pop("land_code"))
            if land_id is None:
                report.errors.append(LineError(line, f"Das Land des Kreises {ags} ist unbekannt."))
                continue
            kreis_rows[ags] = {**data, "land_id": land_id}
        _sync(Kreis, "ags", kreis_rows, ["name", "kind", "land_id"], report, "Kreise")
        kreis_ids = dict(Kreis.objects.values_list("ags", "pk"))
        gemeinde_rows = {}
        for ags, data in gemeinden.items():
            line = data.pop("line")
            land_id = land_ids.get(data.pop("land_code"))
            kreis_ags = data.pop("kreis_ags")
            kreis_id = kreis_ids.get(kreis_ags)
            # Kreis "000" marks areas belonging to no Kreis (see Municipality.kreis).
            if land_id is None or (kreis_id is None and not kreis_ags.endswith("000")):
                report.errors.append(LineError(line, f"Land oder Kreis der Gemeinde {ags} ist unbekannt."))
                continue
            gemeinde_rows[ags] = {**data, "land_id": land_id, "kreis_id": kreis_id}
        _sync(
            Municipality,
            "ags",
            gemeinde_rows,
            ["name", "kind", "land_id", "kreis_id", "population", "area_km2", "postcode", "longitude", "latitude"],
            report,
            "Gemeinden",
        )
    return report


STATUS_ALIASES = {
    "c": StructuralStatus.Status.C,
    "d": StructuralStatus.Status.D,
    "none": StructuralStatus.Status.NONE,
    "keine": StructuralStatus.Status.NONE,
    "kein": StructuralStatus.Status.NONE,
    "-": StructuralStatus.Status.NONE,
}


def structural_status_import(*, path: Path) -> ImportReport:
    """Import GRW status rows ``kreis_ags,status,source,valid_from,valid_to``.

    A five-digit key classifies a Kreis; an eight-digit key classifies one Gemeinde
    and overrides its Kreis. A row is identified by its subject and ``valid_from``.
    """
    report = ImportReport()
    kreis_ids = dict(Kreis.objects.values_list("ags", "pk"))
    municipality_ids = dict(Municipality.objects.values_list("ags", "pk"))
    parsed: dict[tuple[str, int, datetime.date], dict] = {}
    for line, row in read_csv(path, required=["kreis_ags", "status", "source", "valid_from", "valid_to"]):
        try:
            if "__error__" in row:
                raise RowError(row["__error__"])
            key = row["kreis_ags"].strip()
            if key.isdigit() and len(key) == 5:
                if key not in kreis_ids:
                    raise RowError(f"Kreis {key} ist nicht bekannt.")
                subject = ("kreis_id", kreis_ids[key])
            elif key.isdigit() and len(key) == 8:
                if key not in municipality_ids:
                    raise RowError(f"Gemeinde {key} ist nicht bekannt.")
                subject = ("municipality_id", municipality_ids[key])
            else:
                raise RowError(f"Schlüssel »{key}« ist weder ein Kreis (5 Ziffern) noch eine Gemeinde (8 Ziffern).")
            status = STATUS_ALIASES.get(row["status"].strip().lower())
            if status is None:
                raise RowError(f"Status »{row['status'].strip()}« ist unbekannt (erlaubt: C, D, none).")
            source = row["source"].strip()
            if not source:
                raise RowError("Die Quelle fehlt.")
            valid_from = parse_date(row["valid_from"], "Gültig ab")
            valid_to = parse_date(row["valid_to"], "Gültig bis") if row["valid_to"].strip() else None
            if valid_to is not None and valid_to < valid_from:
                raise RowError("»Gültig bis« liegt vor »Gültig ab«.")
            parsed[(subject[0], subject[1], valid_from)] = {
                "status": status,
                "source": source[:300],
                "valid_to": valid_to,
            }
        except RowError as exc:
            report.errors.append(LineError(line, str(exc)))

    with transaction.atomic():
        existing = {
            (
                "kreis_id" if obj.kreis_id else "municipality_id",
                obj.kreis_id or obj.municipality_id,
                obj.valid_from,
            ): obj
            for obj in StructuralStatus.objects.all()
        }
        to_create, to_update, unchanged = [], [], 0
        for (subject_field, subject_id, valid_from), data in parsed.items():
            current = existing.get((subject_field, subject_id, valid_from))
            if current is None:
                to_create.append(StructuralStatus(**{subject_field: subject_id}, valid_from=valid_from, **data))
            elif any(getattr(current, name) != value for name, value in data.items()):
                for name, value in data.items():
                    setattr(current, name, value)
                to_update.append(current)
            else:
                unchanged += 1
        StructuralStatus.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        StructuralStatus.objects.bulk_update(to_update, ["status", "source", "valid_to"], batch_size=BATCH_SIZE)
    report.count("Strukturstatus", created=len(to_create), updated=len(to_update), unchanged=unchanged)
    return report


@dataclass(frozen=True)
class MembershipRow:
    """One good line of a membership file: what it would record."""

    line: int
    ags: str
    status: str
    since: datetime.date


def memberships_parse(rows: Iterator[tuple[int, dict[str, str]]]) -> tuple[list[MembershipRow], list[LineError]]:
    """The rules of a membership line, shared by the command and the office's upload page."""
    known = set(Municipality.objects.values_list("ags", flat=True))
    good: dict[tuple[str, datetime.date], MembershipRow] = {}
    errors: list[LineError] = []
    for line, row in rows:
        try:
            if "__error__" in row:
                raise RowError(row["__error__"])
            ags = _digits(row["ags"], 8, "AGS")
            if ags not in known:
                raise RowError(f"Gemeinde {ags} ist nicht bekannt.")
            try:
                status = membership_status_parse(row["status"])
            except MembershipRefused as exc:
                raise RowError(str(exc)) from None
            since = parse_date(row["since"][:40], "Seit")
            good[(ags, since)] = MembershipRow(line=line, ags=ags, status=status, since=since)
        except RowError as exc:
            errors.append(LineError(line, str(exc)))
    return list(good.values()), errors


MEMBERSHIP_COLUMNS = ["ags", "status", "since"]


def memberships_import(*, path: Path) -> ImportReport:
    """Import membership changes ``ags,status,since`` exported from the network platform."""
    good, errors = memberships_parse(read_csv(path, required=MEMBERSHIP_COLUMNS))
    report = memberships_apply(rows=good, actor=None, comment="Import über manage.py import_memberships")
    report.errors = errors + report.errors
    return report


def memberships_apply(*, rows: list[MembershipRow], actor, comment: str = "") -> ImportReport:
    """Record the parsed lines in one transaction; each new or changed status is in the
    municipality's change history (``core.changes``). Re-running changes nothing."""
    report = ImportReport()
    with transaction.atomic():
        municipalities = {
            obj.ags: obj
            for obj in Municipality.objects.filter(ags__in={row.ags for row in rows}).only("pk", "ags", "name")
        }
        existing = {
            (obj.municipality_id, obj.since): obj
            for obj in MembershipStatus.objects.select_for_update().filter(municipality__in=municipalities.values())
        }
        created = updated = unchanged = 0
        for row in rows:
            municipality = municipalities.get(row.ags)
            if municipality is None:
                report.errors.append(LineError(row.line, f"Gemeinde {row.ags} ist nicht bekannt."))
                continue
            current = existing.get((municipality.pk, row.since))
            if current is not None and current.status == row.status:
                unchanged += 1
                continue
            if current is None:
                current = MembershipStatus.objects.create(municipality=municipality, since=row.since, status=row.status)
                existing[(municipality.pk, row.since)] = current
                before, action = None, "grants.membership.recorded"
                created += 1
            else:
                before, action = current.status, "grants.membership.changed"
                current.status = row.status
                current.save(update_fields=["status"])
                updated += 1
            change_record(
                actor=actor,
                subject=municipality,
                action=action,
                changes={"since": row.since.isoformat(), "status": [before, row.status]},
                comment=comment,
            )
    report.count("Mitgliedschaften", created=created, updated=updated, unchanged=unchanged)
    return report


def memberships_read_text(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Like ``read_csv`` for text already decoded (the office's upload)."""
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        raise GrantsError("Die Datei ist leer oder hat keine lesbare Kopfzeile.") from None
    missing = [name for name in MEMBERSHIP_COLUMNS if name not in header]
    if missing:
        raise GrantsError(
            f"In der Kopfzeile fehlen die Spalten: {', '.join(missing)}. Erwartet wird »ags,status,since«."
        )
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, {"__error__": f"Die Zeile ist kein gültiges CSV ({exc})."}
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            yield reader.line_num, {"__error__": f"Die Zeile hat {len(values)} statt {len(header)} Spalten."}
            continue
        yield reader.line_num, dict(zip(header, values, strict=True))


def memberships_preview(*, rows: list[MembershipRow]) -> list[dict]:
    """What each good line would do: ``new``, ``changed`` (with the status before) or ``unchanged``."""
    existing = {
        (ags, since): status
        for ags, since, status in MembershipStatus.objects.filter(
            municipality__ags__in={row.ags for row in rows}
        ).values_list("municipality__ags", "since", "status")
    }
    names = dict(Municipality.objects.filter(ags__in={row.ags for row in rows}).values_list("ags", "name"))
    preview = []
    for row in rows:
        before = existing.get((row.ags, row.since))
        effect = "new" if before is None else ("unchanged" if before == row.status else "changed")
        preview.append({"row": row, "name": names.get(row.ags, ""), "before": before, "effect": effect})
    return preview
