from grants.imports import memberships_import
from grants.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Importiert Mitgliedschaften aus dem Export der Netzwerkplattform (ags,status,since)."

    def run_import(self, *, path):
        return memberships_import(path=path)
