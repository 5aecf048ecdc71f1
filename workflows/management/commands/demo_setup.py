"""Demo data for a first look, built relative to the day it runs: municipalities, example
structural status and memberships, last year's, this year's and next year's programme
year, one user per role, and applications in every state so every role finds work.

This year's applications are dated today. Last year's were worked through the real
services at the days they happened (time-machine moves the clock for each step), so
their notices, ledger, payouts, proofs of use and refund claims are consistent with
one another and with today. Deadlines, the debtor account and base rates not yet
published are demo values, and say so.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime
import io
import os
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from reportlab.pdfgen import canvas

from accounts.services import account_email_trust
from budgets.interest import base_rates, known_until
from budgets.models import BaseRate
from core.money import money
from grants import legal_defaults
from grants.imports import memberships_import, municipalities_import, structural_status_import
from grants.models import Application, CostType, LegalTextBlock, Municipality, MunicipalityAddress, ProgrammeYear
from grants.roles import Role
from grants.services import affiliation_create
from reports.selectors import municipality_town
from workflows.applications import services
from workflows.payouts import budget, sepa
from workflows.payouts import services as payouts
from workflows.proofs import refunds
from workflows.proofs import services as proofs


def _affiliate(*, user, municipality: Municipality) -> None:
    """The first demo applicant of a municipality is its main contact, as the first confirmed person would be."""
    affiliation_create(user=user, municipality=municipality)
    if not municipality.affiliations.filter(is_main_contact=True).exists():
        municipality.affiliations.filter(user=user).update(is_main_contact=True)


DEMO_PASSWORD = "Demo-Passwort-2026"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# username, first name, last name, role, AGS of the municipality (applicants only)
DEMO_USERS = [
    ("antrag", "Anja", "Antrag", Role.APPLICANT, "15081135"),  # Gardelegen, Altmarkkreis Salzwedel (C)
    ("antrag-fremd", "Fritz", "Fremd", Role.APPLICANT, "09472116"),  # Bad Berneck (C, override)
    ("sachbearbeitung", "Sabine", "Sachbearbeitung", Role.CLERK, None),
    ("bewilligung", "Bernd", "Bewilligung", Role.APPROVER, None),
    ("controlling", "Carla", "Controlling", Role.CONTROLLER, None),
    ("admin", "Armin", "Admin", Role.ADMIN, None),
]

LEGAL_TEXTS = [
    (
        LegalTextBlock.Kind.LEGAL_BASIS,
        "Rechtsgrundlage",
        "Die Zuwendung wird auf Grundlage der §§ 23 und 44 der Bundeshaushaltsordnung (BHO), "
        "der dazu erlassenen Verwaltungsvorschriften und der Förderrichtlinie der Mikroförderung "
        "im Zukunftsraum Demografie gewährt.",
        True,
    ),
    (
        LegalTextBlock.Kind.CONDITIONS,
        "Nebenbestimmungen",
        "Die Allgemeinen Nebenbestimmungen für Zuwendungen zur Projektförderung an Gebietskörperschaften "
        "(ANBest-Gk) sind Bestandteil dieses Bescheides. Mit der Maßnahme darf nicht vor der Bewilligung "
        "begonnen werden.",
        True,
    ),
    (
        LegalTextBlock.Kind.PROOF_OF_USE,
        "Verwendungsnachweis",
        "Die Verwendung der Zuwendung ist innerhalb der im Bescheid genannten Frist mit einem Sachbericht "
        "und einem zahlenmäßigen Nachweis zu belegen.",
        True,
    ),
    (LegalTextBlock.Kind.REJECTION_BASIS, "Rechtsgrundlage", legal_defaults.REJECTION_BASIS, True),
    (LegalTextBlock.Kind.REFUND_BASIS, "Rechtsgrundlage", legal_defaults.REFUND_BASIS, True),
    (
        LegalTextBlock.Kind.REVOCATION,
        "Widerrufsvorbehalt, Erstattung und Verzinsung",
        legal_defaults.REVOCATION,
        True,
    ),
    (LegalTextBlock.Kind.REMEDY, "Rechtsbehelfsbelehrung", legal_defaults.REMEDY, True),
    (LegalTextBlock.Kind.DATA_PROTECTION, "Datenschutzhinweis", legal_defaults.DATA_PROTECTION, True),
    (LegalTextBlock.Kind.ENCLOSURES, "Anlagen", legal_defaults.ENCLOSURES, True),
]


def programme_year_dates(*, year: int, today: datetime.date) -> dict:
    """Deadlines of a demo year (demo values, not the programme's): a past year is closed;
    the current year's deadlines are still ahead whatever day the demo is built on (at the
    latest 31 December, a deadline that ends at 24:00); the next year opens as usual."""
    if year == today.year:
        application_deadline = min(datetime.date(year, 12, 31), max(datetime.date(year, 9, 30), today + MONTH))
        invoice_deadline = datetime.date(year + 1, 1, 31)
    else:
        application_deadline = datetime.date(year, 9, 30)
        invoice_deadline = datetime.date(year, 12, 15)
    return {
        "application_deadline": application_deadline,
        "invoice_deadline": invoice_deadline,
        "payout_window_start": datetime.date(year, 1, 1),
        "payout_window_end": invoice_deadline,
    }


def programme_year_ensure(*, year: int, today: datetime.date | None = None) -> ProgrammeYear:
    programme_year, created = ProgrammeYear.objects.get_or_create(
        year=year,
        defaults={
            "cap_per_municipality": Decimal("5000.00"),
            "budget": Decimal("250000.00"),
            "max_day_rate": Decimal("850.00"),
            "proof_of_use_months": 3,
            "rule_set_version": f"{year}.1",
            **programme_year_dates(year=year, today=today or timezone.localdate()),
        },
    )
    if created:
        programme_year.full_clean()
        programme_year.eligible_cost_types.set(CostType.objects.all())
        for kind, title, text, printed in LEGAL_TEXTS:
            LegalTextBlock.objects.create(
                programme_year=programme_year, kind=kind, title=title, text=text, printed=printed
            )
    return programme_year


def demo_base_rates_ensure(*, today: datetime.date) -> list[datetime.date]:
    """Half-years up to today that the published table does not cover get a demo rate.

    Marked as such in their source: interest in the demo can be computed on any date,
    while a real installation refuses to guess (see budgets/interest.py).
    """
    added = []
    rates = base_rates()
    covered = known_until(rates)
    while covered is not None and covered < today:
        valid_from = covered + datetime.timedelta(days=1)
        BaseRate.objects.create(valid_from=valid_from, rate=rates[-1][1], source=DEMO_RATE_SOURCE)
        added.append(valid_from)
        rates = base_rates()
        covered = known_until(rates)
    return added


def demo_pdf(title: str) -> SimpleUploadedFile:
    """A real one-page PDF, as a municipality would upload a scanned invoice."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, f"Demo-Beleg: {title}")
    page.showPage()
    page.save()
    return SimpleUploadedFile("demo-beleg.pdf", buffer.getvalue(), content_type="application/pdf")


@contextmanager
def at(moment: datetime.datetime):
    """Run the services at ``moment``, so that every record of a past step carries its own date."""
    with time_machine.travel(moment, tick=False):
        yield


def berlin(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    help = "Legt Demodaten an (Kommunen, Beispiel-Strukturstatus, Mitglieder, Programmjahre, Demo-Konten, Anträge)."

    def handle(self, *args, **options):
        # Also when a demo database from before the coordinates has none yet: the import
        # is idempotent and fills them in (the controllers' map needs them).
        if not Municipality.objects.filter(longitude__isnull=False).exists():
            report = municipalities_import(path=FIXTURES / "gv-auszug-destatis.csv")
            for line in report.summary_lines():
                self.stdout.write(line)
        structural_status_import(path=FIXTURES / "grw-status-beispiel.csv")
        memberships_import(path=FIXTURES / "mitglieder-beispiel.csv")
        today = timezone.localdate()
        # Demo e-mails stay in memory (the console would bury the logins), and the demo's
        # own SEPA batches need a debtor account when none is configured.
        demo_settings = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        if not settings.SEPA_DEBTOR_IBAN:
            demo_settings.update(DEMO_DEBTOR)
        with override_settings(**demo_settings), transaction.atomic():
            for year in (today.year - 1, today.year, today.year + 1):
                programme_year_ensure(year=year, today=today)
            added_rates = demo_base_rates_ensure(today=today)
            self._users()
            self._addresses()
            if not Application.objects.exists():
                self._past_year(ProgrammeYear.objects.get(year=today.year - 1))
                self._current_year(ProgrammeYear.objects.get(year=today.year), today=today)
        self.stdout.write("")
        for valid_from in added_rates:
            self.stdout.write(
                self.style.WARNING(f"Demowert: Basiszinssatz ab {valid_from:%d.%m.%Y} (nicht veröffentlicht).")
            )
        url = os.environ.get("DEMO_URL", "http://127.0.0.1:8000/")
        self.stdout.write(self.style.SUCCESS(f"Mikroförderung läuft unter {url}"))
        self.stdout.write(f"Demo-Konten (Passwort für alle: {DEMO_PASSWORD}):")
        for username, _first, _last, role, ags in DEMO_USERS:
            where = f", Kommune {Municipality.objects.get(ags=ags).name}" if ags else ""
            self.stdout.write(f"  {username:<16} {role.label}{where}")

    def _users(self) -> None:
        User = get_user_model()
        for username, first, last, role, ags in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            account_email_trust(user=user)
            user.groups.add(Group.objects.get(name=role))
            if ags:
                _affiliate(user=user, municipality=Municipality.objects.get(ags=ags))

    def _addresses(self) -> None:
        # Destatis has no street addresses; the demo's member municipalities get an
        # invented one, so that notices can go out (a real one is entered by the municipality).
        members = Municipality.objects.filter(membership_statuses__isnull=False, address__isnull=True).distinct()
        for municipality in members:
            if municipality.postcode:
                MunicipalityAddress.objects.create(
                    municipality=municipality,
                    street="Rathausplatz",
                    house_number="1",
                    postcode=municipality.postcode,
                    town=municipality_town(municipality.name),
                )

    def _staff(self):
        User = get_user_model()
        return User.objects.get(username="sachbearbeitung"), User.objects.get(username="bewilligung")

    def _applicant(self, municipality: Municipality):
        User = get_user_model()
        applicant = User.objects.filter(affiliations__municipality=municipality).first()
        if applicant is None:
            ags = municipality.ags
            applicant = User.objects.create_user(
                username=f"antrag-{ags}", email=f"antrag-{ags}@example.org", first_name="Demo", last_name=ags
            )
            applicant.set_password(DEMO_PASSWORD)
            applicant.save()
            account_email_trust(user=applicant)
            applicant.groups.add(Group.objects.get(name=Role.APPLICANT))
            _affiliate(user=applicant, municipality=municipality)
        return applicant

    def _draft(self, programme_year, index, ags, title, days, cost_code, *, start, end) -> Application:
        cost_type = CostType.objects.get(code=cost_code)
        municipality = Municipality.objects.get(ags=ags)
        applicant = self._applicant(municipality)
        rate = Decimal("850.00")
        return services.application_create(
            user=applicant,
            municipality=municipality,
            programme_year=programme_year,
            data={
                "title": title,
                "goals": "Die Gemeinde will ihre Angebote an die älter werdende Bevölkerung anpassen.",
                "description": "Externe Begleitung von Werkstätten mit Bürgerinnen, Bürgern und Verwaltung.",
                "purpose": cost_type.code,
                "period_start": start,
                "period_end": end,
                "requested_amount": Decimal(days) * rate,
                "contact_name": f"{applicant.first_name} {applicant.last_name}",
                "contact_email": applicant.email,
                "account_holder": municipality.name,
                "iban": DEMO_IBANS[index % len(DEMO_IBANS)],
                "declaration_no_early_start": True,
                "declaration_no_double_funding": True,
            },
            cost_lines=[
                services.CostLineInput(
                    cost_type=cost_type, description=f"{cost_type.name}, {days} Tage", days=Decimal(days), day_rate=rate
                )
            ],
        )

    def _submit(self, application: Application) -> Application:
        applicant = application.created_by
        return services.application_submit(user=applicant, application_id=application.pk)

    def _claim(self, user, application: Application) -> None:
        """Take the file's task from the queue first, as the office does on its pages."""
        services.application_claim(user=user, application_id=application.pk)

    def _approve(self, application: Application) -> Application:
        _clerk, approver = self._staff()
        self._claim(approver, application)
        return services.application_approve(approver=approver, application_id=application.pk)

    def _recommend(self, application: Application) -> Application:
        clerk, _approver = self._staff()
        self._claim(clerk, application)
        for result in application.eligibility_results.filter(current=True, outcome="failed"):
            services.eligibility_override(
                clerk=clerk, application_id=application.pk, result_id=result.pk, reason="Demodaten: Ausnahme."
            )
        return services.application_recommend(
            clerk=clerk,
            application_id=application.pk,
            recommendation=Application.Recommendation.APPROVE,
            reason="Fördervoraussetzungen erfüllt.",
        )

    def _request_payout(self, application: Application, *, invoice_day: datetime.date, amount: Decimal):
        municipality = application.municipality
        return payouts.payout_request(
            user=application.created_by,
            application_id=application.pk,
            invoices=[
                payouts.InvoiceInput(
                    issuer="Moderation & Beratung Demo GmbH",
                    number=f"R-{application.pk}-1",
                    invoice_date=invoice_day,
                    amount=amount,
                    cost_type=application.cost_lines.first().cost_type,
                )
            ],
            address=payouts.PayeeAddress(town=municipality.name.split(",")[0][:35], postcode=municipality.postcode),
            files=[demo_pdf(application.title)],
        )

    def _current_year(self, programme_year: ProgrammeYear, *, today: datetime.date) -> None:
        """This year's files, all dated today: one in each state a clerk or approver works on."""
        clerk, approver = self._staff()
        start = min(today + datetime.timedelta(days=7), programme_year.last_day)
        for index, (ags, title, target, days, cost_code) in enumerate(DEMO_APPLICATIONS):
            # Files with a payout run from today, so that an invoice of today fits their period.
            begins = today if target in ("payout_requested", "payout_released") else start
            application = self._draft(
                programme_year, index, ags, title, days, cost_code, start=begins, end=programme_year.last_day
            )
            if target == "draft":
                continue
            if target == "withdrawn":
                services.application_withdraw(
                    user=application.created_by, application_id=application.pk, reason="Vorhaben verschoben."
                )
                continue
            application = self._submit(application)
            if target == "in_review":
                continue
            if target == "info_requested":
                self._claim(clerk, application)
                services.application_request_info(
                    clerk=clerk,
                    application_id=application.pk,
                    message="Bitte reichen Sie das Angebot der Moderatorin nach.",
                )
                continue
            if target == "rejected":
                self._claim(clerk, application)
                services.application_recommend(
                    clerk=clerk,
                    application_id=application.pk,
                    recommendation=Application.Recommendation.REJECT,
                    reason="Kein Bezug zum demografischen Wandel erkennbar.",
                )
                self._claim(approver, application)
                services.application_reject(
                    approver=approver,
                    application_id=application.pk,
                    reason="Das Vorhaben dient nicht dem Förderzweck der Richtlinie.",
                )
                continue
            application = self._recommend(application)
            if target == "recommended":
                continue
            application = self._approve(application)
            if target in ("payout_requested", "payout_released"):
                payout = self._request_payout(
                    application, invoice_day=today, amount=money(application.approved_amount / 2)
                )
                if target == "payout_released":
                    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
                    payouts.payout_release(approver=approver, payout_id=payout.pk)

    def _past_year(self, programme_year: ProgrammeYear) -> None:
        """Last year's files, each step at the day it happened: paid and proven, refunded, overdue, lapsed."""
        clerk, approver = self._staff()
        year = programme_year.year

        def day(month: int, dom: int) -> datetime.date:
            return datetime.date(year, month, dom)

        files = {}
        for index, (ags, title, story, days, cost_code) in enumerate(PAST_APPLICATIONS):
            with at(berlin(day(2, 3 + index))):
                application = self._draft(
                    programme_year, index, ags, title, days, cost_code, start=day(3, 1), end=day(6, 30)
                )
                application = self._submit(application)
            with at(berlin(day(2, 10 + index))):
                application = self._recommend(application)
            with at(berlin(day(2, 17 + index))):
                files[story] = self._approve(application)

        # Payouts in July, paid in one SEPA batch with the bank's value date.
        for story in ("completed", "refunded", "overdue"):
            application = files[story]
            with at(berlin(day(7, 1))):
                payout = self._request_payout(application, invoice_day=day(6, 20), amount=application.approved_amount)
            with at(berlin(day(7, 3))):
                payouts.payout_check(clerk=clerk, payout_id=payout.pk)
            with at(berlin(day(7, 6))):
                payouts.payout_release(approver=approver, payout_id=payout.pk)
        with at(berlin(day(7, 7))):
            batch = sepa.sepa_batch_create(approver=approver, execution_date=day(7, 8))
            sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
        with at(berlin(day(7, 9))):
            sepa.sepa_batch_book_paid(user=approver, batch_id=batch.pk, value_date=day(7, 8))

        # Proofs of use in September: one accepted, one with a refund claim paid in November.
        for story, spent in (("completed", None), ("refunded", Decimal("1700.00"))):
            application = files[story]
            spent = spent or application.approved_amount
            with at(berlin(day(9, 1))):
                proof = proofs.proof_submit(
                    user=application.created_by,
                    application_id=application.pk,
                    report="Die Werkstätten fanden wie geplant statt; Ergebnisse im Anhang des Sachberichts.",
                    expenses=[
                        proofs.ExpenseInput(
                            spent_on=day(6, 20),
                            issuer="Moderation & Beratung Demo GmbH",
                            description="Moderation der Werkstätten",
                            cost_type=application.cost_lines.first().cost_type,
                            amount=spent,
                        )
                    ],
                )
            with at(berlin(day(9, 8))):
                proofs.proof_start_review(clerk=clerk, proof_id=proof.pk)
                if story == "completed":
                    proofs.proof_accept(clerk=clerk, proof_id=proof.pk)
                    continue
                claim = proofs.proof_claim_refund(
                    clerk=clerk,
                    proof_id=proof.pk,
                    amount=application.approved_amount - spent,
                    reason="Ein Teil der Mittel wurde nicht verausgabt.",
                    arises_on=day(9, 8),
                )
            with at(berlin(day(10, 20))):
                refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=day(10, 19))

        # Nobody called the money of the last one by the invoice deadline.
        lapsing = files["lapsed"]
        with at(berlin(programme_year.invoice_deadline + datetime.timedelta(days=5))):
            budget.commitments_lapse(user=clerk, programme_year_id=programme_year.pk, application_ids=[lapsing.pk])


# This year's files, dated today: AGS, title, state to reach, consultant days, cost type code.
DEMO_APPLICATIONS = [
    ("15081135", "Zukunftswerkstatt Ortsteile", "draft", "2", "moderation"),
    ("15081455", "Beratung Dorfladen und Mobilität", "in_review", "3", "consulting"),
    ("13075005", "Moderation Seniorenbeirat", "in_review", "2", "moderation"),
    ("03154013", "Fachkräftestrategie mit Nachbargemeinden", "in_review", "4", "consulting"),
    ("15081030", "Dorfgespräche Generationenwohnen", "info_requested", "2", "moderation"),
    ("16061001", "Leitbild Demografie 2035", "recommended", "3", "moderation"),
    ("15090010", "Bürgerbus: Machbarkeit", "approved", "4", "consulting"),
    ("14625020", "Werkstatt Ehrenamt im Amt", "payout_requested", "2", "moderation"),
    ("09472116", "Nahversorgung im Dorf", "payout_released", "2", "consulting"),
    ("15081455", "Imagefilm Ortsmarketing", "rejected", "1", "consulting"),
    ("13075005", "Reise zur Partnergemeinde", "withdrawn", "1", "moderation"),
]
# Last year's files, each step at the day it happened: AGS, title, how it ended, days, cost type.
PAST_APPLICATIONS = [
    ("15081135", "Seniorenwerkstatt Altstadt", "completed", "3", "moderation"),
    ("15090010", "Beratung Mehrgenerationenhaus", "refunded", "3", "consulting"),
    ("16061001", "Moderation Schulstandortplanung", "overdue", "2", "moderation"),
    ("03154013", "Mobilitätskonzept Landkreis", "lapsed", "2", "consulting"),
]
MONTH = datetime.timedelta(days=30)
DEMO_RATE_SOURCE = "Demowert, nicht veröffentlicht: der zuletzt bekannte Satz fortgeschrieben (nur Demo)"
# A published example IBAN (Berliner Sparkasse), not the office's account: demo only.
DEMO_DEBTOR = {
    "SEPA_DEBTOR_NAME": "Geschäftsstelle Zukunftsraum Demografie (Demo)",
    "SEPA_DEBTOR_IBAN": "DE02100500000054540402",
    "SEPA_DEBTOR_STREET": "Demostraße",
    "SEPA_DEBTOR_BUILDING_NUMBER": "1",
    "SEPA_DEBTOR_POSTCODE": "10117",
    "SEPA_DEBTOR_TOWN": "Berlin",
}
# Test IBANs with valid check digits (published examples), not real accounts of these municipalities.
DEMO_IBANS = ["DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030"]
