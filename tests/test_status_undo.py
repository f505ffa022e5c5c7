"""Undoing a status change on the list row: what it cleared, in words, and all of it put back,
once, and only while nothing newer was recorded."""

import zoneinfo
from datetime import date, datetime, timedelta

import pytest

from applicants import shortlists, status_undo, tracker
from applicants.models import Shortlist, ShortlistEntry
from tests.factories import make_entry, make_profile, make_user

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
SCHEDULED = {
    "applied_on": date(2026, 9, 10),
    "invited_on": date(2026, 10, 20),
    "interview_at": datetime(2027, 1, 10, 14, tzinfo=CHICAGO),
    "interview_format": "in_person",
}
CLEARED = " Cleared: invitation of 20 Oct 2026, interview on 10 Jan 2027 14:00 CST (in person)."


@pytest.fixture
def shortlist(alice) -> Shortlist:
    return Shortlist.objects.create(profile=make_profile(alice, time_zone="America/Chicago"))


def _tracked(shortlist: Shortlist, **facts) -> ShortlistEntry:
    return tracker.record_facts(entry=make_entry(shortlist), changes=facts)


def _ranked(shortlist: Shortlist, count: int) -> list[ShortlistEntry]:
    interviewed = {**SCHEDULED, "interview_at": datetime(2026, 11, 2, 9, tzinfo=CHICAGO)}
    entries = [_tracked(shortlist, **interviewed, interviewed=True) for _ in range(count)]
    return [tracker.add_to_rank(entry=entry) for entry in entries]


def _positions(entries: list[ShortlistEntry]) -> list[int | None]:
    return [ShortlistEntry.objects.get(pk=entry.pk).rank_position for entry in entries]


def _change(entry: ShortlistEntry, status: str) -> tuple[ShortlistEntry, status_undo.Offer]:
    change = shortlists.set_status(entry=entry, status=status)
    return change.entry, status_undo.offer(change)


def test_moving_back_says_what_it_cleared_in_the_applicants_zone(shortlist, mid_season):
    entry, offer = _change(_tracked(shortlist, **SCHEDULED), "applied")

    assert offer.sentence == CLEARED
    assert offer.token
    assert entry.invited_on is None and entry.interview_at is None


def test_a_change_that_clears_nothing_offers_no_undo(shortlist, mid_season):
    _, forward = _change(make_entry(shortlist), "interview_offered")
    assert forward == status_undo.Offer()


def test_undo_puts_back_every_fact(shortlist, alice, mid_season):
    entry = _tracked(shortlist, **SCHEDULED, signalled=True)
    before = entry.facts
    entry, offer = _change(entry, "considering")

    entry, message = status_undo.undo(entry=entry, token=offer.token, user=alice)

    assert entry.facts == before
    assert ShortlistEntry.objects.get(pk=entry.pk).facts == before
    assert message == (
        "Status back to Interview scheduled. Put back: application of 10 Sep 2026, invitation "
        "of 20 Oct 2026, interview on 10 Jan 2027 14:00 CST (in person)."
    )


def test_undo_twice_writes_once(shortlist, alice, mid_season):
    entry, offer = _change(_tracked(shortlist, **SCHEDULED), "applied")
    status_undo.undo(entry=entry, token=offer.token, user=alice)
    written = ShortlistEntry.objects.get(pk=entry.pk).updated_at

    entry, message = status_undo.undo(entry=entry, token=offer.token, user=alice)

    assert message == f"Already undone: {entry.program.name} is back to Interview scheduled."
    assert ShortlistEntry.objects.get(pk=entry.pk).updated_at == written


def test_undo_after_a_newer_change_is_refused_and_keeps_it(shortlist, alice, mid_season):
    entry, offer = _change(_tracked(shortlist, **SCHEDULED), "applied")
    newer = tracker.record_facts(entry=entry, changes={"invited_on": date(2026, 11, 2)})

    with pytest.raises(shortlists.ShortlistError, match="changed since .*Interview offered"):
        status_undo.undo(entry=entry, token=offer.token, user=alice)

    assert ShortlistEntry.objects.get(pk=entry.pk).facts == newer.facts


def test_a_ranked_program_goes_back_to_its_place_and_the_others_move_down(
    shortlist, alice, mid_season
):
    first, second, third = _ranked(shortlist, 3)
    before = second.facts
    second, offer = _change(second, "considering")
    assert _positions([first, second, third]) == [1, None, 2]
    assert "rank 2 on your rank order list" in offer.sentence

    second, _ = status_undo.undo(entry=second, token=offer.token, user=alice)

    assert second.facts == before
    assert _positions([first, second, third]) == [1, 2, 3]


def test_a_rank_taken_meanwhile_is_left_out_and_said_and_the_rest_put_back(
    shortlist, alice, mid_season
):
    first, second, third = _ranked(shortlist, 3)
    second, offer = _change(second, "interviewed")
    tracker.move_rank(entry=third, offset=-1)  # the rank order list changes meanwhile

    second, message = status_undo.undo(entry=second, token=offer.token, user=alice)

    assert second.rank_position is None and second.interviewed
    assert _positions([first, third]) == [2, 1]
    assert "Not put back: rank 2, because your rank order list changed since" in message


def test_a_cleared_last_rank_that_is_still_free_is_put_back(shortlist, alice, mid_season):
    entries = _ranked(shortlist, 3)
    last, offer = _change(entries[2], "interviewed")
    tracker.move_rank(entry=entries[1], offset=-1)

    last, message = status_undo.undo(entry=last, token=offer.token, user=alice)

    assert last.rank_position == 3
    assert "Not put back" not in message


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a:b:c", status_undo.signing.dumps({"e": 1}, salt="other")],
    ids=["empty", "garbage", "three parts", "signed for something else"],  # one name a worker
)
def test_a_garbled_token_is_refused_with_a_message(shortlist, alice, mid_season, token):
    entry, _ = _change(_tracked(shortlist, **SCHEDULED), "applied")

    with pytest.raises(shortlists.ShortlistError, match="could not be read"):
        status_undo.undo(entry=entry, token=token, user=alice)


def test_a_token_for_another_entry_or_user_is_refused(shortlist, alice, mid_season):
    entry, offer = _change(_tracked(shortlist, **SCHEDULED), "applied")
    other = make_entry(shortlist)

    with pytest.raises(shortlists.ShortlistError, match="could not be read"):
        status_undo.undo(entry=other, token=offer.token, user=alice)
    with pytest.raises(shortlists.ShortlistError, match="could not be read"):
        status_undo.undo(entry=entry, token=offer.token, user=make_user("mallory"))


def test_an_undo_older_than_a_day_is_refused(shortlist, alice, mid_season, monkeypatch):
    entry, offer = _change(_tracked(shortlist, **SCHEDULED), "applied")
    monkeypatch.setattr(status_undo, "MAX_AGE", timedelta(seconds=-1))

    with pytest.raises(shortlists.ShortlistError, match="more than a day old"):
        status_undo.undo(entry=entry, token=offer.token, user=alice)
    assert ShortlistEntry.objects.get(pk=entry.pk).invited_on is None


def test_steps_through_statuses_undo_back_to_where_they_began(shortlist, alice, mid_season):
    entry = _tracked(shortlist, **SCHEDULED)
    before = entry.facts
    entry, first = _change(entry, "interview_offered")
    change = shortlists.set_status(entry=entry, status="applied")

    second = status_undo.offer(change, earlier=first.token)
    entry, _ = status_undo.undo(entry=entry, token=second.token, user=alice)

    assert second.sentence == CLEARED
    assert entry.facts == before


def test_an_earlier_undo_that_led_elsewhere_is_not_chained(shortlist, alice, mid_season):
    entry, stale = _change(_tracked(shortlist, **SCHEDULED), "interview_offered")
    entry = tracker.record_facts(entry=entry, changes={"invited_on": date(2026, 11, 2)})
    change = shortlists.set_status(entry=entry, status="applied")

    offer = status_undo.offer(change, earlier=stale.token)

    assert offer.sentence == " Cleared: invitation of 2 Nov 2026."
