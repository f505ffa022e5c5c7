"""Small factories for tests: each makes one saved object with sensible defaults."""

from itertools import count

from django.contrib.auth.models import User

from programs.models import Program

PASSWORD = "correct-horse-battery-staple"
_program_numbers = count(1)


def make_user(username: str = "alice", *, is_staff: bool = False) -> User:
    return User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        is_staff=is_staff,
    )


def make_program(**fields: object) -> Program:
    number = next(_program_numbers)
    defaults: dict[str, object] = {
        "program_id": f"99{number:08d}",
        "name": f"Test Neurology Program {number}",
        "institution": f"Test Medical Center {number}",
        "city": "Springfield",
        "state": "IL",
        "setting": "university",
        "tier": 2,
        "track": "categorical",
        "positions": 6,
        "visa_j1": True,
        "visa_h1b": None,
        "img_pct": 40.0,
        "step2_min": None,
        "yog_policy": "unknown",
        "yog_window": None,
        "multiple_attempts_ok": None,
        "usce_min_months": None,
        "data_source": "test",
    }
    defaults.update(fields)
    return Program.objects.create(**defaults)


def make_catalogue_csv(
    rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    """A catalogue file: the first row is the header, written as a spreadsheet would."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)
