"""Load the key dates of the 2027 season from fixtures/season_dates.json.

Rows staff already keep are left alone: a date corrected in the admin is never overwritten.
"""

import json
from datetime import date
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "season_dates.json"


def load(apps, schema_editor):
    SeasonDate = apps.get_model("applicants", "SeasonDate")
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for row in rows:
        SeasonDate.objects.get_or_create(
            season=row["season"],
            kind=row["kind"],
            defaults={"date": date.fromisoformat(row["date"]), "source": row["source"]},
        )


class Migration(migrations.Migration):
    dependencies = [("applicants", "0003_season_tracker_facts")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
