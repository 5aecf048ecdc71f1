"""Bank account details: IBAN validation and the bank behind it (schwifty's registry)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import IBAN, exceptions

from grants.errors import GrantsError

# schwifty explains in English; applicants read German. Subclasses come first.
_REASONS: tuple[tuple[type[Exception], Promise], ...] = (
    (exceptions.InvalidCountryCode, gettext_lazy("Das Länderkennzeichen am Anfang ist unbekannt.")),
    (exceptions.InvalidLength, gettext_lazy("Die Länge passt nicht zum Land.")),
    (exceptions.InvalidChecksumDigits, gettext_lazy("Die Prüfziffer stimmt nicht – bitte auf Tippfehler prüfen.")),
    (exceptions.InvalidBankCode, gettext_lazy("Die Bankleitzahl ist ungültig.")),
    (exceptions.InvalidAccountCode, gettext_lazy("Die Kontonummer ist ungültig.")),
    (exceptions.InvalidBranchCode, gettext_lazy("Die Filialnummer ist ungültig.")),
    (exceptions.InvalidBBANChecksum, gettext_lazy("Die Prüfziffer der Kontonummer stimmt nicht.")),
    (exceptions.InvalidStructure, gettext_lazy("Sie enthält unzulässige Zeichen oder ist falsch aufgebaut.")),
)


@dataclass(frozen=True)
class IbanDetails:
    iban: str  # compact, upper case, no spaces: what is stored
    bic: str  # "" when the registry does not know the bank
    bank_name: str

    @property
    def formatted(self) -> str:
        """Groups of four for reading: ``DE89 3704 0044 0532 0130 00``."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


def _reason(error: Exception) -> str:
    for kind, text in _REASONS:
        if isinstance(error, kind):
            return str(text)
    return _("Sie ist falsch aufgebaut.")


def _length_reason(compact: str) -> str:
    try:
        expected = IBAN(compact, allow_invalid=True).spec.iban_length
    except (exceptions.SchwiftyException, AttributeError):
        return ""
    return _("Eine IBAN aus %(country)s hat %(expected)d Zeichen, eingegeben wurden %(given)d.") % {
        "country": compact[:2],
        "expected": expected,
        "given": len(compact),
    }


def iban_normalise(iban: str) -> str:
    """Upper case without any whitespace; what people paste often has spaces or tabs."""
    return "".join((iban or "").split()).upper()


def iban_details(*, iban: str) -> IbanDetails:
    """Validate an IBAN (country, length, check digits) and look up its bank.

    Raises ``GrantsError`` with a German message naming the reason.
    """
    compact = iban_normalise(iban)
    if not compact:
        raise GrantsError(_("Die IBAN ist ungültig: Sie ist leer."), code="iban_invalid")
    try:
        parsed = IBAN(compact)
    except exceptions.SchwiftyException as error:
        reason = _reason(error)
        if isinstance(error, exceptions.InvalidLength):
            reason = _length_reason(compact) or reason
        raise GrantsError(_("Die IBAN ist ungültig: %(reason)s") % {"reason": reason}, code="iban_invalid") from None
    # Payouts leave as SEPA credit transfers; an account outside the SEPA zone cannot receive them.
    if not getattr(parsed.spec, "in_sepa_zone", True):
        raise GrantsError(
            _("Die IBAN ist ungültig: Das Konto liegt außerhalb des SEPA-Raums; dorthin kann nicht ausgezahlt werden."),
            code="iban_not_sepa",
        )
    # The registry does not know every bank (and none outside some countries); an
    # unknown bank is no reason to refuse a valid IBAN.
    try:
        bic = parsed.bic
        bank_name = parsed.bank_name
    except exceptions.SchwiftyException:
        bic, bank_name = None, None
    return IbanDetails(iban=parsed.compact, bic=str(bic) if bic else "", bank_name=(bank_name or "")[:140])
