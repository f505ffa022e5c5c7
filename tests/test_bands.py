"""Bands that do not overpromise: one definition of names, cut-offs and meaning, shown wherever
a band appears, and a list that says why a band is empty."""

import pytest
from django.urls import reverse

from applicants.listbuilder import empty_band_reasons
from applicants.models import Band
from applicants.scoring import BANDS, DEFAULT_PARAMETERS, ScoringParameters, band_meanings
from applicants.shortlists import build_shortlist
from tests.factories import make_catalogue, make_profile, make_program


def test_every_band_means_the_range_of_its_cut_offs():
    bands = band_meanings(ScoringParameters(reach_below=0.1, safety_at=0.3))
    assert bands["reach"].range == "under 10 %"
    assert bands["target"].range == "10 % to 30 %"
    assert bands["safety"].range == "30 % or more"
    assert "1 in 10" in bands["reach"].meaning
    assert "1 in 3 or better" in bands["safety"].meaning
    assert "never a sure thing" in bands["safety"].meaning


def test_the_shown_labels_are_the_one_definition_and_the_keys_stay():
    assert [value for value, _ in Band.choices] == ["reach", "target", "safety", "ineligible"]
    assert [label for _, label in Band.choices] == [band.label for band in BANDS.values()]
    assert band_meanings(DEFAULT_PARAMETERS) == BANDS
    assert not any("safe" in band.label.lower() for band in BANDS.values())


def test_an_empty_band_says_why():
    open_to_you = {"reach": 40, "target": 12, "safety": 0}
    reasons = dict(empty_band_reasons({"reach": 0, "target": 12, "safety": 0}, open_to_you,
                                      best=0.14))  # fmt: skip
    assert reasons == {
        "reach": "No program on the list is “Long shot”: the list takes them only when programs "
        "with better odds run out (40 are open to you).",
        "safety": "No program on the list is “Best odds”: none of the programs open to you has "
        "an interview chance of 20 % or more; your best has 14 %.",
    }


def test_one_program_open_but_not_listed_is_spoken_of_in_the_singular():
    listed = {"reach": 0, "target": 30, "safety": 0}
    open_to_you = {"reach": 1, "target": 40, "safety": 1}
    reasons = dict(empty_band_reasons(listed, open_to_you, best=0.3))
    assert "(1 is open to you)" in reasons["reach"]
    assert reasons["safety"].endswith(
        "1 is open to you but not on the list: you excluded it, the limit on programs per state "
        "left it off, or it was added after the list was built."
    )


def test_a_band_open_to_you_but_not_listed_says_what_left_it_off():
    [(band, why)] = empty_band_reasons(
        {"reach": 2, "target": 30, "safety": 0}, {"reach": 5, "target": 40, "safety": 3}, best=0.3
    )
    assert band == "safety"
    assert why.startswith("No program on the list is “Best odds”: 3 are open to you but not on")


def test_no_reasons_without_any_open_program_or_with_every_band_listed():
    assert empty_band_reasons({}, {"reach": 0, "target": 0, "safety": 0}, best=0.0) == []
    full = {"reach": 1, "target": 1, "safety": 1}
    assert empty_band_reasons(full, full, best=0.5) == []


@pytest.mark.django_db
def test_the_list_shows_the_meaning_of_its_bands_and_why_one_is_empty(client, alice):
    for _ in range(35):  # top academic programs with few IMGs: long shots only
        make_program(tier=1, img_pct=5.0)
    build_shortlist(profile=make_profile(alice, list_size=30))
    client.force_login(alice)
    content = client.get(reverse("applicants:list")).content.decode()
    assert "No program on the list is “Best odds”: none of the programs open to you has" in content
    assert "No program on the list is “Possible”" in content
    assert f'title="{BANDS["reach"].meaning}">Long shot</span>' in content
    assert 'class="band-legend"' in content and "under 5 % chance of an interview" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["applicants:profile", "applicants:scenarios", "programs:index", "applicants:list"]
)
def test_every_page_with_bands_says_what_they_mean(client, alice, url):
    make_catalogue(40)
    build_shortlist(profile=make_profile(alice, list_size=30))
    client.force_login(alice)
    content = client.get(reverse(url)).content.decode()
    for key in ("reach", "target", "safety"):
        assert f"{BANDS[key].label}</span> {BANDS[key].range} chance of an interview" in content
