"""Render the PDFs of notices whose rendering task failed or never ran."""

from django.core.management.base import BaseCommand

from reports.services import notices_render_missing


class Command(BaseCommand):
    help = "Erstellt fehlende PDF-Dateien erlassener Bescheide aus ihrem eingefrorenen Inhalt."

    def handle(self, *args, **options):
        count = notices_render_missing()
        self.stdout.write(f"{count} Bescheid(e) erstellt.")
