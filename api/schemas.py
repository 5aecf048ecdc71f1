"""What the API reads and answers. No personal data leaves here: municipalities and the
status of applications only, never names, e-mail addresses, bank accounts or users."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from core.dates import format_day, plausible_range
from grants.memberships import NOTE_MAX_LENGTH, note_is_plain_text

AGS_REGEX = r"^[0-9]{8}$"
MembershipCode = Literal["applied", "active", "suspended", "ended"]
StructuralCode = Literal["C", "D", "none"]


class Error(Schema):
    detail: str = Field(description="Was nicht ging, auf Deutsch.")


class ValidationIssue(Schema):
    loc: list[str | int] = Field(description="Wo: Teil der Anfrage und Feld.")
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[ValidationIssue]


class LandOut(Schema):
    code: str = Field(description="Länderschlüssel, 2 Ziffern")
    name: str


class KreisOut(Schema):
    ags: str = Field(description="Kreisschlüssel, 5 Ziffern")
    name: str


class MunicipalityOut(Schema):
    ags: str = Field(description="Amtlicher Gemeindeschlüssel, 8 Ziffern")
    name: str
    kind: str = Field(description="Textkennzeichen des Gemeindeverzeichnisses (Destatis)")
    kind_label: str
    land: LandOut
    kreis: KreisOut | None = Field(description="leer bei gemeindefreien Gebieten ohne Kreis")
    population: int | None
    membership_status: MembershipCode | None = Field(description="Mitgliedschaft heute; leer, wenn nie beantragt")
    structural_status: StructuralCode = Field(description="GRW-Fördergebiet heute (C, D oder none)")


class MunicipalityPage(Schema):
    count: int = Field(description="Treffer insgesamt")
    page: int
    page_size: int
    pages: int
    items: list[MunicipalityOut]


class ApplicationStatusOut(Schema):
    number: str = Field(description="Aktenzeichen, z. B. MF-2026-00042")
    programme_year: int
    status: str = Field(description="Statuscode")
    status_label: str = Field(description="Status auf Deutsch")
    requested_amount: str | None = Field(description="beantragt, Euro als Dezimalzahl mit zwei Stellen")
    approved_amount: str | None = Field(description="bewilligt, Euro als Dezimalzahl mit zwei Stellen")
    submitted_on: datetime.date | None
    decided_on: datetime.date | None


class MembershipIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"ags": "15081135", "status": "active", "since": "2026-01-01", "note": "Beitritt beschlossen"},
                {"ags": "09472119", "status": "suspended", "since": "2026-12-01", "note": ""},
            ]
        }
    )

    ags: str = Field(pattern=AGS_REGEX, description="Amtlicher Gemeindeschlüssel, 8 Ziffern", examples=["15081135"])
    status: MembershipCode
    since: datetime.date = Field(description="Tag der Änderung (höchstens zehn Jahre vor oder nach heute)")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)

    @field_validator("since")
    @classmethod
    def since_plausible(cls, value: datetime.date) -> datetime.date:
        earliest, latest = plausible_range()
        if not earliest <= value <= latest:
            raise ValueError(
                _("Das Datum muss zwischen dem %(earliest)s und dem %(latest)s liegen.")
                % {"earliest": format_day(earliest), "latest": format_day(latest)}
            )
        return value

    @field_validator("note")
    @classmethod
    def note_plain(cls, value: str) -> str:
        if not note_is_plain_text(value):
            raise ValueError(_("Die Bemerkung enthält Steuerzeichen oder ungültige Zeichen."))
        return value


class MembershipOut(Schema):
    ags: str
    status: MembershipCode
    since: datetime.date
    note: str
    created: bool = Field(description="neu erfasst (true) oder schon so erfasst (false)")


def issue(loc: list[Any], msg: str, type_: str = "value_error") -> dict:
    return {"loc": loc, "msg": msg, "type": type_}
