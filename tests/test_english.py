"""The English catalogue: English after an explicit choice, German otherwise, and complete.

The msgids are German. ``locale/en/LC_MESSAGES/django.po`` holds the English texts
and the compiled ``django.mo`` beside it is committed: a string that someone adds
later has to be translated (no empty or fuzzy entry) and the catalogue recompiled.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdif]|%%|\{\{[^}]*\}\}|<[^>]+>")


def choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


# --- pages ------------------------------------------------------------------------------


def test_login_page_is_english_once_english_is_chosen(client, db):
    choose_english(client)
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="en"' in content
    assert '<h1 class="kern-heading-large">Log in</h1>' in content
    assert "Forgotten your password?" in content
    assert "Email address or user name" in content
    assert "Anmelden" not in content
    assert "Passwort vergessen?" not in content


def test_every_page_offers_the_language_switch_and_it_comes_back_to_the_page(client_for, clerk, client, db):
    login = client.get(reverse("login")).content.decode()
    assert 'name="language" value="de" lang="de"' in login
    assert 'name="language" value="en" lang="en"' in login
    office = client_for(clerk)
    queue = reverse("office_queue")
    page = office.get(queue).content.decode()
    assert f'<input type="hidden" name="next" value="{queue}">' in page

    response = office.post(reverse("set_language"), {"language": "en", "next": queue})

    assert response.status_code == 302
    assert response["Location"] == queue
    assert '<html lang="en"' in office.get(queue).content.decode()


def test_login_page_stays_german_without_the_choice(client, db):
    # An English browser alone does not switch the language (core.middleware).
    content = client.get(reverse("login"), headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert '<html lang="de"' in content
    assert '<h1 class="kern-heading-large">Anmelden</h1>' in content
    assert "Passwort vergessen?" in content
    assert "Forgotten your password?" not in content


def test_applicant_start_page_is_english_once_english_is_chosen(client_for, applicant, programme_year):
    client = client_for(applicant)
    choose_english(client)
    content = client.get(reverse("applicant_home")).content.decode()
    assert '<html lang="en"' in content
    assert '<h1 class="kern-heading-large">My applications</h1>' in content
    assert "Funding programme 2026" in content
    assert "Meine Anträge" not in content


def test_the_queues_filter_hint_follows_the_readers_language(client_for, clerk):
    """Texts with a figure in them are put together when shown, not once at start-up."""
    client = client_for(clerk)
    german = client.get(reverse("office_queue")).content.decode()
    assert "Eingereicht vor mehr als 14 Tagen und noch ohne Empfehlung." in german
    choose_english(client)
    english = client.get(reverse("office_queue")).content.decode()
    assert "Submitted more than 14 days ago and still without a recommendation." in english
    assert "Eingereicht vor mehr als" not in english


def test_dates_and_amounts_follow_the_page_language(client_for, approved, approver):
    """German pages: 24.11.2026 and 2.550,00 €; English pages: 24 Nov 2026 and €2,550.00."""
    client = client_for(approver)
    url = reverse("office_decision", kwargs={"pk": approved.pk})
    decided = timezone.localtime(approved.decided_at)
    german = client.get(url).content.decode()
    assert "2.550,00\u00a0€" in german
    assert f"{decided:%d.%m.%Y}" in german
    choose_english(client)
    english = client.get(url).content.decode()
    assert "€2,550.00" in english
    assert f"{decided.day} {decided:%b %Y}" in english


def test_no_page_template_spells_out_the_german_date_format():
    # Pages show dates through the language's formats (SHORT_DATE_FORMAT, config/formats);
    # only the text e-mails, which go out in one language each, may name a format.
    spelled = re.compile(r"""date:["'][^"']*[dmY]\.[dmY]""")
    pages = [
        path
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        if spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert pages == []


def test_applicant_start_page_stays_german_without_the_choice(client_for, applicant, programme_year):
    content = client_for(applicant).get(reverse("applicant_home")).content.decode()
    assert '<html lang="de"' in content
    assert '<h1 class="kern-heading-large">Meine Anträge</h1>' in content
    assert "Förderprogramm 2026" in content
    assert "My applications" not in content


# --- the catalogue ----------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    def __str__(self):
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader (the project has no polib): flags, msgctxt, plurals, obsolete."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish():
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without a keyword"
            rest = line
        else:
            match = re.fullmatch(r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[(\d+)\])?", keyword)
            assert match, f"{path}:{number}: unknown line {raw!r}"
            target = (match[1], int(match[2]) if match[2] is not None else None)
            if target[0] == "msgstr":
                entry.msgstr.setdefault(target[1] or 0, "")
            elif target[0] == "msgctxt":
                entry.msgctxt = ""
            elif target[0] == "msgid_plural":
                entry.msgid_plural = ""
        text = ast.literal_eval(rest)
        name, index = target
        if name == "msgstr":
            entry.msgstr[index or 0] += text
        else:
            setattr(entry, name, getattr(entry, name) + text)
    finish()
    return entries


@pytest.fixture(scope="module")
def entries():
    return [entry for entry in parse_po(CATALOGUE / "django.po") if not entry.obsolete]


def test_catalogue_has_a_proper_header(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_catalogue_is_complete(entries):
    messages = entries[1:]
    assert len(messages) > 1000, "the German msgids were not extracted"
    fuzzy = [str(entry) for entry in messages if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    empty = []
    for entry in messages:
        expected = 2 if entry.msgid_plural is not None else 1
        texts = [entry.msgstr.get(index, "") for index in range(expected)]
        if not all(text.strip() for text in texts):
            empty.append(str(entry))
    assert not empty, f"untranslated entries: {empty}"


def test_translations_keep_every_placeholder(entries):
    broken = []
    for entry in entries[1:]:
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, source in enumerate(sources):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(entry.msgstr.get(index, ""))):
                broken.append(str(entry))
    assert not broken, f"placeholders or markup differ: {broken}"


def test_compiled_catalogue_matches_the_po_file(entries):
    """django.mo is committed: it must have been compiled from the current django.po."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in entries[1:]:
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalogue.gettext(msgid) != entry.msgstr[0]:
                stale.append(str(entry))
        elif entry.msgctxt is None and (
            catalogue.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstr[0]
            or catalogue.ngettext(entry.msgid, entry.msgid_plural, 2) != entry.msgstr[1]
        ):
            stale.append(str(entry))
    assert not stale, f"run compilemessages -l en; stale in django.mo: {stale}"


def test_records_stay_german_when_an_english_user_acts(applicant, gardelegen, programme_year, active_members):
    """Audit comments and eligibility reasons are part of the file: always German."""
    from django.utils import translation

    from tests import factories
    from workflows.applications import services

    with translation.override("en"):
        application = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
        services.application_submit(user=applicant, application_id=application.pk)
    deadline = application.eligibility_results.get(current=True, rule="deadline")
    assert "nach der Antragsfrist" in deadline.message
    review = application.audit_records.get(action="grants.application.review_started")
    assert review.comment == "Automatische Förderprüfung durchgeführt."
