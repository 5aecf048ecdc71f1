"""Shared shape of the import commands: run one import service, print its report."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grants.errors import GrantsError
from grants.imports import ImportReport


class ImportCommand(BaseCommand):
    default_path: Path | None = None

    def add_arguments(self, parser):
        nargs = "?" if self.default_path else None
        parser.add_argument("path", nargs=nargs, type=Path, default=self.default_path, help="CSV-Datei")

    def run_import(self, *, path: Path) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, path: Path, **options):
        try:
            report = self.run_import(path=path)
        except GrantsError as exc:
            raise CommandError(exc.message) from None
        for error in report.errors:
            self.stderr.write(str(error))
        for line in report.summary_lines():
            self.stdout.write(line)
