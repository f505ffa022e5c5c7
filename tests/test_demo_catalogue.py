"""The demo catalogue: its shape, and the reference profiles against it."""

import csv
import datetime as dt
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from applicants.listbuilder import build_list, outlook
from applicants.scoring import score_programs
from programs.geography import STATE_NAMES
from programs.models import Setting, Track
from tests.factories import make_demo_frame, make_profile_data

ROOT = Path(__file__).resolve().parent.parent
DEMO_CSV = ROOT / "fixtures" / "demo_programs.csv"
GENERATOR = ROOT / "fixtures" / "make_demo_programs.py"
YEAR = 2025
CANONICAL_COLUMNS = [
    "program_id", "nrmp_codes", "name", "institution", "city", "state", "setting", "tier",
    "track", "positions", "visa_j1", "visa_h1b", "img_pct", "step2_min", "yog_window",
    "multiple_attempts_ok", "usce_min_months", "website", "notes", "data_source", "last_verified",
    "step2_min_kind", "yog_window_kind", "usce_kind", "img_observerships",
]  # fmt: skip
POLICY_COLUMNS = [
    "visa_j1", "visa_h1b", "img_pct", "yog_window", "multiple_attempts_ok", "usce_min_months",
]  # fmt: skip


def read_rows() -> list[dict[str, str]]:
    with DEMO_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def match_chance(profile: dict) -> float:
    scored = score_programs(profile, make_demo_frame(), as_of_year=YEAR)
    built = build_list(scored, size=profile["list_size"])
    return outlook(scored.probability.loc[built.ranked]).match_chance


MATCHED_AVERAGE = make_profile_data(
    visa="j1", graduation_year=YEAR - 2, step1_attempts=1, step2_score=245, step2_attempts=1,
    usce_months=3, observership_months=0, neuro_publications=4, neuro_presentations=6,
    us_neuro_letters=2, list_size=100,
)  # fmt: skip
LOW_SCORE = make_profile_data(
    visa="j1", graduation_year=YEAR - 6, step1_attempts=2, step2_score=222, step2_attempts=1,
    usce_months=0, observership_months=0, neuro_publications=0, neuro_presentations=0,
    us_neuro_letters=0, list_size=100,
)  # fmt: skip


def test_the_matched_average_profile_has_a_strong_outlook():
    assert match_chance(MATCHED_AVERAGE) >= 0.70


def test_the_low_score_profile_has_a_low_outlook():
    assert match_chance(LOW_SCORE) < 0.40


@pytest.mark.parametrize(
    "better",
    [
        {"step2_score": 240},
        {"usce_months": 3},
        {"us_neuro_letters": 2},
        {"neuro_publications": 3, "neuro_presentations": 4},
        {"step3_score": 235},
    ],
)
def test_each_improvement_raises_the_low_score_outlook(better):
    assert match_chance({**LOW_SCORE, **better}) > match_chance(LOW_SCORE)


def test_the_csv_has_exactly_the_canonical_columns_in_order():
    with DEMO_CSV.open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == CANONICAL_COLUMNS


def test_there_are_about_180_fictional_demo_programs():
    rows = read_rows()
    assert 170 <= len(rows) <= 190
    assert {row["data_source"] for row in rows} == {"demo"}
    assert all(row["website"].startswith("https://example.org/") for row in rows)
    assert len({row["program_id"] for row in rows}) == len(rows)
    assert len({row["name"] for row in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"99\d{8}", row["program_id"])
        assert row["program_id"].startswith("99185") == (row["track"] == "child")


def test_every_value_is_in_its_canonical_form():
    for row in read_rows():
        assert row["state"] in STATE_NAMES
        assert row["setting"] in Setting.values
        assert row["track"] in Track.values
        assert row["tier"] in {"1", "2", "3", "4"}
        assert int(row["positions"]) >= 1
        for column in ("visa_j1", "visa_h1b", "multiple_attempts_ok"):
            assert row[column] in {"yes", "no", ""}
        assert row["img_pct"] == "" or 0 <= int(row["img_pct"]) <= 100
        assert row["step2_min"] == "" or 190 <= int(row["step2_min"]) <= 260
        assert row["yog_window"] in {"none", ""} or row["yog_window"].isdigit()
        assert row["usce_min_months"] == "" or row["usce_min_months"].isdigit()
        assert dt.date.fromisoformat(row["last_verified"])
        assert all(re.fullmatch(r"\d{4}18[05][CA]0", code) for code in row["nrmp_codes"].split(";"))


def test_the_spread_looks_like_the_real_catalogue():
    rows = read_rows()
    states = Counter(row["state"] for row in rows)
    assert len(states) >= 35
    assert [state for state, _ in states.most_common(3)] == ["NY", "CA", "TX"]
    assert {"PA", "FL", "IL", "OH", "MI", "MA"} <= {state for state, _ in states.most_common(12)}
    assert set(Counter(row["tier"] for row in rows)) == {"1", "2", "3", "4"}
    assert {"university", "community_affiliated", "community"} <= {row["setting"] for row in rows}
    visa = Counter((row["visa_j1"], row["visa_h1b"]) for row in rows)
    assert visa[("yes", "no")] > visa[("yes", "yes")] > 0
    assert visa[("no", "no")] > 0
    windows = {row["yog_window"] for row in rows}
    assert {"none", ""} <= windows and any(w.isdigit() for w in windows)


def test_about_a_quarter_of_the_policy_cells_are_unknown():
    rows = read_rows()
    blank = sum(row[column] == "" for row in rows for column in POLICY_COLUMNS)
    assert 0.18 <= blank / (len(rows) * len(POLICY_COLUMNS)) <= 0.32
    for column in POLICY_COLUMNS:
        assert any(row[column] == "" for row in rows)


def test_the_generator_reproduces_the_committed_file(tmp_path):
    spec = importlib.util.spec_from_file_location("make_demo_programs", GENERATOR)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    out = tmp_path / "demo.csv"
    generator.write_csv(generator.generate(), out)
    assert out.read_bytes() == DEMO_CSV.read_bytes()
