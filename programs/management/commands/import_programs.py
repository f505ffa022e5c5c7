from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.importer import CatalogueImportError, import_catalogue
from programs.models import Program

FLAGS = {
    "--dry-run": "report what would change; write nothing",
    "--full-catalogue": "the file is the whole catalogue: archive programs missing from it",
    "--skip-invalid": "import the valid rows, skip the others",
    "--if-empty": "import only into an empty catalogue (used by `make run`)",
}


class Command(BaseCommand):
    help = "Import a catalogue file (CSV or XLSX) into the program catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV or XLSX file in the canonical or a FREIDA layout")
        for flag, meaning in FLAGS.items():
            parser.add_argument(flag, action="store_true", help=meaning)

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        if options["if_empty"] and (count := Program.objects.count()):
            self.stdout.write(
                f"The catalogue has {count} program{'s' if count != 1 else ''} already; "
                f"skipped importing {path}."
            )
            return
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        try:
            result = import_catalogue(
                content=content,
                file_name=path.name,
                dry_run=bool(options["dry_run"]),
                full_catalogue=bool(options["full_catalogue"]),
                skip_invalid=bool(options["skip_invalid"]),
            )
        except CatalogueImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from None
        plan = result.plan
        for error in plan.errors:
            self.stderr.write(
                str(error) if result.problem else self.style.WARNING(f"Skipped: {error}")
            )
        if plan.ignored_columns:
            self.stdout.write(f"Ignored columns: {', '.join(plan.ignored_columns)}")
        if options["dry_run"]:
            if result.problem:
                raise CommandError(f"Dry run of {path.name}: {result.problem}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dry run of {path.name}, nothing written: would be {result.summary}."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {result.summary}."))
