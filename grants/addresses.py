"""The municipality's postal address: where notices go, and what is missing for that."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import change_record
from grants.errors import GrantsError
from grants.models import Municipality, MunicipalityAddress

ADDRESS_FIELDS = ("recipient", "street", "house_number", "po_box", "postcode", "town", "email", "phone")
_POSTCODE = re.compile(r"^[0-9]{5}$")
# Digits, spaces, +, /, -, ( and ): how German office numbers are written.
_PHONE = re.compile(r"^[0-9+()/\- ]{3,40}$")


def address_of(*, municipality: Municipality) -> MunicipalityAddress | None:
    try:
        return municipality.address
    except MunicipalityAddress.DoesNotExist:
        return None


def address_missing(*, address: MunicipalityAddress | None) -> list[str]:
    """What a letter to this address still lacks, in words for the reader; empty when deliverable."""
    if address is None:
        return [_("Straße und Hausnummer oder Postfach"), _("Postleitzahl"), _("Ort")]
    missing = []
    if not address.po_box and not (address.street and address.house_number):
        missing.append(_("Straße und Hausnummer oder Postfach"))
    if not _POSTCODE.match(address.postcode or ""):
        missing.append(_("Postleitzahl"))
    if not address.town:
        missing.append(_("Ort"))
    return missing


def address_lines(*, address: MunicipalityAddress) -> list[str]:
    """The street or PO box line and the town line, as DIN 5008 prints them."""
    if address.po_box:
        first = _("Postfach %(number)s") % {"number": address.po_box}
    else:
        first = f"{address.street} {address.house_number}"
    return [first, f"{address.postcode} {address.town}"]


def _clean(value: str, *, limit: int) -> str:
    # One line each: a line break would add a line to the window envelope's address field.
    text = " ".join((value or "").split())
    if any(ord(char) < 32 for char in text):
        raise GrantsError(_("Die Anschrift darf keine Steuerzeichen enthalten."), code="invalid")
    return text[:limit]


def municipality_address_update(
    *,
    municipality: Municipality,
    actor: AbstractUser,
    recipient: str = "",
    street: str = "",
    house_number: str = "",
    po_box: str = "",
    postcode: str = "",
    town: str = "",
    email: str = "",
    phone: str = "",
) -> MunicipalityAddress:
    """Save the address and record what changed (before and after).

    Refuses an address a letter could not reach: street with house number or a PO box,
    a five-digit postcode and the town are required.
    """
    limits = {
        field.name: field.max_length for field in MunicipalityAddress._meta.fields if field.name in ADDRESS_FIELDS
    }
    values = {
        "recipient": recipient,
        "street": street,
        "house_number": house_number,
        "po_box": po_box,
        "postcode": postcode,
        "town": town,
        "email": email,
        "phone": phone,
    }
    values["po_box"] = " ".join((po_box or "").split()).removeprefix("Postfach").strip()
    values = {name: _clean(value, limit=limits[name]) for name, value in values.items()}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise GrantsError(_("Bitte geben Sie eine gültige E-Mail-Adresse an."), code="invalid_email") from None
    if values["phone"] and not _PHONE.match(values["phone"]):
        raise GrantsError(
            _("Die Telefonnummer darf nur Ziffern, Leerzeichen und + / - ( ) enthalten."), code="invalid_phone"
        )
    with transaction.atomic():
        address, _created = MunicipalityAddress.objects.select_for_update().get_or_create(municipality=municipality)
        before = {name: getattr(address, name) for name in ADDRESS_FIELDS}
        for name, value in values.items():
            setattr(address, name, value)
        missing = address_missing(address=address)
        if missing:
            raise GrantsError(
                _("Für eine zustellbare Anschrift fehlt noch: %(missing)s.") % {"missing": ", ".join(missing)},
                code="address_incomplete",
            )
        changes = {name: (before[name], values[name]) for name in ADDRESS_FIELDS if before[name] != values[name]}
        if changes:
            address.save()
            change_record(
                actor=actor, subject=municipality, action="grants.municipality.address_changed", changes=changes
            )
    return address
