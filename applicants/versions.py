"""The version of what a user's pages show: the page cache's key for applicants' data."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from applicants.catalogue import as_of_year
from applicants.models import ModelVersion, Profile, Shortlist, ShortlistEntry
from programs.models import Program


def data_version(user: AbstractBaseUser) -> tuple[object, ...]:
    """A value that changes whenever anything a user's pages show may have changed.

    Covers the user's profiles and scenarios (every save bumps `updated_at`; deletions change
    the count), their lists (builds bump `built_at`, row actions bump the entry's `updated_at`,
    additions and removals change the count), the catalogue (count, highest pk, latest
    `updated_at`: what `catalogue_frame` uses), the active model version and the scoring year.
    One round trip: it runs on every view of the cached pages. It assumes the app servers'
    clocks do not run backwards.
    """
    profile, shortlist = Profile._meta.db_table, Shortlist._meta.db_table
    entry, program = ShortlistEntry._meta.db_table, Program._meta.db_table
    mine = f"SELECT id FROM {profile} WHERE user_id = %s"
    lists = f"SELECT id FROM {shortlist} WHERE profile_id IN ({mine})"
    columns = [
        f"(SELECT {aggregate} FROM {table} WHERE {where})"
        for table, where in (
            (profile, "user_id = %s"),
            (shortlist, f"profile_id IN ({mine})"),
            (entry, f"shortlist_id IN ({lists})"),
            (program, "1 = 1"),
        )
        for aggregate in ("COUNT(*)", "MAX(id)", "MAX(updated_at)")
    ]
    columns.append(f"(SELECT MAX(built_at) FROM {shortlist} WHERE profile_id IN ({mine}))")
    # The active model version: every score shown depends on its weights.
    columns.append(f"(SELECT MAX(id) FROM {ModelVersion._meta.db_table} WHERE active)")
    with connection.cursor() as cursor:
        sql = f"SELECT {', '.join(columns)}"  # noqa: S608 - table names only, no input
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        row = cursor.fetchone()
    return (*row, as_of_year())
