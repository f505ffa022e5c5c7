import re
from datetime import date

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from applicants.models import Shortlist, ShortlistEntry, Status
from applicants.shortlists import build_shortlist, exclude_entry
from programs.models import Program
from tests.factories import (
    make_built_list,
    make_catalogue,
    make_profile,
    make_program,
    make_share_link,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ENTRY_ACTIONS = ("pin", "status", "notes", "exclude", "restore")


@pytest.fixture
def built(alice):
    """Alice's profile with a built list of 30 from a catalogue of 45."""
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    return build_shortlist(profile=profile)


def _first_entry(shortlist: Shortlist) -> ShortlistEntry:
    return shortlist.entries.filter(excluded=False).order_by("rank").first()


def _entry_url(action: str, entry: ShortlistEntry) -> str:
    return reverse(f"applicants:list_entry_{action}", args=[entry.pk])


def _a_program_not_on(shortlist: Shortlist) -> Program:
    listed = set(shortlist.entries.values_list("program_id", flat=True))
    return Program.objects.exclude(pk__in=listed).first()


def _add(client: Client, shortlist: Shortlist, program: object) -> HttpResponse:
    """Post `program` (a program's pk, or whatever was typed) to the list's Add form."""
    return client.post(
        reverse("applicants:list_add", args=[shortlist.profile.pk]), {"program": program}, **HTMX
    )


def test_the_list_page_needs_sign_in(client):
    response = client.get(reverse("applicants:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_without_a_profile_the_page_invites_to_fill_one_in(client, alice):
    client.force_login(alice)
    response = client.get(reverse("applicants:list"))
    assert response.status_code == 200
    assert reverse("applicants:profile").encode() in response.content
    assert b"Start with your profile" in response.content


def test_a_profile_without_a_list_gets_a_build_button(client, alice):
    profile = make_profile(alice)
    client.force_login(alice)
    response = client.get(reverse("applicants:list"))
    assert b"Build my list" in response.content
    assert reverse("applicants:list_build", args=[profile.pk]).encode() in response.content


def test_building_redirects_to_the_list_without_javascript(client, alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    client.force_login(alice)

    response = client.post(reverse("applicants:list_build", args=[profile.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("applicants:list")
    assert profile.shortlist.entries.filter(excluded=False).count() == 30


def test_building_with_htmx_returns_the_workspace_with_the_table(client, alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    client.force_login(alice)

    response = client.post(reverse("applicants:list_build", args=[profile.pk]), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.count('<tr id="entry-') == 30
    assert "Built your list: 30 programs." in content


def test_the_page_shows_the_outlook_chart_signals_and_table(client, alice, built):
    client.force_login(alice)
    response = client.get(reverse("applicants:list"))
    content = response.content.decode()

    assert response.status_code == 200
    assert content.count('<tr id="entry-') == 30
    assert "expected interviews" in content
    assert "match chance" in content
    assert '<svg class="curve"' in content
    assert "<polyline" in content and "current-dot" in content
    assert "Preference signals" in content
    assert "Your scenarios side by side" in content
    assert "style=" not in content and "<script>" not in content


def test_the_fee_shown_is_the_eras_fee_for_the_listed_programs(client, alice, built):
    client.force_login(alice)
    content = client.get(reverse("applicants:list")).content.decode()
    assert "$330" in content  # 30 programs × $11


def test_the_table_filters_by_band_state_and_status(client, alice, built):
    entry = _first_entry(built)
    ShortlistEntry.objects.filter(pk=entry.pk).update(
        applied_on=date(2026, 9, 10), applicant=alice, season=2027
    )
    client.force_login(alice)

    by_status = client.get(reverse("applicants:list"), {"status": "applied"}).content.decode()
    assert re.findall(r'<tr id="entry-(\d+)"', by_status) == [str(entry.pk)]

    state = entry.program.state
    by_state = client.get(reverse("applicants:list"), {"state": state}).content.decode()
    expected = built.entries.filter(excluded=False, program__state=state).count()
    assert by_state.count('<tr id="entry-') == expected

    band = entry.band
    by_band = client.get(reverse("applicants:list"), {"band": band}).content.decode()
    assert by_band.count('<tr id="entry-') == built.entries.filter(band=band).count()


def test_the_table_sorts_by_program_name_for_htmx_as_a_fragment(client, alice, built):
    client.force_login(alice)
    response = client.get(
        reverse("applicants:list"), {"sort": "name"}, HTTP_HX_TARGET="list-table", **HTMX
    )
    content = response.content.decode()
    assert "<html" not in content and "Outlook" not in content
    ids = [int(pk) for pk in re.findall(r'<tr id="entry-(\d+)"', content)]
    names = [ShortlistEntry.objects.get(pk=pk).program.name for pk in ids]
    assert names == sorted(names)


def test_a_bad_filter_value_is_ignored_with_a_message(client, alice, built):
    client.force_login(alice)
    response = client.get(reverse("applicants:list"), {"band": "legendary"})
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="entry-') == 30
    assert b"Select a valid choice" in response.content


def test_pinning_with_htmx_swaps_the_row(client, alice, built):
    entry = _first_entry(built)
    client.force_login(alice)

    response = client.post(_entry_url("pin", entry), {"pinned": "true"}, **HTMX)

    content = response.content.decode()
    assert content.strip().startswith(f'<tr id="entry-{entry.pk}"')
    assert "Unpin" in content and "Pinned" in content
    entry.refresh_from_db()
    assert entry.pinned

    client.post(_entry_url("pin", entry), {"pinned": "false"}, **HTMX)
    entry.refresh_from_db()
    assert not entry.pinned


def test_changing_the_status_with_htmx_swaps_the_row(client, alice, built, mid_season):
    entry = _first_entry(built)
    client.force_login(alice)
    response = client.post(_entry_url("status", entry), {"status": "interview_offered"}, **HTMX)
    assert '<option value="interview_offered" selected>' in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.INTERVIEW_OFFERED


def test_saving_notes_with_htmx_swaps_the_row(client, alice, built):
    entry = _first_entry(built)
    client.force_login(alice)
    response = client.post(_entry_url("notes", entry), {"notes": " Ask about J-1 \n"}, **HTMX)
    assert "Ask about J-1" in response.content.decode()
    entry.refresh_from_db()
    assert entry.notes == "Ask about J-1"


@pytest.mark.parametrize(
    ("action", "data", "message", "field", "unchanged"),
    [
        pytest.param(
            "pin",
            {"pinned": "maybe"},
            "Pinned: Select a valid choice",
            "pinned",
            False,
            id="a_bad_pin_value",
        ),
        pytest.param(
            "status",
            {"status": "hired"},
            "Status: Select a valid choice",
            "status",
            Status.CONSIDERING,
            id="an_unknown_status",
        ),
        pytest.param(
            "notes",
            {"notes": "x" * 2001},
            "Notes: Ensure this value has at most 2000 characters",
            "notes",
            "",
            id="notes_longer_than_2000_characters",
        ),
    ],
)
def test_a_bad_row_value_is_refused_with_a_message_and_not_saved(
    client, alice, built, action, data, message, field, unchanged
):
    entry = _first_entry(built)
    client.force_login(alice)
    response = client.post(_entry_url(action, entry), data, **HTMX)
    assert message.encode() in response.content
    entry.refresh_from_db()
    assert getattr(entry, field) == unchanged


def test_a_row_action_without_javascript_redirects_back_with_the_error(client, alice, built):
    entry = _first_entry(built)
    client.force_login(alice)
    response = client.post(_entry_url("status", entry), {"status": "hired"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("applicants:list")
    assert b"Status: Select a valid choice" in response.content


def test_excluding_answers_with_a_notice_in_the_rows_place_not_the_whole_workspace(
    client, alice, built
):
    entry = _first_entry(built)
    client.force_login(alice)

    response = client.post(_entry_url("exclude", entry), **HTMX)

    content = response.content.decode()
    notice_row = re.search(r'<tr id="excluded-(\d+)"[^>]*hx-swap-oob="([^"]+)"', content)
    assert notice_row.groups() == (str(entry.pk), f"outerHTML:#entry-{entry.pk}")
    assert f"Excluded {entry.program.name}." in content
    assert _entry_url("restore", entry) in content  # the notice's Undo, and the excluded list's
    assert "Excluded programs (1)" in content
    assert "Programs on your list (29)" in content
    assert '<tr id="entry-' not in content  # no table: the other rows stay as they are
    # The 29 others move up one rank each, out of band.
    ranks = dict(re.findall(r'<span id="rank-(\d+)" hx-swap-oob="true">(\d+)</span>', content))
    listed = built.entries.filter(excluded=False)
    assert ranks == {str(pk): str(rank) for pk, rank in listed.values_list("pk", "rank")}
    assert sorted(map(int, ranks.values())) == list(range(1, 30))
    entry.refresh_from_db()
    assert entry.excluded


def test_undoing_an_exclusion_puts_the_row_back_before_the_next_one(client, alice, built):
    first, second = built.entries.filter(excluded=False).order_by("rank")[:2]
    entry = exclude_entry(entry=first)
    client.force_login(alice)

    response = client.post(_entry_url("restore", entry), {"undo": "1"}, **HTMX)

    content = response.content.decode()
    assert f'<tr id="entry-{entry.pk}"' in content
    assert f'hx-swap-oob="beforebegin:#entry-{second.pk}"' in content
    assert f'<tr id="excluded-{entry.pk}" hx-swap-oob="delete">' in content
    assert "Excluded programs (0)" in content
    entry.refresh_from_db()
    assert not entry.excluded and entry.rank == 1


def test_a_restored_row_goes_where_the_tables_filters_place_it(client, alice, built):
    states = list(built.entries.values_list("program__state", flat=True))
    state = max(set(states), key=states.count)
    in_state = list(built.entries.filter(program__state=state).order_by("rank"))
    entry = exclude_entry(entry=in_state[0])
    client.force_login(alice)

    response = client.post(_entry_url("restore", entry), {"state": state}, **HTMX)
    content = response.content.decode()
    assert f'hx-swap-oob="beforebegin:#entry-{in_state[1].pk}"' in content
    assert f"Showing {len(in_state)} of 30 programs." in content

    exclude_entry(entry=in_state[-1])
    other = next(s for s in states if s != state)
    response = client.post(_entry_url("restore", in_state[-1]), {"state": other}, **HTMX)
    assert f'<tr id="entry-{in_state[-1].pk}"' not in response.content.decode()  # hidden


def test_searching_the_catalogue_offers_programs_to_add(client, alice, built):
    program = _a_program_not_on(built)
    client.force_login(alice)

    response = client.get(
        reverse("applicants:list_search", args=[built.profile.pk]), {"q": program.name}, **HTMX
    )

    content = response.content.decode()
    assert program.name in content
    assert f'name="program" value="{program.pk}"' in content


def test_adding_a_program_puts_it_on_the_list(client, alice, built):
    program = _a_program_not_on(built)
    client.force_login(alice)

    response = _add(client, built, program.pk)

    assert f"Added {program.name} to your list.".encode() in response.content
    entry = built.entries.get(program=program)
    assert entry.added_by_hand and not entry.excluded
    assert f'<tr id="entry-{entry.pk}"'.encode() in response.content


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("999999", "That program is not in the active catalogue."),
        ("abc", "That program is not in the active catalogue."),
        ("", "This field is required."),
    ],
)
def test_adding_a_bad_program_is_refused_with_a_message(client, alice, built, program, message):
    client.force_login(alice)
    response = _add(client, built, program)
    assert message.encode() in response.content
    assert built.entries.filter(added_by_hand=True).count() == 0


def test_adding_an_archived_program_is_refused(client, alice, built):
    archived = make_program(active=False)
    client.force_login(alice)
    response = _add(client, built, archived.pk)
    assert b"not in the active catalogue" in response.content
    assert not built.entries.filter(program=archived).exists()


def test_adding_a_program_already_listed_says_so(client, alice, built):
    entry = _first_entry(built)
    client.force_login(alice)
    response = _add(client, built, entry.program_id)
    assert b"is on your list already" in response.content


def test_too_few_eligible_programs_shows_the_count_per_rule(client, alice):
    make_catalogue(20)
    make_program(visa_j1=False, state="NY")
    make_program(step2_min=250, state="CA")
    profile = make_profile(alice, list_size=30)
    build_shortlist(profile=profile)
    client.force_login(alice)

    content = client.get(reverse("applicants:list")).content.decode()

    assert "Only 20 programs are open to your profile" in content
    assert "Visa not sponsored" in content
    assert "Step 2 CK below the program minimum" in content


def test_a_changed_profile_asks_for_a_rebuild(client, alice, built):
    profile = built.profile
    profile.step2_score = 250
    profile.save()
    client.force_login(alice)
    response = client.get(reverse("applicants:list"))
    assert b"Your profile changed since this list was built" in response.content


def test_scenarios_are_compared_side_by_side(client, alice, built):
    make_profile(alice, name="With Step 3", based_on=built.profile, active=False, step3_score=240)
    client.force_login(alice)
    content = client.get(reverse("applicants:list")).content.decode()
    assert "With Step 3" in content
    assert "preview, not built" in content


def test_a_scenario_list_opens_by_its_profile(client, alice, built):
    scenario = make_profile(alice, name="With Step 3", based_on=built.profile, active=False)
    client.force_login(alice)
    response = client.get(reverse("applicants:list_of", args=[scenario.pk]))
    assert b"With Step 3" in response.content
    assert b"Build my list" in response.content


@pytest.mark.parametrize("action", ENTRY_ACTIONS)
def test_another_users_entry_is_not_found(client, bob, built, action):
    entry = _first_entry(built)
    client.force_login(bob)
    response = client.post(_entry_url(action, entry), {"pinned": "true", "status": "applied"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [("list_of", "get"), ("list_build", "post"), ("list_search", "get"), ("list_add", "post")],
)
def test_another_users_list_is_not_found(client, bob, built, name, method):
    client.force_login(bob)
    response = getattr(client, method)(reverse(f"applicants:{name}", args=[built.profile.pk]))
    assert response.status_code == 404
    assert not Shortlist.objects.filter(profile__user=bob).exists()


@pytest.mark.parametrize("action", ENTRY_ACTIONS)
def test_getting_a_row_action_is_not_allowed(client, alice, built, action):
    client.force_login(alice)
    assert client.get(_entry_url(action, _first_entry(built))).status_code == 405


@pytest.mark.parametrize("name", ["list_build", "list_add"])
def test_getting_a_list_action_is_not_allowed(client, alice, built, name):
    client.force_login(alice)
    response = client.get(reverse(f"applicants:{name}", args=[built.profile.pk]))
    assert response.status_code == 405


def test_adding_a_program_closed_to_the_profile_says_why(client, alice, built):
    closed = make_program(name="No Visa Neurology", visa_j1=False)
    client.force_login(alice)
    response = _add(client, built, closed.pk)
    content = response.content.decode()
    assert (
        "Added No Visa Neurology to your list, but you do not meet its published rules:" in content
    )
    assert "J-1" in content.split("published rules:")[1].split("</p>")[0]
    assert built.entries.get(program=closed).band == "ineligible"


def test_building_from_an_empty_catalogue_says_so(client, alice):
    profile = make_profile(alice)
    client.force_login(alice)
    response = client.post(reverse("applicants:list_build", args=[profile.pk]), **HTMX)
    assert b"The catalogue has no programs yet" in response.content
    assert b"Build my list" in response.content
    assert not Shortlist.objects.filter(profile=profile).exists()


def test_a_low_outlook_links_to_the_advice_on_the_profile_page(client, alice):
    make_catalogue(40)
    profile = make_profile(alice, list_size=30, step2_score=222, step1_attempts=2, usce_months=0)
    build_shortlist(profile=profile)
    client.force_login(alice)
    content = client.get(reverse("applicants:list")).content.decode()
    assert "This outlook is low." in content
    assert reverse("applicants:profile") + "#advice-heading" in content


def test_a_list_that_cannot_grow_says_so_instead_of_diminishing_returns(client, alice):
    make_catalogue(20)
    build_shortlist(profile=make_profile(alice, list_size=30))
    client.force_login(alice)
    content = client.get(reverse("applicants:list")).content.decode()
    assert "Only 20 programs can be listed for your profile" in content
    assert "diminishing returns from" not in content


def test_a_scenario_list_marks_only_my_list_in_the_navigation(client, alice, built):
    scenario = make_profile(alice, name="With Step 3", based_on=built.profile, active=False)
    client.force_login(alice)
    content = client.get(reverse("applicants:list_of", args=[scenario.pk])).content.decode()
    assert content.count('aria-current="page"') == 1
    assert f'href="{reverse("applicants:list")}" aria-current="page"' in content


def test_each_rows_reasons_are_listed_with_their_sign_and_tone_and_escaped(client, alice, built):
    entry = _first_entry(built)
    entry.reasons = ["+ Sponsors J-1", "− Step 2 CK 226 is below the minimum 230", "? <b>Odd</b>"]
    entry.save()
    client.force_login(alice)
    content = client.get(reverse("applicants:list")).content.decode()
    row = re.search(rf'<tr id="entry-{entry.pk}".*?</tr>', content, re.S).group(0)
    assert (
        '<ul class="reasons">'
        '<li class="reason-plus"><span class="reason-sign" aria-hidden="true">+</span>'
        " Sponsors J-1</li>"
        '<li class="reason-minus"><span class="reason-sign" aria-hidden="true">−</span>'
        " Step 2 CK 226 is below the minimum 230</li>"
        '<li class="reason-unknown"><span class="reason-sign" aria-hidden="true">?</span>'
        " &lt;b&gt;Odd&lt;/b&gt;</li></ul>"
    ) in row


def test_an_advanced_or_child_position_is_named_beside_the_program_wherever_the_list_shows(
    client, alice
):
    profile = make_profile(alice)
    programs = [
        make_program(name="Plain Neurology", track="categorical"),
        make_program(name="Later Neurology", track="advanced"),
        make_program(name="Young Neurology", track="child"),
    ]
    shortlist = make_built_list(profile, *programs)
    _, token = make_share_link(profile)
    client.force_login(alice)
    badge = re.compile(
        r'<span class="badge badge-unknown">(Advanced · starts PGY-2|Child neurology)<'
    )
    pages = [
        reverse("applicants:list"),
        reverse("applicants:shared", args=[token]),
    ]
    for url in pages:
        assert badge.findall(client.get(url).content.decode()) == [
            "Advanced · starts PGY-2",
            "Child neurology",
        ], url
    found = []
    for entry in shortlist.entries.order_by("rank"):
        response = client.get(reverse("season:entry", args=[entry.pk]))
        assert response.status_code == 200
        found.append(badge.findall(response.content.decode()))
    assert found == [[], ["Advanced · starts PGY-2"], ["Child neurology"]]


def test_after_an_exclusion_the_page_says_the_list_has_an_empty_place_until_a_rebuild(
    client, alice, built
):
    client.force_login(alice)
    said = "Your list has 29 of the 30 programs asked for"
    assert "places-open" not in client.get(reverse("applicants:list")).content.decode()
    exclude_entry(entry=_first_entry(built))
    assert said in client.get(reverse("applicants:list")).content.decode()
    client.post(reverse("applicants:list_build", args=[built.profile.pk]))
    page = client.get(reverse("applicants:list")).content.decode()
    assert "places-open" not in page  # the rebuild took the next program in
