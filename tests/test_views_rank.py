"""The rank order list page: built from interviews, reordered by buttons, exported."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from applicants import tracker
from applicants.models import Shortlist, ShortlistEntry
from programs.models import Program, Track
from tests.factories import (
    make_form_data,
    make_interviewed_entries,
    make_profile,
    make_tracked_entry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def interviewed(alice):
    return make_interviewed_entries(alice, "Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)")


def move(client, entry, action: str):
    return client.post(reverse("season:rank_move", args=[entry.pk]), {"action": action})


def order(alice) -> list[str]:
    ranked = ShortlistEntry.objects.filter(applicant=alice, rank_position__isnull=False)
    return [entry.program.name for entry in ranked.order_by("rank_position")]


def test_interviewed_programs_are_offered_and_added_in_order(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    page = client.get(reverse("season:rank")).content.decode()
    assert "Interviewed, not ranked yet" in page and "Alpha Neuro" in page
    for entry in interviewed:
        move(client, entry, "add")
    assert order(alice) == ["Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)"]


def test_up_and_down_buttons_reorder_without_javascript(client, alice, interviewed, mid_season):
    client.force_login(alice)
    for entry in interviewed:
        move(client, entry, "add")
    response = move(client, interviewed[2], "up")
    assert response.status_code == 302 and response["Location"].endswith(
        f"#rank-{interviewed[2].pk}"
    )
    assert order(alice) == ["Alpha Neuro", "=HYPERLINK(1)", "Beta Neuro"]
    move(client, interviewed[0], "down")
    assert order(alice) == ["=HYPERLINK(1)", "Alpha Neuro", "Beta Neuro"]
    move(client, interviewed[0], "remove")
    assert order(alice) == ["=HYPERLINK(1)", "Beta Neuro"]
    page = client.get(reverse("season:rank")).content.decode()
    assert "Move Beta Neuro down" in page  # labelled buttons for screen readers


def test_a_bad_action_gets_a_message(client, alice, interviewed):
    client.force_login(alice)
    response = client.post(
        reverse("season:rank_move", args=[interviewed[0].pk]), {"action": "top"}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()


def test_a_program_not_interviewed_cannot_be_ranked(client, alice, mid_season):
    shortlist = Shortlist.objects.create(profile=make_profile(alice))
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 10))
    client.force_login(alice)
    response = client.post(
        reverse("season:rank_move", args=[entry.pk]), {"action": "add"}, follow=True
    )
    assert "after you interviewed" in response.content.decode()
    assert ShortlistEntry.objects.get(pk=entry.pk).rank_position is None


def test_pros_and_cons_are_saved_and_too_long_text_is_refused(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    url = reverse("season:rank_notes", args=[interviewed[0].pk])
    client.post(url, {"pros": "Strong stroke service", "cons": "Far from family"})
    stored = ShortlistEntry.objects.get(pk=interviewed[0].pk)
    assert (stored.pros, stored.cons) == ("Strong stroke service", "Far from family")
    response = client.post(url, {"pros": "x" * 2001, "cons": ""}, follow=True)
    assert "at most 2000 characters" in response.content.decode()
    assert ShortlistEntry.objects.get(pk=interviewed[0].pk).pros == "Strong stroke service"


def test_a_program_moves_to_the_place_typed_and_the_ones_between_shift(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    for entry in interviewed:
        move(client, entry, "add")
    url = reverse("season:rank_move", args=[interviewed[2].pk])
    response = client.post(url, {"action": "to", "position": "1"}, follow=True)
    assert order(alice) == ["=HYPERLINK(1)", "Alpha Neuro", "Beta Neuro"]
    assert "=HYPERLINK(1) is number 1 now." in response.content.decode()
    client.post(url, {"action": "to", "position": "99"})  # beyond the end: last
    assert order(alice) == ["Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)"]
    page = client.get(reverse("season:rank")).content.decode()
    assert 'max="3"' in page and "New place for Beta Neuro" in page


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("", "Enter the place to move it to (1 is your first choice)."),
        ("0", "Enter a whole number from 1 to 999."),
        ("two", "Enter a whole number from 1 to 999."),
    ],
)
def test_a_bad_place_says_what_to_fix_and_moves_nothing(
    client, alice, interviewed, mid_season, position, message
):
    client.force_login(alice)
    for entry in interviewed:
        move(client, entry, "add")
    url = reverse("season:rank_move", args=[interviewed[2].pk])
    response = client.post(url, {"action": "to", "position": position}, follow=True)
    assert f"=HYPERLINK(1): New place: {message}" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#rank-{interviewed[2].pk}")
    assert order(alice) == ["Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)"]


def test_the_matched_program_stays_ranked_until_the_match_is_unticked(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    entry = interviewed[0]
    tracker.add_to_rank(entry=entry)
    ShortlistEntry.objects.filter(pk=entry.pk).update(matched=True)
    page = client.get(move(client, entry, "remove")["Location"]).content.decode()
    assert (
        "You matched at Alpha Neuro: untick “I matched here” on its page before taking it " in page
    )
    assert "Only a program on your rank order list can match you" not in page
    assert ShortlistEntry.objects.get(pk=entry.pk).rank_position == 1


def rank_notes_form(client, entry) -> dict:
    """The pros-and-cons form of `entry` as the rank order list shows it now, untouched."""
    url = reverse("season:rank_notes", args=[entry.pk])
    return make_form_data(client.get(reverse("season:rank")).content.decode(), url)


def test_two_tabs_keep_each_others_pros_and_cons(client, alice, interviewed, mid_season):
    client.force_login(alice)
    entry = interviewed[0]
    tracker.add_to_rank(entry=entry)
    url = reverse("season:rank_notes", args=[entry.pk])
    first, second = rank_notes_form(client, entry), rank_notes_form(client, entry)
    assert (
        client.post(url, first | {"pros": "Mentors", "cons": "Far\r\nfrom family"}).status_code
        == 302
    )
    # The second tab still shows both boxes empty and changes only the pros.
    assert client.post(url, second | {"pros": "Mentors"}).status_code == 302
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.pros, stored.cons) == ("Mentors", "Far\r\nfrom family")


def test_a_box_changed_in_another_tab_is_refused_and_what_was_typed_is_kept(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    entry = interviewed[0]
    tracker.add_to_rank(entry=entry)
    url = reverse("season:rank_notes", args=[entry.pk])
    first, second = rank_notes_form(client, entry), rank_notes_form(client, entry)
    client.post(url, first | {"pros": "Mentors", "cons": "Far from family"})
    response = client.post(url, second | {"pros": "Good salary"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Pros changed in another tab or on another device since you opened this page" in page
    assert "Saved now: Pros “Mentors”; Cons “Far from family”." in page
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.pros, stored.cons) == ("Mentors", "Far from family")
    again = make_form_data(page, url)
    assert (again["pros"], again["cons"]) == ("Good salary", "Far from family")
    assert client.post(url, again).status_code == 302  # saving again keeps what was typed
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.pros, stored.cons) == ("Good salary", "Far from family")


def test_exports_keep_the_order_and_never_hold_a_formula(client, alice, interviewed, mid_season):
    client.force_login(alice)
    for entry in reversed(interviewed):
        move(client, entry, "add")
    response = client.get(reverse("season:rank_csv"))
    assert response["Content-Disposition"] == 'attachment; filename="rank-order-list-2027.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Rank", "Program"]
    assert [row[1] for row in rows[1:]] == ["'=HYPERLINK(1)", "Beta Neuro", "Alpha Neuro"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("season:rank_xlsx")).content))
    sheet = book.active
    assert [sheet.cell(row=r, column=2).value for r in (4, 5, 6)] == [
        "=HYPERLINK(1)",
        "Beta Neuro",
        "Alpha Neuro",
    ]
    assert sheet.cell(row=4, column=2).data_type == "s"  # text, not a formula
    assert sheet.cell(row=4, column=1).value == 1


def test_exports_name_the_zone_of_the_interview_times(client, alice, interviewed, mid_season):
    tracker.set_time_zone(user=alice, name="America/Chicago")
    client.force_login(alice)
    move(client, interviewed[0], "add")
    response = client.get(reverse("season:rank_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Rank",
        "Program",
        "Institution",
        "City",
        "State",
        "NRMP codes",
        "Interview (America/Chicago)",
        "Format",
        "Pros",
        "Cons",
    ]
    assert rows[1][6] == "2026-11-02 09:00"  # 15:00 UTC in Chicago
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("season:rank_xlsx")).content))
    sheet = book.active
    assert sheet.cell(row=3, column=7).value == "Interview (America/Chicago)"
    assert sheet.cell(row=4, column=7).value == "2026-11-02 09:00"


def test_the_print_view_and_the_certification_deadline(client, alice, interviewed, mid_season):
    client.force_login(alice)
    move(client, interviewed[1], "add")
    page = client.get(reverse("season:rank")).content.decode()
    assert "3 March 2027" in page and "93 days left" in page
    printed = client.get(reverse("season:rank_print")).content.decode()
    assert "Beta Neuro" in printed and "certify by 3 March 2027" in printed


def test_ranking_an_advanced_program_asks_for_a_supplemental_list_of_first_year_programs(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    note = "attach a supplemental rank order list of preliminary (PGY-1) programs"
    for entry in interviewed:
        move(client, entry, "add")
    assert note not in client.get(reverse("season:rank")).content.decode()

    Program.objects.filter(name__in=["Alpha Neuro", "Beta Neuro"]).update(track=Track.ADVANCED)
    page = client.get(reverse("season:rank")).content.decode()
    assert "2 of the programs you rank start in PGY-2 (advanced)." in page
    assert f"{note} to them:" in page
    assert page.count("Advanced · starts PGY-2") == 2

    move(client, interviewed[1], "remove")  # Beta Neuro, still offered below, not ranked
    page = client.get(reverse("season:rank")).content.decode()
    assert "1 of the programs you rank starts in PGY-2 (advanced)." in page
    assert f"{note} to it:" in page
    assert page.count("Advanced · starts PGY-2") == 2  # ranked Alpha, unranked Beta


def test_a_program_taken_off_the_list_can_be_put_back_in_its_place(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    for entry in interviewed:
        move(client, entry, "add")
    response = move(client, interviewed[0], "remove")
    assert response["Location"].endswith(f"#unranked-{interviewed[0].pk}")
    assert order(alice) == ["Beta Neuro", "=HYPERLINK(1)"]
    page = client.get(reverse("season:rank")).content.decode()
    assert "Took Alpha Neuro off your rank order list (it was number 1)." in page
    assert "Put back at 1" in page and "Rank it last" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    undo = reverse("season:rank_undo", args=[interviewed[0].pk])
    response = client.post(undo, {"token": token})
    assert response["Location"].endswith(f"#rank-{interviewed[0].pk}")
    assert order(alice) == ["Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)"]
    page = client.get(reverse("season:rank")).content.decode()
    assert "Put back: rank 1 on your rank order list." in page
    assert undo not in page  # used: offered no more

    # Used twice (a second tab), or forged: nothing changes, and the page says why.
    client.post(undo, {"token": token})
    assert order(alice) == ["Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)"]
    client.post(undo, {"token": "forged"})
    page = client.get(reverse("season:rank")).content.decode()
    assert "This Undo could not be read" in page
    assert order(alice) == ["Alpha Neuro", "Beta Neuro", "=HYPERLINK(1)"]


def test_the_put_back_offer_ends_with_the_next_move(client, alice, interviewed, mid_season):
    client.force_login(alice)
    for entry in interviewed:
        move(client, entry, "add")
    move(client, interviewed[0], "remove")
    move(client, interviewed[2], "up")
    page = client.get(reverse("season:rank")).content.decode()
    assert reverse("season:rank_undo", args=[interviewed[0].pk]) not in page


def test_removing_in_a_second_tab_says_it_was_not_ranked_and_offers_no_undo(
    client, alice, interviewed, mid_season
):
    client.force_login(alice)
    for entry in interviewed:
        move(client, entry, "add")
    move(client, interviewed[0], "remove")
    move(client, interviewed[0], "remove")  # the other tab's button, still on its page
    page = client.get(reverse("season:rank")).content.decode()
    assert "Alpha Neuro was not on your rank order list." in page
    assert reverse("season:rank_undo", args=[interviewed[0].pk]) not in page
    assert order(alice) == ["Beta Neuro", "=HYPERLINK(1)"]
