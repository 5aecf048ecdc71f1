"""The turn of the year, as the municipalities and the office meet it.

- A new draft belongs to a programme year open for applications (its deadline has not
  passed, at 24:00 Berlin time, and its year is not over): the only one without asking,
  else the one the applicant picks, the earliest preselected.
- A draft of a year whose deadline passed says so and offers to move it into an open
  year, keeping everything; submitted without moving, the deadline rule fails and says why.
- Deadlines end at 24:00 Berlin time, also on the days the clocks change.
- The clerks' queue holds files of several years in one priority order, and the annual
  report of a closed year holds that year only.

Every test runs at the instant it names (tests/clock.py).
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from budgets.ledger import ledger_book
from budgets.models import LedgerEntry
from grants.models import Application, EligibilityResult, ProgrammeYear
from reports.models import ReportExport
from tests import factories
from tests.clock import berlin
from tests.conftest import programme_year_create
from tests.workflows.applications.test_applicant_flow import PDF, post_data
from tests.workflows.applications.test_office_queue import neustadt, places, structural_d  # noqa: F401
from workflows.applications import services
from workflows.applications.flows import sync_tasks_for
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord

S = Application.Status
D = datetime.date
UTC = datetime.UTC
NEW = "applicant_application_new"
MOVED_AUDIT = "grants.application.moved_to_year"


@pytest.fixture
def municipality(applicant, gardelegen, active_members, structural_c):
    return gardelegen


def detail_url(application: Application) -> str:
    return reverse("applicant_application_detail", kwargs={"pk": application.pk})


def edit_url(application: Application) -> str:
    return reverse("applicant_application_edit", kwargs={"pk": application.pk})


def move_url(application: Application) -> str:
    return reverse("applicant_application_move", kwargs={"pk": application.pk})


def radio_years(content: str) -> dict[str, bool]:
    """The programme years offered on the new-application form: label -> checked."""
    found = re.findall(r'<input class="kern-form-check__radio[^"]*" type="radio" name="programme_year"([^>]*)>\s*'
                       r'<label class="kern-label" for="[^"]+">([^<]+)</label>', content)  # fmt: skip
    return {label: " checked" in attrs for attrs, label in found}


# --- which year a new draft belongs to ------------------------------------------------------------


@pytest.mark.now("2026-12-01T10:00+01:00")
def test_on_1_december_a_draft_belongs_to_the_current_year_while_it_is_open_and_the_next_is_offered(
    client_for, applicant, municipality
):
    this_year = programme_year_create(2026, deadline=D(2026, 12, 15))
    next_year = programme_year_create(2027)
    client = client_for(applicant)

    content = client.get(reverse(NEW)).content.decode()

    assert "Für welches Programmjahr?" in content
    assert radio_years(content) == {
        "2026 (Antragsfrist 15.12.2026)": True,
        "2027 (Antragsfrist 30.09.2027)": False,
    }
    client.post(reverse(NEW), post_data(title="Dezember", programme_year=this_year.pk))
    client.post(reverse(NEW), post_data(title="Nächstes Jahr", programme_year=next_year.pk))
    assert Application.objects.get(title="Dezember").programme_year == this_year
    assert Application.objects.get(title="Nächstes Jahr").programme_year == next_year


@pytest.mark.now("2026-12-01T10:00+01:00")
def test_with_one_open_year_the_form_does_not_ask(client_for, applicant, municipality):
    this_year = programme_year_create(2026, deadline=D(2026, 12, 15))
    client = client_for(applicant)

    content = client.get(reverse(NEW)).content.decode()
    client.post(reverse(NEW), post_data(title="Dezember"))

    assert "Für welches Programmjahr?" not in content
    assert "Programmjahr 2026, Antragsfrist 15.12.2026" in content
    assert Application.objects.get().programme_year == this_year


def test_after_the_deadline_a_new_draft_belongs_to_the_next_year(
    client_for, applicant, municipality, programme_year, next_programme_year
):
    client = client_for(applicant)

    content = client.get(reverse(NEW)).content.decode()
    response = client.post(
        reverse(NEW), post_data(title="Für 2027", period_start="01.03.2027", period_end="31.03.2027")
    )

    assert "Für welches Programmjahr?" not in content
    assert "Programmjahr 2027, Antragsfrist 30.09.2027" in content
    application = Application.objects.get()
    assert response["Location"] == edit_url(application)
    assert application.programme_year == next_programme_year


def test_after_the_deadline_without_a_next_year_nobody_can_start_a_draft_and_is_told_why(
    client_for, applicant, municipality, programme_year
):
    client = client_for(applicant)

    response = client.get(reverse(NEW), follow=True)
    home = client.get(reverse("applicant_home")).content.decode()

    assert response.redirect_chain[-1][0] == reverse("applicant_home")
    message = (
        "Die Antragsfrist für 2026 ist am 30.09.2026 um 24:00 Uhr abgelaufen. Für 2027 sind noch keine "
        "Förderbedingungen veröffentlicht."
    )
    assert message in response.content.decode()
    assert message in home
    assert reverse(NEW) not in home
    assert client.post(reverse(NEW), post_data()).status_code == 302
    assert not Application.objects.exists()


def test_the_service_refuses_a_year_that_is_not_open(applicant, municipality, programme_year):
    with pytest.raises(WorkflowError) as refused:
        services.application_create(
            user=applicant, municipality=municipality, programme_year=programme_year, data={"title": "Zu spät"}
        )

    assert refused.value.code == "programme_year"
    assert refused.value.message == (
        "Für das Programmjahr 2026 sind keine Anträge mehr möglich: Die Antragsfrist ist am 30.09.2026 um 24:00 Uhr "
        "abgelaufen."
    )
    assert not Application.objects.exists()


@pytest.mark.now("2026-09-30T23:59:00+02:00")
def test_a_year_chosen_before_midnight_and_sent_after_it_is_refused_and_the_open_one_offered(
    client, applicant, municipality, programme_year, next_programme_year, clock
):
    client.force_login(applicant)
    assert len(radio_years(client.get(reverse(NEW)).content.decode())) == 2
    clock.move_to(berlin(2026, 10, 1, 0, 0, 30))

    response = client.post(reverse(NEW), post_data(programme_year=programme_year.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Für dieses Programmjahr sind keine Anträge möglich." in content
    assert radio_years(content) == {"2027 (Antragsfrist 30.09.2027)": False}
    assert not Application.objects.exists()


@pytest.mark.now("2026-12-31T23:30+01:00")
def test_at_23_30_on_new_years_eve_today_and_the_open_year_are_still_the_old_year(client_for, applicant, municipality):
    last_day = programme_year_create(2026, deadline=D(2026, 12, 31))
    programme_year_create(2027)

    content = client_for(applicant).get(reverse(NEW)).content.decode()

    assert timezone.now().astimezone(UTC).strftime("%d.%m.%Y %H:%M") == "31.12.2026 22:30"
    assert timezone.localdate() == D(2026, 12, 31)
    assert radio_years(content)["2026 (Antragsfrist 31.12.2026)"] is True
    draft = factories.draft(applicant=applicant, municipality=municipality, programme_year=last_day)
    submitted = services.application_submit(user=applicant, application_id=draft.pk)
    assert submitted.file_number == "MF-2026-00001"
    assert submitted.eligibility_results.get(current=True, rule="deadline").outcome == "passed"


# --- the deadline ends at 24:00 Berlin time -----------------------------------------------------------


def submitted_at(*, applicant, municipality, programme_year, clock, at: datetime.datetime) -> EligibilityResult:
    """A draft started before the deadline, submitted at ``at``: its deadline rule."""
    draft = factories.draft(applicant=applicant, municipality=municipality, programme_year=programme_year)
    clock.move_to(at)
    application = services.application_submit(user=applicant, application_id=draft.pk)
    return application.eligibility_results.get(current=True, rule="deadline")


@pytest.mark.now("2026-09-30T12:00+02:00")
def test_submitted_at_23_59_59_berlin_on_the_deadline_day_is_in_time(applicant, municipality, programme_year, clock):
    at = datetime.datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC)  # 23:59:59 in Berlin

    result = submitted_at(
        applicant=applicant, municipality=municipality, programme_year=programme_year, clock=clock, at=at
    )

    assert result.outcome == "passed"
    assert result.message == "Fristgerecht eingereicht (Frist 30.09.2026)."


@pytest.mark.now("2026-09-30T12:00+02:00")
def test_submitted_at_00_00_30_berlin_is_late_although_utc_still_shows_the_deadline_day(
    applicant, municipality, programme_year, clock
):
    at = datetime.datetime(2026, 9, 30, 22, 0, 30, tzinfo=UTC)  # 00:00:30 on 01.10. in Berlin

    result = submitted_at(
        applicant=applicant, municipality=municipality, programme_year=programme_year, clock=clock, at=at
    )

    assert result.outcome == "failed"
    assert result.message == "Eingereicht am 01.10.2026, nach der Antragsfrist 30.09.2026."


@pytest.mark.parametrize(
    ("deadline", "start", "in_time", "late"),
    [
        # 25.10.2026, the last Sunday of October: 03:00 CEST becomes 02:00 CET.
        (D(2026, 10, 25), berlin(2026, 10, 25, 1, 0), berlin(2026, 10, 25, 23, 59), berlin(2026, 10, 26, 0, 1)),
        # 29.03.2026, the last Sunday of March: 02:00 CET becomes 03:00 CEST.
        (D(2026, 3, 29), berlin(2026, 3, 29, 1, 0), berlin(2026, 3, 29, 23, 59), berlin(2026, 3, 30, 0, 1)),
    ],
    ids=["clocks-go-back", "clocks-go-forward"],
)
def test_a_deadline_on_a_day_the_clocks_change(applicant, municipality, clock, deadline, start, in_time, late):
    clock.move_to(start)
    year = programme_year_create(2026, deadline=deadline)
    common = {"applicant": applicant, "municipality": municipality, "programme_year": year, "clock": clock}

    assert submitted_at(**common, at=in_time).outcome == "passed"
    clock.move_to(start)
    assert submitted_at(**common, at=late).outcome == "failed"


# --- a draft of a closed year ---------------------------------------------------------------------------

CLOSED = (
    "Die Antragsfrist für 2026 ist am 30.09.2026 um 24:00 Uhr abgelaufen. Sie können den Entwurf in das "
    "Programmjahr 2027 übernehmen; alle Angaben bleiben erhalten."
)


@pytest.fixture
def late_draft(applicant, municipality, bindlach, programme_year, next_programme_year, client_for):
    """A 2026 draft with partners and an offer, started before 30.09.; today is 25.11.2026."""
    draft = factories.draft(
        applicant=applicant,
        municipality=municipality,
        programme_year=programme_year,
        purpose=Application.Purpose.NETWORKING,
        period_start=D(2026, 12, 1),
        period_end=D(2026, 12, 20),
    )
    draft = services.application_update(
        user=applicant, application_id=draft.pk, revision=draft.revision, data={}, partners=[bindlach]
    )
    client_for(applicant).post(
        reverse("applicant_attachment_upload", kwargs={"pk": draft.pk}),
        {"file": SimpleUploadedFile("angebot.pdf", PDF, content_type="application/pdf")},
    )
    draft.refresh_from_db()
    return draft


def plain(content: str) -> str:
    """The page's text with the template's line breaks folded into spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def test_detail_and_edit_page_of_a_late_draft_say_so_and_offer_the_move(client_for, applicant, late_draft):
    client = client_for(applicant)
    target = ProgrammeYear.objects.get(year=2027)

    for url in (detail_url(late_draft), edit_url(late_draft)):
        content = client.get(url).content.decode()
        assert CLOSED in plain(content), url
        assert f'action="{move_url(late_draft)}"' in content
        assert f'name="programme_year" value="{target.pk}"' in content
        assert "In das Programmjahr 2027 übernehmen" in content


def test_moving_keeps_everything_and_says_which_dates_to_adjust(client_for, applicant, late_draft):
    client = client_for(applicant)
    target = ProgrammeYear.objects.get(year=2027)
    lines_before = list(late_draft.cost_lines.values_list("cost_type", "description", "days", "day_rate", "amount"))
    fields = ["title", "goals", "description", "purpose", "period_start", "period_end", "requested_amount", "iban"]
    before = {name: getattr(late_draft, name) for name in fields}

    response = client.post(move_url(late_draft), {"programme_year": target.pk}, follow=True)

    moved = Application.objects.get(pk=late_draft.pk)
    assert response.redirect_chain[-1][0] == edit_url(moved)
    content = plain(response.content.decode())
    assert "Der Entwurf gehört jetzt zum Programmjahr 2027. Alle Angaben sind erhalten." in content
    assert (
        "Der Zeitraum des Vorhabens (01.12.2026 – 20.12.2026) liegt nicht im Programmjahr 2027. "
        "Bitte passen Sie Beginn und Ende an, bevor Sie einreichen."
    ) in content
    assert "Antragsfrist für 2026" not in content
    assert moved.programme_year == target
    assert moved.status == S.DRAFT
    assert {name: getattr(moved, name) for name in fields} == before
    assert list(moved.cost_lines.values_list("cost_type", "description", "days", "day_rate", "amount")) == lines_before
    assert [m.name for m in moved.partner_municipalities.all()] == ["Bindlach"]
    assert [a.original_name for a in moved.attachments.all()] == ["angebot.pdf"]
    record = AuditRecord.objects.get(application=moved, action=MOVED_AUDIT)
    assert record.actor == applicant
    assert (record.from_state, record.to_state) == (S.DRAFT, S.DRAFT)
    assert record.comment == "Vom Programmjahr 2026 in das Programmjahr 2027 übernommen."
    history = plain(client.get(detail_url(moved)).content.decode())
    assert "In ein anderes Programmjahr übernommen" in history
    assert "Vom Programmjahr 2026 in das Programmjahr 2027 übernommen." in history


def test_after_the_move_and_new_dates_the_draft_is_submitted_in_time_for_the_new_year(
    client_for, applicant, late_draft
):
    target = ProgrammeYear.objects.get(year=2027)
    services.application_move_to_year(user=applicant, application_id=late_draft.pk, programme_year_id=target.pk)
    late_draft.refresh_from_db()
    services.application_update(
        user=applicant,
        application_id=late_draft.pk,
        revision=late_draft.revision,
        data={"period_start": D(2027, 3, 1), "period_end": D(2027, 3, 31)},
    )

    application = services.application_submit(user=applicant, application_id=late_draft.pk)

    assert application.file_number == "MF-2027-00001"
    results = {r.rule: r.outcome for r in application.eligibility_results.filter(current=True)}
    assert results["deadline"] == results["period_in_year"] == "passed"


def test_submitted_without_moving_the_late_draft_is_checked_as_late(applicant, late_draft):
    application = services.application_submit(user=applicant, application_id=late_draft.pk)

    assert application.status == S.IN_REVIEW
    assert application.programme_year.year == 2026
    deadline = application.eligibility_results.get(current=True, rule="deadline")
    assert deadline.outcome == "failed"
    assert deadline.message == "Eingereicht am 25.11.2026, nach der Antragsfrist 30.09.2026."


def test_without_an_open_year_the_late_draft_is_told_it_can_move_later(client_for, applicant, municipality):
    only = programme_year_create(2026)
    draft = factories.draft(applicant=applicant, municipality=municipality, programme_year=only)

    page = client_for(applicant).get(detail_url(draft)).content.decode()

    content = plain(page)
    assert "Die Antragsfrist für 2026 ist am 30.09.2026 um 24:00 Uhr abgelaufen." in content
    assert "Sobald die Geschäftsstelle das nächste Programmjahr eingerichtet hat" in content
    assert move_url(draft) not in page


@pytest.mark.parametrize(
    ("what", "expected_code"),
    [
        ("own closed year", "programme_year"),
        ("past year", "programme_year"),
        ("unknown year", "programme_year"),
        ("submitted file", "wrong_state"),
        ("foreign applicant", "forbidden"),
    ],
)
def test_the_move_service_refuses(what, expected_code, applicant, foreign_applicant, late_draft):
    past = programme_year_create(2025)
    target = ProgrammeYear.objects.get(year=2027)
    application, user, year_id = late_draft, applicant, target.pk
    if what == "own closed year":
        year_id = late_draft.programme_year_id
    elif what == "past year":
        year_id = past.pk
    elif what == "unknown year":
        year_id = 999_999
    elif what == "submitted file":
        application = services.application_submit(user=applicant, application_id=late_draft.pk)
    elif what == "foreign applicant":
        user = foreign_applicant
    application.refresh_from_db()
    records = application.audit_records.count()

    with pytest.raises(WorkflowError) as refused:
        services.application_move_to_year(user=user, application_id=application.pk, programme_year_id=year_id)

    assert refused.value.code == expected_code
    application.refresh_from_db()
    assert application.programme_year.year == 2026
    assert application.audit_records.count() == records


# --- the office: a queue of two years, the report of a closed year ---------------------------------------


def filed(municipality, *, programme_year: ProgrammeYear, number: int, days_ago: float, created_by) -> Application:
    application = Application.objects.create(
        municipality=municipality,
        programme_year=programme_year,
        created_by=created_by,
        title=f"Vorhaben {programme_year.year} in {municipality.name}",
        status=S.IN_REVIEW,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        requested_amount=Decimal("1000.00"),
        file_number=f"MF-{programme_year.year}-{number:05d}",
    )
    sync_tasks_for(application)
    return application


def queue_years(content: str) -> list[tuple[str, str]]:
    """(file number, programme year) of each row of the queue."""
    return re.findall(
        r'<th scope="row" class="kern-table__cell"><a class="kern-link" href="[^"]+">([^<]+)</a></th>\s*'
        r'<td class="kern-table__cell">(\d{4})</td>',
        content,
    )


def test_the_queue_holds_files_of_two_years_in_one_priority_order_and_shows_each_year(
    client_for,
    clerk,
    applicant,
    programme_year,
    next_programme_year,
    places,  # noqa: F811
):
    late_c = filed(places["C"], programme_year=programme_year, number=1, days_ago=50, created_by=applicant)
    next_none = filed(places["none"], programme_year=next_programme_year, number=1, days_ago=30, created_by=applicant)
    next_c = filed(places["C"], programme_year=next_programme_year, number=2, days_ago=5, created_by=applicant)
    late_d = filed(places["D"], programme_year=programme_year, number=2, days_ago=40, created_by=applicant)

    content = client_for(clerk).get(reverse("office_queue")).content.decode()

    # C first (oldest first), then D, then none: the year changes nothing in the order.
    assert queue_years(content) == [
        (late_c.file_number, "2026"),
        (next_c.file_number, "2027"),
        (late_d.file_number, "2026"),
        (next_none.file_number, "2027"),
    ]
    assert "4 offene Aufgaben" in content


def test_the_annual_report_of_a_closed_year_holds_that_year_only(
    client_for, applicant, foreign_applicant, municipality, bindlach, clerk, approver, controller, clock,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # 2025, a closed year: worked through at its own dates.
    clock.move_to(berlin(2025, 6, 2, 10, 0))
    closed = programme_year_create(2025)
    old = factories.recommended(
        applicant=applicant, municipality=municipality, programme_year=closed, clerk=clerk, amount=Decimal("2000.00")
    )
    factories.take(approver, old.pk)
    old = services.application_approve(approver=approver, application_id=old.pk)
    ledger_book(
        application=old,
        kind=LedgerEntry.Kind.PAYOUT,
        amount=Decimal("1500.00"),
        booked_by=approver,
    )
    # 2026, the current year: other figures, which must not leak into 2025's report.
    clock.move_to(berlin(2026, 11, 25, 10, 0))
    current = programme_year_create(2026)
    new = factories.recommended(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=current,
        clerk=clerk,
        amount=Decimal("900.00"),
    )
    factories.take(approver, new.pk)
    new = services.application_approve(approver=approver, application_id=new.pk)
    ledger_book(
        application=new,
        kind=LedgerEntry.Kind.PAYOUT,
        amount=Decimal("900.00"),
        booked_by=approver,
    )
    client = client_for(controller)
    url = reverse("annual_report", kwargs={"year": 2025})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    export = ReportExport.objects.get(year=2025)
    assert export.status == ReportExport.Status.DONE, export.error
    response = client.get(reverse("report_export_download", kwargs={"pk": export.pk}))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    rows = list(workbook["Anträge"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [old.file_number]
    assert old.file_number.startswith("MF-2025-")
    overview = {row[1]: row[2] for row in workbook["Übersicht"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(overview["Bewilligungen (Bindungen)"])) == Decimal("2000.00")
    assert Decimal(str(overview["Ausgezahlt"])) == Decimal("1500.00")
    assert any(str(label).startswith("Strukturstatus zum Stichtag 31.12.2025") for label in overview)
    payouts = [row for row in workbook["Auszahlungen"].iter_rows(min_row=2, values_only=True) if row[0] != "Summe"]
    assert [(row[1], Decimal(str(row[5]))) for row in payouts] == [(old.file_number, Decimal("1500.00"))]
    cells = {str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row}
    assert not any(new.file_number in cell for cell in cells)
    assert "Bindlach" not in cells
