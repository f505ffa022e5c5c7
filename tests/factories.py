"""Small factories for tests: each makes one saved object with sensible defaults."""

import functools
import math
from itertools import count
from pathlib import Path

from django.contrib.auth.models import User

from programs.models import Program

PASSWORD = "correct-horse-battery-staple"
_program_numbers = count(1)


def make_user(username: str = "alice", *, is_staff: bool = False, verified: bool = True) -> User:
    """A user with the password `PASSWORD` and the e-mail address `<username>@example.org`."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        is_staff=is_staff,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def make_catalogue_editor(username: str = "stella") -> User:
    """A staff member in the "Catalogue editors" group (made by a migration; made again here
    for tests that flush the database)."""
    from django.contrib.auth.models import Group, Permission

    from programs.permissions import CATALOGUE_EDITORS, EDIT_CATALOGUE

    group, _created = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    codenames = [permission.split(".")[1] for permission in EDIT_CATALOGUE]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="programs", codename__in=codenames)
    )
    user = make_user(username, is_staff=True)
    user.groups.add(group)
    return user


def make_model_steward(username: str = "mona") -> User:
    """A staff member who may activate a model version (the permission to change one)."""
    from django.contrib.auth.models import Permission

    user = make_user(username, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="applicants", codename="change_modelversion")
    )
    return user


def _program(**fields: object) -> Program:
    """An unsaved Program: a unique id, name and institution, test defaults, then `fields`."""
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
    return Program(**defaults)


def make_program(**fields: object) -> Program:
    program = _program(**fields)
    program.save(force_insert=True)
    return program


PROGRAM_FRAME_DEFAULTS: dict[str, object] = {
    "program_id": "9900000000",
    "name": "Test Neurology Program",
    "institution": "Test Medical Center",
    "city": "Springfield",
    "state": "IL",
    "setting": "university",
    "track": "categorical",
    "region": "Midwest",
    "tier": 2.0,
    "positions": 6.0,
    "img_pct": 40.0,
    "step2_min": float("nan"),
    "usce_min_months": float("nan"),
    "visa_j1": 1.0,
    "visa_h1b": float("nan"),
    "multiple_attempts_ok": float("nan"),
    "yog_window": float("nan"),
    "step2_min_kind": "required",
    "yog_window_kind": "required",
    "usce_kind": "required",
    "active": True,
}


def make_program_frame(*rows: dict[str, object]):
    """A programs DataFrame in the `Program.objects.to_frame()` shape, pk 1, 2, … per row."""
    import pandas as pd

    from programs.geography import region_of

    records = []
    for row in rows:
        record = {**PROGRAM_FRAME_DEFAULTS, **row}
        if "region" not in row:
            record["region"] = region_of(str(record["state"]))
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(PROGRAM_FRAME_DEFAULTS))
    frame.index = pd.RangeIndex(1, len(records) + 1, name="pk")
    for column in ("tier", "positions", "img_pct", "step2_min", "usce_min_months", "visa_j1",
                   "visa_h1b", "multiple_attempts_ok", "yog_window"):  # fmt: skip
        frame[column] = frame[column].astype(float)
    frame["active"] = frame["active"].astype(bool)
    return frame


DEMO_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "demo_programs.csv"


@functools.cache
def _demo_frame():
    import numpy as np
    import pandas as pd

    from programs.geography import region_of

    raw = pd.read_csv(DEMO_CSV, dtype=str, keep_default_na=False)
    frame = raw[["program_id", "name", "institution", "city", "state", "setting", "track"]].copy()
    for column in ("tier", "positions", "img_pct", "step2_min", "usce_min_months"):
        frame[column] = pd.to_numeric(raw[column].replace("", np.nan)).astype(float)
    tristate = {"yes": 1.0, "no": 0.0, "": math.nan}
    for column in ("visa_j1", "visa_h1b", "multiple_attempts_ok"):
        frame[column] = raw[column].map(tristate).astype(float)
    window = raw["yog_window"].map(lambda v: {"none": math.inf, "": math.nan}.get(v, v))
    frame["yog_window"] = window.astype(float)
    frame["region"] = frame["state"].map(region_of)
    frame["active"] = True
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="pk")
    return frame


def make_demo_frame():
    """The demo catalogue CSV in the `Program.objects.to_frame()` shape, as the importer
    would store it (pk 1, 2, … in file order)."""
    return _demo_frame().copy()


def make_profile_data(**fields: object) -> dict[str, object]:
    """A profile dict in the profile JSON shape (the matched-average applicant by default)."""
    data: dict[str, object] = {
        "visa": "j1",
        "graduation_year": 2023,
        "step1_attempts": 1,
        "step1_score": None,
        "step2_score": 245,
        "step2_attempts": 1,
        "step3_score": None,
        "usce_months": 3,
        "observership_months": 0,
        "neuro_publications": 4,
        "neuro_presentations": 6,
        "us_neuro_letters": 2,
        "preferred_states": [],
        "preferred_regions": [],
        "excluded_states": [],
        "list_size": 100,
    }
    data.update(fields)
    return data


def make_low_score_profile_data(**fields: object) -> dict[str, object]:
    """The low-score reference applicant as a profile dict."""
    from django.utils import timezone

    data = make_profile_data(
        visa="j1",
        graduation_year=timezone.now().year - 6,
        step1_attempts=2,
        step2_score=222,
        usce_months=0,
        neuro_publications=0,
        neuro_presentations=0,
        us_neuro_letters=0,
        list_size=100,
    )
    data.update(fields)
    return data


def make_profile(user: User, **fields: object):
    """A saved base profile (active) for `user`; pass `based_on=` and `active=False` for a
    scenario."""
    from applicants.models import Profile

    data = make_profile_data()
    data.update({"name": "My profile", "active": True})
    data.update(fields)
    return Profile.objects.create(user=user, **data)


def make_entry(shortlist, program: Program | None = None, **fields: object):
    """A saved shortlist entry (a target program at rank 1 by default)."""
    from applicants.models import ShortlistEntry

    defaults: dict[str, object] = {
        "rank": 1,
        "band": "target",
        "probability": 0.3,
        "fit_score": 60,
        "reasons": ["+ Sponsors J-1"],
    }
    defaults.update(fields)
    return ShortlistEntry.objects.create(
        shortlist=shortlist, program=program or make_program(), **defaults
    )


SEASON = 2027  # tests date their facts in this season, whatever the day they run


def make_tracked_entry(shortlist, program: Program | None = None, **fields: object):
    """A list entry tracked for `SEASON` (pass facts such as `applied_on=date(2026, 9, 10)`)."""
    fields.setdefault("season", SEASON)
    return make_entry(shortlist, program, applicant=shortlist.profile.user, **fields)


def make_interviewed_entries(user: User, *names: str, ranked: bool = False) -> list:
    """One tracked entry per program name, each applied, invited and interviewed (on 2, 3, …
    November 2026), on a new list of a new profile of `user`; `ranked`: ranked in that order."""
    from datetime import UTC, date, datetime

    from applicants.models import Shortlist

    shortlist = Shortlist.objects.create(profile=make_profile(user))
    return [
        make_tracked_entry(
            shortlist,
            make_program(name=name),
            applied_on=date(2026, 9, 10),
            invited_on=date(2026, 10, 1),
            interview_at=datetime(2026, 11, 2 + i, 15, tzinfo=UTC),
            interviewed=True,
            rank_position=i + 1 if ranked else None,
        )
        for i, name in enumerate(names)
    ]


CATALOGUE_STATES = ("TX", "NY", "CA", "FL", "IL", "PA", "OH", "MI", "GA", "NC")


def make_catalogue(n: int = 45) -> list[Program]:
    """`n` J-1 sponsoring programs spread over ten states and all four tiers."""
    return Program.objects.bulk_create(
        _program(
            state=CATALOGUE_STATES[i % len(CATALOGUE_STATES)],
            tier=1 + i % 4,
            img_pct=float(10 + (i * 7) % 60),
        )
        for i in range(n)
    )


def make_catalogue_csv(
    rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    """A catalogue file: the first row is the header, written as a spreadsheet would."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


LIST_ROW_DEFAULTS: dict[str, object] = {
    "program_id": "1804000001",
    "name": "Test Neurology Program",
    "institution": "Test Medical Center",
    "city": "Springfield",
    "state": "IL",
    "region": "Midwest",
    "setting": "university",
    "tier": 2,
    "band": "target",
    "interview_probability": 0.42,
    "fit_score": 42,
    "visa_j1": True,
    "visa_h1b": None,
    "img_pct": 40.0,
    "step2_min": None,
    "yog_window": None,
    "reasons": ["+ Sponsors J-1", "? H-1B sponsorship unknown — verify"],
    "status": "considering",
    "notes": "",
    "website": "https://neurology.example.org/residency",
    "nrmp_codes": "1104180C0",
    "pinned": False,
    "added_by_hand": False,
    "archived": False,
    "applied_on": None,
    "signalled": False,
    "invited_on": None,
    "rejected_on": None,
    "withdrawn_on": None,
    "interview_at": None,
    "interview_format": "",
    "interviewed": False,
    "rank_position": None,
    "matched": False,
}


def make_list_rows(*rows: dict[str, object]):
    """Rows in the `applicants.export_data.list_rows` shape, ranked 1, 2, … in order given."""
    import pandas as pd

    records = [
        {"rank": rank, "program_pk": rank, **LIST_ROW_DEFAULTS, **row}
        for rank, row in enumerate(rows, start=1)
    ]
    columns = ["rank", "program_pk", *LIST_ROW_DEFAULTS]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in ("tier", "step2_min", "rank_position"):
        frame[column] = frame[column].astype("Int64")
    frame["img_pct"] = frame["img_pct"].astype(float)
    for column in ("visa_j1", "visa_h1b", "yog_window"):
        frame[column] = pd.Series([record[column] for record in records], dtype=object)
    return frame


OUTCOME_ROW_DEFAULTS: dict[str, str] = {
    "season": "2026",
    "applicant": "A001",
    "program_id": "",
    "visa": "j1",
    "graduation_year": "2022",
    "step1_attempts": "1",
    "step2_score": "240",
    "step2_attempts": "1",
    "step3_score": "",
    "usce_months": "3",
    "observership_months": "0",
    "neuro_publications": "1",
    "neuro_presentations": "2",
    "us_neuro_letters": "2",
    "preferred_states": "",
    "preferred_regions": "",
    "signalled": "no",
    "invited": "yes",
    "interviewed": "",
    "matched": "",
}


def make_outcomes_csv(*rows: dict[str, object], columns: list[str] | None = None) -> bytes:
    """An outcomes file as `import_outcomes` reads it: one row per dict, defaults for the rest."""
    header = columns or list(OUTCOME_ROW_DEFAULTS)
    records = [[str({**OUTCOME_ROW_DEFAULTS, **row}.get(name, "")) for name in header]
               for row in rows]  # fmt: skip
    return make_catalogue_csv([header, *records])


def make_full_season(user: User, *, entries: int = 120, interviews: int = 25):
    """A whole season on one list: `entries` programs applied to, `interviews` of them with
    interviews spread over October to January (some in person, a few on the same day)."""
    from datetime import UTC, date, datetime, timedelta

    from applicants.models import Shortlist, ShortlistEntry

    profile = make_profile(user, time_zone="Asia/Kolkata")
    shortlist = Shortlist.objects.create(profile=profile)
    states = [state for state in CATALOGUE_STATES]
    programs = [make_program(state=states[i % len(states)]) for i in range(entries)]
    first = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
    rows = []
    for i, program in enumerate(programs):
        facts: dict[str, object] = {"applied_on": date(2026, 9, 2 + i % 20)}
        if i < interviews:
            facts |= {
                "invited_on": date(2026, 9, 25),
                "interview_at": first + timedelta(days=4 * i, hours=3 * (i % 2)),
                "interview_format": "in_person" if i % 3 == 0 else "virtual",
            }
        rows.append(
            ShortlistEntry(
                shortlist=shortlist,
                program=program,
                rank=i + 1,
                band="target",
                probability=0.2,
                fit_score=50,
                applicant=user,
                season=SEASON,
                **facts,
            )  # fmt: skip
        )
    ShortlistEntry.objects.bulk_create(rows)
    return shortlist


def make_imported_outcomes():
    """The demo catalogue, and 60 simulated applicants' outcomes (40 applications each, two
    seasons, from weights that differ from the judgement) imported; returns the simulated
    applications frame."""
    import io

    import pandas as pd
    from django.core.management import call_command

    from applicants.cohort import draw_cohort, outcomes_csv, simulate_outcomes
    from applicants.outcomes import import_outcomes
    from applicants.scoring import DEFAULT_PARAMETERS, with_weights

    call_command("import_programs", str(DEMO_CSV), stdout=io.StringIO())
    programs = Program.objects.to_frame()
    truth = with_weights(DEFAULT_PARAMETERS, {"usce_per_month": 0.25, "tier_1": -5.2})
    cohort = pd.concat(
        [draw_cohort(30, season=2026, seed=3), draw_cohort(30, season=2027, seed=4)],
        ignore_index=True,
    )
    applications = simulate_outcomes(
        cohort, programs, truth=truth, conversion=0.3, per_applicant=40, seed=3
    )
    ids = dict(Program.objects.values_list("pk", "program_id"))
    import_outcomes(content=outcomes_csv(applications, ids).encode(), file_name="sim.csv")
    return applications


def make_grant(owner: User, grantee: User | None = None, **fields: object):
    """A live grant (view access by default) from `owner` to `grantee`; pass `email=` and no
    grantee for a waiting invitation."""
    from django.utils import timezone

    from applicants.models import Grant

    defaults: dict[str, object] = {"level": "view"}
    if grantee is not None:
        defaults["accepted_at"] = timezone.now()
    defaults.update(fields)
    return Grant.objects.create(owner=owner, grantee=grantee, **defaults)


def make_built_list(profile, *programs: Program, **entry_fields: object):
    """A built shortlist for `profile` with one target entry per program (ranked in order)."""
    from django.utils import timezone

    from applicants.models import Shortlist

    shortlist = Shortlist.objects.create(profile=profile, built_at=timezone.now())
    for rank, program in enumerate(programs, start=1):
        make_entry(shortlist, program, rank=rank, **entry_fields)
    return shortlist


def make_share_link(profile, *, days: int = 7, **fields: object):
    """A live share link to the profile's list; returns (link, secret token)."""
    import hashlib
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from applicants.models import ShareLink

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    defaults: dict[str, object] = {
        "created_at": now - timedelta(minutes=1),
        "expires_at": now + timedelta(days=days),
    }
    defaults.update(fields)
    link = ShareLink.objects.create(
        owner=profile.user,
        profile=profile,
        token_digest=hashlib.sha256(token.encode()).hexdigest(),
        **defaults,
    )
    return link, token


def make_form_data(page: str, action: str) -> dict[str, str | list[str]]:
    """What a browser would post from the form of `page` whose action is `action`, untouched:
    text, hidden and date inputs, checked boxes, each select's chosen option, textareas. A
    name that stands more than once (a list of checkboxes) holds the list of its values."""
    from html.parser import HTMLParser

    class FormReader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.data: dict[str, str | list[str]] = {}
            self.inside = False
            self.select = self.textarea = ""
            self.first_option: dict[str, str] = {}

        def handle_starttag(self, tag: str, attrs: list) -> None:
            at = {key: value or "" for key, value in attrs}
            if tag == "form":
                self.inside = at.get("action") == action
            elif not self.inside or "name" not in at and tag != "option":
                return
            elif tag == "input" and at.get("type") not in ("submit", "button"):
                if at.get("type") not in ("checkbox", "radio"):
                    self.add(at["name"], at.get("value", ""))
                elif "checked" in at:
                    self.add(at["name"], at.get("value", "on"))
            elif tag == "select":
                self.select = at["name"]
            elif tag == "option" and self.select:
                self.first_option.setdefault(self.select, at.get("value", ""))
                if "selected" in at:
                    self.data[self.select] = at.get("value", "")
            elif tag == "textarea":
                self.textarea = at["name"]
                self.data[self.textarea] = ""

        def add(self, name: str, value: str) -> None:
            if name not in self.data:
                self.data[name] = value
            elif isinstance(self.data[name], list):
                self.data[name].append(value)
            else:
                self.data[name] = [self.data[name], value]

        def handle_endtag(self, tag: str) -> None:
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self.data.setdefault(self.select, self.first_option.get(self.select, ""))
                self.select = ""
            elif tag == "textarea":
                self.textarea = ""

        def handle_data(self, data: str) -> None:
            if self.textarea:
                self.data[self.textarea] += data.removeprefix("\n")

    reader = FormReader()
    reader.feed(page)
    return reader.data
