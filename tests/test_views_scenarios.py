import re

import pytest
from django.urls import reverse

from applicants import profiles
from applicants.models import Profile
from tests.factories import make_form_data, make_profile, make_program

pytestmark = pytest.mark.django_db

SCENARIOS_URL = reverse("applicants:scenarios")
CREATE_URL = reverse("applicants:scenario_create")


@pytest.fixture
def base(alice):
    return make_profile(alice, step3_score=None, usce_months=3)


@pytest.fixture
def scenario(alice, base):
    return make_profile(alice, name="With Step 3", based_on=base, active=False, step3_score=235)


def test_copying_the_profile_makes_an_inactive_named_scenario(client, alice, base):
    client.force_login(alice)
    response = client.post(CREATE_URL, {"name": "  +3 months   USCE ", "source": base.pk})
    created = Profile.objects.get(user=alice, name="+3 months USCE")
    assert response.status_code == 302
    assert response["Location"] == reverse("applicants:scenario", args=[created.pk])
    assert created.based_on == base and not created.active
    assert created.usce_months == base.usce_months
    base.refresh_from_db()
    assert base.active


def test_a_copy_of_a_scenario_is_still_a_scenario_of_the_base(client, alice, base, scenario):
    client.force_login(alice)
    client.post(CREATE_URL, {"name": "Step 3 and more USCE", "source": scenario.pk})
    created = Profile.objects.get(user=alice, name="Step 3 and more USCE")
    assert created.based_on == base
    assert created.step3_score == 235


def test_a_scenario_from_advice_carries_the_change(client, alice, base):
    client.force_login(alice)
    client.post(CREATE_URL, {"name": "Pass Step 3", "source": base.pk, "step3_score": "225"})
    assert Profile.objects.get(user=alice, name="Pass Step 3").step3_score == 225


def test_a_scenario_from_advice_can_clear_the_excluded_states(client, alice):
    base = make_profile(alice, excluded_states=["TX", "NY"])
    client.force_login(alice)
    client.post(CREATE_URL, {"name": "All states", "source": base.pk, "excluded_states": ""})
    assert Profile.objects.get(user=alice, name="All states").excluded_states == []


def test_an_impossible_change_creates_nothing(client, alice, base):
    client.force_login(alice)
    response = client.post(
        CREATE_URL, {"name": "Too much", "source": base.pk, "usce_months": "500"}, follow=True
    )
    assert "That change is not possible for this profile." in response.content.decode()
    assert not Profile.objects.filter(name="Too much").exists()


def test_a_name_loses_the_controls_that_would_reverse_the_text_around_it(client, alice, base):
    client.force_login(alice)
    client.post(CREATE_URL, {"name": "Step3=240 \u202egnol\u2066 x\u2069", "source": base.pk})
    assert Profile.objects.get(user=alice, based_on=base).name == "Step3=240 gnol x"


@pytest.mark.parametrize("name", ["", "   ", "My profile", "my PROFILE", "x" * 81, "\u202e"])
def test_a_scenario_needs_a_new_short_name(client, alice, base, name):
    client.force_login(alice)
    response = client.post(CREATE_URL, {"name": name, "source": base.pk}, follow=True)
    assert response.status_code == 200
    assert Profile.objects.filter(user=alice).count() == 1
    assert 'class="message message-error"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "said"),
    [("My profile", "already"), ("x" * 81, "at most 80 characters"), ("  ", "Give the scenario")],
)
def test_on_the_scenarios_page_a_refused_name_stays_typed_with_its_error_at_the_field(
    client, alice, base, name, said
):
    client.force_login(alice)
    data = {"name": name, "source": base.pk, "back": "scenarios"}
    response = client.post(CREATE_URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(r'<input[^>]*name="name"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    if name.strip():
        assert f'value="{name}"' in field  # what was typed, to correct
    assert said in page.split('id="new-heading"')[1]  # said in the form, not only at the top
    assert Profile.objects.filter(user=alice).count() == 1


def test_a_scenario_cannot_be_copied_from_another_users_profile(client, alice, bob, base):
    bobs = make_profile(bob)
    client.force_login(alice)
    client.post(CREATE_URL, {"name": "Stolen", "source": bobs.pk})
    assert not Profile.objects.filter(name="Stolen").exists()


def test_editing_a_scenario_leaves_the_base_profile_alone(client, alice, base, scenario):
    client.force_login(alice)
    url = reverse("applicants:scenario", args=[scenario.pk])
    page = client.get(url)
    assert "Scenario: With Step 3" in page.content.decode()
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if value is not None and key in page.context["form"].fields
    }
    data["usce_months"] = 9
    response = client.post(url, data)
    assert response.status_code == 302
    scenario.refresh_from_db()
    base.refresh_from_db()
    assert scenario.usce_months == 9
    assert base.usce_months == 3


def test_making_a_scenario_active_switches_the_active_profile(client, alice, base, scenario):
    client.force_login(alice)
    response = client.post(reverse("applicants:scenario_activate", args=[scenario.pk]))
    assert response.status_code == 302
    scenario.refresh_from_db()
    base.refresh_from_db()
    assert scenario.active and not base.active
    assert "Scenario: With Step 3" in client.get(reverse("applicants:profile")).content.decode()


def test_renaming_a_scenario(client, alice, base, scenario):
    client.force_login(alice)
    client.post(reverse("applicants:scenario_rename", args=[scenario.pk]), {"name": "Step 3 235"})
    scenario.refresh_from_db()
    assert scenario.name == "Step 3 235"


def test_renaming_to_a_taken_name_is_refused(client, alice, base, scenario):
    client.force_login(alice)
    url = reverse("applicants:scenario_rename", args=[scenario.pk])
    response = client.post(url, {"name": "My profile"}, follow=True)
    assert "You already have a profile or scenario named" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.name == "With Step 3"


def test_deleting_a_scenario_asks_first(client, alice, base, scenario):
    client.force_login(alice)
    url = reverse("applicants:scenario_delete", args=[scenario.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Delete the scenario “With Step 3”?" in response.content.decode()
    assert Profile.objects.filter(pk=scenario.pk).exists()

    assert client.post(url).status_code == 302
    assert not Profile.objects.filter(pk=scenario.pk).exists()
    assert Profile.objects.filter(pk=base.pk).exists()


def test_deleting_the_active_scenario_makes_the_base_active_again(client, alice, base, scenario):
    base.active = False
    base.save()
    scenario.active = True
    scenario.save()
    client.force_login(alice)
    client.post(reverse("applicants:scenario_delete", args=[scenario.pk]))
    base.refresh_from_db()
    assert base.active


def test_the_base_profile_cannot_be_deleted(client, alice, base, scenario):
    client.force_login(alice)
    url = reverse("applicants:scenario_delete", args=[base.pk])
    assert "cannot be deleted" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "Your base profile cannot be deleted" in response.content.decode()
    assert Profile.objects.filter(user=alice).count() == 2


def test_the_comparison_shows_every_profile_with_its_outlook(client, alice, base, scenario):
    for _ in range(5):
        make_program(visa_j1=True, tier=4, img_pct=60.0)
    make_program(visa_j1=False)
    make_profile(alice, name="No USCE", based_on=base, active=False, usce_months=0)
    client.force_login(alice)
    response = client.get(SCENARIOS_URL)
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [column.profile.name for column in columns] == ["My profile", "No USCE", "With Step 3"]
    catalogue = {column.profile.name: column.catalogue for column in columns}
    outlooks = {column.profile.name: column.outlook for column in columns}
    assert catalogue["My profile"].eligible == 5
    assert catalogue["My profile"].active_programs == 6
    assert outlooks["With Step 3"].expected_interviews > outlooks["My profile"].expected_interviews
    assert outlooks["No USCE"].expected_interviews < outlooks["My profile"].expected_interviews
    content = response.content.decode()
    assert '<td class="differs">235</td>' in content
    assert f"{outlooks['With Step 3'].expected_interviews:.1f}" in content


def test_the_comparison_sends_a_user_without_a_profile_to_the_form(client, alice):
    client.force_login(alice)
    response = client.get(SCENARIOS_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("applicants:profile")


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("applicants:scenario", "get"),
        ("applicants:scenario", "post"),
        ("applicants:scenario_activate", "post"),
        ("applicants:scenario_rename", "post"),
        ("applicants:scenario_delete", "get"),
        ("applicants:scenario_delete", "post"),
    ],
)
def test_another_users_scenario_is_a_404(client, alice, bob, base, scenario, name, method):
    client.force_login(bob)
    response = getattr(client, method)(reverse(name, args=[scenario.pk]), {"name": "Mine now"})
    assert response.status_code == 404
    scenario.refresh_from_db()
    assert scenario.name == "With Step 3" and not scenario.active
    assert Profile.objects.filter(pk=scenario.pk).exists()


@pytest.mark.parametrize("name", ["applicants:scenario_activate", "applicants:scenario_rename"])
def test_state_changing_scenario_urls_refuse_get(client, alice, scenario, name):
    client.force_login(alice)
    assert client.get(reverse(name, args=[scenario.pk])).status_code == 405


def test_creating_a_scenario_refuses_get(client, alice):
    client.force_login(alice)
    assert client.get(CREATE_URL).status_code == 405


# A save posted to a scenario that is gone


def _posted_from_the_page(client, scenario) -> tuple[str, dict]:
    url = reverse("applicants:scenario", args=[scenario.pk])
    return url, make_form_data(client.get(url).content.decode(), url)


def test_saving_a_scenario_deleted_in_another_tab_keeps_what_was_typed(
    client, alice, base, scenario
):
    client.force_login(alice)
    url, data = _posted_from_the_page(client, scenario)
    data |= {"usce_months": "11", "preferred_states": ["TX", "NY"]}
    scenario.delete()  # the other tab

    response = client.post(url, data)

    assert response.status_code == 404
    page = response.content.decode()
    assert "nothing was saved" in page
    entered = dict((label, value) for label, value, valid in response.context["entered"] if valid)
    assert entered["US clinical experience (months)"] == 11
    assert entered["Preferred states"] == "TX, NY"
    assert Profile.objects.filter(user=alice).count() == 1

    # Saving it as a new scenario keeps every value typed, those cleared included.
    recovered = make_form_data(page, CREATE_URL)
    assert recovered["name"] == "Recovered scenario"
    client.post(CREATE_URL, recovered)
    new = Profile.objects.get(user=alice, name="Recovered scenario")
    assert new.usce_months == 11
    assert new.preferred_states == ["TX", "NY"]
    assert new.step3_score == 235  # from the page, not from the base profile (None)
    assert new.excluded_states == []


def test_the_gone_page_names_what_was_not_valid_and_leaves_it_out(client, alice, base, scenario):
    client.force_login(alice)
    url, data = _posted_from_the_page(client, scenario)
    data["step2_score"] = "999"
    scenario.delete()

    response = client.post(url, data)

    assert response.status_code == 404
    invalid = [(label, value) for label, value, valid in response.context["entered"] if not valid]
    assert invalid == [("USMLE Step 2 CK score", "999")]
    recovered = make_form_data(response.content.decode(), CREATE_URL)
    assert "step2_score" not in recovered
    client.post(CREATE_URL, recovered)
    new = Profile.objects.get(user=alice, name="Recovered scenario")
    assert new.step2_score == base.step2_score


def test_a_scenario_deleted_while_its_save_waited_is_offered_under_its_own_name(
    client, alice, base, scenario, monkeypatch
):
    client.force_login(alice)
    url, data = _posted_from_the_page(client, scenario)
    data["usce_months"] = "7"
    real_update = profiles.update_profile

    def deleted_first(**kwargs):
        Profile.objects.filter(pk=scenario.pk).delete()  # the other tab won the lock
        return real_update(**kwargs)

    monkeypatch.setattr(profiles, "update_profile", deleted_first)
    response = client.post(url, data)

    assert response.status_code == 404
    assert "“With Step 3” is gone" in response.content.decode()
    assert make_form_data(response.content.decode(), CREATE_URL)["name"] == "With Step 3"


def test_another_users_scenario_url_gets_the_same_gone_page_and_nothing_of_theirs(
    client, alice, bob, base, scenario
):
    client.force_login(alice)
    url, data = _posted_from_the_page(client, scenario)
    theirs = make_profile(bob, name="Bob private plan", step2_score=260)

    response = client.post(reverse("applicants:scenario", args=[theirs.pk]), data)

    assert response.status_code == 404
    page = response.content.decode()
    assert "nothing was saved" in page
    assert "Bob private plan" not in page and "260" not in page
    theirs.refresh_from_db()
    assert theirs.step2_score == 260


def test_a_user_without_a_profile_gets_the_plain_not_found_page(client, bob, scenario):
    client.force_login(bob)
    response = client.post(reverse("applicants:scenario", args=[scenario.pk]), {"usce_months": 3})
    assert response.status_code == 404
    assert "nothing was saved" not in response.content.decode()


def test_a_taken_name_on_the_gone_page_keeps_the_values_and_says_what_to_change(
    client, alice, base, scenario
):
    client.force_login(alice)
    url, data = _posted_from_the_page(client, scenario)
    data["usce_months"] = "11"
    scenario.delete()
    recovered = make_form_data(client.post(url, data).content.decode(), CREATE_URL)

    response = client.post(CREATE_URL, {**recovered, "name": base.name.upper()})

    assert response.status_code == 400
    page = response.content.decode()
    assert "This scenario is gone" in page
    assert 'aria-invalid="true"' in page and "already have a profile or scenario named" in page
    again = make_form_data(page, CREATE_URL)
    assert again["usce_months"] == "11" and again["name"] == base.name.upper()
    assert Profile.objects.filter(user=alice).count() == 1

    client.post(CREATE_URL, {**again, "name": "Eleven months"})
    assert Profile.objects.get(user=alice, name="Eleven months").usce_months == 11


def test_the_gone_page_copes_with_its_source_gone_too(client, alice, base, scenario):
    client.force_login(alice)
    url, data = _posted_from_the_page(client, scenario)
    other = make_profile(alice, name="Other", based_on=base, active=False)
    scenario.delete()
    recovered = make_form_data(client.post(url, data).content.decode(), CREATE_URL)

    response = client.post(CREATE_URL, {**recovered, "source": str(other.pk + 1000)})

    assert response.status_code == 400
    assert "The profile to copy from is gone" in response.content.decode()
    again = make_form_data(response.content.decode(), CREATE_URL)
    assert again["source"] == str(base.pk)  # the active profile now


def test_renaming_to_nothing_says_to_give_a_name(client, alice, base, scenario):
    client.force_login(alice)
    response = client.post(
        reverse("applicants:scenario_rename", args=[scenario.pk]), {"name": ""}, follow=True
    )
    assert "Enter a name." in response.content.decode()


def test_a_retry_on_the_gone_page_keeps_cleared_lists_cleared_and_bad_values_flagged(client, alice):
    base = make_profile(alice, preferred_states=["CA", "FL"], preferred_regions=["West"])
    plan_b = make_profile(
        alice, name="Plan B", based_on=base, active=False, preferred_states=["NY", "TX"]
    )
    client.force_login(alice)
    url, data = _posted_from_the_page(client, plan_b)
    data.pop("preferred_states", None)  # every state unticked
    data.pop("preferred_regions", None)
    data["step2_score"] = "999"
    plan_b.delete()
    recovered = make_form_data(client.post(url, data).content.decode(), CREATE_URL)

    retry = client.post(CREATE_URL, {**recovered, "name": base.name})  # taken

    assert retry.status_code == 400
    entered = {label: (value, valid) for label, value, valid in retry.context["entered"]}
    assert entered["Preferred states"] == ("None", True)
    assert entered["Preferred regions"] == ("None", True)
    assert entered["USMLE Step 2 CK score"] == ("999", False)
    client.post(CREATE_URL, {**make_form_data(retry.content.decode(), CREATE_URL), "name": "C"})
    new = Profile.objects.get(user=alice, name="C")
    assert (new.preferred_states, new.preferred_regions) == ([], [])
    assert new.step2_score == base.step2_score
