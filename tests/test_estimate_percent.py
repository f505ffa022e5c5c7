"""An estimate is never certain: no page writes it as 0 % or 100 %."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applicants.scoring import estimate_percent
from applicants.shortlists import build_shortlist
from tests.factories import make_catalogue, make_profile, make_user

CERTAIN = re.compile(r"(?<![\d.])(0|100) ?%")


@pytest.mark.parametrize(
    ("share", "written"),
    [
        (0.0, "< 1 %"),
        (0.002, "< 1 %"),
        (0.0049, "< 1 %"),
        (0.005, "1 %"),
        (0.42, "42 %"),
        (0.994, "99 %"),
        (0.995, "> 99 %"),
        (1.0, "> 99 %"),
    ],
)
def test_an_estimate_reads_in_whole_percent_but_never_0_or_100(share, written):
    assert estimate_percent(share) == written


@given(st.floats(min_value=0.0, max_value=1.0))
def test_no_estimate_is_ever_written_as_certain(share):
    assert not CERTAIN.search(estimate_percent(share))


def test_the_chance_filter_writes_estimates_and_a_dash_when_unknown():
    template = Template("{% load estimates %}{{ a|chance }}/{{ b|chance }}/{{ c|chance }}")
    assert template.render(Context({"a": 1.0, "b": 0.0, "c": None})) == "&gt; 99 %/&lt; 1 %/—"


def _text(html: str) -> str:
    """The words of a page, without charts' axes (a scale from 0 % to 100 % is no estimate)."""
    html = re.sub(r'<text class="axis-label".*?</text>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html).replace("&gt;", ">").replace("&lt;", "<")


@pytest.mark.django_db
def test_a_long_list_of_likely_programs_says_more_than_99_not_100(client):
    user = make_user("alice")
    make_catalogue(80)
    profile = make_profile(
        user, list_size=80, step2_score=262, usce_months=12, us_neuro_letters=4, visa="none"
    )
    build_shortlist(profile=profile)
    client.force_login(user)

    pages = [
        client.get(reverse("applicants:list")),
        client.get(reverse("applicants:profile")),
        client.get(reverse("applicants:scenarios")),
    ]

    listed = _text(pages[0].content.decode())
    assert re.search(r"1 interview\s+> 99 %", listed)
    for response in pages:
        assert response.status_code == 200
        assert not CERTAIN.search(_text(response.content.decode()))
