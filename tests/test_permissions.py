"""Every named URL of the site × every role: who gets the page, who is sent to the
login, who is refused (403) and for whom the object does not exist (404).

The world: applications of Gardelegen in every state a page needs (a draft, one in
review, one recommended, one approved with an attachment, a paid and an open payout,
an invoice file, the proof of use, an issued and rendered notice), a booked SEPA
batch and a finished annual report. The applicant of Gardelegen owns them; the
applicant of Bindlach must get 404 for each of them, as if they did not exist.

``TABLE`` has one row per URL name. ``test_every_url_has_a_row`` fails when a URL is
added without a row (or a row names a URL that is gone), so a new screen cannot ship
without deciding who may see it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from api.services import api_client_create
from budgets.models import InvoiceFile, Payout, SepaBatch
from grants.models import Application, Attachment, ProgrammeYear, ProofOfUse
from reports.models import Notice, ReportExport
from reports.requests import report_export_request
from reports.services import notice_render, report_export_run
from tests import factories
from tests.builders import invoice, open_payout_window, pdf, released
from tests.builders import request as payout_request
from workflows.applications import services
from workflows.applications.flows import open_task_for
from workflows.common.attachments import attachment_add
from workflows.common.notices import notice_issue
from workflows.management.commands.demo_setup import programme_year_ensure
from workflows.payouts import sepa

LOGIN_PATH = "/konto/anmelden/"
ROLES = ["anonymous", "applicant", "foreign_applicant", "clerk", "approver", "controller", "admin_user"]
# "api": the JSON API (/api/v1/) answers tokens, not logins; tests/api covers it.
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_NAMES = {"set_language"}


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    gardelegen: object
    programme_year: object
    draft: Application
    in_review: Application
    recommended: Application
    approved: Application
    attachment: Attachment
    paid_payout: Payout
    open_payout: Payout
    invoice_file: InvoiceFile
    batch: SepaBatch
    proof: ProofOfUse
    notice: Notice
    export: ReportExport
    api_client: object = None


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_IBAN = "DE89 3704 0044 0532 0130 00"
    settings.SEPA_DEBTOR_BIC = ""
    settings.SEPA_DEBTOR_STREET = "Friedrichstraße"
    settings.SEPA_DEBTOR_BUILDING_NUMBER = "100"
    settings.SEPA_DEBTOR_POSTCODE = "10117"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


def build_world(*, applicant, gardelegen, programme_year, clerk, approver, controller) -> World:
    """Gardelegen's files in each state the pages need, built through the services."""
    open_payout_window(programme_year)
    # "New application" needs a year open for applications: the fixtures' year 2026 closed
    # on 30.09., so 2027 is set up already (and the draft of 2026 can be moved there).
    programme_year_ensure(year=timezone.localdate().year + 1)
    common = {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}

    # Approved, with an attachment uploaded while it was a draft.
    approved = factories.draft(**common, title="Bewilligtes Vorhaben")
    attachment = attachment_add(user=applicant, application_id=approved.pk, upload=pdf("angebot.pdf"))
    services.application_submit(user=applicant, application_id=approved.pk)
    factories.override_failed(approved, clerk)
    factories.take(clerk, approved.pk)
    services.application_recommend(
        clerk=clerk,
        application_id=approved.pk,
        recommendation=Application.Recommendation.APPROVE,
        reason="Fördervoraussetzungen erfüllt.",
    )
    factories.take(approver, approved.pk)
    approved = services.application_approve(approver=approver, application_id=approved.pk)

    # One payout paid through a booked SEPA batch, one still with the office.
    released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00", number="R-1")
    batch = sepa.sepa_batch_create(approver=approver)
    sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    batch = sepa.sepa_batch_book_paid(user=approver, batch_id=batch.pk, value_date=timezone.localdate())
    paid_payout = Payout.objects.get(application=approved, status=Payout.Status.PAID)
    open_payout = payout_request(approved, applicant, invoice("500.00", number="R-2"))
    approved.refresh_from_db()
    assert approved.status == Application.Status.APPROVED

    # The approval notice: issued by the approval when the service does it, else here.
    notice = Notice.objects.filter(application=approved, kind=Notice.Kind.APPROVAL).first()
    if notice is None:
        with transaction.atomic():
            notice = notice_issue(application=approved, kind=Notice.Kind.APPROVAL, user=approver)
    notice = notice_render(notice_id=notice.pk)

    export = report_export_request(user=controller, exporter=ReportExport.Exporter.ANNUAL_REPORT, year=2026)
    export = report_export_run(export_id=export.pk)
    assert export.status == ReportExport.Status.DONE

    recommended = factories.recommended(**common, clerk=clerk, title="Empfohlenes Vorhaben")
    in_review = factories.in_review(**common, title="Vorhaben in Prüfung")
    draft = factories.draft(**common, title="Entwurf")
    return World(
        gardelegen=gardelegen,
        programme_year=programme_year,
        draft=draft,
        in_review=in_review,
        recommended=recommended,
        approved=approved,
        attachment=attachment,
        paid_payout=paid_payout,
        open_payout=open_payout,
        invoice_file=open_payout.files.get(),
        batch=batch,
        proof=ProofOfUse.objects.get(application=approved),
        notice=notice,
        export=export,
    )


@pytest.fixture
def world(applicant, foreign_applicant, gardelegen, programme_year, active_members, structural_c, clerk, approver,
          controller, admin_user) -> World:  # fmt: skip
    world = build_world(
        applicant=applicant,
        gardelegen=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        approver=approver,
        controller=controller,
    )
    world.api_client = api_client_create(actor=admin_user, name="Netzwerkplattform", scope="write").client
    return world


# --- the table ------------------------------------------------------------------------------

# Expected GET status per role, in the order of ROLES:
#   anonymous, applicant (Gardelegen), foreign_applicant (Bindlach), clerk, approver, controller, admin
# "L" = 302 to the login page, "R" = 302 somewhere else, numbers are status codes.
Kwargs = Callable[[World], dict]
NONE: Kwargs = lambda w: {}  # noqa: E731


def _app(name: str) -> Kwargs:
    return lambda w: {"pk": getattr(w, name).pk}


TABLE: dict[str, tuple[Kwargs, str]] = {
    # --- accounts (accounts/urls.py: allauth on German paths; the old names are aliases)
    "login": (NONE, "200 R R R R R R"),
    "account_login": (NONE, "200 R R R R R R"),
    "logout": (NONE, "L 200 200 200 200 200 200"),  # GET asks to confirm; the logout is a POST
    "account_logout": (NONE, "L 200 200 200 200 200 200"),
    "account_inactive": (NONE, "200 200 200 200 200 200 200"),
    "account_signup": (NONE, "200 R R R R R R"),
    "profile": (NONE, "L 200 200 200 200 200 200"),
    "account_reauthenticate": (NONE, "L 200 200 200 200 200 200"),
    "account_request_reauthentication_code": (NONE, "L 200 200 200 200 200 200"),
    # Without a code requested: back to the password confirmation.
    "account_confirm_reauthentication_code": (NONE, "L R R R R R R"),
    "account_email": (NONE, "L 200 200 200 200 200 200"),
    "account_email_verification_sent": (NONE, "200 200 200 200 200 200 200"),
    # An unknown key shows the "link invalid" page to everybody.
    "account_confirm_email": (lambda w: {"key": "ungueltig"}, "200 200 200 200 200 200 200"),
    "password_change": (NONE, "L 200 200 200 200 200 200"),
    "account_change_password": (NONE, "L 200 200 200 200 200 200"),
    "account_set_password": (NONE, "L R R R R R R"),  # everybody has a password: to the change page
    "password_reset": (NONE, "200 200 200 200 200 200 200"),
    "account_reset_password": (NONE, "200 200 200 200 200 200 200"),
    "account_reset_password_done": (NONE, "200 200 200 200 200 200 200"),
    "account_reset_password_from_key": (lambda w: {"uidb36": "1", "key": "ungueltig"}, "200 200 200 200 200 200 200"),
    "account_reset_password_from_key_done": (NONE, "200 200 200 200 200 200 200"),
    # --- second factor (allauth.mfa under /konto/zwei-faktor/)
    "mfa_index": (NONE, "L 200 200 200 200 200 200"),
    "mfa_authenticate": (NONE, "L R R R R R R"),  # only during a login that asks for the code
    "mfa_reauthenticate": (NONE, "L R R R R R R"),
    # Asks for the password again unless the login was a few minutes ago.
    "mfa_activate_totp": (NONE, "L R R R R R R"),
    # Nothing to deactivate or show before an authenticator app is set up.
    "mfa_deactivate_totp": (NONE, "L 404 404 404 404 404 404"),
    "mfa_view_recovery_codes": (NONE, "L 404 404 404 404 404 404"),
    "mfa_generate_recovery_codes": (NONE, "L R R R R R R"),
    "mfa_download_recovery_codes": (NONE, "L 404 404 404 404 404 404"),
    # --- master data (grants/urls.py)
    "my_municipalities": (NONE, "L R R 403 403 403 403"),  # one municipality: straight to it
    "municipality_detail": (lambda w: {"ags": w.gardelegen.ags}, "L 200 404 403 403 403 403"),
    # The office corrects an address after a returned letter; the controller only reads.
    "municipality_address_edit": (lambda w: {"ags": w.gardelegen.ags}, "L 200 404 200 200 403 200"),
    # --- acting for a municipality (workflows/municipality_users/urls.py)
    "affiliation_request": (NONE, "L 200 200 200 200 200 200"),  # anybody logged in may ask
    "municipality_lookup": (NONE, "200 200 200 200 200 200 200"),  # public directory data, for registration
    "municipality_users_action": (lambda w: {"ags": w.gardelegen.ags}, "L R 404 403 403 403 403"),  # GET: back
    "invitation_accept": (lambda w: {"token": "ungueltig"}, "L 200 200 200 200 200 200"),  # says it is invalid
    "office_users": (NONE, "L 403 403 200 200 200 200"),
    "office_user_detail": (lambda w: {"pk": w.draft.created_by_id}, "L 403 403 200 200 200 200"),
    "office_requests": (NONE, "L 403 403 200 200 200 200"),
    # --- start pages (workflows/urls.py)
    "home": (NONE, "L R R R R R R"),
    "applicant_home": (NONE, "L 200 200 403 403 403 403"),
    "worklist": (NONE, "L 403 403 200 200 403 403"),
    "reports_home": (NONE, "L 403 403 403 403 200 200"),
    # The dashboard: controllers and administrators, and the approvers (Leitung); clerks work the files.
    "controller_dashboard": (NONE, "L 403 403 403 200 200 200"),
    # --- applicant screens (workflows/urls_applicant.py)
    "applicant_application_new": (NONE, "L 200 200 403 403 403 403"),
    "applicant_application_detail": (_app("approved"), "L 200 404 403 403 403 403"),
    "applicant_application_edit": (_app("draft"), "L 200 404 403 403 403 403"),
    "applicant_attachment_upload": (_app("draft"), "L R 404 403 403 403 403"),  # GET: back to the form
    "attachment_download": (
        lambda w: {"pk": w.approved.pk, "attachment_pk": w.attachment.pk},
        "L 200 404 200 200 200 200",
    ),
    "applicant_attachment_delete": (
        lambda w: {"pk": w.approved.pk, "attachment_pk": w.attachment.pk},
        "L R 404 403 403 403 403",
    ),
    "applicant_application_withdraw": (_app("draft"), "L 200 404 403 403 403 403"),
    "applicant_application_move": (_app("draft"), "L R 404 403 403 403 403"),  # GET: to the detail
    "applicant_application_early_start": (_app("draft"), "L R 404 403 403 403 403"),  # GET: to the detail
    "applicant_application_answer": (_app("approved"), "L R 404 403 403 403 403"),  # GET: to the detail
    # --- programme office (workflows/urls_office.py)
    "office_queue": (NONE, "L 403 403 200 200 200 200"),
    "office_review": (_app("in_review"), "L 403 403 200 200 200 200"),
    "office_decision": (_app("recommended"), "L 403 403 403 200 200 200"),
    "office_early_start": (_app("in_review"), "L 403 403 200 200 200 200"),  # the form only for approvers
    # --- bulk actions (workflows/bulk/urls.py): POST only, a GET goes back to the list
    "office_queue_claim": (NONE, "L 403 403 R R R R"),
    "proof_office_remind": (NONE, "L 403 403 R 403 R R"),
    # A result lives in the session of whoever did the action: any other token does not exist.
    "bulk_result": (lambda w: {"token": "k" * 22}, "L 403 403 404 404 404 404"),
    # --- the case page (workflows/cases/urls.py): every office role reads the whole file
    "case_detail": (_app("approved"), "L 403 403 200 200 200 200"),
    # --- all applications (workflows/cases/urls.py): every office role reads
    "case_list": (NONE, "L 403 403 200 200 200 200"),
    "case_list_export": (NONE, "L 403 403 200 200 200 200"),
    # --- payouts, SEPA, budget (workflows/urls_payouts.py)
    "applicant_payout_new": (_app("approved"), "L 200 404 403 403 403 403"),
    "applicant_payout_detail": (
        lambda w: {"pk": w.approved.pk, "payout_pk": w.open_payout.pk},
        "L 200 404 403 403 403 403",
    ),
    "applicant_payout_withdraw": (
        lambda w: {"pk": w.approved.pk, "payout_pk": w.open_payout.pk},
        "L 200 404 403 403 403 403",
    ),
    "invoice_file_download": (
        lambda w: {"payout_pk": w.open_payout.pk, "file_pk": w.invoice_file.pk},
        "L 200 404 200 200 200 200",
    ),
    "payout_queue": (NONE, "L 403 403 200 200 200 200"),
    "payout_office_detail": (lambda w: {"pk": w.open_payout.pk}, "L 403 403 200 200 200 200"),
    "sepa_overview": (NONE, "L 403 403 200 200 200 200"),
    "sepa_batch_detail": (lambda w: {"pk": w.batch.pk}, "L 403 403 200 200 200 200"),
    "sepa_batch_download": (lambda w: {"pk": w.batch.pk}, "L 403 403 403 200 403 403"),
    "budget_overview": (NONE, "L 403 403 200 200 200 200"),
    "budget_year": (lambda w: {"year": w.programme_year.year}, "L 403 403 200 200 200 200"),
    "budget_lapse": (lambda w: {"year": w.programme_year.year}, "L 403 403 200 200 403 200"),
    # --- proof of use (workflows/urls_proof.py)
    "proof_applicant": (_app("approved"), "L 200 404 403 403 403 403"),
    "proof_office_list": (NONE, "L 403 403 200 403 200 200"),
    "proof_office_review": (lambda w: {"pk": w.proof.pk}, "L 403 403 200 403 200 200"),
    # --- documents (workflows/urls_documents.py)
    "notice_download": (lambda w: {"pk": w.notice.pk}, "L 200 404 200 200 200 200"),
    "annual_report": (lambda w: {"year": w.programme_year.year}, "L 403 403 403 403 200 200"),
    "report_export_download": (lambda w: {"pk": w.export.pk}, "L 403 403 403 403 200 200"),
    # --- administration (workflows/urls_base_rates.py)
    "base_rate_list": (NONE, "L 403 403 403 403 403 200"),
    # --- legal pages: public (core/urls.py), edited by administrators (workflows/legal/urls.py)
    "legal_privacy": (NONE, "200 200 200 200 200 200 200"),
    "legal_imprint": (NONE, "200 200 200 200 200 200 200"),
    "legal_accessibility": (NONE, "200 200 200 200 200 200 200"),
    "legal_edit_list": (NONE, "L 403 403 403 403 403 200"),
    "legal_edit": (lambda w: {"kind": "imprint"}, "L 403 403 403 403 403 200"),
    # --- master data (workflows/masterdata/urls.py)
    "masterdata_overview": (NONE, "L 403 403 200 200 200 200"),
    "masterdata_membership_list": (NONE, "L 403 403 200 200 200 200"),
    "masterdata_membership_detail": (lambda w: {"ags": w.gardelegen.ags}, "L 403 403 200 200 200 200"),
    "masterdata_membership_upload": (NONE, "L 403 403 200 200 200 200"),
    "masterdata_programme_year_list": (NONE, "L 403 403 200 200 200 200"),
    "masterdata_programme_year_new": (NONE, "L 403 403 403 403 403 200"),
    "masterdata_programme_year_edit": (
        lambda w: {"year": w.programme_year.year},
        "L 403 403 200 200 200 200",
    ),
    "masterdata_legal_text_edit": (
        lambda w: {"year": w.programme_year.year, "kind": "remedy"},
        "L 403 403 200 200 200 200",
    ),
    # --- API clients (api/urls_office.py)
    "api_client_list": (NONE, "L 403 403 403 403 403 200"),
    "api_client_revoke": (lambda w: {"pk": w.api_client.pk}, "L 403 403 403 403 403 200"),
}


def expected(name: str, role: str) -> str:
    return TABLE[name][1].split()[ROLES.index(role)]


def named_urls() -> set[str]:
    """Every URL name of the site, outside the admin, from the resolver tree."""
    names: set[str] = set()

    def walk(patterns, namespaces: tuple[str, ...]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, (*namespaces, pattern.namespace) if pattern.namespace else namespaces)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in SKIPPED_NAMES:
                names.add(":".join((*namespaces, pattern.name)))

    walk(get_resolver().url_patterns, ())
    return names


def test_every_url_has_a_row():
    urls = named_urls()
    missing = sorted(urls - set(TABLE))
    gone = sorted(set(TABLE) - urls)
    assert not missing, f"URLs without a row in TABLE (decide who may see them): {', '.join(missing)}"
    assert not gone, f"Rows in TABLE for URLs that no longer exist: {', '.join(gone)}"


def test_the_table_is_well_formed():
    for name, (_kwargs, row) in TABLE.items():
        cells = row.split()
        assert len(cells) == len(ROLES), name
        assert all(cell in {"L", "R"} or cell.isdigit() for cell in cells), name


# --- GET: every URL × every role --------------------------------------------------------------


def client_as(request, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def outcome(response) -> str:
    """The response as a cell of the table."""
    if response.status_code == 302:
        return "L" if response["Location"].startswith(LOGIN_PATH) else "R"
    return str(response.status_code)


def get(client: Client, url: str):
    response = client.get(url)
    if response.streaming:
        # Read to the end: the test client then closes the file (never call close() directly:
        # it would fire request_finished and close the database connection of the test).
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_get_every_url_as(role, request, world):
    client = client_as(request, role)
    wrong = []
    for name in sorted(set(TABLE) & named_urls()):
        kwargs, _row = TABLE[name]
        url = reverse(name, kwargs=kwargs(world))
        try:
            got = outcome(get(client, url))
        except Exception as error:  # a crash is reported with the others
            got = f"exception {type(error).__name__}: {error}"
        if got != expected(name, role):
            wrong.append(f"{name} ({url}): expected {expected(name, role)}, got {got}")
    assert not wrong, f"{role}:\n  " + "\n  ".join(wrong)


def _missing(kwargs: dict, number: int) -> dict:
    """The same URL for objects that do not exist (``number`` as id, beyond 64 bits if asked)."""
    unknown = {"year": 1999 if number < 10**6 else number, "ags": "99999999"}
    return {key: unknown.get(key, number) if key in OBJECT_KEYS else value for key, value in kwargs.items()}


OBJECT_KEYS = {"pk", "payout_pk", "file_pk", "attachment_pk", "year", "ags"}


@pytest.mark.parametrize("role", ROLES[1:])
def test_objects_that_do_not_exist_are_404(role, request, world):
    """For everyone who may see an object, an unknown id is 404, never a 500 (also one beyond bigint)."""
    client = client_as(request, role)
    wrong = []
    for name in sorted(set(TABLE) & named_urls()):
        kwargs_of, _row = TABLE[name]
        kwargs = kwargs_of(world)
        if not OBJECT_KEYS & set(kwargs):
            continue
        if expected(name, role) not in {"200", "R"}:
            continue
        for number in (999_999, 10**20):
            url = reverse(name, kwargs=_missing(kwargs, number))
            try:
                got = outcome(get(client, url))
            except Exception as error:
                got = f"exception {type(error).__name__}: {error}"
            if got != "404":
                wrong.append(f"{name} ({url}): expected 404, got {got}")
    assert not wrong, f"{role}:\n  " + "\n  ".join(wrong)


# --- POST: state-changing URLs by the wrong role ----------------------------------------------

DOMAIN_APPS = ["core", "grants", "budgets", "reports", "workflows", "viewflow", "django_tasks_db", "api"]


def snapshot() -> dict:
    """Every row of every domain table, so "nothing changed" means exactly that."""
    state = {}
    for label in DOMAIN_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return state


def diff(before: dict, after: dict) -> list[str]:
    return [label for label in sorted(set(before) | set(after)) if before.get(label) != after.get(label)]


def _decision(w):
    return reverse("office_decision", kwargs={"pk": w.recommended.pk})


def _review(w):
    return reverse("office_review", kwargs={"pk": w.in_review.pk})


def _membership(w):
    return reverse("masterdata_membership_detail", kwargs={"ags": w.gardelegen.ags})


def _year_edit(w):
    return reverse("masterdata_programme_year_edit", kwargs={"year": w.programme_year.year})


def _text_edit(w):
    return reverse("masterdata_legal_text_edit", kwargs={"year": w.programme_year.year, "kind": "remedy"})


MEMBERSHIP = {"status": "ended", "since": "01.12.2026", "note": "Austritt"}
YEAR_CHANGE = {
    "cap_per_municipality": "6.000,00",
    "budget": "300.000,00",
    "max_day_rate": "900,00",
    "application_deadline": "30.09.2026",
    "invoice_deadline": "15.12.2026",
    "payout_window_start": "01.01.2026",
    "payout_window_end": "15.12.2026",
    "proof_of_use_months": "3",
    "rule_set_version": "2",
}


def _free_task() -> str:
    """The open review task of the file in review, nobody's yet (forms carry task ids)."""
    return str(Task.objects.filter(status=STATUS.NEW, owner__isnull=True).order_by("pk").first().pk)


def _due_proof() -> str:
    return str(ProofOfUse.objects.get().pk)


BULK_CLAIM = {"token": "t" * 22, "ausgewaehlt": _free_task}
BULK_REMIND = {"token": "t" * 22, "ausgewaehlt": _due_proof}


def _case(w):
    return reverse("case_detail", kwargs={"pk": w.approved.pk})


def _payout_office(w):
    return reverse("payout_office_detail", kwargs={"pk": w.open_payout.pk})


# A complete entry of the missing half-year (a test value): refused only for the role.
BASE_RATE = {
    "valid_from": "01.07.2026",
    "rate": "1,11",
    "source": "Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger",
    "published_on": "30.06.2026",
}

# A complete new version of a legal page: refused only for the role.
LEGAL = {"title": "Impressum", "text": "Übernommen.", "version": "1"}


def _legal_edit(w):
    return reverse("legal_edit", kwargs={"kind": "imprint"})


# (what, role, url, data, expected status, expected Location prefix or "")
POSTS = [
    ("approve as clerk", "clerk", _decision, {"action": "approve", "approve-note": "x"}, 403),
    ("approve as applicant", "applicant", _decision, {"action": "approve", "approve-note": "x"}, 403),
    ("approve as controller", "controller", _decision, {"action": "approve"}, 403),
    ("approve anonymously", "anonymous", _decision, {"action": "approve"}, "L"),
    ("reject as admin", "admin_user", _decision, {"action": "reject", "reject-reason": "Nein."}, 403),
    (
        "recommend as applicant",
        "applicant",
        _review,
        {"action": "recommend_approval", "approval-amount": "100", "approval-reason": "x"},
        403,
    ),
    ("claim a review as controller", "controller", _review, {"action": "claim", "task": "1"}, 403),
    *(
        (f"claim several tasks as {role}", role, lambda w: reverse("office_queue_claim"), BULK_CLAIM, status)
        for role, status in [
            ("controller", 403),
            ("admin_user", 403),
            ("applicant", 403),
            ("foreign_applicant", 403),
            ("anonymous", "L"),
        ]
    ),
    *(
        (f"send reminders as {role}", role, lambda w: reverse("proof_office_remind"), BULK_REMIND, status)
        for role, status in [
            ("approver", 403),
            ("controller", 403),
            ("admin_user", 403),
            ("applicant", 403),
            ("anonymous", "L"),
        ]
    ),
    ("request info as admin", "admin_user", _review, {"action": "request_info", "info-message": "?"}, 403),
    ("write a case note as controller", "controller", _case, {"text": "Vom Controlling"}, 403),
    ("write a case note as applicant", "applicant", _case, {"text": "Von der Kommune"}, 403),
    ("write a case note as foreign applicant", "foreign_applicant", _case, {"text": "Fremd"}, 403),
    ("write a case note anonymously", "anonymous", _case, {"text": "Anonym"}, "L"),
    ("release a payout as applicant", "applicant", _payout_office, {"action": "release"}, 403),
    ("release a payout as controller", "controller", _payout_office, {"action": "release"}, 403),
    ("check a payout as foreign applicant", "foreign_applicant", _payout_office, {"action": "check"}, 403),
    ("create a SEPA batch as clerk", "clerk", lambda w: reverse("sepa_overview"), {"expected_count": "0"}, 403),
    (
        "export a SEPA batch as clerk",
        "clerk",
        lambda w: reverse("sepa_batch_detail", kwargs={"pk": w.batch.pk}),
        {"action": "export"},
        403,
    ),
    (
        "lapse commitments as controller",
        "controller",
        lambda w: reverse("budget_lapse", kwargs={"year": 2026}),
        {"application_ids": ""},
        403,
    ),
    (
        "start a proof review as approver",
        "approver",
        lambda w: reverse("proof_office_review", kwargs={"pk": w.proof.pk}),
        {"action": "start_review"},
        403,
    ),
    (
        "write Gardelegen's proof as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("proof_applicant", kwargs={"pk": w.approved.pk}),
        {"report": "fremd", "ausgaben-TOTAL_FORMS": "0", "ausgaben-INITIAL_FORMS": "0"},
        404,
    ),
    (
        "edit Gardelegen's draft as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_application_edit", kwargs={"pk": w.draft.pk}),
        {"title": "Übernommen", "revision": "0", "kosten-TOTAL_FORMS": "0", "kosten-INITIAL_FORMS": "0"},
        404,
    ),
    (
        "edit Gardelegen's draft as clerk",
        "clerk",
        lambda w: reverse("applicant_application_edit", kwargs={"pk": w.draft.pk}),
        {"title": "Übernommen", "revision": "0", "kosten-TOTAL_FORMS": "0", "kosten-INITIAL_FORMS": "0"},
        403,
    ),
    (
        "withdraw Gardelegen's draft as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_application_withdraw", kwargs={"pk": w.draft.pk}),
        {"reason": "weg"},
        404,
    ),
    (
        "move Gardelegen's draft to another year as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_application_move", kwargs={"pk": w.draft.pk}),
        {"programme_year": lambda: str(ProgrammeYear.objects.get(year=2027).pk)},
        404,
    ),
    (
        "move Gardelegen's draft to another year as clerk",
        "clerk",
        lambda w: reverse("applicant_application_move", kwargs={"pk": w.draft.pk}),
        {"programme_year": lambda: str(ProgrammeYear.objects.get(year=2027).pk)},
        403,
    ),
    (
        "move Gardelegen's draft to another year anonymously",
        "anonymous",
        lambda w: reverse("applicant_application_move", kwargs={"pk": w.draft.pk}),
        {"programme_year": lambda: str(ProgrammeYear.objects.get(year=2027).pk)},
        "L",
    ),
    (
        "withdraw Gardelegen's draft anonymously",
        "anonymous",
        lambda w: reverse("applicant_application_withdraw", kwargs={"pk": w.draft.pk}),
        {"reason": "weg"},
        "L",
    ),
    (
        "delete Gardelegen's attachment as foreign applicant",
        "foreign_applicant",
        lambda w: reverse(
            "applicant_attachment_delete", kwargs={"pk": w.approved.pk, "attachment_pk": w.attachment.pk}
        ),
        {},
        404,
    ),
    (
        "upload to Gardelegen's draft as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_attachment_upload", kwargs={"pk": w.draft.pk}),
        {"file": pdf},
        404,
    ),
    (
        "answer for Gardelegen as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_application_answer", kwargs={"pk": w.in_review.pk}),
        {"answer": "fremd", "revision": "0"},
        404,
    ),
    (
        "request a payout for Gardelegen as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_payout_new", kwargs={"pk": w.approved.pk}),
        {"rechnungen-TOTAL_FORMS": "0", "rechnungen-INITIAL_FORMS": "0", "town": "Bindlach"},
        404,
    ),
    (
        "withdraw Gardelegen's payout as foreign applicant",
        "foreign_applicant",
        lambda w: reverse("applicant_payout_withdraw", kwargs={"pk": w.approved.pk, "payout_pk": w.open_payout.pk}),
        {"reason": "weg"},
        404,
    ),
    (
        "withdraw Gardelegen's payout as clerk",
        "clerk",
        lambda w: reverse("applicant_payout_withdraw", kwargs={"pk": w.approved.pk, "payout_pk": w.open_payout.pk}),
        {"reason": "weg"},
        403,
    ),
    (
        "start the annual report as approver",
        "approver",
        lambda w: reverse("annual_report", kwargs={"year": 2026}),
        {},
        403,
    ),
    ("enter a base rate as clerk", "clerk", lambda w: reverse("base_rate_list"), BASE_RATE, 403),
    ("enter a base rate as approver", "approver", lambda w: reverse("base_rate_list"), BASE_RATE, 403),
    ("enter a base rate as controller", "controller", lambda w: reverse("base_rate_list"), BASE_RATE, 403),
    ("enter a base rate as applicant", "applicant", lambda w: reverse("base_rate_list"), BASE_RATE, 403),
    ("enter a base rate anonymously", "anonymous", lambda w: reverse("base_rate_list"), BASE_RATE, "L"),
    ("edit the imprint as clerk", "clerk", _legal_edit, LEGAL, 403),
    ("edit the imprint as controller", "controller", _legal_edit, LEGAL, 403),
    ("edit the imprint as applicant", "applicant", _legal_edit, LEGAL, 403),
    ("edit the imprint anonymously", "anonymous", _legal_edit, LEGAL, "L"),
    *(
        (f"record a membership as {role}", role, _membership, MEMBERSHIP, status)
        for role, status in [("approver", 403), ("controller", 403), ("applicant", 403), ("anonymous", "L")]
    ),
    *(
        (f"change a programme year as {role}", role, _year_edit, YEAR_CHANGE, status)
        for role, status in [("clerk", 403), ("approver", 403), ("controller", 403), ("applicant", 403)]
    ),
    *(
        (
            f"create a programme year as {role}",
            role,
            lambda w: reverse("masterdata_programme_year_new"),
            dict(YEAR_CHANGE, year="2030"),
            403,
        )
        for role in ["clerk", "approver", "controller"]
    ),
    *(
        (f"change a text block as {role}", role, _text_edit, {"title": "Neu", "text": "Neu", "printed": "on"}, 403)
        for role in ["clerk", "approver", "controller", "applicant"]
    ),
    (
        "import memberships as controller",
        "controller",
        lambda w: reverse("masterdata_membership_upload"),
        {"action": "import", "token": "x"},
        403,
    ),
    (
        "create an API client as clerk",
        "clerk",
        lambda w: reverse("api_client_list"),
        {"name": "x", "scope": "write"},
        403,
    ),
    (
        "revoke an API client as controller",
        "controller",
        lambda w: reverse("api_client_revoke", kwargs={"pk": w.api_client.pk}),
        {},
        403,
    ),
    (
        "revoke an API client anonymously",
        "anonymous",
        lambda w: reverse("api_client_revoke", kwargs={"pk": w.api_client.pk}),
        {},
        "L",
    ),
]


@pytest.mark.parametrize(("what", "role", "url", "data", "status"), POSTS, ids=[row[0] for row in POSTS])
def test_post_by_the_wrong_role_changes_nothing(what, role, url, data, status, request, world):
    try:
        target = url(world)
    except NoReverseMatch:
        pytest.skip("URL not routed yet; test_every_url_has_a_row names it")
    client = client_as(request, role)
    data = {key: (value() if callable(value) else value) for key, value in data.items()}
    before = snapshot()
    response = client.post(target, data)
    assert outcome(response) == str(status), what
    assert diff(before, snapshot()) == [], what


def test_the_service_refuses_what_the_role_check_lets_through(request, world):
    """Roles that reach a page but must not act: the service refuses, nothing changes."""
    cases = [
        # A clerk sees the payout page, but only an approver releases.
        ("clerk", _payout_office(world), {"action": "release"}),
        # An approver sees the review page, but only a clerk recommends.
        (
            "approver",
            _review(world),
            {"action": "recommend_approval", "approval-amount": "100,00", "approval-reason": "Passt."},
        ),
        # A clerk may book, but only an approver creates batches (already refused with 403 above); an
        # approver may not book a batch that is already booked.
        (
            "approver",
            reverse("sepa_batch_detail", kwargs={"pk": world.batch.pk}),
            {"action": "book", "buchung-value_date": f"{timezone.localdate():%d.%m.%Y}"},
        ),
        # A clerk reaches the bulk claim, but a decision task is the approvers': refused on the result page.
        (
            "clerk",
            reverse("office_queue_claim"),
            {"token": "d" * 22, "ausgewaehlt": str(open_task_for(application=world.recommended).pk)},
        ),
        # The proof is not due for a reminder yet (months ahead): refused on the result page.
        ("clerk", reverse("proof_office_remind"), {"token": "r" * 22, "ausgewaehlt": str(world.proof.pk)}),
        # The applicant moves drafts only: a file in review keeps its year, and a draft
        # cannot go back into its own, closed year.
        (
            "applicant",
            reverse("applicant_application_move", kwargs={"pk": world.in_review.pk}),
            {"programme_year": str(ProgrammeYear.objects.get(year=2027).pk)},
        ),
        (
            "applicant",
            reverse("applicant_application_move", kwargs={"pk": world.draft.pk}),
            {"programme_year": str(world.programme_year.pk)},
        ),
    ]
    for role, url, data in cases:
        client = client_as(request, role)
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code in (200, 302), (role, url, response.status_code)
        assert diff(before, snapshot()) == [], (role, url)


# --- holes found by this table and closed: they stay closed ----------------------------------------


def test_a_clerk_overrides_rules_only_of_the_application_they_hold(
    applicant, gardelegen, programme_year, active_members, structural_c, clerk
):
    from grants.models import EligibilityResult
    from grants.roles import Role
    from workflows.applications import flows
    from workflows.applications.flows import ApplicationFlow

    colleague = factories.user_with_roles("sachbearbeitung-2", Role.CLERK)
    common = {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}
    mine = factories.in_review(**common, title="Meins")
    theirs = factories.in_review(**common, title="Fremd", period_start=datetime.date(2020, 1, 1))
    for application, holder in ((mine, clerk), (theirs, colleague)):
        task = flows.open_task_for(application=application, node=ApplicationFlow.review)
        services.task_claim(user=holder, task_id=task.pk, application_id=application.pk)
    failed = EligibilityResult.objects.filter(application=theirs, current=True, outcome="failed").first()
    assert failed is not None

    client = client_as_user(clerk)
    action = f"override-{failed.pk}"
    client.post(
        reverse("office_review", kwargs={"pk": mine.pk}),
        {"action": action, f"{action}-reason": "Nicht meine Akte."},
    )

    failed.refresh_from_db()
    assert failed.overridden_by_id is None


def test_the_office_does_not_see_the_attachments_of_a_draft(
    applicant, gardelegen, programme_year, active_members, clerk, media
):
    draft = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    attachment = attachment_add(user=applicant, application_id=draft.pk, upload=pdf("angebot.pdf"))
    client = client_as_user(clerk)
    assert client.get(reverse("office_review", kwargs={"pk": draft.pk})).status_code == 404

    response = get(client, reverse("attachment_download", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}))

    assert response.status_code == 404


def client_as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
