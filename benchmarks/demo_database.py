"""A throwaway test database holding the demo catalogue, for scripts that need the ORM.

Import it after `django.setup()`. SQLite in memory, or `test_<name>` on PostgreSQL when
DATABASE_URL is set; the user's own database is never touched.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_test_environment

DEMO_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "demo_programs.csv"


@contextmanager
def demo_database() -> Iterator[None]:
    """Create the test database, import the demo catalogue into it, and drop it afterwards."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with open(os.devnull, "w") as quiet:
            call_command("import_programs", str(DEMO_CSV), stdout=quiet)
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
