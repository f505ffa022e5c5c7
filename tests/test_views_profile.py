import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applicants.catalogue import as_of_year
from applicants.forms import form_data
from applicants.model_versions import active_version, estimate_note
from applicants.models import Profile
from applicants.scoring import BANDS
from programs.geography import STATE_NAMES
from programs.models import Program
from tests.factories import make_form_data, make_profile, make_profile_data, make_program

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("applicants:profile")
INELIGIBLE_BADGE = (
    f'<span class="badge badge-ineligible" title="{BANDS["ineligible"].meaning}">Ineligible</span>'
)
THIS_YEAR = timezone.now().year


def _post_data(**fields: object):
    return form_data(make_profile_data(**fields))


def test_a_new_user_sees_an_empty_form_and_an_invitation(client, alice):
    client.force_login(alice)
    response = client.get(PROFILE_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Save profile" in content
    assert "What happens next" in content
    assert "What your profile means" not in content
    for legend in (
        "Exams",
        "Clinical experience",
        "Research and letters",
        "Visa",
        "Where you apply",
    ):
        assert f"<legend>{legend}</legend>" in content
    # The visa is answered, not preset: no option is ticked on a first profile.
    visa_inputs = re.findall(r'<input type="radio" name="visa"[^>]*>', content)
    assert len(visa_inputs) == 4 and not any("checked" in tag for tag in visa_inputs)


def test_a_saved_profile_shows_its_visa_ticked(client, alice):
    make_profile(alice, visa="h1b")
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    ticked = re.findall(r'<input type="radio" name="visa" value="(\w+)"[^>]*checked', content)
    assert ticked == ["h1b"]


def test_fields_are_validated_with_htmx_as_they_are_filled(client, alice):
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    url = reverse("applicants:profile_validate", args=["step2_score"])
    assert f'hx-post="{url}"' in content
    assert 'hx-target="#step2_score-feedback"' in content
    assert 'id="step2_score-feedback"' in content


def test_saving_the_form_creates_the_active_base_profile(client, alice):
    client.force_login(alice)
    response = client.post(PROFILE_URL, _post_data(step2_score=232, preferred_states=["TX"]))
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    profile = Profile.objects.get(user=alice)
    assert profile.active and not profile.is_scenario
    assert profile.step2_score == 232
    assert profile.preferred_states == ["TX"]


def test_saving_again_edits_the_same_profile(client, alice):
    client.force_login(alice)
    client.post(PROFILE_URL, _post_data(step2_score=232))
    client.post(PROFILE_URL, _post_data(step2_score=241, step3_score=None))
    profile = Profile.objects.get(user=alice)
    assert profile.step2_score == 241
    assert profile.step3_score is None


def test_the_profile_page_edits_the_active_scenario(client, alice):
    base = make_profile(alice, active=False)
    scenario = make_profile(alice, name="With Step 3", based_on=base, active=True)
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    assert "Scenario: With Step 3" in content
    client.post(PROFILE_URL, _post_data(step3_score=235))
    scenario.refresh_from_db()
    base.refresh_from_db()
    assert scenario.step3_score == 235
    assert base.step3_score is None


NEXT_YEAR = THIS_YEAR + 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("graduation_year", 1959, "Enter a whole number from 1960 to"),
        ("graduation_year", NEXT_YEAR + 1, f"from 1960 to {NEXT_YEAR}."),
        ("graduation_year", "", "This field is required."),
        ("graduation_year", "twenty", "Enter a whole number from 1960 to"),
        ("step1_score", 0, "Enter a whole number from 1 to 300."),
        ("step1_score", 301, "Enter a whole number from 1 to 300."),
        ("step2_score", 301, "Enter a whole number from 1 to 300."),
        ("step2_score", "2.5", "Enter a whole number from 1 to 300."),
        ("step3_score", 0, "Enter a whole number from 1 to 300."),
        ("step1_attempts", 0, "Enter a whole number from 1 to 6."),
        ("step1_attempts", 7, "Enter a whole number from 1 to 6."),
        ("step2_attempts", 7, "Enter a whole number from 1 to 6."),
        ("step2_attempts", "", "This field is required."),
        ("usce_months", -1, "Enter a whole number from 0 to 120."),
        ("usce_months", 121, "Enter a whole number from 0 to 120."),
        ("observership_months", 121, "Enter a whole number from 0 to 120."),
        ("neuro_publications", 201, "Enter a whole number from 0 to 200."),
        ("neuro_presentations", -1, "Enter a whole number from 0 to 200."),
        ("us_neuro_letters", 201, "Enter a whole number from 0 to 200."),
        ("list_size", 29, "Enter a whole number from 30 to 200."),
        ("list_size", 201, "Enter a whole number from 30 to 200."),
        ("visa", "f1", "f1 is not a visa option"),
        ("visa", "", "Choose whether you need a visa, and which."),
        ("preferred_states", ["ZZ"], "ZZ is not a US state code"),
        ("excluded_states", ["Texas"], "Texas is not a US state code"),
        ("preferred_regions", ["North"], "North is not a US Census region"),
    ],
)
def test_every_field_rejects_bad_input_with_a_clear_message(client, alice, field, value, message):
    client.force_login(alice)
    data = _post_data()
    if isinstance(value, list):
        data.setlist(field, value)
    else:
        data[field] = str(value)
    response = client.post(PROFILE_URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    feedback = content.split(f'id="{field}-feedback"')[1].split("</div>")[0]
    assert message in feedback
    assert "Some answers need fixing" in content
    assert not Profile.objects.filter(user=alice).exists()


def _disclosures(content: str) -> dict[str, bool]:
    """Each collapsed group of the form by its title, and whether it is open."""
    return {
        title: bool(opened)
        for opened, title in re.findall(
            r'<details class="places[^"]*" data-places( open)?>\s*<summary>\s*'
            r'<span class="places-title">([^<]+)</span>',
            content,
        )
    }


def test_the_state_lists_and_attempts_wait_closed_with_what_they_hold_in_the_summary(client, alice):
    make_profile(alice, preferred_states=["IL", "TX", "NY", "CA", "OH"], step1_attempts=2)
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    assert _disclosures(content) == {
        "Attempts": False,
        "Regions, states and number of programs": False,
    }
    assert "Preferred states: California, Illinois, New York, Ohio and 1 more" in content
    assert "Step 1: 2 attempts</span>; " in content and "Step 2 CK: 1 attempt</span>" in content
    # Without JavaScript the lists are the plain checkboxes, every state a choice.
    assert content.count('name="excluded_states"') == len(STATE_NAMES)


@pytest.mark.parametrize(
    ("fields", "group"),
    [
        ({"preferred_states": ["TX"], "excluded_states": ["TX"]}, "Regions"),
        ({"list_size": 5000}, "Regions"),
        ({"step2_attempts": 0}, "Attempts"),
    ],
)
def test_a_group_with_an_error_inside_opens(client, alice, fields, group):
    client.force_login(alice)
    content = client.post(PROFILE_URL, _post_data(**fields)).content.decode()
    opened = [title for title, is_open in _disclosures(content).items() if is_open]
    assert [title.split(",")[0] for title in opened] == [group]


def test_a_state_both_preferred_and_excluded_is_refused(client, alice):
    client.force_login(alice)
    data = _post_data(preferred_states=["TX"], excluded_states=["TX"])
    response = client.post(PROFILE_URL, data)
    assert "Texas cannot be both preferred and excluded" in response.content.decode()
    assert not Profile.objects.filter(user=alice).exists()


def test_the_validate_endpoint_returns_only_the_field_feedback(client, alice):
    client.force_login(alice)
    url = reverse("applicants:profile_validate", args=["step2_score"])
    response = client.post(url, _post_data(step2_score=350), headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith('<div id="step2_score-feedback"')
    assert "Enter a whole number from 1 to 300." in content
    assert "<form" not in content

    fine = client.post(url, _post_data(step2_score=240), headers={"HX-Request": "true"})
    assert "errorlist" not in fine.content.decode()


def test_the_validate_endpoint_ignores_errors_of_other_fields(client, alice):
    client.force_login(alice)
    url = reverse("applicants:profile_validate", args=["usce_months"])
    response = client.post(url, _post_data(step2_score=350, usce_months=4))
    assert "errorlist" not in response.content.decode()


def test_the_validate_endpoint_rejects_unknown_fields_and_gets(client, alice):
    client.force_login(alice)
    assert client.post(reverse("applicants:profile_validate", args=["user"])).status_code == 404
    url = reverse("applicants:profile_validate", args=["step2_score"])
    assert client.get(url).status_code == 405


def test_after_saving_the_page_says_what_the_profile_means(client, alice):
    graduated = as_of_year() - 6
    make_program(visa_j1=False)
    make_program(visa_j1=False)
    make_program(yog_policy="limit", yog_window=5)
    make_program(step2_min=240)
    make_program(visa_j1=None, yog_policy="none")
    make_program(visa_j1=False, active=False)  # archived: counted nowhere
    client.force_login(alice)
    response = client.post(
        PROFILE_URL,
        _post_data(visa="j1", graduation_year=graduated, step2_score=232, usce_months=3),
        follow=True,
    )
    content = response.content.decode()
    assert "What your profile means" in content
    assert "Needs a J-1: 2 programs that do not sponsor J-1 exclude you" in content
    assert "1 program has not published a sponsorship policy" in content
    assert "6 years since graduation — 1 program with a lower graduation-year limit" in content
    assert "Step 2 CK 232: 13 points below the 245 average" in content
    assert "1 program with a higher minimum excludes you" in content
    assert "USMLE passed on the first attempt." in content
    assert '<span class="value">1</span><span class="label">of 5 programs' in content
    assert estimate_note(active_version()) in content


def test_the_summary_changes_with_the_profile(client, alice):
    make_program(visa_j1=False, visa_h1b=False)
    make_program(visa_j1=True, visa_h1b=True)
    client.force_login(alice)
    client.post(PROFILE_URL, _post_data(visa="none", step1_attempts=2))
    content = client.get(PROFILE_URL).content.decode()
    assert "No visa needed" in content
    assert "A failed USMLE attempt (Step 1 on attempt 2)" in content

    client.post(PROFILE_URL, _post_data(visa="h1b", step3_score=None))
    content = client.get(PROFILE_URL).content.decode()
    assert "Needs an H-1B: 2 programs exclude you" in content
    assert "no Step 3 score yet" in content


def test_the_page_shows_advice_for_the_profile(client, alice):
    for _ in range(10):
        make_program(visa_j1=True, tier=4, img_pct=60.0)
    make_profile(alice, step3_score=None, usce_months=0)
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    assert "What would raise your outlook most" in content
    assert "Pass Step 3 with 225 or more" in content
    assert "expected interviews" in content
    # Each button names its change to a screen reader: no two read the same.
    buttons = re.findall(r'class="link-button small">(.*?)</button>', content)
    assert buttons and len(set(buttons)) == len(buttons)
    assert any("Pass Step 3 with 225 or more" in button for button in buttons)
    assert all(button.startswith("Try it as a scenario") for button in buttons)


def test_another_users_profile_is_never_shown(client, alice, bob):
    make_profile(bob, name="Bob's profile", step2_score=260)
    client.force_login(alice)
    content = client.get(PROFILE_URL).content.decode()
    assert "Bob&#x27;s profile" not in content and "Bob's profile" not in content
    assert "Save profile" in content


# The catalogue seen through the active profile


def test_the_catalogue_shows_band_and_probability_for_each_program(client, alice):
    sponsor = make_program(name="Sponsoring Neurology", visa_j1=True, tier=4, img_pct=60.0)
    closed = make_program(name="Closed Neurology", visa_j1=False)
    make_profile(alice, visa="j1")
    client.force_login(alice)
    response = client.get(reverse("programs:index"))
    assert response.status_code == 200
    shown = {program.pk: program.score for program in response.context["page"].object_list}
    assert shown[closed.pk].band == "ineligible" and not shown[closed.pk].eligible
    assert shown[sponsor.pk].eligible and shown[sponsor.pk].band in ("reach", "target", "safety")
    content = response.content.decode()
    assert escape(shown[sponsor.pk].chance) in content
    assert INELIGIBLE_BADGE in content
    assert "Fill in your profile" not in content


def test_the_catalogue_filters_by_band_and_eligibility(client, alice):
    sponsor = make_program(name="Sponsoring Neurology", visa_j1=True, tier=4, img_pct=60.0)
    closed = make_program(name="Closed Neurology", visa_j1=False)
    make_profile(alice, visa="j1")
    client.force_login(alice)

    def names(**query: str) -> set[str]:
        response = client.get(reverse("programs:index"), query)
        return {program.name for program in response.context["page"].object_list}

    assert names(eligibility="ineligible") == {closed.name}
    assert names(eligibility="eligible") == {sponsor.name}
    assert names(band="ineligible") == {closed.name}
    assert names() == {closed.name, sponsor.name}
    band = client.get(reverse("programs:index")).context["page"].object_list
    sponsor_band = next(program.score.band for program in band if program.pk == sponsor.pk)
    assert names(band=sponsor_band) == {sponsor.name}


def test_a_bad_band_filter_is_ignored_not_an_error(client, alice):
    make_program()
    make_profile(alice)
    client.force_login(alice)
    response = client.get(reverse("programs:index"), {"band": "excellent"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_the_catalogue_invites_a_user_without_a_profile(client, alice):
    make_program()
    client.force_login(alice)
    content = client.get(reverse("programs:index")).content.decode()
    assert "Fill in your profile" in content
    assert "Your band" not in content


def test_the_program_page_lists_every_reason(client, alice):
    program = make_program(visa_j1=None, img_pct=None, tier=1)
    make_profile(alice, visa="j1", us_neuro_letters=2)
    client.force_login(alice)
    response = client.get(reverse("programs:detail", args=[program.pk]))
    score = response.context["score"]
    assert score.reasons
    content = response.content.decode()
    for tone, text in score.reason_items:
        assert f'<li class="reason-{tone}">' in content
        assert text in content
    assert "J-1 sponsorship unknown — verify" in content
    assert estimate_note(active_version()) in content


def test_the_program_page_says_why_a_program_is_closed(client, alice):
    program = make_program(step2_min=250)
    make_profile(alice, step2_score=232)
    client.force_login(alice)
    content = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "You cannot apply here" in content
    assert "Step 2 CK 232 is below the minimum 250" in content


def test_the_program_page_invites_a_user_without_a_profile(client, alice):
    program = make_program()
    client.force_login(alice)
    content = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Fill in your profile" in content


def test_scores_follow_changes_to_the_catalogue(client, alice):
    program = make_program(visa_j1=True)
    make_profile(alice, visa="j1")
    client.force_login(alice)

    def score():
        page = client.get(reverse("programs:index")).context["page"]
        return next(shown.score for shown in page.object_list if shown.pk == program.pk)

    assert score().eligible
    program.visa_j1 = False
    program.save()
    assert not score().eligible
    Program.objects.filter(pk=program.pk).update(visa_j1=True, updated_at=timezone.now())
    assert score().eligible
    other = make_program(visa_j1=False)
    assert {shown.pk for shown in client.get(reverse("programs:index")).context["page"]} == {
        program.pk,
        other.pk,
    }


def test_the_htmx_results_keep_the_band_column(client, alice):
    make_program(visa_j1=False)
    make_profile(alice, visa="j1")
    client.force_login(alice)
    response = client.get(
        reverse("programs:index"), {"eligibility": "ineligible"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="results"')
    assert "Your chance" in content
    assert INELIGIBLE_BADGE in content


# Two tabs on one profile


def _tab(client, profile: Profile) -> tuple[str, dict]:
    """Where the profile page's form posts, and what it would post untouched (a tab opened
    now): a saved profile posts to its own address."""
    url = reverse("applicants:scenario", args=[profile.pk])
    return url, make_form_data(client.get(PROFILE_URL).content.decode(), url)


def test_two_tabs_changing_different_fields_keep_both_changes(client, alice):
    profile = make_profile(alice, usce_months=3, neuro_publications=2)
    client.force_login(alice)
    (url, first), (_, second) = _tab(client, profile), _tab(client, profile)
    assert client.post(url, {**first, "usce_months": "9"}).status_code == 302
    assert client.post(url, {**second, "neuro_publications": "5"}).status_code == 302
    profile.refresh_from_db()
    assert (profile.usce_months, profile.neuro_publications) == (9, 5)


def test_a_field_changed_in_both_tabs_is_refused_by_name_and_can_then_be_saved_over(client, alice):
    profile = make_profile(alice, usce_months=3)
    client.force_login(alice)
    (url, first), (_, second) = _tab(client, profile), _tab(client, profile)
    client.post(url, {**first, "usce_months": "9"})
    response = client.post(url, {**second, "usce_months": "6", "list_size": "120"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "US clinical experience (months) changed in another tab" in page
    assert "Saved elsewhere meanwhile: 9. Save again to keep yours." in page
    profile.refresh_from_db()
    assert (profile.usce_months, profile.list_size) == (9, 100)  # nothing of the second
    again = make_form_data(page, url)
    assert (again["usce_months"], again["list_size"]) == ("6", "120")  # what was typed
    assert client.post(url, again).status_code == 302
    profile.refresh_from_db()
    assert (profile.usce_months, profile.list_size) == (6, 120)


def test_saving_again_after_a_clash_keeps_what_a_third_tab_changed(client, alice):
    profile = make_profile(alice, step1_score=230, step2_score=240, share_outcomes=True)
    client.force_login(alice)
    tabs = [_tab(client, profile) for _ in range(3)]
    url = tabs[0][0]
    client.post(url, {**tabs[0][1], "step1_score": "235"})
    unticked = {key: value for key, value in tabs[1][1].items() if key != "share_outcomes"}
    client.post(url, {**unticked, "step2_score": "245"})  # and no longer shares outcomes
    response = client.post(url, {**tabs[2][1], "step1_score": "250"})
    assert response.status_code == 409
    again = make_form_data(response.content.decode(), url)
    assert again["step2_score"] == "245"  # the page shows what the other tabs saved
    assert "share_outcomes" not in again
    assert client.post(url, again).status_code == 302
    profile.refresh_from_db()
    assert (profile.step1_score, profile.step2_score) == (250, 245)
    assert profile.share_outcomes is False  # the opt-out made elsewhere stands


def test_a_tab_left_open_saves_the_profile_it_shows_after_another_made_a_scenario_active(
    client, alice
):
    base = make_profile(alice, usce_months=3)
    scenario = make_profile(alice, name="With Step 3", based_on=base, active=False, usce_months=3)
    client.force_login(alice)
    url, page = _tab(client, base)
    client.post(reverse("applicants:scenario_activate", args=[scenario.pk]))
    response = client.post(url, {**page, "usce_months": "6"}, follow=True)
    assert "“My profile” saved." in response.content.decode()
    base.refresh_from_db()
    scenario.refresh_from_db()
    assert (base.usce_months, scenario.usce_months) == (6, 3)


def test_the_same_change_in_two_tabs_is_no_clash(client, alice):
    profile = make_profile(alice, step3_score=None)
    client.force_login(alice)
    (url, first), (_, second) = _tab(client, profile), _tab(client, profile)
    client.post(url, {**first, "step3_score": "230"})
    assert client.post(url, {**second, "step3_score": "230"}).status_code == 302


def test_states_that_two_tabs_would_make_both_preferred_and_excluded_are_refused(client, alice):
    profile = make_profile(alice, preferred_states=[], excluded_states=[])
    client.force_login(alice)
    (url, first), (_, second) = _tab(client, profile), _tab(client, profile)
    client.post(url, {**first, "excluded_states": ["TX"]})
    response = client.post(url, {**second, "preferred_states": ["TX", "OH"]})
    assert response.status_code == 409
    assert "States you will not apply to changed in another tab" in response.content.decode()
    profile.refresh_from_db()
    assert (profile.preferred_states, profile.excluded_states) == ([], ["TX"])


def test_unticking_a_state_in_one_tab_keeps_a_field_the_other_tab_saved(client, alice):
    profile = make_profile(alice, preferred_states=["TX", "OH"], usce_months=3)
    client.force_login(alice)
    (url, first), (_, second) = _tab(client, profile), _tab(client, profile)
    client.post(url, {**first, "usce_months": "12"})
    assert client.post(url, {**second, "preferred_states": ["OH"]}).status_code == 302
    profile.refresh_from_db()
    assert (profile.preferred_states, profile.usce_months) == (["OH"], 12)


def test_saving_the_page_unchanged_writes_nothing(client, alice):
    profile = make_profile(alice)
    client.force_login(alice)
    url, page = _tab(client, profile)
    response = client.post(url, page, follow=True)
    assert "Nothing to save: “My profile” is as it was." in response.content.decode()
    assert Profile.objects.get(pk=profile.pk).updated_at == profile.updated_at


def test_findings_read_in_good_english_for_none_one_and_two(client, alice):
    make_program(visa_j1=True)
    client.force_login(alice)
    response = client.post(
        reverse("applicants:profile"),
        _post_data(visa="j1", step1_attempts=2, step2_attempts=2),
        follow=True,
    )
    content = response.content.decode()
    assert "Needs a J-1: no program excludes you" in content
    assert "Failed USMLE attempts (Step 1 on attempt 2, Step 2 CK on attempt 2)" in content


def test_figures_from_a_list_built_before_the_last_change_say_so(client, alice):
    from applicants import profiles
    from applicants.shortlists import build_shortlist

    make_program()
    profile = make_profile(alice)
    build_shortlist(profile=profile)
    client.force_login(alice)
    assert "which was built before" not in client.get(PROFILE_URL).content.decode()

    profiles.update_profile(profile=profile, data={"usce_months": 9})

    page = client.get(PROFILE_URL).content.decode()
    assert "These figures come from your list, which was built before this profile last " in page
    assert "Rebuild the list" in page
