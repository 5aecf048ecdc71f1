from grants.imports import structural_status_import
from grants.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Importiert den Strukturstatus (GRW-Fördergebiet C/D) aus einer CSV-Datei "
        "(kreis_ags,status,source,valid_from,valid_to)."
    )

    def run_import(self, *, path):
        return structural_status_import(path=path)
