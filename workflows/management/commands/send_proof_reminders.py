import datetime

from django.core.management.base import BaseCommand, CommandError

from workflows.proofs.reminders import DUE_SOON_DAYS, proof_reminders_send


class Command(BaseCommand):
    help = (
        "Verwendungsnachweise: legt fehlende an, erinnert die Kommunen "
        f"{DUE_SOON_DAYS} Tage vor der Frist und mahnt nach ihrem Ablauf (jede Nachricht höchstens einmal "
        "je Nachweis) und listet die überfälligen Nachweise für die Sachbearbeitung. "
        "Für cron gedacht, z. B. täglich; mehrfaches Ausführen versendet nichts doppelt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Stichtag im Format JJJJ-MM-TT (Standard: heute), etwa zum Nachholen eines ausgefallenen Laufs.",
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date={options['date']!r}: bitte im Format JJJJ-MM-TT angeben.") from None
        run = proof_reminders_send(today=today)
        self.stdout.write(f"Neu angelegte Verwendungsnachweise: {run.opened}")
        self.stdout.write(f"Erinnerungen vor Fristablauf versendet: {len(run.due_soon)}")
        self.stdout.write(f"Mahnungen nach Fristablauf versendet: {len(run.overdue_reminded)}")
        self.stdout.write(f"Überfällige Verwendungsnachweise: {len(run.overdue)}")
        for proof in run.overdue:
            application = proof.application
            self.stdout.write(
                f"  {application.file_number or application.pk}  {application.municipality.name}  "
                f"fällig seit {proof.due_date:%d.%m.%Y}"
            )
