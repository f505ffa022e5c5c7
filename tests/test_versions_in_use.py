"""The active model version in use: lists record theirs, rebuilding moves them, pages and
`build_list` use the active one, and cached pages follow an activation."""

import io
import json
import re

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from applicants.catalogue import catalogue_frame, catalogue_scores
from applicants.model_versions import activate_version, active_version, estimate_note
from applicants.models import ModelVersion
from applicants.outlook import shortlist_outlook
from applicants.profiles import profile_data
from applicants.scoring import DEFAULT_PARAMETERS, score_programs, weights_of
from applicants.shortlists import add_program, build_shortlist, exclude_entry
from tests.factories import make_catalogue, make_profile, make_profile_data
from tests.test_page_caching import PROGRAMS_URL, page, page_cache  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("applicants:list")


def make_fitted_version(**weights: float) -> ModelVersion:
    """A saved, inactive version 2 with some weights changed and a higher conversion."""
    return ModelVersion.objects.create(
        number=2,
        weights={**weights_of(DEFAULT_PARAMETERS), **weights},
        conversion=0.35,
        n_train=800,
        n_test=200,
        counts={"2026": {"applications": 600}, "2027": {"applications": 400}},
    )


def scored_with(version: ModelVersion, profile) -> "np.ndarray":
    from applicants.catalogue import as_of_year

    return score_programs(
        profile_data(profile), catalogue_frame(), as_of_year=as_of_year(), params=version.parameters
    )


def test_a_built_list_records_the_active_version(alice):
    make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    assert shortlist.model_version == active_version()
    assert shortlist.model_version.number == 1


def test_a_list_keeps_its_version_until_it_is_rebuilt(alice, staff):
    make_catalogue(40)
    profile = make_profile(alice, list_size=30)
    shortlist = build_shortlist(profile=profile)
    before = dict(shortlist.entries.values_list("program_id", "probability"))
    version = make_fitted_version(tier_4=-1.5, img_high=1.6)
    activate_version(version, user=staff)

    shortlist.refresh_from_db()
    assert shortlist.model_version.number == 1
    assert dict(shortlist.entries.values_list("program_id", "probability")) == before
    assert shortlist_outlook(shortlist).conversion == 0.2

    shortlist = build_shortlist(profile=profile)
    assert shortlist.model_version == version
    expected = scored_with(version, profile)["probability"]
    for pk, probability in shortlist.entries.values_list("program_id", "probability"):
        assert probability == pytest.approx(expected.loc[pk], abs=1e-12)
    figures = shortlist_outlook(shortlist)
    assert (figures.version, figures.conversion) == (2, 0.35)
    assert figures.note == estimate_note(version)


def test_a_program_added_by_hand_is_scored_with_the_lists_version(alice, staff):
    make_catalogue(40)
    profile = make_profile(alice, list_size=30)
    shortlist = build_shortlist(profile=profile)
    entry = shortlist.entries.order_by("rank").first()
    exclude_entry(entry=entry)
    activate_version(make_fitted_version(tier_1=-2.0, tier_2=-2.0, tier_3=-2.0), user=staff)
    add_program(shortlist=shortlist, program=entry.program)
    entry.refresh_from_db()
    judged = scored_with(ModelVersion.objects.get(number=1), profile)["probability"]
    assert entry.probability == judged.loc[entry.program_id]


def test_the_catalogue_is_scored_with_the_active_version(alice, staff):
    make_catalogue(20)
    profile = make_profile(alice)
    version = make_fitted_version(tier_2=-1.0, letter=0.6)
    judged = catalogue_scores(alice).scored["probability"]
    activate_version(version, user=staff)
    scores = catalogue_scores(alice)
    assert scores.note == estimate_note(version)
    assert np.allclose(scores.scored["probability"], scored_with(version, profile)["probability"])
    assert not np.allclose(scores.scored["probability"], judged)


def test_build_list_uses_the_active_version(staff, tmp_path):
    make_catalogue(45)
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(make_profile_data(list_size=40)))

    def match_chance() -> float:
        out = io.StringIO()
        call_command("build_list", str(path), "--json", stdout=out)
        return json.loads(out.getvalue().splitlines()[-1])["match_chance"]

    judged = match_chance()
    activate_version(make_fitted_version(), user=staff)  # same weights, q 0.35 instead of 0.2
    assert match_chance() > judged


def test_the_list_page_names_its_version_and_asks_for_a_rebuild_after_an_activation(
    client, alice, staff
):
    make_catalogue(40)
    build_shortlist(profile=make_profile(alice, list_size=30))
    client.force_login(alice)
    content = page(client, LIST_URL)
    assert estimate_note(ModelVersion.objects.get(number=1)) in content
    assert "moved to version" not in content
    activate_version(make_fitted_version(letter=0.5), user=staff)
    content = page(client, LIST_URL)
    assert "The estimates moved to version 2 since this list was built." in content
    client.post(reverse("applicants:list_build", args=[alice.profiles.get().pk]))
    content = page(client, LIST_URL)
    assert "fitted on 1,000 applications, seasons 2026–2027" in content
    assert "moved to version" not in content


def test_an_activation_shows_on_the_cached_catalogue_page(client, alice, staff):
    make_catalogue(20)
    make_profile(alice)
    client.force_login(alice)

    def percents() -> list[str]:
        return re.findall(r'class="score-p"[^>]*>([^<]+)<', page(client, PROGRAMS_URL))

    judged = percents()
    assert judged == percents()
    activate_version(make_fitted_version(tier_1=-1.0, tier_2=-1.0, tier_3=-1.0), user=staff)
    assert percents() != judged
