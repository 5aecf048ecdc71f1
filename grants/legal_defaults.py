"""Default wording of the legal text blocks a new installation (and the demo) starts with.

The office edits them per programme year; these are only the starting point. The
token ``{Behörde}`` is replaced, when a notice is issued, by the office's name and
postal address, so the Rechtsbehelfsbelehrung names the authority with its address.
"""

from __future__ import annotations

AUTHORITY_TOKEN = "{Behörde}"

REJECTION_BASIS = (
    "Auf die Gewährung einer Zuwendung besteht kein Rechtsanspruch. Über den Antrag wird auf Grundlage "
    "der §§ 23 und 44 der Bundeshaushaltsordnung (BHO), der dazu erlassenen Verwaltungsvorschriften und "
    "der Förderrichtlinie der Mikroförderung im Zukunftsraum Demografie nach pflichtgemäßem Ermessen im "
    "Rahmen der verfügbaren Haushaltsmittel entschieden."
)
REFUND_BASIS = (
    "Der Widerruf beruht auf § 49 Abs. 3 Satz 1 des Verwaltungsverfahrensgesetzes (VwVfG): Ein "
    "Verwaltungsakt, der eine Geldleistung zur Erfüllung eines bestimmten Zwecks gewährt, kann ganz oder "
    "teilweise auch mit Wirkung für die Vergangenheit widerrufen werden, wenn die Leistung nicht, nicht "
    "alsbald oder nicht mehr für den bestimmten Zweck verwendet wird oder eine Auflage nicht erfüllt wird. "
    "Die Pflicht zur Erstattung der bereits erbrachten Leistung folgt aus § 49a Abs. 1 VwVfG, die "
    "Verzinsung des Erstattungsbetrags aus § 49a Abs. 3 VwVfG."
)
REVOCATION = (
    "Dieser Bescheid ergeht unter dem Vorbehalt des Widerrufs. Er kann nach den §§ 48 und 49 VwVfG ganz "
    "oder teilweise, auch mit Wirkung für die Vergangenheit, zurückgenommen oder widerrufen werden, "
    "insbesondere wenn die Zuwendung nicht oder nicht mehr für den Zuwendungszweck verwendet wird oder "
    "Auflagen nicht erfüllt werden. Die bereits ausgezahlte Zuwendung ist dann nach § 49a Abs. 1 VwVfG zu "
    "erstatten und nach § 49a Abs. 3 VwVfG vom Eintritt der Unwirksamkeit an mit fünf Prozentpunkten über "
    "dem Basiszinssatz jährlich zu verzinsen."
)
# A federal office that is not a supreme federal authority: the preliminary proceedings
# (Widerspruch, § 68 VwGO) come before an action in court.
REMEDY = (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. "
    "Der Widerspruch ist schriftlich, elektronisch oder zur Niederschrift bei der " + AUTHORITY_TOKEN + " "
    "einzulegen."
)
DATA_PROTECTION = (
    "Ihre Angaben werden zur Bearbeitung des Antrags und zur Prüfung der Verwendung der Zuwendung "
    "verarbeitet (Art. 6 Abs. 1 Buchst. c und e DSGVO in Verbindung mit §§ 23, 44 BHO). Verantwortlich ist "
    "die " + AUTHORITY_TOKEN + ". Die Hinweise nach Art. 13 DSGVO finden Sie in der Datenschutzerklärung "
    "des Portals."
)

ENCLOSURES = (
    "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an Gebietskörperschaften und "
    "Zusammenschlüsse von Gebietskörperschaften (ANBest-Gk)\n"
    "Muster des Verwendungsnachweises (Sachbericht und zahlenmäßiger Nachweis)"
)

# kind -> (title, text) of the blocks every programme year needs so that each notice
# kind says the right thing.
DEFAULTS: dict[str, tuple[str, str]] = {
    "rejection_basis": ("Rechtsgrundlage", REJECTION_BASIS),
    "refund_basis": ("Rechtsgrundlage", REFUND_BASIS),
    "revocation": ("Widerrufsvorbehalt, Erstattung und Verzinsung", REVOCATION),
    "remedy": ("Rechtsbehelfsbelehrung", REMEDY),
    "data_protection": ("Datenschutzhinweis", DATA_PROTECTION),
    "enclosures": ("Anlagen", ENCLOSURES),
}
