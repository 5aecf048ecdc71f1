"""Random and hostile input posted to the forms that write: never a 500, never half saved.

Hypothesis posts what browsers never send and people sometimes do: huge, negative and
non-finite numbers, German and English number notation mixed, impossible dates
(31.02.2026), broken IBANs, HTML and SQL, control characters, right-to-left marks,
10,001 characters, and management forms that claim a thousand rows.

Each example runs in a savepoint that is rolled back, so every example starts from the
same world. The oracle is the form itself: whatever the view saves must be exactly
what the form accepted (valid fields saved, invalid fields kept as they were, the
cost plan replaced only as a whole), a status changes only when everything was
valid, and a refusal leaves every domain table exactly as it was.
"""

from __future__ import annotations

import datetime
import os
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from budgets.models import InvoiceFile, LedgerEntry, Payout
from grants.models import Application, CostLine, CostType, ExpenseLine, ProofOfUse
from grants.selectors import programme_years_open
from tests import factories
from tests.builders import PDF, approved_application, open_payout_window
from tests.clock import DEADLINE_DAY, TODAY, YEAR
from tests.conftest import programme_year_create
from tests.test_permissions import diff, snapshot
from workflows.applications import flows, services
from workflows.applications.flows import ApplicationFlow
from workflows.applications.forms import (
    COST_LINE_PREFIX,
    PLAIN_DRAFT_FIELDS,
    AnswerForm,
    ApplicationForm,
    CostLineFormSet,
    MoveToYearForm,
)
from workflows.applications.forms_office import (
    ApproveForm,
    RecommendApprovalForm,
    RecommendRejectionForm,
    RequestInfoForm,
)
from workflows.applications.services import application_missing_fields
from workflows.models import AuditRecord
from workflows.proofs.forms import EXPENSE_PREFIX, ExpenseFormSet, ProofForm

S = Application.Status
PS = ProofOfUse.Status

# FUZZ_EXAMPLES=500 for a longer hunt; 40 keeps the suite fast.
fuzz = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- hostile values -------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\t\n",
    "0",
    "-0",
    "-1",
    "-0,01",
    "0,001",
    "0,005",
    "1,5",
    "1.5",
    "1.234,56",
    "1,234.56",
    "1 234,56",
    "9.999.999,99",
    "10.000.000,00",
    "99999999999999999999999999999999",
    "1" * 5000,
    "1e3",
    "1E309",
    "-1e309",
    "1e-7",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "∞",
    "١٢٣",
    "１２３",
    "½",
    "²",
    "١٢",
    "0x10",
    "1_000",
    "31.02.2026",
    "29.02.2025",
    "00.00.0000",
    "32.13.2026",
    "01.01.0001",
    "01.01.1900",
    "31.12.1999",
    "31.12.9999",
    "01.01.2100",
    "01.01.10000",
    "2026-02-30",
    "2026-13-01",
    "1.1.26",
    "99.99.99",
    "-01.01.2026",
    "DE89 3704 0044 0532 0130 00",
    "DE89370400440532013001",
    "DE00000000000000000000",
    "de89370400440532013000",
    "GB82WEST12345698765432",
    "US12345678901234567890",
    "XX00",
    "DE",
    "DE89\u00a03704\u00a00044\u00a00532\u00a01300\u00a000",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE grants_application; --",
    "' OR '1'='1",
    "%s%s%s%n",
    "{{ 7*7 }}",
    "{% debug %}",
    "../../etc/passwd",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "\ufeff",
    "\x1b[31mrot",
    "\r\n\r\n",
    "🙂" * 60,
    "Ä" * 201,
    "x" * 10_001,
    " " * 10_001 + "x",
    "Bindlach",
    "09472119",
    "Gardelegen, Hansestadt",
    "15081135",
    "Gemeinde",
]
COUNTS = ["0", "1", "2", "3", "5", "30", "31", "41", "1000", "-1", "", "abc", "1e3", "\x00", "9" * 30]

nasty = st.sampled_from(NASTY)
any_text = st.one_of(
    nasty,
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)


pytestmark = pytest.mark.usefixtures("sepa_debtor")


def german(amount: Decimal) -> str:
    whole, _dot, cents = f"{amount:.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ".".join(groups) + "," + cents


def amounts(low="0.01", high="3000.00"):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=2).map(german)


def dates(low=datetime.date(2026, 1, 1), high=datetime.date(2026, 12, 31)):
    return st.dates(min_value=low, max_value=high).map(lambda d: f"{d:%d.%m.%Y}")


def field(valid) -> st.SearchStrategy:
    """A value for one field on its own: left out, valid, or hostile."""
    return st.one_of(valid, st.none(), any_text)


def corrupted(fields: dict) -> st.SearchStrategy:
    """Valid values for every field, then a few of them left out or replaced by hostile ones.

    Most examples keep some fields valid, some are valid throughout (what hypothesis
    shrinks towards), so the paths that save are fuzzed as well as those that refuse.
    """

    def apply(values, damage):
        values = dict(values, **damage)
        return {name: value for name, value in values.items() if value is not None}

    return st.builds(
        apply,
        st.fixed_dictionaries(fields),
        st.dictionaries(st.sampled_from(sorted(fields)), st.one_of(st.none(), any_text), max_size=3),
    )


COST_TYPE = "@cost_type"  # replaced by the pk of a real cost type
cost_type_value = st.one_of(st.just(COST_TYPE), st.sampled_from(["0", "-1", "999999", "1.5", "abc"]))


def rows(prefix: str, fields: dict, *, valid: st.SearchStrategy | None = None, max_rows: int = 4):
    """A formset: management form (sometimes lying) and up to ``max_rows`` rows, each
    valid (``valid``, else every field of ``fields``) or corrupted."""
    valid = valid if valid is not None else st.fixed_dictionaries(fields)

    def build(draw_rows, total, initial):
        data = {f"{prefix}-TOTAL_FORMS": total if total is not None else str(len(draw_rows))}
        if initial is not None:
            data[f"{prefix}-INITIAL_FORMS"] = initial
        for index, row in enumerate(draw_rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
        return data

    return st.builds(
        build,
        st.lists(st.one_of(valid, corrupted(fields)), max_size=max_rows),
        st.one_of(st.none(), st.sampled_from(COUNTS)),  # None: the true number of rows
        st.one_of(st.just("0"), st.sampled_from([*COUNTS, None])),
    )


def payload(fields: dict, *formsets: st.SearchStrategy) -> st.SearchStrategy:
    def merge(plain, *sets):
        data = dict(plain)
        for extra in sets:
            data.update(extra)
        return data

    return st.builds(merge, st.one_of(st.fixed_dictionaries(fields), corrupted(fields)), *formsets)


def resolve(data: dict, cost_type: CostType) -> dict:
    return {key: (str(cost_type.pk) if value == COST_TYPE else value) for key, value in data.items()}


APPLICATION_FIELDS = {
    "title": st.sampled_from(["Dorfwerkstatt", "Moderation Seniorenbeirat"]),
    "purpose": st.sampled_from(["moderation", "consulting", "travel", "networking"]),
    "goals": st.one_of(st.just("Leitbild für die Ortsteile"), st.text(max_size=30)),
    "description": st.one_of(st.just("Zwei Werkstätten."), st.text(max_size=30)),
    "partners": st.sampled_from(["", "Bindlach", "09472119", "Bindlach (09472119)", "Gardelegen"]),
    "period_start": dates(high=datetime.date(2026, 6, 30)),
    "period_end": dates(low=datetime.date(2026, 7, 1)),
    "requested_amount": amounts(),
    "contact_name": st.just("Anja Antrag"),
    "contact_email": st.sampled_from(["anja@gardelegen.example", "Anja.Antrag@gardelegen.de"]),
    "contact_phone": st.sampled_from(["03907 123", "+49 (3907) 12-3"]),
    "account_holder": st.just("Hansestadt Gardelegen"),
    "iban": st.sampled_from(["DE02120300000000202051", "DE89 3704 0044 0532 0130 00", "AT611904300234573201"]),
    "declaration_no_early_start": st.sampled_from(["on", "1", "true"]),
    "declaration_no_double_funding": st.sampled_from(["on", "1", "true"]),
}
COST_LINE_FIELDS = {
    "cost_type": cost_type_value,
    "description": st.just("Moderation"),
    "days": st.sampled_from(["1", "2", "1,5", "0,5"]),
    "day_rate": amounts(high="850.00"),
    "flat_amount": amounts(),
}
# A valid line is days × rate or a flat amount, not both.
VALID_COST_LINE = st.one_of(
    st.fixed_dictionaries({name: COST_LINE_FIELDS[name] for name in ("cost_type", "description", "days", "day_rate")}),
    st.fixed_dictionaries({name: COST_LINE_FIELDS[name] for name in ("cost_type", "description", "flat_amount")}),
)
# A complete application with one line: submitting it must work (the path hypothesis
# rarely finds on its own, so it is always tried as an explicit example).
COMPLETE_APPLICATION = {
    "title": "Dorfwerkstatt",
    "purpose": "moderation",
    "goals": "Leitbild",
    "description": "Zwei Werkstätten.",
    "period_start": "01.12.2026",
    "period_end": "20.12.2026",
    "requested_amount": "1.700,00",
    "contact_name": "Anja Antrag",
    "contact_email": "anja@gardelegen.example",
    "account_holder": "Hansestadt Gardelegen",
    "iban": "DE02 1203 0000 0000 2020 51",
    "declaration_no_early_start": "on",
    "declaration_no_double_funding": "on",
    f"{COST_LINE_PREFIX}-TOTAL_FORMS": "3",
    f"{COST_LINE_PREFIX}-INITIAL_FORMS": "0",
    f"{COST_LINE_PREFIX}-0-cost_type": COST_TYPE,
    f"{COST_LINE_PREFIX}-0-description": "Moderation",
    f"{COST_LINE_PREFIX}-0-days": "2",
    f"{COST_LINE_PREFIX}-0-day_rate": "850,00",
}
application_payload = payload(APPLICATION_FIELDS, rows(COST_LINE_PREFIX, COST_LINE_FIELDS, valid=VALID_COST_LINE))

# Programme years (the fixtures' year, the next, a past one, one that does not exist);
# replaced by their ids in ``resolve_year``.
THIS_YEAR, NEXT_YEAR, PAST_YEAR, NO_YEAR = "@this", "@next", "@past", "@missing"
year_value = st.one_of(
    st.sampled_from([THIS_YEAR, NEXT_YEAR, PAST_YEAR, NO_YEAR]),
    st.sampled_from(["0", "-1", "1.5", "abc", "²", "١", "１", "9" * 30, " 1", "1 "]),
)
# The new-application form while two years are open offers the year as a required choice.
new_application_payload = payload(
    {**APPLICATION_FIELDS, "programme_year": year_value},
    rows(COST_LINE_PREFIX, COST_LINE_FIELDS, valid=VALID_COST_LINE),
)


# --- the world --------------------------------------------------------------------------------


@pytest.fixture
def base(applicant, foreign_applicant, gardelegen, programme_year, active_members, structural_c, clerk, approver):
    open_payout_window(programme_year)
    return {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}


@pytest.fixture
def draft(base):
    return factories.draft(**base, title="Entwurf")


@pytest.fixture
def approved(base, clerk, approver):
    return approved_application(**base, clerk=clerk, approver=approver)


@pytest.fixture
def info_requested(base, clerk):
    application = factories.in_review(**base, clerk=clerk)
    factories.take(clerk, application.pk)
    return services.application_request_info(
        clerk=clerk, application_id=application.pk, message="Bitte das Angebot nachreichen."
    )


@pytest.fixture
def claimed_review(base, clerk):
    """In review, every failed rule overridden, the review task claimed by the clerk."""
    application = factories.in_review(**base, clerk=clerk)
    task = flows.open_task_for(application=application, node=ApplicationFlow.review)
    services.task_claim(user=clerk, task_id=task.pk, application_id=application.pk)
    return application


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def moderation() -> CostType:
    return CostType.objects.get(code="moderation")


@pytest.fixture
def years(programme_year, next_programme_year):
    """The fixtures' year, the next one (open) and the past one (closed), by their tokens."""
    return {
        THIS_YEAR: programme_year,
        NEXT_YEAR: next_programme_year,
        PAST_YEAR: programme_year_create(programme_year.year - 1),
        NO_YEAR: None,
    }


def resolve_year(data: dict, years: dict) -> dict:
    if data.get("programme_year") in years:
        year = years[data["programme_year"]]
        data = dict(data, programme_year=str(year.pk if year else 999_999))
    return data


# --- the application: edit and new --------------------------------------------------------------


def application_state(pk: int) -> dict:
    application = Application.objects.get(pk=pk)
    values = {name: getattr(application, name) for name in [*PLAIN_DRAFT_FIELDS, "iban", "bic", "bank_name"]}
    values.update(period_start=application.period_start, period_end=application.period_end)
    return {
        "status": application.status,
        "revision": application.revision,
        "values": values,
        "lines": cost_lines(application),
        "partners": sorted(application.partner_municipalities.values_list("pk", flat=True)),
    }


def cost_lines(application: Application) -> list[tuple]:
    return [
        (line.cost_type_id, line.description, line.days, line.day_rate, line.flat_amount, line.amount)
        for line in application.cost_lines.order_by("position", "pk")
    ]


def expected_lines(formset) -> list[tuple]:
    return [
        (
            line.cost_type.pk,
            line.description,
            None if line.flat_amount is not None else line.days,
            None if line.flat_amount is not None else line.day_rate,
            line.flat_amount,
            CostLine.compute_amount(days=line.days, day_rate=line.day_rate, flat_amount=line.flat_amount),
        )
        for line in formset.cost_lines()
    ]


def assert_cost_plan_consistent(application: Application) -> None:
    """Every line is days × rate or a flat amount, and its amount is what that gives."""
    total = Decimal("0.00")
    for line in application.cost_lines.all():
        assert (line.flat_amount is None) == (line.days is not None and line.day_rate is not None)
        expected = CostLine.compute_amount(days=line.days, day_rate=line.day_rate, flat_amount=line.flat_amount)
        assert line.amount == expected > 0
        total += line.amount
    assert application.cost_total == total


@fuzz
@given(data=application_payload, revision=st.one_of(st.just("current"), any_text), submit=st.booleans())
@example(data=COMPLETE_APPLICATION, revision="current", submit=True)
def test_edit_the_draft(base, draft, data, revision, submit):
    client = logged_in(base["applicant"])
    url = reverse("applicant_application_edit", kwargs={"pk": draft.pk})
    with rolled_back():
        data = resolve(data, moderation())
        data["revision"] = str(draft.revision) if revision == "current" else revision
        if submit:
            data["submit"] = "1"
        before = application_state(draft.pk)
        form = ApplicationForm(data, application=Application.objects.get(pk=draft.pk))
        formset = CostLineFormSet(data, prefix=COST_LINE_PREFIX)
        form_ok, lines_ok = form.is_valid(), formset.is_valid()

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        after = application_state(draft.pk)
        application = Application.objects.get(pk=draft.pk)
        assert_cost_plan_consistent(application)
        saved = form.can_save() and form.cleaned_data["revision"] == before["revision"]
        event(f"saved={saved} valid={form_ok and lines_ok} status={after['status']}")
        if not saved:
            assert after == before
            return
        expected_values = dict(before["values"], **form.draft_data())
        assert after["values"] == expected_values
        assert after["lines"] == (expected_lines(formset) if lines_ok else before["lines"])
        partners = form.partners_or_none()
        assert after["partners"] == (sorted(m.pk for m in partners) if partners is not None else before["partners"])
        if after["status"] != S.DRAFT:
            # Submitted: only with every field and line valid, and nothing missing.
            assert submit and form_ok and lines_ok
            assert after["status"] == S.IN_REVIEW
            assert application.file_number
        elif submit and form_ok and lines_ok:
            assert application_missing_fields(application), "complete and valid, but not submitted"


@pytest.mark.now(DEADLINE_DAY)
@fuzz
@given(
    data=new_application_payload,
    token=st.one_of(st.none(), st.just("t" * 16), any_text),
    submit=st.booleans(),
)
@example(data={**COMPLETE_APPLICATION, "programme_year": THIS_YEAR}, token="t" * 16, submit=True)
@example(data={**COMPLETE_APPLICATION, "programme_year": NEXT_YEAR}, token="t" * 16, submit=False)
@example(data={**COMPLETE_APPLICATION, "programme_year": PAST_YEAR}, token="t" * 16, submit=True)
@example(data={**COMPLETE_APPLICATION, "programme_year": NO_YEAR}, token="t" * 16, submit=False)
def test_start_a_new_application(base, years, data, token, submit):
    """On the deadline day two years are open (2026 and 2027): the year is a required choice."""
    client = logged_in(base["applicant"])
    url = reverse("applicant_application_new")
    with rolled_back():
        data = resolve_year(resolve(data, moderation()), years)
        if token is not None:
            data["form_token"] = token
        if submit:
            data["submit"] = "1"
        before = snapshot()
        known = set(Application.objects.values_list("pk", flat=True))
        open_years = programme_years_open()
        assert len(open_years) == 2
        form = ApplicationForm(data, municipalities=[base["municipality"]], programme_years=open_years)
        formset = CostLineFormSet(data, prefix=COST_LINE_PREFIX)
        form_ok, lines_ok = form.is_valid(), formset.is_valid()

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        created = list(Application.objects.exclude(pk__in=known))
        event(f"created={bool(created)} valid={form_ok and lines_ok}")
        if not form.can_save():
            assert created == []
            assert diff(before, snapshot()) == []
            return
        [application] = created
        assert application.municipality == base["municipality"]
        assert application.programme_year == form.chosen_programme_year()
        assert application.programme_year in open_years
        assert_cost_plan_consistent(application)
        assert cost_lines(application) == (expected_lines(formset) if lines_ok else [])
        assert AuditRecord.objects.filter(application=application, action="grants.application.created").count() == 1
        state = application_state(application.pk)
        for name, value in form.draft_data().items():
            assert state["values"][name] == value, name
        if application.status != S.DRAFT:
            assert submit and form_ok and lines_ok
            assert application.status == S.IN_REVIEW
        elif submit and form_ok and lines_ok:
            assert application_missing_fields(application), "complete and valid, but not submitted"


# --- moving a draft into an open programme year ------------------------------------------------------


@fuzz
@given(choice=st.one_of(st.none(), year_value, any_text))
@example(choice=NEXT_YEAR)
@example(choice=THIS_YEAR)
@example(choice=PAST_YEAR)
def test_move_a_draft_to_another_year(base, draft, years, choice):
    """Today the draft's year 2026 is closed and 2027 open: only 2027 moves it, and nothing else changes."""
    client = logged_in(base["applicant"])
    url = reverse("applicant_application_move", kwargs={"pk": draft.pk})
    with rolled_back():
        data = resolve_year({} if choice is None else {"programme_year": choice}, years)
        before = snapshot()
        # The form checks the format, the service the year: only the open one moves the draft.
        form = MoveToYearForm(data)
        valid = form.is_valid() and form.cleaned_data["programme_year"] == years[NEXT_YEAR].pk

        response = client.post(url, data)

        assert response.status_code == 302
        application = Application.objects.get(pk=draft.pk)
        event(f"moved={valid}")
        if not valid:
            assert application.programme_year == years[THIS_YEAR]
            assert diff(before, snapshot()) == []
            return
        assert application.programme_year == years[NEXT_YEAR]
        assert application.status == S.DRAFT
        assert diff(before, snapshot()) == ["grants.Application", "workflows.AuditRecord"]
        assert application.audit_records.filter(action="grants.application.moved_to_year").count() == 1


# --- the answer to a question ----------------------------------------------------------------------


@fuzz
@given(answer=field(st.sampled_from(["Das Angebot liegt jetzt bei.", "  Siehe Anlage.  "])), revision=any_text)
def test_answer_a_question(base, info_requested, answer, revision):
    application = info_requested
    client = logged_in(base["applicant"])
    url = reverse("applicant_application_answer", kwargs={"pk": application.pk})
    for revision_value in (str(application.revision), revision):
        with rolled_back():
            data = {"revision": revision_value}
            if answer is not None:
                data["answer"] = answer
            before = snapshot()
            form = AnswerForm(data)
            valid = form.is_valid() and form.cleaned_data["revision"] == application.revision

            response = client.post(url, data)

            assert response.status_code in (200, 302)
            now = Application.objects.get(pk=application.pk)
            event(f"answered={now.status == S.IN_REVIEW}")
            if not valid:
                assert now.status == S.INFO_REQUESTED
                assert diff(before, snapshot()) == []
                continue
            assert now.status == S.IN_REVIEW
            assert now.revision == application.revision + 1
            record = AuditRecord.objects.filter(application=now).latest("pk")
            assert (record.action, record.comment) == ("grants.application.resubmitted", form.cleaned_data["answer"])


# --- the payout request ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(kind: str) -> SimpleUploadedFile:
    contents = {
        "pdf": (PDF, "application/pdf", "rechnung.pdf"),
        "png": (PNG, "image/png", "beleg.png"),
        "fake": (b"MZ\x90\x00 not a pdf", "application/pdf", "rechnung.pdf"),
        "empty": (b"", "application/pdf", "leer.pdf"),
        "script": (b"<script>alert(1)</script>", "text/html", "<script>.pdf"),
        "traversal": (PDF, "application/pdf", "../../../etc/passwd.pdf"),
        "long": (PDF, "application/pdf", "r" * 300 + ".pdf"),
    }
    data, content_type, name = contents[kind]
    return SimpleUploadedFile(name, data, content_type=content_type)


INVOICE_FIELDS = {
    "issuer": st.sampled_from(["Moderation Müller GmbH", "Reisebüro Öztürk"]),
    "number": st.from_regex(r"R-[0-9]{1,6}", fullmatch=True),
    "invoice_date": dates(datetime.date(YEAR, 1, 1), TODAY),
    "amount": amounts(high="1000.00"),
    "cost_type": cost_type_value,
}
PAYOUT_FIELDS = {
    "amount": st.one_of(st.just(""), amounts(high="3000.00")),
    "street": st.just("Rudolf-Breitscheid-Straße"),
    "building_number": st.just("3"),
    "postcode": st.just("39638"),
    "town": st.just("Gardelegen"),
    "country": st.sampled_from(["DE", "de", "AT"]),
}
payout_payload = payload(PAYOUT_FIELDS, rows("rechnungen", INVOICE_FIELDS))
file_kinds = st.one_of(
    st.just(["pdf"]),
    st.lists(st.sampled_from(["pdf", "png", "fake", "empty", "script", "traversal", "long"]), max_size=3),
)


def stored_files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


COMPLETE_PAYOUT = {
    "street": "Rudolf-Breitscheid-Straße",
    "building_number": "3",
    "postcode": "39638",
    "town": "Gardelegen",
    "country": "DE",
    "rechnungen-TOTAL_FORMS": "5",
    "rechnungen-INITIAL_FORMS": "0",
    "rechnungen-0-issuer": "Moderation Müller GmbH",
    "rechnungen-0-number": "R-1",
    "rechnungen-0-invoice_date": "02.01.2026",
    "rechnungen-0-amount": "1.000,00",
    "rechnungen-0-cost_type": COST_TYPE,
}


@fuzz
@given(data=payout_payload, files=file_kinds, more_rows=st.booleans())
@example(data=COMPLETE_PAYOUT, files=["pdf"], more_rows=False)
def test_request_a_payout(base, approved, media, data, files, more_rows):
    application = approved
    client = logged_in(base["applicant"])
    url = reverse("applicant_payout_new", kwargs={"pk": application.pk})
    complete = data == COMPLETE_PAYOUT and files == ["pdf"] and not more_rows
    with rolled_back():
        data = resolve(data, moderation())
        data["files"] = [upload(kind) for kind in files]
        data["more_rows" if more_rows else "send"] = "1"
        before = snapshot()
        on_disk = stored_files(media)

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        payouts = list(Payout.objects.filter(application=application))
        event(f"payout created={bool(payouts)}")
        assert payouts or not complete, "a complete request was refused"
        if not payouts:
            assert diff(before, snapshot()) == []
            assert stored_files(media) == on_disk, "files left behind by a refused request"
            return
        assert not more_rows
        [payout] = payouts
        invoices = list(payout.invoices.all())
        assert invoices
        total = sum((invoice.amount for invoice in invoices), Decimal("0.00"))
        assert Decimal("0.00") < payout.requested_amount <= min(total, application.approved_amount)
        assert payout.status == Payout.Status.REQUESTED
        new_files = {invoice_file.file.name for invoice_file in InvoiceFile.objects.filter(payout=payout)}
        assert new_files and stored_files(media) - on_disk == new_files
        assert not LedgerEntry.objects.filter(payout=payout).exists()
        assert AuditRecord.objects.filter(application=application, action="budgets.payout.requested").count() == 1


# --- the proof of use -----------------------------------------------------------------------------------

EXPENSE_FIELDS = {
    "spent_on": dates(datetime.date(YEAR, 1, 1), TODAY),
    "issuer": st.just("Moderation Müller GmbH"),
    "description": st.just("Moderation"),
    "cost_type": cost_type_value,
    "amount": amounts(high="3000.00"),
}
proof_payload = payload(
    {"report": st.sampled_from(["Zwei Werkstätten.", "  "])},
    rows(EXPENSE_PREFIX, EXPENSE_FIELDS),
)


def proof_state(proof: ProofOfUse) -> dict:
    proof.refresh_from_db()
    return {
        "status": proof.status,
        "revision": proof.revision,
        "report": proof.report,
        "expenses": [
            (line.spent_on, line.issuer, line.description, line.cost_type_id, line.amount)
            for line in ExpenseLine.objects.filter(proof=proof).order_by("position", "pk")
        ],
    }


COMPLETE_PROOF = {
    "report": "Zwei Werkstätten fanden statt.",
    f"{EXPENSE_PREFIX}-TOTAL_FORMS": "2",
    f"{EXPENSE_PREFIX}-INITIAL_FORMS": "0",
    f"{EXPENSE_PREFIX}-0-spent_on": "02.01.2026",
    f"{EXPENSE_PREFIX}-0-issuer": "Moderation Müller GmbH",
    f"{EXPENSE_PREFIX}-0-description": "Moderation",
    f"{EXPENSE_PREFIX}-0-cost_type": COST_TYPE,
    f"{EXPENSE_PREFIX}-0-amount": "2.550,00",
}


@fuzz
@given(data=proof_payload, revision=st.one_of(st.just("current"), st.just(""), any_text), submit=st.booleans())
@example(data=COMPLETE_PROOF, revision="current", submit=True)
def test_write_the_proof_of_use(base, approved, data, revision, submit):
    application = approved
    proof = ProofOfUse.objects.get(application=application)
    client = logged_in(base["applicant"])
    url = reverse("proof_applicant", kwargs={"pk": application.pk})
    with rolled_back():
        data = resolve(data, moderation())
        data["revision"] = str(proof.revision) if revision == "current" else revision
        if submit:
            data["submit"] = "1"
        before_all = snapshot()
        before = proof_state(proof)
        form, formset = ProofForm(data), ExpenseFormSet(data, prefix=EXPENSE_PREFIX)
        valid = form.is_valid() and formset.is_valid()

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        after = proof_state(proof)
        event(f"proof saved={after != before} status={after['status']}")
        acceptable = valid and form.cleaned_data["revision"] in (None, before["revision"])
        if acceptable and (not submit or (form.cleaned_data["report"].strip() and formset.expenses())):
            assert after != before, "valid input was not saved"
        if after == before:
            assert diff(before_all, snapshot()) == []
            return
        # Saved: only what the forms accepted, all of it.
        assert valid
        assert after["revision"] == before["revision"] + 1
        assert form.cleaned_data["revision"] in (None, before["revision"])
        assert after["report"] == form.cleaned_data["report"].strip()
        assert [line[3:] for line in after["expenses"]] == [
            (expense.cost_type.pk, expense.amount) for expense in formset.expenses()
        ]
        assert after["status"] == (PS.SUBMITTED if submit else before["status"])


# --- the clerk's recommendation -------------------------------------------------------------------------

recommend_payload = st.one_of(
    payload(
        {
            "action": st.just("recommend_approval"),
            "approval-amount": st.one_of(amounts(high="2550.00"), amounts(low="2550.01", high="99999.00")),
            "approval-reason": st.just("Fördervoraussetzungen erfüllt."),
        }
    ),
    payload({"action": st.just("recommend_rejection"), "rejection-reason": st.just("Kein Bezug.")}),
    payload({"action": st.just("request_info"), "info-message": st.just("Bitte Angebot nachreichen.")}),
    payload({"action": any_text}),
)
FORMS = {
    "recommend_approval": (RecommendApprovalForm, "approval", S.RECOMMENDED),
    "recommend_rejection": (RecommendRejectionForm, "rejection", S.RECOMMENDED),
    "request_info": (RequestInfoForm, "info", S.INFO_REQUESTED),
}


@fuzz
@given(data=recommend_payload)
def test_the_clerks_recommendation(claimed_review, clerk, data):
    application = claimed_review
    client = logged_in(clerk)
    url = reverse("office_review", kwargs={"pk": application.pk})
    with rolled_back():
        before = snapshot()
        action = data.get("action", "")
        form_class, prefix, target = FORMS.get(action, (None, "", None))
        valid = form_class is not None and form_class(data, prefix=prefix).is_valid()

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        now = Application.objects.get(pk=application.pk)
        event(f"status={now.status}")
        if now.status == S.IN_REVIEW:
            assert diff(before, snapshot()) == []
            return
        assert valid and now.status == target
        assert not LedgerEntry.objects.filter(application=now).exists()
        if action == "recommend_approval":
            assert Decimal("0.00") < now.recommended_amount <= now.requested_amount
            assert now.recommended_by == clerk


# --- the approver's amount ------------------------------------------------------------------------------

RECOMMENDED = Decimal("2000.00")
approve_payload = payload(
    {
        "action": st.just("approve"),
        "approve-amount": st.one_of(
            st.just(german(RECOMMENDED)), amounts(high="1999.99"), amounts(low="2000.01", high="99999.00")
        ),
        "approve-note": st.one_of(st.just(""), st.just("Nur eine Werkstatt ist förderfähig.")),
    }
)


@pytest.fixture
def claimed_decision(base, clerk, approver):
    """Recommended at 2,000 EUR, the decision task claimed by the approver."""
    application = factories.recommended(**base, clerk=clerk, amount=RECOMMENDED)
    factories.take(approver, application.pk)
    return application


@fuzz
@given(data=approve_payload)
@example(data={"action": "approve", "approve-amount": "1.500,00", "approve-note": ""})
@example(data={"action": "approve", "approve-amount": "1.500,00", "approve-note": "Teilweise."})
def test_the_approvers_amount(claimed_decision, approver, data):
    application = claimed_decision
    client = logged_in(approver)
    url = reverse("office_decision", kwargs={"pk": application.pk})
    with rolled_back():
        before = snapshot()
        form = ApproveForm(data, prefix="approve", recommended=RECOMMENDED)
        valid = form.is_valid()

        response = client.post(url, data)

        assert response.status_code in (200, 302)
        now = Application.objects.get(pk=application.pk)
        event(f"status={now.status}")
        if now.status == S.RECOMMENDED:
            assert diff(before, snapshot()) == []
            if data.get("action") != "approve":
                return  # an unknown action: a message and back to the page
            bound = response.context["approve_form"]
            assert bound.errors, "a refusal says why"
            # What was typed is shown again, not replaced by the recommended amount.
            assert bound["amount"].value() == data.get("approve-amount")
            return
        assert valid and now.status == S.APPROVED
        assert Decimal("0.00") < now.approved_amount <= RECOMMENDED
        if now.approved_amount < RECOMMENDED:
            assert now.decision_reason
        assert LedgerEntry.objects.get(application=now, kind="commitment").amount == now.approved_amount


# --- the clerks' queue filter (GET) ---------------------------------------------------------------------


@fuzz
@given(
    query=st.fixed_dictionaries(
        {},
        optional={
            "land": any_text,
            "status": st.one_of(st.sampled_from(["in_review", "recommended", "draft"]), any_text),
            "priority": st.one_of(st.sampled_from(["C", "D", "none"]), any_text),
            "overdue": st.one_of(st.sampled_from(["on", "1"]), any_text),
            "seite": st.one_of(st.sampled_from(["1", "2", "0", "-1", "last", "999999"]), any_text),
        },
    )
)
def test_the_queue_filter(base, clerk, query):
    client = logged_in(clerk)
    response = client.get(reverse("office_queue"), query)
    assert response.status_code == 200
