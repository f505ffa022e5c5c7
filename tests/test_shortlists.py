import math
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.catalogue import as_of_year, score_profile
from applicants.export_data import list_rows, rows_frame
from applicants.listbuilder import build_list
from applicants.models import Shortlist, ShortlistEntry, Status
from applicants.outlook import compare_scenarios
from applicants.profiles import profile_data
from applicants.scoring import score_programs
from applicants.selectors import listed_entries, search_programs
from applicants.shortlists import (
    ShortlistError,
    add_program,
    build_shortlist,
    exclude_entry,
    restore_entry,
    set_notes,
    set_pinned,
    set_status,
)
from programs.models import Program
from tests.factories import (
    make_catalogue,
    make_entry,
    make_profile,
    make_program,
    make_tracked_entry,
)

pytestmark = pytest.mark.django_db


def _listed(shortlist: Shortlist) -> list:
    return list(listed_entries(shortlist).order_by("rank"))


def test_building_a_list_ranks_list_size_programs_from_one(alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)

    shortlist = build_shortlist(profile=profile)

    entries = _listed(shortlist)
    assert [entry.rank for entry in entries] == list(range(1, 31))
    assert shortlist.built_at is not None
    assert all(entry.band in {"reach", "target", "safety"} for entry in entries)
    probabilities = [entry.probability for entry in entries]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(entry.reasons for entry in entries)


def test_building_twice_gives_the_same_list(alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    first = [entry.program_id for entry in _listed(build_shortlist(profile=profile))]
    second = [entry.program_id for entry in _listed(build_shortlist(profile=profile))]
    assert first == second


def _entry_updates(queries: CaptureQueriesContext) -> int:
    table = ShortlistEntry._meta.db_table
    return sum(query["sql"].startswith(f'UPDATE "{table}"') for query in queries.captured_queries)


def test_a_rebuild_writes_only_the_entries_whose_rank_or_figures_change(alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    build_shortlist(profile=profile)

    with CaptureQueriesContext(connection) as unchanged:
        build_shortlist(profile=profile)
    assert _entry_updates(unchanged) == 0

    profile.step2_score += 15
    profile.save()
    with CaptureQueriesContext(connection) as changed:
        shortlist = build_shortlist(profile=profile)
    assert _entry_updates(changed) >= 1
    fresh = score_profile(profile)
    for entry in _listed(shortlist):
        assert entry.probability == pytest.approx(fresh.at[entry.program_id, "probability"])
        assert entry.reasons == [str(reason) for reason in fresh.at[entry.program_id, "reasons"]]


def test_a_rebuild_keeps_pins_statuses_notes_hand_added_programs_and_exclusions(alice, mid_season):
    programs = make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    shortlist = build_shortlist(profile=profile)
    entries = _listed(shortlist)
    pinned, applied, noted, plain, excluded = (
        entries[-1],
        entries[-2],
        entries[-3],
        entries[-4],
        entries[0],
    )
    set_pinned(entry=pinned, pinned=True)
    set_status(entry=applied, status=Status.APPLIED)
    set_notes(entry=noted, notes="Coordinator answered: J-1 only.")
    exclude_entry(entry=excluded)
    listed_programs = set(shortlist.entries.values_list("program_id", flat=True))
    by_hand = next(program for program in programs if program.pk not in listed_programs)
    add_program(shortlist=shortlist, program=by_hand)
    # Make every touched program unattractive, so an automatic choice would drop them.
    touched = [pinned.program_id, applied.program_id, noted.program_id, plain.program_id]
    Program.objects.filter(pk__in=[*touched, by_hand.pk]).update(
        tier=1, img_pct=0, updated_at=timezone.now()
    )

    build_shortlist(profile=profile)

    after = {entry.program_id: entry for entry in shortlist.entries.all()}
    assert after[pinned.program_id].pinned
    assert after[applied.program_id].status == Status.APPLIED
    assert after[noted.program_id].notes == "Coordinator answered: J-1 only."
    assert after[by_hand.pk].added_by_hand
    for pk in (pinned.program_id, applied.program_id, noted.program_id, by_hand.pk):
        assert after[pk].rank is not None and not after[pk].excluded
    assert plain.program_id not in after  # no user data: it follows the automatic choice
    assert after[excluded.program_id].excluded and after[excluded.program_id].rank is None
    assert len(_listed(shortlist)) == 30
    assert after[pinned.program_id].probability < pinned.probability  # snapshot refreshed


def test_a_pinned_program_that_is_archived_stays_on_the_list_marked_ineligible(alice):
    make_catalogue(40)
    profile = make_profile(alice, list_size=30)
    shortlist = build_shortlist(profile=profile)
    entry = _listed(shortlist)[0]
    set_pinned(entry=entry, pinned=True)
    Program.objects.filter(pk=entry.program_id).update(active=False, updated_at=timezone.now())

    build_shortlist(profile=profile)

    entry.refresh_from_db()
    assert entry.rank is not None
    assert entry.band == "ineligible"
    assert entry.probability == 0
    rows = list_rows(shortlist)
    assert rows.set_index("program_pk").loc[entry.program_id, "archived"]


def test_an_archived_program_without_user_data_leaves_the_list_on_rebuild(alice):
    make_catalogue(40)
    profile = make_profile(alice, list_size=30)
    shortlist = build_shortlist(profile=profile)
    entry = _listed(shortlist)[0]
    Program.objects.filter(pk=entry.program_id).update(active=False, updated_at=timezone.now())

    build_shortlist(profile=profile)

    assert not shortlist.entries.filter(program_id=entry.program_id).exists()
    assert len(_listed(shortlist)) == 30


def test_excluding_closes_the_ranks_and_restoring_puts_the_program_back_by_probability(alice):
    make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    entries = _listed(shortlist)
    third = entries[2]

    exclude_entry(entry=third)
    assert [entry.rank for entry in _listed(shortlist)] == list(range(1, 30))
    third.refresh_from_db()
    assert third.excluded and third.rank is None

    restore_entry(entry=third)
    assert [entry.program_id for entry in _listed(shortlist)] == [e.program_id for e in entries]


def test_a_program_added_by_hand_is_scored_and_ranked_by_its_probability(alice):
    programs = make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    listed = set(shortlist.entries.values_list("program_id", flat=True))
    program = next(program for program in programs if program.pk not in listed)

    entry = add_program(shortlist=shortlist, program=program)

    assert entry.added_by_hand and entry.reasons
    entries = _listed(shortlist)
    assert len(entries) == 31
    assert [e.rank for e in entries] == list(range(1, 32))
    probabilities = [e.probability for e in entries]
    assert probabilities == sorted(probabilities, reverse=True)


def test_adding_a_program_already_on_the_list_is_refused(alice):
    make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    entry = _listed(shortlist)[0]
    with pytest.raises(ShortlistError, match="on your list already"):
        add_program(shortlist=shortlist, program=entry.program)


def test_adding_an_excluded_program_puts_it_back(alice):
    make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    entry = _listed(shortlist)[0]
    exclude_entry(entry=entry)

    add_program(shortlist=shortlist, program=entry.program)

    entry.refresh_from_db()
    assert not entry.excluded and entry.added_by_hand and entry.rank == 1


def test_an_excluded_program_cannot_be_pinned(alice):
    make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    entry = exclude_entry(entry=_listed(shortlist)[0])
    with pytest.raises(ShortlistError):
        set_pinned(entry=entry, pinned=True)


def test_an_excluded_program_s_status_cannot_be_changed_from_a_stale_row(alice, mid_season):
    make_catalogue(40)
    shortlist = build_shortlist(profile=make_profile(alice, list_size=30))
    row = _listed(shortlist)[0]  # the row as another tab still shows it
    exclude_entry(entry=ShortlistEntry.objects.get(pk=row.pk))
    with pytest.raises(ShortlistError, match="Restore this program to your list before"):
        set_status(entry=row, status=Status.APPLIED)
    stored = ShortlistEntry.objects.get(pk=row.pk)
    assert stored.excluded and stored.applied_on is None and stored.season is None


def test_list_rows_gives_one_row_per_listed_program_in_rank_order(alice):
    limit = make_program(name="Window Five", yog_policy="limit", yog_window=5, visa_h1b=False)
    open_ended = make_program(name="No Window", yog_policy="none", website="https://x.example")
    unknown = make_program(name="Unknown Window")
    shortlist = Shortlist.objects.create(profile=make_profile(alice), built_at=timezone.now())
    make_entry(shortlist, unknown, rank=3, probability=0.1)
    make_tracked_entry(
        shortlist, limit, rank=1, probability=0.4, applied_on=date(2026, 9, 10), notes="Sent"
    )
    make_entry(shortlist, open_ended, rank=2, probability=0.2, pinned=True)
    make_entry(shortlist, make_program(), rank=None, excluded=True)

    rows = list_rows(shortlist)

    assert list(rows.columns) == [
        "rank", "program_pk", "program_id", "name", "institution", "city", "state", "region",
        "setting", "tier", "band", "interview_probability", "fit_score", "visa_j1", "visa_h1b",
        "img_pct", "step2_min", "yog_window", "reasons", "status", "notes", "website",
        "nrmp_codes", "pinned", "added_by_hand", "archived", "applied_on", "signalled",
        "invited_on", "rejected_on", "withdrawn_on", "interview_at", "interview_format",
        "interviewed", "rank_position", "matched",
    ]  # fmt: skip
    assert rows["name"].tolist() == ["Window Five", "No Window", "Unknown Window"]
    assert rows["rank"].tolist() == [1, 2, 3]
    assert rows["yog_window"].tolist() == [5, math.inf, None]
    assert rows["visa_j1"].tolist() == [True, True, True]
    assert rows["visa_h1b"].tolist() == [False, None, None]
    assert rows["status"].tolist() == ["applied", "considering", "considering"]
    assert rows["notes"].tolist() == ["Sent", "", ""]
    assert rows["applied_on"].tolist()[0] == date(2026, 9, 10)
    assert rows["pinned"].tolist() == [False, True, False]
    assert rows["region"].tolist() == ["Midwest"] * 3
    assert rows["reasons"].tolist() == [["+ Sponsors J-1"]] * 3
    assert rows["website"].tolist() == ["", "https://x.example", ""]
    assert not rows["archived"].any()


def test_a_fresh_build_gives_the_same_rows_as_the_saved_list(alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    shortlist = build_shortlist(profile=profile)
    scored = score_programs(
        profile_data(profile), Program.objects.active().to_frame(), as_of_year=as_of_year()
    )
    built = build_list(scored, size=30, preferred_states=profile.preferred_states)

    fresh = rows_frame(built.ranked, scored)
    saved = list_rows(shortlist)

    for column in ("rank", "program_pk", "band", "interview_probability", "fit_score", "reasons"):
        assert fresh[column].tolist() == saved[column].tolist()


def test_scenarios_compare_built_lists_with_previews_of_unbuilt_ones(alice):
    make_catalogue(45)
    base = make_profile(alice, list_size=30)
    scenario = make_profile(alice, name="Fewer programs", based_on=base, active=False, list_size=35)
    build_shortlist(profile=base)

    compared = {item.profile.pk: item for item in compare_scenarios(alice)}

    assert compared[base.pk].outlook.built and compared[base.pk].outlook.size == 30
    assert not compared[scenario.pk].outlook.built and compared[scenario.pk].outlook.size == 35
    assert compared[scenario.pk].outlook.fee_usd == 30 * 11 + 5 * 30


def test_search_matches_every_word_and_leaves_archived_programs_out():
    wanted = make_program(name="Lakeside Neurology", city="Austin", state="TX")
    make_program(name="Lakeside Neurology", city="Boston", state="MA")
    make_program(name="Lakeside Old", city="Austin", state="TX", active=False)

    assert search_programs(query="lakeside tx") == [wanted]
    assert search_programs(query="   ") == []
