from django.core.management.base import BaseCommand

from workflows.common.staff_notifications import staff_digest_send


class Command(BaseCommand):
    help = (
        "Sendet jeder Person der Geschäftsstelle, die die tägliche Sammel-E-Mail gewählt hat, "
        "eine E-Mail mit ihren neuen Hinweisen (Aufgaben, Antworten, offene Entscheidungen). "
        "Für cron gedacht, täglich; mehrfaches Ausführen versendet nichts doppelt."
    )

    def handle(self, *args, **options):
        sent = staff_digest_send()
        self.stdout.write(f"Sammel-E-Mails versendet: {sent}")
