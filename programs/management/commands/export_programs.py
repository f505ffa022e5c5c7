from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.export import write_catalogue
from programs.models import Program


class Command(BaseCommand):
    help = "Export the active catalogue as CSV in the canonical columns (the import template)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="CSV file to write")

    def handle(self, *args: object, **options: object) -> None:
        out = Path(str(options["out"]))
        try:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = write_catalogue(out=handle, programs=Program.objects.active())
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror or exc}.") from None
        self.stdout.write(self.style.SUCCESS(f"Exported {count} programs to {out}."))
