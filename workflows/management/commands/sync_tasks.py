from django.core.management.base import BaseCommand

from workflows.applications.flows import sync_tasks_all


class Command(BaseCommand):
    help = (
        "Legt für jeden Antrag, der eine Aufgabe braucht (in Prüfung, zur Entscheidung, Rückfrage), "
        "die offene Aufgabe an. Einmal nach einem Update ausführen; mehrfaches Ausführen ändert nichts."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Abgeglichene Anträge: {sync_tasks_all()}")
