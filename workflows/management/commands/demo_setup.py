"""Demo data for a first look: municipalities, example structural status and
memberships, a programme year with its rules, one user per role, and a few
applications in different states so every role finds work on its start page.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from grants.imports import memberships_import, municipalities_import, structural_status_import
from grants.models import Application, CostType, LegalTextBlock, Municipality, ProgrammeYear
from grants.roles import Role
from grants.services import affiliation_create
from workflows import services

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
    (
        LegalTextBlock.Kind.REMEDY,
        "Rechtsbehelfsbelehrung",
        "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch bei der "
        "Geschäftsstelle Zukunftsraum Demografie erhoben werden.",
        True,
    ),
]


def programme_year_ensure(*, year: int) -> ProgrammeYear:
    programme_year, created = ProgrammeYear.objects.get_or_create(
        year=year,
        defaults={
            "cap_per_municipality": Decimal("5000.00"),
            "budget": Decimal("250000.00"),
            "max_day_rate": Decimal("850.00"),
            "application_deadline": datetime.date(year, 12, 15),
            "invoice_deadline": datetime.date(year, 12, 31),
            "payout_window_start": datetime.date(year, 1, 1),
            "payout_window_end": datetime.date(year, 12, 31),
            "proof_of_use_months": 3,
            "rule_set_version": f"{year}.1",
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


class Command(BaseCommand):
    help = "Legt Demodaten an (Kommunen, Beispiel-Strukturstatus, Mitglieder, Programmjahr, Demo-Konten)."

    def handle(self, *args, **options):
        if not Municipality.objects.exists():
            report = municipalities_import(path=FIXTURES / "gv-auszug-destatis.csv")
            for line in report.summary_lines():
                self.stdout.write(line)
        structural_status_import(path=FIXTURES / "grw-status-beispiel.csv")
        memberships_import(path=FIXTURES / "mitglieder-beispiel.csv")
        this_year = timezone.localdate().year
        with transaction.atomic():
            for year in (this_year, this_year + 1):
                programme_year_ensure(year=year)
            self._users()
            if not Application.objects.exists():
                self._applications(ProgrammeYear.objects.get(year=this_year))
        self.stdout.write("")
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
            user.groups.add(Group.objects.get(name=role))
            if ags:
                affiliation_create(user=user, municipality=Municipality.objects.get(ags=ags))

    def _applications(self, programme_year: ProgrammeYear) -> None:
        """Applications of active members in each state a clerk or approver works on."""
        User = get_user_model()
        clerk = User.objects.get(username="sachbearbeitung")
        approver = User.objects.get(username="bewilligung")
        today = timezone.localdate()
        start = min(today + datetime.timedelta(days=7), programme_year.last_day)
        for index, (ags, title, target, days, cost_code) in enumerate(DEMO_APPLICATIONS):
            cost_type = CostType.objects.get(code=cost_code)
            municipality = Municipality.objects.get(ags=ags)
            applicant = User.objects.filter(affiliations__municipality=municipality).first()
            if applicant is None:
                applicant = User.objects.create_user(
                    username=f"antrag-{ags}", email=f"antrag-{ags}@example.org", first_name="Demo", last_name=ags
                )
                applicant.set_password(DEMO_PASSWORD)
                applicant.save()
                applicant.groups.add(Group.objects.get(name=Role.APPLICANT))
                affiliation_create(user=applicant, municipality=municipality)
            rate = Decimal("850.00")
            application = services.application_create(
                user=applicant,
                municipality=municipality,
                programme_year=programme_year,
                data={
                    "title": title,
                    "goals": "Die Gemeinde will ihre Angebote an die älter werdende Bevölkerung anpassen.",
                    "description": "Externe Begleitung von Werkstätten mit Bürgerinnen, Bürgern und Verwaltung.",
                    "purpose": cost_type.code,
                    "period_start": start,
                    "period_end": programme_year.last_day,
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
                        cost_type=cost_type,
                        description=f"{cost_type.name}, {days} Tage",
                        days=Decimal(days),
                        day_rate=rate,
                    )
                ],
            )
            if target == "draft":
                continue
            services.application_submit(user=applicant, application_id=application.pk)
            if target == "in_review":
                continue
            for result in application.eligibility_results.filter(current=True, outcome="failed"):
                services.eligibility_override(
                    clerk=clerk, application_id=application.pk, result_id=result.pk, reason="Demodaten: Ausnahme."
                )
            services.application_recommend(
                clerk=clerk,
                application_id=application.pk,
                recommendation=Application.Recommendation.APPROVE,
                reason="Fördervoraussetzungen erfüllt.",
            )
            if target == "approved":
                services.application_approve(approver=approver, application_id=application.pk)


# AGS, title, state to reach, consultant days, cost type code
DEMO_APPLICATIONS = [
    ("15081135", "Zukunftswerkstatt Ortsteile", "draft", "2", "moderation"),
    ("15081455", "Beratung Dorfladen und Mobilität", "in_review", "3", "consulting"),
    ("13075005", "Moderation Seniorenbeirat", "in_review", "2", "moderation"),
    ("03154013", "Fachkräftestrategie mit Nachbargemeinden", "in_review", "4", "consulting"),
    ("16061001", "Leitbild Demografie 2035", "recommended", "3", "moderation"),
    ("15090010", "Bürgerbus: Machbarkeit", "approved", "4", "consulting"),
]
# Test IBANs with valid check digits (published examples), not real accounts of these municipalities.
DEMO_IBANS = ["DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030"]
