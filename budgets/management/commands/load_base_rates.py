from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgets.errors import InterestError
from budgets.interest import RATES_FILE, base_rates_load, known_until, read_rates_file


class Command(BaseCommand):
    help = (
        "Lädt den Basiszinssatz nach § 247 BGB (Deutsche Bundesbank) aus budgets/data/basiszinssatz.csv "
        "in die Datenbank. Fügt nur neue Halbjahre hinzu; mehrfaches Ausführen ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=RATES_FILE, help="CSV-Datei (Standard: %(default)s)")

    def handle(self, *args, **options):
        try:
            rates = read_rates_file(options["file"])
            added = base_rates_load(rates=rates)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        except InterestError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Neue Basiszinssätze: {added}; bekannt bis {known_until(rates):%d.%m.%Y}.")
