"""Turn the stored list statuses into tracker facts, then drop the stored status.

A status said how far an application went but not when: each fact gets the day the entry was
last changed (moved into its season's window). An entry becomes tracked for the season of that
day. When one applicant had the same program with a status on two lists (a profile and a
scenario), the furthest status becomes the facts and the other entry keeps its old status in
its notes, so nothing is lost.
"""

from datetime import date

from django.db import migrations

from applicants.season import season_of, season_window

ORDER = ("considering", "applied", "interview_offered", "interviewed", "ranked")


def _facts(status: str, day: date) -> dict:
    stage = ORDER.index(status)
    facts: dict = {"applied_on": day}
    if stage >= 2:
        facts["invited_on"] = day
    if stage >= 3:
        facts["interviewed"] = True
    return facts


def forwards(apps, schema_editor):
    Entry = apps.get_model("applicants", "ShortlistEntry")
    entries = list(
        Entry.objects.exclude(status="considering")
        .filter(status__in=ORDER)
        .select_related("shortlist__profile")
    )
    # Furthest status first; then the base profile's list before scenarios', in list order.
    entries.sort(
        key=lambda entry: (
            -ORDER.index(entry.status),
            entry.shortlist.profile.based_on_id is not None,
            entry.rank or 0,
            entry.pk,
        )
    )
    tracked: set[tuple[int, int, int]] = set()
    next_rank: dict[tuple[int, int], int] = {}
    for entry in entries:
        day = entry.updated_at.date()
        season = season_of(day)
        first, last = season_window(season)
        day = min(max(day, first), last)
        user = entry.shortlist.profile.user_id
        key = (user, season, entry.program_id)
        if key in tracked:
            label = entry.status.replace("_", " ")
            entry.notes = (entry.notes + f"\nStatus before the season tracker: {label}.").strip()
            entry.save(update_fields=["notes"])
            continue
        tracked.add(key)
        for name, value in _facts(entry.status, day).items():
            setattr(entry, name, value)
        if entry.status == "ranked":
            position = next_rank.get((user, season), 1)
            next_rank[(user, season)] = position + 1
            entry.rank_position = position
        entry.applicant_id, entry.season = user, season
        entry.save()
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now: PostgreSQL refuses the ALTER TABLE that follows in
        # this transaction while deferred checks on the table are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def backwards(apps, schema_editor):
    Entry = apps.get_model("applicants", "ShortlistEntry")
    for entry in Entry.objects.filter(applicant__isnull=False):
        if entry.rank_position is not None or entry.matched:
            entry.status = "ranked"
        elif entry.interviewed:
            entry.status = "interviewed"
        elif entry.invited_on or entry.interview_at:
            entry.status = "interview_offered"
        elif entry.applied_on:
            entry.status = "applied"
        entry.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [("applicants", "0002_season_tracker")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="shortlistentry", name="status"),
    ]
