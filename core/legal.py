"""The legal pages (Datenschutzerklärung, Impressum, Erklärung zur Barrierefreiheit):
selectors to read them and the one service that changes them.

Every saved version stays as a ``LegalPageVersion``; ``privacy_version()`` is the
number a consent records, ``legal_page_version()`` shows later what it was.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import change_record
from core.errors import LegalPageRefused
from core.models import LegalPage, LegalPageVersion

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 100_000


def legal_page(*, kind: str) -> LegalPage:
    """The current version of one page; ``LegalPage.DoesNotExist`` for an unknown kind
    (the migrations seed all three)."""
    return LegalPage.objects.select_related("updated_by").get(kind=kind)


def legal_pages() -> list[LegalPage]:
    """All pages in the order of ``LegalPage.Kind``."""
    order = [kind.value for kind in LegalPage.Kind]
    return sorted(LegalPage.objects.select_related("updated_by"), key=lambda page: order.index(page.kind))


def privacy_version() -> int:
    """The current version of the Datenschutzerklärung, as a consent records it."""
    return LegalPage.objects.values_list("version", flat=True).get(kind=LegalPage.Kind.PRIVACY)


def legal_page_version(*, kind: str, version: int) -> LegalPageVersion:
    """What a page said in ``version`` (``LegalPageVersion.DoesNotExist`` if never saved)."""
    return LegalPageVersion.objects.select_related("by").get(page__kind=kind, version=version)


def legal_page_versions(*, page: LegalPage):
    """Every saved version of ``page``, the newest first."""
    return page.versions.select_related("by").order_by("-version")


def normalized_text(text: str) -> str:
    """Line ends as a browser sends them (CR LF) become LF; no trailing blanks at the ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def legal_page_update(*, kind: str, title: str, text: str, actor, expected_version: int | None = None) -> LegalPage:
    """Save a new version of a page: version + 1, a ``LegalPageVersion`` and a change record.

    ``expected_version`` is the version the editor started from: when somebody else saved
    in between, the edit is refused instead of silently overwriting theirs.
    """
    title = " ".join(title.split())
    text = normalized_text(text)
    problems: dict[str | None, str] = {}
    if not title:
        problems["title"] = _("Bitte geben Sie eine Überschrift an.")
    elif len(title) > TITLE_MAX_LENGTH:
        problems["title"] = _("Die Überschrift ist zu lang (höchstens %(limit)d Zeichen).") % {
            "limit": TITLE_MAX_LENGTH
        }
    if not text:
        problems["text"] = _("Bitte geben Sie den Text der Seite an.")
    elif len(text) > TEXT_MAX_LENGTH:
        problems["text"] = _("Der Text ist zu lang (höchstens %(limit)d Zeichen).") % {"limit": TEXT_MAX_LENGTH}
    if "\x00" in title or "\x00" in text:
        problems[None] = _("Der Text enthält ein unzulässiges Steuerzeichen.")
    if problems:
        raise LegalPageRefused(problems)
    with transaction.atomic():
        try:
            page = LegalPage.objects.select_for_update().get(kind=kind)
        except LegalPage.DoesNotExist:
            raise LegalPageRefused({None: _("Diesen Rechtstext gibt es nicht.")}, code="unknown_kind") from None
        if expected_version is not None and expected_version != page.version:
            raise LegalPageRefused(
                {
                    None: _(
                        "Jemand anderes hat diesen Text inzwischen gespeichert (jetzt Fassung %(version)d). "
                        "Bitte laden Sie die Seite neu und übernehmen Sie Ihre Änderungen in die neue Fassung."
                    )
                    % {"version": page.version}
                },
                code="stale",
            )
        if title == page.title and text == page.text:
            raise LegalPageRefused(
                {None: _("Überschrift und Text sind unverändert; es wurde keine neue Fassung gespeichert.")},
                code="unchanged",
            )
        changes = {"version": (page.version, page.version + 1)}
        if title != page.title:
            changes["title"] = (page.title, title)
        if text != page.text:
            changes["text"] = "geändert"  # the record stays German
        page.title = title
        page.text = text
        page.version += 1
        page.updated_at = timezone.now()
        page.updated_by = actor
        page.save(update_fields=["title", "text", "version", "updated_at", "updated_by"])
        LegalPageVersion.objects.create(
            page=page, version=page.version, title=title, text=text, at=page.updated_at, by=actor
        )
        change_record(actor=actor, subject=page, action="core.legal_page.updated", changes=changes)
    return page
