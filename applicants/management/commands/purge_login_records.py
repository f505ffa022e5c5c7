from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from applicants.privacy import purge_login_records


class Command(BaseCommand):
    help = (
        "Delete sign-in and lock-out records older than LOGIN_RECORDS_DAYS (or --days), "
        "and expired sessions. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days of records (default LOGIN_RECORDS_DAYS, now "
            f"{settings.LOGIN_RECORDS_DAYS})",
        )

    def handle(self, *args: object, days: int | None, **options: object) -> None:
        days = settings.LOGIN_RECORDS_DAYS if days is None else days
        try:
            counts = purge_login_records(older_than=timedelta(days=days))
        except ValueError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{kind} {count}" for kind, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted records older than {days} days: {summary}; expired sessions cleared."
            )
        )
