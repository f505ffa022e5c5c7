"""The version of what a user's pages show: the page cache's key for applicants' data."""

from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from applicants.catalogue import as_of_year
from applicants.models import Comment, ModelVersion, Profile, Shortlist, ShortlistEntry
from programs.models import Program


class DataVersion(NamedTuple):
    """What `data_version` found: compare it whole; `unseen_comments` is also read alone."""

    figures: tuple[object, ...]  # counts, highest pks, latest changes: only ever compared
    unseen_comments: int  # comments on the user's data not yet seen (by others: their own are)


def data_version(user: AbstractBaseUser) -> DataVersion:
    """A value that changes whenever anything a user's pages show may have changed.

    Covers the user's profiles and scenarios (every save bumps `updated_at`; deletions change
    the count; which one is active), their lists (builds bump `built_at`, row actions bump the
    entry's `updated_at`, additions and removals change the count), the comments on their data
    (written or seen), the catalogue (count, highest pk, latest `updated_at`: what
    `catalogue_frame` uses), the active model version and the scoring year. One round trip:
    it runs on every view of the cached pages. It assumes the app servers' clocks do not run
    backwards.
    """
    profile, shortlist = Profile._meta.db_table, Shortlist._meta.db_table
    entry, program = ShortlistEntry._meta.db_table, Program._meta.db_table
    # A few aggregates over common table expressions rather than one subquery per figure:
    # PostgreSQL plans this in a fraction of the time (planning was most of its cost).
    sql = f"""
        WITH mine AS (SELECT id, updated_at, active FROM {profile} WHERE user_id = %s),
        lists AS (SELECT id, updated_at, built_at FROM {shortlist}
                  WHERE profile_id IN (SELECT id FROM mine)),
        entries AS (SELECT id, updated_at FROM {entry}
                    WHERE shortlist_id IN (SELECT id FROM lists))
        SELECT * FROM
            (SELECT COUNT(*), MAX(id), MAX(updated_at), MAX(CASE WHEN active THEN id END)
             FROM mine) AS p,
            (SELECT COUNT(*), MAX(id), MAX(updated_at), MAX(built_at) FROM lists) AS l,
            (SELECT COUNT(*), MAX(id), MAX(updated_at) FROM entries) AS e,
            (SELECT COUNT(*), MAX(id), MAX(updated_at) FROM {program}) AS c,
            (SELECT MAX(id) FROM {ModelVersion._meta.db_table} WHERE active) AS v,
            (SELECT COUNT(*), MAX(id),
                    COALESCE(SUM(CASE WHEN seen_at IS NULL THEN 1 ELSE 0 END), 0)
             FROM {Comment._meta.db_table} WHERE owner_id = %s) AS n
    """  # noqa: S608 - table names only, no input
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        row = cursor.fetchone()
    return DataVersion((*row, as_of_year()), unseen_comments=int(row[-1]))
