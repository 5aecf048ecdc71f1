"""The three legal pages with German default texts of the programme office, version 1.

The texts are copied here (not imported) so that the migration seeds the same text
however the code changes later. Everything the office has to fill in is marked
"[bitte ergänzen]"; administrators edit the pages under /verwaltung/rechtstexte/.
"""

from django.db import migrations

PRIVACY = """\
1. Verantwortliche Stelle
Verantwortlich für die Verarbeitung personenbezogener Daten in diesem Förderportal ist die Geschäftsstelle Zukunftsraum Demografie, Träger: [bitte ergänzen], Anschrift: [bitte ergänzen], E-Mail: [bitte ergänzen], Telefon: [bitte ergänzen].

2. Datenschutzbeauftragte Person
Sie erreichen die oder den Datenschutzbeauftragten unter: [bitte ergänzen: Name oder Funktion, Anschrift, E-Mail].

3. Welche Daten wir verarbeiten
Namen und dienstliche Kontaktdaten der Beschäftigten der Kommunen, die das Portal nutzen (Benutzername, E-Mail-Adresse, Telefonnummer), die Kommune, für die sie handeln, die Angaben in Anträgen, Mittelabrufen und Verwendungsnachweisen einschließlich hochgeladener Unterlagen und der Bankverbindung der Kommune, die Bescheide und Schreiben der Geschäftsstelle sowie ein Protokoll der Bearbeitungsschritte (wer hat wann was getan). Von den Beschäftigten der Geschäftsstelle verarbeiten wir Namen, dienstliche Kontaktdaten und ihre Bearbeitungsschritte.

4. Zwecke
Wir verarbeiten diese Daten zur Antragsbearbeitung (Prüfung der Fördervoraussetzungen, Rückfragen, Entscheidung, Bescheide) und zur Förderverwaltung (Auszahlung, Prüfung der Verwendungsnachweise, Rückforderungen, Haushaltsüberwachung und Berichte an den Zuwendungsgeber), außerdem zur Anmeldung am Portal und zu seiner sicheren Bereitstellung.

5. Rechtsgrundlagen
Die Verarbeitung ist für die Wahrnehmung einer Aufgabe erforderlich, die im öffentlichen Interesse liegt, und zur Erfüllung rechtlicher Pflichten, insbesondere aus dem Haushalts- und Zuwendungsrecht (Art. 6 Abs. 1 lit. e und lit. c DSGVO in Verbindung mit [bitte ergänzen: z. B. §§ 23, 44 BHO, Förderrichtlinie, § 3 BDSG]).

6. Empfänger
Personenbezogene Daten erhalten innerhalb der Geschäftsstelle nur die Beschäftigten, die sie für ihre Aufgabe brauchen. Das Bundesministerium [bitte ergänzen] als Zuwendungsgeber erhält Berichte über die Verwendung der Fördermittel und im Einzelfall die Förderakte; Prüfrechte haben außerdem der Bundesrechnungshof und die vom Zuwendungsgeber beauftragten Stellen. Zahlungen laufen über das Kreditinstitut der Geschäftsstelle. Der Betrieb des Portals ist beauftragt an: [bitte ergänzen: technischer Dienstleister, Auftragsverarbeitung nach Art. 28 DSGVO]. Eine Übermittlung in Staaten außerhalb der Europäischen Union findet nicht statt.

7. Speicherdauer
Förderakten bewahren wir nach den haushaltsrechtlichen Fristen auf: [bitte ergänzen: z. B. zehn Jahre nach Abschluss der Prüfung des Verwendungsnachweises]. Benutzerkonten werden gelöscht, wenn sie nicht mehr gebraucht werden, Angaben in Förderakten bleiben bis zum Ende der Aufbewahrungsfrist erhalten. Protokolle des Webservers werden nach [bitte ergänzen] Tagen gelöscht.

8. Ihre Rechte
Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16 DSGVO), Löschung (Art. 17 DSGVO), Einschränkung der Verarbeitung (Art. 18 DSGVO) und, soweit anwendbar, Datenübertragbarkeit (Art. 20 DSGVO). Sie können der Verarbeitung aus Gründen, die sich aus Ihrer besonderen Situation ergeben, widersprechen (Art. 21 DSGVO). Über die Berichtigung, Löschung oder Einschränkung unterrichten wir die Empfänger (Art. 19 DSGVO). Wenden Sie sich dazu an die verantwortliche Stelle oder die datenschutzbeauftragte Person.

9. Beschwerderecht
Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO). Zuständig für die Geschäftsstelle ist: [bitte ergänzen: Aufsichtsbehörde, Anschrift, Internetseite].

10. Cookies
Das Portal setzt nur technisch notwendige Cookies: ein Sitzungs-Cookie, das Sie nach der Anmeldung angemeldet hält und mit dem Abmelden oder Schließen des Browsers endet, ein Cookie zum Schutz der Formulare vor gefälschten Anfragen (CSRF) und, wenn Sie eine Sprache wählen, ein Cookie, das diese Wahl speichert. Rechtsgrundlage ist § 25 Abs. 2 Nr. 2 TDDDG. Es gibt keine Analyse- oder Werbe-Cookies, keine Dienste Dritter und kein Tracking.

Stand dieser Erklärung: [bitte ergänzen]
"""

IMPRINT = """\
Angaben nach § 5 Digitale-Dienste-Gesetz (DDG)

Geschäftsstelle Zukunftsraum Demografie
Träger: [bitte ergänzen]
Anschrift: [bitte ergänzen: Straße, Hausnummer, Postleitzahl, Ort]

Vertreten durch: [bitte ergänzen: vertretungsberechtigte Person und Funktion]

Kontakt
Telefon: [bitte ergänzen]
E-Mail: [bitte ergänzen]

Register und Umsatzsteuer: [bitte ergänzen, soweit vorhanden: Registergericht und Registernummer, Umsatzsteuer-Identifikationsnummer nach § 27a UStG]

Zuständige Aufsichtsbehörde: [bitte ergänzen, soweit vorhanden]

Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag (MStV): [bitte ergänzen: Name und Anschrift]

Die Gemeindedaten stammen vom Statistischen Bundesamt (Destatis), Gemeindeverzeichnis, Datenlizenz Deutschland – Namensnennung – 2.0.
"""

ACCESSIBILITY = """\
Die Geschäftsstelle Zukunftsraum Demografie ist bemüht, ihr Förderportal im Einklang mit § 12a des Behindertengleichstellungsgesetzes (BGG) und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Diese Erklärung zur Barrierefreiheit nach § 12b BGG und § 7 BITV 2.0 gilt für das Förderportal der Mikroförderung.

Stand der Vereinbarkeit mit den Anforderungen
Das Portal ist mit den Anforderungen der BITV 2.0 teilweise vereinbar [bitte prüfen]. Es beruht auf dem Designsystem KERN der öffentlichen Verwaltung; jede Seite wird bei jeder Änderung automatisch mit axe-core auf die Anforderungen der WCAG 2.1 (Stufen A und AA) geprüft und ist mit der Tastatur bedienbar.

Nicht barrierefreie Inhalte
Die als PDF erzeugten Bescheide und Schreiben sind noch nicht vollständig barrierefrei (keine getaggte PDF-Struktur). Ihr Inhalt steht auf Wunsch in einer anderen Form zur Verfügung; wenden Sie sich dazu an die unten genannten Kontakte.
Erläuterungen in Leichter Sprache und in Deutscher Gebärdensprache (§ 4 BITV 2.0) fehlen noch [bitte ergänzen].

Erstellung dieser Erklärung
Diese Erklärung wurde am [bitte ergänzen] erstellt. Sie beruht auf einer Selbstbewertung und den automatischen Prüfungen. Zuletzt überprüft am: [bitte ergänzen].

Barrieren melden: Kontakt zu den Feedback-Ansprechpartnern
Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder brauchen Sie Inhalte in einer anderen Form? Schreiben Sie uns oder rufen Sie uns an:
Geschäftsstelle Zukunftsraum Demografie
E-Mail: [bitte ergänzen]
Telefon: [bitte ergänzen]
Anschrift: [bitte ergänzen]

Schlichtungsverfahren
Wenn Sie auf Ihre Mitteilung keine zufriedenstellende Antwort erhalten, können Sie bei der Schlichtungsstelle nach § 16 BGG einen Antrag auf ein Schlichtungsverfahren stellen. Die Schlichtungsstelle BGG hat die Aufgabe, Streitigkeiten zwischen Menschen mit Behinderungen und öffentlichen Stellen des Bundes zum Thema Barrierefreiheit außergerichtlich beizulegen. Das Schlichtungsverfahren ist kostenlos; Sie brauchen keinen Rechtsbeistand.

Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen
Mauerstraße 53, 10117 Berlin
Telefon: 030 18 527-2805
E-Mail: info@schlichtungsstelle-bgg.de
Internet: https://www.schlichtungsstelle-bgg.de
"""

PAGES = [
    ("privacy", "Datenschutzerklärung", PRIVACY),
    ("imprint", "Impressum", IMPRINT),
    ("accessibility", "Erklärung zur Barrierefreiheit", ACCESSIBILITY),
]


def seed(apps, schema_editor):
    LegalPage = apps.get_model("core", "LegalPage")
    LegalPageVersion = apps.get_model("core", "LegalPageVersion")
    for kind, title, text in PAGES:
        if LegalPage.objects.filter(kind=kind).exists():
            continue
        page = LegalPage.objects.create(kind=kind, title=title, text=text.strip(), version=1)
        LegalPageVersion.objects.create(page=page, version=1, title=title, text=page.text, at=page.updated_at)


def unseed(apps, schema_editor):
    LegalPage = apps.get_model("core", "LegalPage")
    LegalPageVersion = apps.get_model("core", "LegalPageVersion")
    LegalPageVersion.objects.filter(page__kind__in=[kind for kind, _title, _text in PAGES]).delete()
    LegalPage.objects.filter(kind__in=[kind for kind, _title, _text in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_legal_pages")]

    operations = [migrations.RunPython(seed, unseed)]
