"""The legal pages: seeded, public, versioned, edited only through ``legal_page_update``,
and shown escaped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.changes import change_history
from core.errors import LegalPageRefused
from core.legal import legal_page, legal_page_update, legal_page_version, privacy_version
from core.models import ChangeRecord, LegalPage, LegalPageVersion

pytestmark = pytest.mark.django_db

PUBLIC = {"legal_privacy": "privacy", "legal_imprint": "imprint", "legal_accessibility": "accessibility"}


def test_the_migrations_seed_three_pages_in_version_one_with_their_placeholders():
    pages = {page.kind: page for page in LegalPage.objects.all()}
    assert set(pages) == {"privacy", "imprint", "accessibility"}
    for page in pages.values():
        assert page.version == 1
        assert "[bitte ergänzen]" in page.text
        assert list(page.versions.values_list("version", "text")) == [(1, page.text)]
    privacy = pages["privacy"].text
    for needle in ("Art. 6 Abs. 1 lit. e und lit. c DSGVO", "Art. 15", "Art. 21", "Art. 77", "Bundesministerium",
                   "Antragsbearbeitung", "Förderverwaltung", "Speicherdauer", "Cookies"):  # fmt: skip
        assert needle in privacy
    assert "§ 5 Digitale-Dienste-Gesetz" in pages["imprint"].text
    accessibility = pages["accessibility"].text
    assert "§ 16 BGG" in accessibility
    assert "https://www.schlichtungsstelle-bgg.de" in accessibility
    assert "Feedback" in accessibility
    assert privacy_version() == 1


def test_an_edit_bumps_the_version_keeps_the_old_one_and_is_recorded(admin_user):
    before = legal_page(kind="imprint")

    page = legal_page_update(
        kind="imprint",
        title=" Impressum  der Geschäftsstelle ",
        text="Zeile eins\r\n\r\nZeile zwei\r\n",
        actor=admin_user,
    )

    page.refresh_from_db()
    assert (page.version, page.title, page.text) == (2, "Impressum der Geschäftsstelle", "Zeile eins\n\nZeile zwei")
    assert page.updated_by == admin_user
    old = legal_page_version(kind="imprint", version=1)
    assert (old.title, old.text) == (before.title, before.text)
    new = legal_page_version(kind="imprint", version=2)
    assert (new.title, new.text, new.by, new.at) == (page.title, page.text, admin_user, page.updated_at)
    [record] = change_history(subject=page)
    assert record.actor == admin_user
    assert record.action == "core.legal_page.updated"
    assert record.changes == {
        "version": [1, 2],
        "title": ["Impressum", "Impressum der Geschäftsstelle"],
        "text": "geändert",
    }


def test_the_privacy_version_follows_edits_and_an_old_version_shows_what_was_agreed_to(admin_user):
    agreed = privacy_version()
    original = legal_page(kind="privacy").text
    legal_page_update(kind="privacy", title="Datenschutzerklärung", text="Neu gefasst.", actor=admin_user)
    legal_page_update(kind="privacy", title="Datenschutzerklärung", text="Noch einmal neu.", actor=admin_user)

    assert privacy_version() == agreed + 2
    assert legal_page_version(kind="privacy", version=agreed).text == original
    assert LegalPageVersion.objects.filter(page__kind="privacy").count() == 3


@pytest.mark.parametrize(
    ("title", "text", "field"),
    [
        ("", "Text", "title"),
        ("   ", "Text", "title"),
        ("Titel", "", "text"),
        ("Titel", " \r\n\t ", "text"),
        ("x" * 201, "Text", "title"),
        ("Titel", "a\x00b", None),
    ],
)
def test_empty_or_bad_input_is_refused_in_german_and_nothing_is_saved(admin_user, title, text, field):
    with pytest.raises(LegalPageRefused) as refused:
        legal_page_update(kind="imprint", title=title, text=text, actor=admin_user)
    assert field in refused.value.problems
    assert refused.value.problems[field].startswith(("Bitte", "Die", "Der"))
    assert legal_page(kind="imprint").version == 1
    assert LegalPageVersion.objects.filter(page__kind="imprint").count() == 1
    assert not ChangeRecord.objects.exists()


def test_an_unchanged_save_and_a_save_over_a_newer_version_are_refused(admin_user):
    page = legal_page(kind="imprint")
    with pytest.raises(LegalPageRefused) as unchanged:
        legal_page_update(kind="imprint", title=page.title, text=page.text + "\r\n", actor=admin_user)
    assert unchanged.value.code == "unchanged"
    legal_page_update(kind="imprint", title=page.title, text="Neu.", actor=admin_user, expected_version=1)
    with pytest.raises(LegalPageRefused) as stale:
        legal_page_update(kind="imprint", title=page.title, text="Anders.", actor=admin_user, expected_version=1)
    assert stale.value.code == "stale"
    assert "Fassung 2" in stale.value.message
    assert legal_page(kind="imprint").text == "Neu."
    with pytest.raises(LegalPageRefused):
        legal_page_update(kind="unbekannt", title="T", text="T", actor=admin_user)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_the_public_pages_open_without_login_with_date_and_version(name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    content = response.content.decode()
    page = legal_page(kind=PUBLIC[name])
    assert f">{page.title}</h1>" in content
    assert f"Stand: {page.updated_at:%d.%m.%Y} · Fassung 1" in content


def test_the_login_page_links_the_three_legal_pages_in_its_footer(client):
    content = client.get(reverse("login")).content.decode()
    footer = content[content.index('<footer class="site-footer">') :]
    for name, label in (("legal_imprint", "Impressum"), ("legal_privacy", "Datenschutz"),
                        ("legal_accessibility", "Barrierefreiheit")):  # fmt: skip
        assert f'href="{reverse(name)}">{label}</a>' in footer


def test_office_pages_link_them_too_and_administrators_find_the_edit_list(client_for, admin_user, clerk):
    content = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert f'href="{reverse("legal_imprint")}"' in content
    assert reverse("legal_edit_list") not in content
    content = client_for(admin_user).get(reverse("base_rate_list")).content.decode()
    assert f'href="{reverse("legal_edit_list")}">Rechtstexte</a>' in content


def test_html_in_a_text_is_shown_as_text_and_addresses_become_links(admin_user):
    legal_page_update(
        kind="imprint",
        title="Impressum <b>fett</b>",
        text='<script>alert(1)</script>\n\n<a href="javascript:alert(2)">klick</a> javascript:alert(3)\n\n'
        "Mehr unter https://www.schlichtungsstelle-bgg.de und info@example.org",
        actor=admin_user,
    )
    content = Client().get(reverse("legal_imprint")).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert 'href="javascript:' not in content
    assert "&lt;a href=&quot;javascript:alert(2)&quot;&gt;klick&lt;/a&gt;" in content
    assert "Impressum &lt;b&gt;fett&lt;/b&gt;</h1>" in content
    assert '<a href="https://www.schlichtungsstelle-bgg.de" rel="nofollow">' in content
    assert '<a href="mailto:info@example.org">info@example.org</a>' in content
    assert content.count("<p>") >= 3


# --- the edit pages --------------------------------------------------------------------------


def test_an_administrator_edits_through_the_form_and_sees_the_history(client_for, admin_user):
    client = client_for(admin_user)
    url = reverse("legal_edit", kwargs={"kind": "accessibility"})
    page = client.get(url).content.decode()
    assert 'name="version" value="1"' in page
    assert "Vorlage" in page

    response = client.post(url, {"title": "Barrierefreiheit", "text": "Neuer Text.", "version": "1"})

    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "ist als Fassung 2 gespeichert" in page
    assert 'name="version" value="2"' in page
    assert "Fassung 2 lesen" in page and "Fassung 1 lesen" in page
    assert admin_user.username in page
    public = Client().get(reverse("legal_accessibility")).content.decode()
    assert "<p>Neuer Text.</p>" in public
    assert "Fassung 2" in public


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(client_for, admin_user):
    client = client_for(admin_user)
    url = reverse("legal_edit", kwargs={"kind": "privacy"})

    response = client.post(url, {"title": "", "text": "Mein <em>getippter</em> Text", "version": "1"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Bitte geben Sie eine Überschrift an." in content
    assert "Mein &lt;em&gt;getippter&lt;/em&gt; Text</textarea>" in content
    assert "<title>Fehler: Datenschutzerklärung bearbeiten" in content
    assert privacy_version() == 1

    stale = client.post(url, {"title": "Datenschutz", "text": "Anders", "version": "7"})
    assert "Jemand anderes hat diesen Text inzwischen gespeichert" in stale.content.decode()
    assert privacy_version() == 1


def test_an_unknown_kind_is_404(client_for, admin_user):
    assert client_for(admin_user).get(reverse("legal_edit", kwargs={"kind": "agb"})).status_code == 404


@pytest.mark.parametrize("role", ["clerk", "approver", "controller", "applicant"])
def test_nobody_else_saves_a_legal_page(request, role):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    url = reverse("legal_edit", kwargs={"kind": "imprint"})

    response = client.post(url, {"title": "Übernommen", "text": "Übernommen", "version": "1"})

    assert response.status_code == 403
    assert legal_page(kind="imprint").version == 1
    assert not ChangeRecord.objects.exists()
    assert LegalPageVersion.objects.count() == 3


def test_an_anonymous_post_goes_to_the_login_and_saves_nothing():
    url = reverse("legal_edit", kwargs={"kind": "imprint"})
    response = Client().post(url, {"title": "Übernommen", "text": "Übernommen", "version": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert legal_page(kind="imprint").version == 1


def test_only_the_service_writes_pages_and_versions():
    from tests.test_layers import _creates

    assert _creates("LegalPageVersion") == ["core.legal"]
    assert _creates("LegalPage") == []
