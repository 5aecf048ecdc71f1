"""Demo data for a first look: municipalities, example structural status and
memberships, a programme year with its rules, and one user per role.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from grants.imports import memberships_import, municipalities_import, structural_status_import
from grants.models import CostType, LegalTextBlock, Municipality, ProgrammeYear
from grants.roles import Role
from grants.services import affiliation_create

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
            "application_deadline": datetime.date(year, 9, 30),
            "invoice_deadline": datetime.date(year, 12, 15),
            "payout_window_start": datetime.date(year, 1, 1),
            "payout_window_end": datetime.date(year, 12, 15),
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
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Mikroförderung läuft unter http://127.0.0.1:8000/"))
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
