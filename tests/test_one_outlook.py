"""One outlook: every page, both exports and `build_list` show one scenario's figures alike.

The catalogue is built so that the list builder's caps matter: Texas holds more strong
programs than the per-state cap lets on a list, and weaker profiles find mostly reach
programs, more than the reach cap allows.
"""

import io
import itertools
import json
import re
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from applicants.catalogue import as_of_year, catalogue_frame, score_data
from applicants.listbuilder import ListRules, build_list
from applicants.models import Profile
from applicants.scoring import estimate_percent
from applicants.shortlists import add_program, build_shortlist, exclude_entry, set_pinned
from programs.models import Program
from tests.factories import (
    make_low_score_profile_data,
    make_profile_data,
    make_program,
    make_user,
)
from tests.strategies import profiles

pytestmark = pytest.mark.django_db

OTHER_STATES = ("NY", "CA", "FL", "IL", "PA", "OH", "MI", "GA", "NC", "MA")
_usernames = itertools.count(1)


def make_capped_catalogue() -> None:
    """74 programs: 14 strong ones in Texas, 30 middling and 30 long shots spread elsewhere."""
    for number in range(14):
        make_program(state="TX", tier=4, img_pct=70.0, visa_h1b=number % 2 == 0)
    for number in range(30):
        make_program(
            state=OTHER_STATES[number % 10],
            tier=3,
            img_pct=30.0,
            visa_j1=number % 7 != 0,
            step2_min=235 if number % 5 == 0 else None,
        )
    for number in range(30):
        make_program(state=OTHER_STATES[number % 10], tier=1, img_pct=5.0, visa_h1b=True)


@pytest.fixture
def capped_catalogue(db) -> None:
    make_capped_catalogue()


def this_year() -> int:
    return as_of_year()


def test_on_this_catalogue_the_state_cap_changes_a_strong_applicants_list(capped_catalogue):
    data = make_profile_data(graduation_year=this_year() - 2, list_size=30)
    scored = score_data(data, catalogue_frame())
    built = build_list(scored, size=30)
    most_likely = scored[scored["eligible"]]["probability"].nlargest(30).index
    assert scored.loc[most_likely, "state_code"].eq("TX").sum() == 14
    assert scored.loc[built.ranked, "state_code"].eq("TX").sum() == 30 * ListRules().state_cap


def test_on_this_catalogue_the_reach_cap_holds_back_a_weak_applicants_list(capped_catalogue):
    data = make_low_score_profile_data(list_size=60)
    built = build_list(score_data(data, catalogue_frame()), size=60)
    assert "reach_cap" in built.relaxed


def figures_on_profile_page(html: str) -> tuple[int, str, str, str]:
    size = re.search(r"expected interviews from (?:the|a list of) (\d+) programs", html)[1]
    expected = re.search(r'<span class="value">([\d.]+)</span><span class="label">expected', html)
    chance = re.search(r'<span class="value">([^<]+)</span><span class="label">estimated', html)
    fee = re.search(r'<span class="value">\$([\d,]+)</span><span class="label">in ERAS', html)
    return int(size), expected[1], unescape(chance[1]), fee[1]


def figures_on_scenarios_page(html: str) -> tuple[int, str, str, str]:
    column = 0  # the base profile is the first column

    def cell(row: str) -> str:
        match = re.search(rf"<th scope=\"row\">{row}.*?</th>(.*?)</tr>", html, re.S)
        return re.findall(r"<td[^>]*>(.*?)</td>", match[1], re.S)[column]

    size = re.match(r"(\d+)", cell("Programs on the list"))[1]
    expected = re.search(r"<strong>([\d.]+)</strong>", cell("Expected interviews"))[1]
    chance = unescape(cell("Estimated chance to match"))
    fee = re.match(r"\$([\d,]+)", cell("ERAS fee"))[1]
    return int(size), expected, chance, fee


def figures_on_list_page(html: str) -> tuple[int, str, str, str]:
    stats = dict(
        (label, value)
        for value, label in re.findall(
            r'<span class="value">([^<]+)</span><span class="label">([^<]+)</span>', html
        )
    )
    return (
        int(stats["programs"]),
        stats["expected interviews"],
        unescape(stats["match chance"]),
        stats["ERAS fee"].lstrip("$"),
    )


def figures_in_workbook(content: bytes) -> dict[str, float]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Summary"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_col=1, max_col=2, values_only=True)}


def shown(size: int, expected: float, chance: float, fee: int) -> tuple[int, str, str, str]:
    """The figures as the pages write them: 1 decimal, an estimate's percent, dollars."""
    return size, floatformat(expected, 1), estimate_percent(chance), f"{fee:,}"


def build_list_json(data: dict, folder: Path) -> dict:
    path = folder / f"profile-{next(_usernames)}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("build_list", str(path), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.mark.slow
@settings(
    max_examples=12,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=profiles, size=st.integers(min_value=30, max_value=70))
def test_every_page_and_export_shows_the_same_outlook(capped_catalogue, tmp_path, data, size):
    assume(not set(data["preferred_states"]) & set(data["excluded_states"]))
    data = {**data, "graduation_year": min(data["graduation_year"], this_year()), "list_size": size}
    user = make_user(f"applicant{next(_usernames)}")
    profile = Profile.objects.create(user=user, **data)
    build_shortlist(profile=profile)
    client = Client()
    client.force_login(user)

    def page(name: str) -> str:
        response = client.get(reverse(name))
        assert response.status_code == 200
        return response.content.decode()

    export = client.get(reverse("applicants:export_xlsx"))
    if export.status_code == 302:  # nothing open to this profile: an empty list, no workbook
        assert not profile.shortlist.entries.exists()
        reference = (0, 0.0, 0.0, 0)
    else:
        workbook = figures_in_workbook(export.content)
        reference = (
            workbook["Programs on the list"],
            workbook["Expected interviews"],
            workbook["Match chance (estimate)"],
            workbook["ERAS application fee"],
        )
    expected = shown(*reference)
    assert figures_on_profile_page(page("applicants:profile")) == expected
    assert figures_on_scenarios_page(page("applicants:scenarios")) == expected
    assert figures_on_list_page(page("applicants:list")) == expected

    command = build_list_json(data, tmp_path)
    assert command["size"] == reference[0]
    assert command["expected_interviews"] == pytest.approx(reference[1], abs=5e-4)
    assert command["match_chance"] == pytest.approx(reference[2], abs=5e-5)
    assert command["fee_usd"] == reference[3]


def test_the_profile_page_s_advice_starts_from_the_list_s_own_figures(capped_catalogue):
    """Exclusions, a pin and a program added by hand change the list; the advice measures each
    change on the list as a rebuild would leave it, so it starts where the headline stands."""
    user = make_user("adela")
    data = make_low_score_profile_data(graduation_year=this_year() - 2, list_size=40)
    profile = Profile.objects.create(user=user, **data)
    shortlist = build_shortlist(profile=profile)
    listed = list(shortlist.entries.filter(excluded=False).order_by("rank"))
    for entry in listed[:3]:  # the three likeliest programs, out
        exclude_entry(entry=entry)
    set_pinned(entry=listed[-1], pinned=True)
    left_out = Program.objects.exclude(pk__in=[e.program_id for e in listed]).order_by("pk")
    add_program(shortlist=shortlist, program=left_out.first())
    client = Client()
    client.force_login(user)
    html = client.get(reverse("applicants:profile")).content.decode()

    _size, expected, chance, _fee = figures_on_profile_page(html)
    advice = re.findall(
        r"\(([\d.]+) → [\d.]+\)(?:[^<]*?match chance ([^ ]+ %|[<>] \d+ %) →)?", html
    )
    assert advice, "the page gives advice"
    assert {before for before, _ in advice} == {expected}
    assert {unescape(before) for _, before in advice if before} == {chance}
