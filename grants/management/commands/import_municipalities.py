from pathlib import Path

from django.conf import settings

from grants.imports import municipalities_import
from grants.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Importiert Länder, Kreise und Gemeinden aus dem Gemeindeverzeichnis "
        "(Quelle: Statistisches Bundesamt, Datenlizenz Deutschland – Namensnennung – 2.0)."
    )
    default_path = Path(settings.BASE_DIR) / "fixtures" / "gv-auszug-destatis.csv"

    def run_import(self, *, path):
        return municipalities_import(path=path)
