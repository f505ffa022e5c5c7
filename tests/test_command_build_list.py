import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone

from applicants.listbuilder import eras_fee
from applicants.scoring import estimate_percent
from programs.models import Program
from tests.factories import make_catalogue, make_profile_data, make_program
from tests.test_estimate_percent import CERTAIN

pytestmark = pytest.mark.django_db


def _profile_file(tmp_path: Path, **fields: object) -> Path:
    path = tmp_path / "profile.json"
    data = make_profile_data(graduation_year=timezone.now().year - 2, **fields)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("build_list", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_summary_and_a_last_json_line(tmp_path):
    make_catalogue(45)
    output = _run(str(_profile_file(tmp_path, list_size=30)), "--json")

    lines = output.strip().splitlines()
    summary = json.loads(lines[-1])
    assert set(summary) == {
        "size", "eligible", "expected_interviews", "match_chance", "fee_usd", "excluded_by_rule",
    }  # fmt: skip
    assert summary["size"] == 30
    assert summary["eligible"] == 45
    assert summary["fee_usd"] == eras_fee(30)
    assert 0 < summary["match_chance"] < 1
    assert summary["excluded_by_rule"]["visa"] == 0
    assert "Built a list of 30 programs" in output
    assert "Expected interviews:" in output


def test_it_writes_each_chance_as_the_pages_do_never_0_or_100_percent(tmp_path):
    make_catalogue(80)
    profile = _profile_file(
        tmp_path, list_size=80, step2_score=262, usce_months=12, us_neuro_letters=4, visa="none"
    )

    output = _run(str(profile), "--json")

    summary = json.loads(output.strip().splitlines()[-1])
    assert f"Match chance: {estimate_percent(summary['match_chance'])}." in output
    assert "Chance of at least k interviews: 1: > 99 %," in output
    assert not CERTAIN.search("\n".join(output.splitlines()[:-1]))


def test_size_overrides_the_profile_list_size(tmp_path):
    make_catalogue(45)
    output = _run(str(_profile_file(tmp_path, list_size=100)), "--size", "40", "--json")
    assert json.loads(output.strip().splitlines()[-1])["size"] == 40


def test_it_scores_only_the_active_catalogue_and_counts_what_each_rule_removed(tmp_path):
    make_catalogue(10)
    make_program(visa_j1=False)
    make_program(step2_min=250, visa_j1=False)
    make_program(active=False)

    output = _run(str(_profile_file(tmp_path, list_size=30)), "--json")

    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["size"] == 10 and summary["eligible"] == 10
    assert summary["excluded_by_rule"]["visa"] == 2
    assert summary["excluded_by_rule"]["step2_min"] == 1
    assert summary["excluded_by_rule"]["archived"] == 0
    assert "Only 10 of the 30 asked for are eligible" in output


def test_it_writes_the_list_as_csv(tmp_path):
    make_catalogue(45)
    out = tmp_path / "list.csv"

    _run(str(_profile_file(tmp_path, list_size=30)), "--out", str(out))

    table = pd.read_csv(out, encoding="utf-8-sig")
    assert len(table) == 30
    assert table["Rank"].tolist() == list(range(1, 31))
    names = set(Program.objects.values_list("name", flat=True))
    assert set(table["Program"]) <= names
    for column in ("Program ID", "State", "Band", "Interview probability", "Fit score"):
        assert column in table.columns
    assert table["Reasons"].str.len().min() > 0


def test_it_writes_the_list_as_xlsx(tmp_path):
    make_catalogue(45)
    out = tmp_path / "list.xlsx"

    _run(str(_profile_file(tmp_path, list_size=30)), "--out", str(out))

    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.max_row == 31


def test_the_files_it_writes_say_their_interview_times_are_in_utc(tmp_path):
    make_catalogue(45)
    csv_out, xlsx_out = tmp_path / "list.csv", tmp_path / "list.xlsx"
    for out in (csv_out, xlsx_out):
        _run(str(_profile_file(tmp_path, list_size=30)), "--out", str(out))

    assert "Interview (UTC)" in pd.read_csv(csv_out, encoding="utf-8-sig").columns
    sheet = openpyxl.load_workbook(xlsx_out)["Shortlist"]
    assert "Interview (UTC)" in [cell.value for cell in sheet[1]]


def _error(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        _run(*args)
    return str(raised.value)


def test_a_missing_file_is_an_error(tmp_path):
    assert "no such file" in _error(str(tmp_path / "nope.json"))


def test_bad_json_is_an_error_with_its_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"visa": "j1",\n "step2_score": }', encoding="utf-8")
    assert "not valid JSON at line 2, column" in _error(str(path))


def test_a_json_array_is_an_error(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert "must be a JSON object" in _error(str(path))


def test_an_unknown_key_is_an_error(tmp_path):
    path = _profile_file(tmp_path, step4_score=250)
    assert "step4_score: unknown key" in _error(str(path))


@pytest.mark.parametrize(
    ("field", "value"),
    [("visa", "f1"), ("step2_score", 900), ("list_size", 5), ("preferred_states", "TX")],
)
def test_a_bad_value_is_an_error_naming_the_key(tmp_path, field, value):
    make_catalogue(5)
    assert field in _error(str(_profile_file(tmp_path, **{field: value})))


def test_a_bad_output_extension_is_an_error(tmp_path):
    message = _error(str(_profile_file(tmp_path)), "--out", str(tmp_path / "list.txt"))
    assert "ending in .csv or .xlsx" in message


def test_an_output_folder_that_does_not_exist_is_an_error(tmp_path):
    message = _error(str(_profile_file(tmp_path)), "--out", str(tmp_path / "no" / "list.csv"))
    assert "does not exist" in message


@pytest.mark.parametrize("size", ["10", "500"])
def test_a_size_out_of_range_is_an_error(tmp_path, size):
    assert "choose between 30 and 200" in _error(str(_profile_file(tmp_path)), "--size", size)


def test_an_empty_catalogue_is_an_error(tmp_path):
    assert "no active programs" in _error(str(_profile_file(tmp_path)))


def test_a_command_error_exits_non_zero(tmp_path):
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "build_list", str(tmp_path / "nope.json")]).execute()
    assert exited.value.code != 0


MALFORMED_NUMBERS = {
    "NaN": '{"step2_score": NaN}',
    "Infinity": '{"step2_score": Infinity}',
    "-Infinity": '{"step2_score": -Infinity}',
    "1e309": '{"step2_score": 1e309}',
    "5,000-digit integer": '{"step2_score": ' + "9" * 5000 + "}",
    "deep nesting": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("text", MALFORMED_NUMBERS.values(), ids=MALFORMED_NUMBERS.keys())
def test_json_no_profile_can_hold_is_a_clear_error(tmp_path, text):
    path = tmp_path / "profile.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match=r"profile\.json: not a usable profile: .+\."):
        _run(str(path))


@pytest.mark.slow  # Django in a subprocess
def test_malformed_json_exits_non_zero_with_a_message_and_no_traceback(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text('{"step2_score": ' + "9" * 5000 + "}", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent

    finished = subprocess.run(
        [sys.executable, "manage.py", "build_list", str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "true"},
    )

    assert finished.returncode != 0
    assert "5,000 digits" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_a_profile_saved_with_a_byte_order_mark_is_read(tmp_path):
    make_catalogue(45)
    path = tmp_path / "profile.json"
    data = make_profile_data(graduation_year=timezone.now().year - 2, list_size=30)
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())

    output = _run(str(path), "--json")

    assert json.loads(output.strip().splitlines()[-1])["size"] == 30
