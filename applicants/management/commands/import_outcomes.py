"""`python manage.py import_outcomes PATH [--dry-run]`: an advising office's outcomes file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from applicants.outcomes import MAX_ERRORS_SHOWN, OutcomeImportError, import_outcomes


class Command(BaseCommand):
    help = (
        "Import application outcomes (CSV or XLSX, one row per application, the columns in the "
        "README, “Outcomes”) for fitting the estimates. Any row error means nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV or XLSX file of applications and their outcomes")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(str(options["path"]))
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        dry_run = bool(options["dry_run"])
        try:
            result = import_outcomes(content=content, file_name=path.name, dry_run=dry_run)
        except OutcomeImportError as exc:
            for error in exc.errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(error))
            if len(exc.errors) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"… and {len(exc.errors) - MAX_ERRORS_SHOWN:,} more errors.")
            raise CommandError(exc.message) from None
        if result.ignored_columns:
            self.stdout.write(f"Ignored columns: {', '.join(result.ignored_columns)}")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run of {path.name}, nothing written: would import ")
                + result.summary
                + "."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: ") + result.summary + ".")
