"""SEPA credit-transfer files (ISO 20022 pain.001.001.09) for released payouts.

Rendering is pure: it takes frozen values and returns bytes, it never queries the
database. The file is written by ``sepaxml`` (schema set explicitly) and checked
against the official XSD shipped in ``budgets/xsd/`` before anyone can download it.

Addresses are structured (StrtNm, BldgNb, PstCd, TwnNm, Ctry), as the EPC rulebook
requires from November 2025 on; unstructured address lines are never written.

The debtor (the programme office's account) comes from settings:
``SEPA_DEBTOR_NAME``, ``SEPA_DEBTOR_IBAN``, ``SEPA_DEBTOR_BIC`` and the address in
``SEPA_DEBTOR_STREET``, ``SEPA_DEBTOR_BUILDING_NUMBER``, ``SEPA_DEBTOR_POSTCODE``,
``SEPA_DEBTOR_TOWN``, ``SEPA_DEBTOR_COUNTRY``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from budgets.errors import SepaError
from core.money import money

SCHEMA = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
XSD_PATH = Path(__file__).resolve().parent / "xsd" / f"{SCHEMA}.xsd"
CURRENCY = "EUR"

# The EPC's basic Latin character set for SEPA; anything else may be refused by a bank.
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "&": "+"})


@dataclass(frozen=True)
class SepaAddress:
    town: str
    country: str = "DE"
    street: str = ""
    building_number: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class SepaDebtor:
    name: str
    iban: str
    bic: str
    address: SepaAddress


@dataclass(frozen=True)
class SepaTransferLine:
    end_to_end_id: str
    amount: Decimal
    name: str
    iban: str
    bic: str
    address: SepaAddress
    remittance: str


@dataclass(frozen=True)
class Pain001Summary:
    message_id: str
    transaction_count: int
    control_sum: Decimal
    end_to_end_ids: tuple[str, ...]
    amounts: tuple[Decimal, ...]


def sepa_text(value: str, max_length: int) -> str:
    """``value`` in the SEPA character set: umlauts spelled out (Müller → Mueller),
    other accents dropped, any other character a space, at most ``max_length`` long."""
    text = unicodedata.normalize("NFKD", (value or "").translate(_GERMAN))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(_NOT_SEPA.sub(" ", text).split())
    return text[:max_length].strip()


def sepa_has_latin(value: str, max_length: int = 70) -> bool:
    """Does ``value`` keep a Latin letter once written in the SEPA character set?

    A name of Cyrillic, Greek or Chinese letters only (or of punctuation) comes out empty
    or as bare digits: the bank cannot tell the payee, and an empty name fails the schema.
    """
    return bool(_LATIN_LETTER.search(sepa_text(value, max_length)))


def transfer_line_problems(line: SepaTransferLine) -> list[str]:
    """German reasons why ``line`` cannot go to the bank; empty when it can."""
    problems = []
    if not sepa_has_latin(line.name, 70):
        problems.append(
            _("Der Name des Zahlungsempfängers »%(name)s« enthält keine lateinischen Buchstaben.") % {"name": line.name}
        )
    if not sepa_has_latin(line.address.town, 35):
        problems.append(
            _("Der Ort des Zahlungsempfängers »%(town)s« enthält keine lateinischen Buchstaben.")
            % {"town": line.address.town}
        )
    return problems


def debtor_from_settings() -> SepaDebtor:
    def read(name: str, default: str = "") -> str:
        return str(getattr(settings, name, default) or "").strip()

    return SepaDebtor(
        name=read("SEPA_DEBTOR_NAME", "Geschäftsstelle Zukunftsraum Demografie"),
        iban="".join(read("SEPA_DEBTOR_IBAN").split()).upper(),
        bic=read("SEPA_DEBTOR_BIC").upper(),
        address=SepaAddress(
            street=read("SEPA_DEBTOR_STREET"),
            building_number=read("SEPA_DEBTOR_BUILDING_NUMBER"),
            postcode=read("SEPA_DEBTOR_POSTCODE"),
            town=read("SEPA_DEBTOR_TOWN"),
            country=read("SEPA_DEBTOR_COUNTRY", "DE").upper(),
        ),
    )


def debtor_settings_missing(debtor: SepaDebtor) -> list[str]:
    """Names of the settings without which no file may be written."""
    missing = []
    if not debtor.name:
        missing.append("SEPA_DEBTOR_NAME")
    if not debtor.iban:
        missing.append("SEPA_DEBTOR_IBAN")
    if not debtor.address.town:
        missing.append("SEPA_DEBTOR_TOWN")
    if not re.fullmatch(r"[A-Z]{2}", debtor.address.country):
        missing.append("SEPA_DEBTOR_COUNTRY")
    return missing


def cents(amount: Decimal) -> int:
    """sepaxml takes amounts as whole cents."""
    return int(money(amount) * 100)


def _address(address: SepaAddress) -> dict[str, str]:
    # Keys as sepaxml.utils.ADDRESS_MAPPING names them; empty ones are left out.
    values = {
        "street_name": sepa_text(address.street, 70),
        "building_number": sepa_text(address.building_number, 16),
        "postcode": sepa_text(address.postcode, 16),
        "town": sepa_text(address.town, 35),
        "country": address.country.upper(),
    }
    return {key: value for key, value in values.items() if value}


class _Transfer(SepaTransfer):
    """sepaxml's transfer with our batch number as message id (GrpHdr/MsgId).

    sepaxml draws a random id; the bank uses MsgId to spot a file sent twice, so it
    must be the number on record.
    """

    def __init__(self, config: dict, *, message_id: str) -> None:
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()


def render_pain001(
    *, message_id: str, execution_date: datetime.date, debtor: SepaDebtor, lines: list[SepaTransferLine]
) -> bytes:
    """The pain.001.001.09 document for ``lines``, one payment block, batch booking."""
    if not lines:
        raise SepaError(_("Eine SEPA-Datei braucht mindestens eine Überweisung."), code="empty")
    config = {
        "name": sepa_text(debtor.name, 70),
        "IBAN": debtor.iban,
        "batch": True,
        "currency": CURRENCY,
        "address": _address(debtor.address),
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    transfer = _Transfer(config, message_id=message_id)
    for line in lines:
        payment = {
            "name": sepa_text(line.name, 70),
            "IBAN": line.iban,
            "amount": cents(line.amount),
            "execution_date": execution_date,
            "description": sepa_text(line.remittance, 140),
            "endtoend_id": sepa_text(line.end_to_end_id, 35),
            "address": _address(line.address),
        }
        if line.bic:
            payment["BIC"] = line.bic
        transfer.add_payment(payment)
    # Validation is ours, against the XSD shipped with this project (see validate_pain001).
    return transfer.export(validate=False)


@functools.cache
def _xml_schema():
    # Imported here as sepaxml does: xmlschema patches ElementTree when it is imported.
    import xmlschema

    return xmlschema.XMLSchema(str(XSD_PATH))


def validate_pain001(xml: bytes) -> None:
    """Raise ``SepaError`` naming the first problems unless ``xml`` is valid against the XSD."""
    errors = [str(error.reason or error.message) for error in _xml_schema().iter_errors(xml.decode("utf-8"))]
    if errors:
        raise SepaError("; ".join(errors[:3]), code="sepa_invalid")


def pain001_summary(xml: bytes) -> Pain001Summary:
    """The figures of a pain.001 document as the bank will read them."""
    ns = {"p": NAMESPACE}
    root = ET.fromstring(xml)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    transactions = root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", ns)
    return Pain001Summary(
        message_id=header.findtext("p:MsgId", namespaces=ns),
        transaction_count=int(header.findtext("p:NbOfTxs", namespaces=ns)),
        control_sum=money(header.findtext("p:CtrlSum", namespaces=ns)),
        end_to_end_ids=tuple(tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns) for tx in transactions),
        amounts=tuple(money(tx.findtext("p:Amt/p:InstdAmt", namespaces=ns)) for tx in transactions),
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
