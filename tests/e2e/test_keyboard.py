"""Keyboard only: the skip link comes first and moves the focus to the main content; the
login and the way to "Neuer Antrag" work with Tab, Shift+Tab, Enter and Space; every link
and button on the way shows where the focus is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.clock import DEADLINE_DAY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_TABS = 40


def assert_focus_visible(focused: dict | None, where: str) -> None:
    assert focused is not None, f"{where}: nothing has the focus"
    if focused["tag"] in ("a", "button") or focused["type"] in ("checkbox", "radio", "submit"):
        assert focused["visible"], f"{where}: no visible focus on {focused}"


def tab_to(persona, predicate, where: str, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; check the focus on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        persona.page.keyboard.press(key)
        focused = persona.focused()
        assert_focus_visible(focused, where)
        if predicate(focused):
            return focused
    raise AssertionError(f"{where}: not reached with {MAX_TABS} × {key}")


def use_skip_link(persona, where: str) -> None:
    """The skip link has the focus: it is visible, and Enter puts the focus on <main>."""
    focused = persona.focused()
    assert focused is not None and "skip-link" in focused["cls"], f"{where}: focus on {focused}"
    assert focused["text"] == "Zum Inhalt springen"
    assert_focus_visible(focused, where)
    expect(persona.page.locator(".skip-link")).to_be_in_viewport()
    persona.page.keyboard.press("Enter")
    expect(persona.page.locator("main#main")).to_be_focused()


def skip_to_main(persona, where: str) -> None:
    """On a page just loaded, the first Tab reaches the skip link."""
    persona.page.keyboard.press("Tab")
    use_skip_link(persona, where)


# New drafts need a year open for applications: the seed year's last day.
@pytest.mark.now(DEADLINE_DAY)
def test_login_and_new_application_with_the_keyboard_only(e2e, applicant, gardelegen, programme_year, active_members):
    person = e2e.persona("antrag")
    page = person.page
    person.goto("/konto/anmelden/", "login")

    # The login form puts the focus on the user name (autofocus, Django's login form).
    # Backwards from there: the site name, then the skip link, then out of the page.
    expect(page.get_by_label("Benutzername")).to_be_focused()
    tab_to(person, lambda f: "skip-link" in f["cls"], "login", backwards=True)
    person.seen("login-skip-link-focused")
    page.keyboard.press("Shift+Tab")
    assert person.focused() is None, "the skip link is not the first focusable element"
    page.keyboard.press("Tab")
    use_skip_link(person, "login")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Benutzername")).to_be_focused()
    page.keyboard.type("antrag")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort", exact=True)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Benutzername")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    tab_to(person, lambda f: f["tag"] == "button" and f["text"] == "Anmelden", "login")
    person.seen("login-button-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Meine Anträge", level=1)).to_be_visible()
    person.seen("home")

    # From the top of the page through header, navigation and content to "Neuer Antrag".
    focused = tab_to(person, lambda f: "skip-link" in f["cls"], "home")
    assert focused["text"] == "Zum Inhalt springen"
    tab_to(person, lambda f: f["tag"] == "a" and f["text"] == "Neuer Antrag", "home")
    person.seen("new-application-link-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Neuer Antrag", level=1)).to_be_visible()
    person.seen("new-application")

    # On the form: skip link, first field, and a checkbox ticked with Space.
    skip_to_main(person, "new application")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Titel des Vorhabens")).to_be_focused()
    page.keyboard.type("Werkstatt mit der Tastatur")
    tab_to(person, lambda f: f["id"] == "id_declaration_no_early_start", "new application")
    page.keyboard.press("Space")
    expect(page.locator("#id_declaration_no_early_start")).to_be_checked()
    tab_to(person, lambda f: f["tag"] == "button" and f["text"] == "Entwurf speichern", "new application")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#id_declaration_no_double_funding")).to_be_focused()
    person.seen("new-application-keyboard")

    e2e.assert_accessible()
