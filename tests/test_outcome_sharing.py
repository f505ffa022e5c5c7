"""The applicant's opt-in: "use my outcomes, without my identity, to improve the estimates"."""

import pytest
from django.urls import reverse

from applicants.forms import form_data
from applicants.models import Profile
from tests.factories import make_profile, make_profile_data

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("applicants:profile")
LABEL = "Use my outcomes, without my identity, to improve the estimates"


def test_the_opt_in_is_off_by_default_and_explained_in_one_sentence(client, alice):
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    assert LABEL in content
    assert 'name="share_outcomes"' in content and "checked" not in content.split(LABEL)[0][-300:]
    help_text = Profile._meta.get_field("share_outcomes").help_text
    assert help_text in content and help_text.count(".") == 1
    client.post(PROFILE_URL, form_data(make_profile_data()))
    assert Profile.objects.get(user=alice).share_outcomes is False


def test_ticking_the_opt_in_saves_it_and_unticking_withdraws_it(client, alice):
    client.force_login(alice)
    client.post(PROFILE_URL, {**form_data(make_profile_data()).dict(), "share_outcomes": "on"})
    assert Profile.objects.get(user=alice).share_outcomes is True
    client.post(PROFILE_URL, form_data(make_profile_data()))
    assert Profile.objects.get(user=alice).share_outcomes is False


def test_a_scenario_neither_shows_nor_changes_the_opt_in(client, alice):
    base = make_profile(alice, active=False)
    scenario = make_profile(alice, name="With Step 3", based_on=base, active=True)
    client.force_login(alice)
    url = reverse("applicants:scenario", args=[scenario.pk])
    assert 'name="share_outcomes"' not in client.get(url).content.decode()
    client.post(url, {**form_data(make_profile_data()).dict(), "share_outcomes": "on"})
    scenario.refresh_from_db()
    base.refresh_from_db()
    assert scenario.share_outcomes is False and base.share_outcomes is False
