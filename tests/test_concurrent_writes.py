"""Two requests at once are normal: no write answers 500 and no data ends up inconsistent.

Real threads, each with its own test client (the same user signed in, as in two tabs) and its
own database connection, post to the views together from a barrier, for many trials. Each test
counts the answers with status 500 (it must be none) and checks the state they leave. Every test
runs on the database in use: SQLite (on a file, `threads_database`) and PostgreSQL.
"""

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from applicants.forms import form_data
from applicants.models import (
    Comment,
    Grant,
    ModelVersion,
    Profile,
    ShareLink,
    Shortlist,
    ShortlistEntry,
)
from applicants.shortlists import build_shortlist, restore_entry
from programs.models import Program
from tests.factories import (
    PASSWORD,
    make_built_list,
    make_catalogue,
    make_entry,
    make_form_data,
    make_grant,
    make_model_steward,
    make_profile,
    make_profile_data,
    make_program,
    make_share_link,
    make_tracked_entry,
    make_user,
)

# Real threads racing on real connections, many trials each: left out of `make test-fast`.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("threads_database"),
]

HTMX = {"HTTP_HX_REQUEST": "true"}
# Trials per case are kept small enough for a few seconds a test; CONCURRENCY_SCALE=3 runs
# three times as many (the figures in the README were measured so).
SCALE = float(os.environ.get("CONCURRENCY_SCALE", "1"))


def trials(n: int) -> range:
    return range(max(1, round(n * SCALE)))


@dataclass
class Tally:
    """Every answer of every trial of one case."""

    answers: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return self.answers.count(500)

    def report(self, case: str) -> str:
        return (
            f"{case}: {self.server_errors}/{len(self.answers)} answers were 500 on "
            f"{connection.vendor} {self.errors[:3]}"
        )


def at_once(tally: Tally, *requests: Callable[[], HttpResponse]) -> list[HttpResponse]:
    """Run each request in its own thread, all released together; their responses in order."""
    barrier = threading.Barrier(len(requests))
    responses: list[HttpResponse | None] = [None] * len(requests)

    def run(index: int, request: Callable[[], HttpResponse]) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = request()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert all(response is not None for response in responses), "a request raised"
    for response in responses:
        tally.answers.append(response.status_code)
        if response.status_code == 500 and response.exc_info:
            tally.errors.append(f"{response.exc_info[0].__name__}: {response.exc_info[1]}")
    return responses


def messages_of(response: HttpResponse) -> list[str]:
    """The messages this response added (not those left from earlier requests)."""
    return [str(message) for message in get_messages(response.wsgi_request)._queued_messages]


def tabs(user, n: int) -> list[Client]:
    """`n` browser tabs of one signed-in user: each its own client, none re-raising errors."""
    clients = [Client(raise_request_exception=False) for _ in range(n)]
    for client in clients:
        client.force_login(user)
    return clients


def post(client: Client, url: str, data: dict | None = None, **extra) -> Callable:
    return lambda: client.post(url, data or {}, **extra)


def each_at_once(
    tally: Tally,
    clients: list[Client],
    url_name: str,
    objects: Iterable[Model],
    data: dict | None = None,
) -> list[HttpResponse]:
    """Each client posts `data` to the `url_name` URL of its own object, all at once."""
    return at_once(
        tally,
        *(
            post(client, reverse(url_name, args=[obj.pk]), data)
            for client, obj in zip(clients, objects, strict=True)
        ),
    )


def entry_url(action: str, entry: ShortlistEntry) -> str:
    return reverse(f"applicants:list_entry_{action}", args=[entry.pk])


def both_save_at_once(
    tally: Tally, tabs: tuple[Client, Client], url: str, first: dict, second: dict
) -> list[HttpResponse]:
    """Both tabs load the form at `url`, then post it back at once, each with its own changes
    (`first`, `second`) typed in."""
    pages = [make_form_data(tab.get(url).content.decode(), url) for tab in tabs]
    return at_once(
        tally, post(tabs[0], url, pages[0] | first), post(tabs[1], url, pages[1] | second)
    )


def the_refused_one(answers: list[HttpResponse]) -> HttpResponse:
    """Of two saves of one field at once, one is kept (302) and one refused (409): that one."""
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [302, 409], statuses
    return next(answer for answer in answers if answer.status_code == 409)


@pytest.fixture
def built(alice):
    make_catalogue(45)
    profile = make_profile(alice, list_size=30)
    return build_shortlist(profile=profile)


def assert_ranks_are_one_to_n(shortlist) -> None:
    ranks = list(shortlist.entries.filter(excluded=False).values_list("rank", flat=True))
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    assert not shortlist.entries.filter(excluded=True, rank__isnull=False).exists()


# The list workspace


def test_pinning_and_excluding_one_row_at_once_never_fails_and_never_leaves_both(alice, built):
    tally = Tally()
    first, second = tabs(alice, 2)
    entry = built.entries.get(rank=5)
    for _ in trials(20):
        restore_entry(entry=entry)  # back in its place, unpinned
        at_once(
            tally,
            post(first, entry_url("pin", entry), {"pinned": "true"}),
            post(second, entry_url("exclude", entry)),
        )
        entry.refresh_from_db()
        assert entry.excluded and not entry.pinned, "an exclusion unpins, whatever came first"
        assert_ranks_are_one_to_n(built)
    assert tally.server_errors == 0, tally.report("pin + exclude")


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("notes", {"notes": "Call the coordinator"}),
        ("pin", {"pinned": "true"}),
        ("status", {"status": "applied"}),
        ("exclude", {}),
    ],
)
def test_a_row_action_racing_a_rebuild_that_drops_the_row_is_saved_or_refused_clearly(
    alice, built, action, data, mid_season
):
    tally = Tally()
    first, second = tabs(alice, 2)
    listed = set(built.entries.values_list("program_id", flat=True))
    spare = Program.objects.exclude(pk__in=listed).first()
    build_url = reverse("applicants:list_build", args=[built.profile.pk])
    for _ in trials(10):
        # A row without user data that the builder would not choose: a rebuild drops it,
        # unless the action gives it user data first (then the rebuild must keep it).
        ShortlistEntry.objects.filter(shortlist=built, program=spare).delete()
        entry = make_entry(built, spare, rank=31)
        act, rebuild = at_once(
            tally, post(first, entry_url(action, entry), data), post(second, build_url)
        )
        survivor = ShortlistEntry.objects.filter(pk=entry.pk).first()
        said = " ".join(messages_of(act))
        assert act.status_code in (302, 404), act.status_code
        if act.status_code == 302 and "no longer on your list" not in said:
            assert survivor is not None, "an action reported as done on a row that is gone"
            if action == "notes":
                assert survivor.notes == "Call the coordinator"
        assert rebuild.status_code == 302
        assert_ranks_are_one_to_n(built)
    assert tally.server_errors == 0, tally.report(f"{action} + rebuild")


def test_a_row_removed_after_the_view_fetched_it_answers_404_with_what_happened(
    alice, built, monkeypatch
):
    from applicants import entry_views

    fetch = entry_views.get_rw_entry_for_user

    def fetch_then_rebuild_removes_it(user, pk):
        entry = fetch(user, pk)
        ShortlistEntry.objects.filter(pk=pk).delete()
        return entry

    monkeypatch.setattr(entry_views, "get_rw_entry_for_user", fetch_then_rebuild_removes_it)
    [client] = tabs(alice, 1)
    actions = [
        ("notes", {"notes": "x"}),
        ("pin", {"pinned": "true"}),
        ("status", {"status": "applied"}),
        ("exclude", {}),
    ]
    for action, data in actions:
        entry = built.entries.filter(excluded=False).first()
        # htmx: 404, as for a row already gone (the page's script says so, offers a reload).
        response = client.post(entry_url(action, entry), data, **HTMX)
        assert response.status_code == 404, action
        assert b"no longer on your list" in response.content
        # A plain form post: back to the list, with the message.
        entry = built.entries.filter(excluded=False).first()
        response = client.post(entry_url(action, entry), data)
        assert response.status_code == 302, action
        assert "no longer on your list" in " ".join(messages_of(response))


# Profiles and scenarios


def test_three_first_profile_saves_at_once_make_one_active_base_profile(db):
    tally = Tally()
    for trial in trials(10):
        user = make_user(f"new{trial}")
        data = form_data(make_profile_data(list_size=30 + trial))
        url = reverse("applicants:profile")
        saves = at_once(tally, *(post(client, url, data) for client in tabs(user, 3)))
        # The same values saved three times (a triple click) are one save, reported as done.
        assert [save.status_code for save in saves] == [302] * 3
        profiles = Profile.objects.filter(user=user)
        assert profiles.count() == 1
        assert profiles.get().active and not profiles.get().is_scenario
    assert tally.server_errors == 0, tally.report("3 first profile saves")


def test_a_different_first_profile_saved_meanwhile_keeps_what_was_entered_in_the_form(
    alice, monkeypatch
):
    from applicants import profiles

    make_profile(alice, step2_score=230)  # saved in another window
    monkeypatch.setattr(profiles, "active_profile", lambda user: None)  # this one looked before
    [client] = tabs(alice, 1)
    data = form_data(make_profile_data(step2_score=251))
    response = client.post(reverse("applicants:profile"), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "saved in another window" in page and 'value="251"' in page
    assert "Some answers need fixing" not in page  # every answer was fine
    assert Profile.objects.get(user=alice).step2_score == 230  # nothing overwritten unseen


def test_four_scenarios_with_one_name_at_once_make_one_scenario(alice):
    tally = Tally()
    base = make_profile(alice)
    clients = tabs(alice, 4)
    url = reverse("applicants:scenario_create")
    for trial in trials(10):
        name = f"After Step 3 #{trial}"
        data = {"name": name, "source": base.pk}
        answers = at_once(tally, *(post(client, url, data) for client in clients))
        assert Profile.objects.filter(user=alice, name=name).count() == 1
        said = sorted(" ".join(messages_of(answer)) for answer in answers)
        assert sum("created" in text for text in said) == 1
        assert sum("already have a profile or scenario named" in text for text in said) == 3
    assert tally.server_errors == 0, tally.report("4 same-name scenarios")


def test_four_activations_at_once_leave_exactly_one_active_profile(alice):
    tally = Tally()
    base = make_profile(alice)
    scenarios = [
        make_profile(alice, name=f"Scenario {n}", based_on=base, active=False) for n in range(4)
    ]
    clients = tabs(alice, 4)
    for _ in trials(15):
        each_at_once(tally, clients, "applicants:scenario_activate", scenarios)
        assert Profile.objects.filter(user=alice, active=True).count() == 1
    assert tally.server_errors == 0, tally.report("4 scenario activations")


def test_two_renames_to_one_name_at_once_leave_the_names_unique(alice):
    tally = Tally()
    base = make_profile(alice)
    first, second = (
        make_profile(alice, name=f"Scenario {n}", based_on=base, active=False) for n in range(2)
    )
    clients = tabs(alice, 2)
    for trial in trials(15):
        name = f"Renamed {trial}"
        each_at_once(tally, clients, "applicants:scenario_rename", (first, second), {"name": name})
        assert Profile.objects.filter(user=alice, name=name).count() == 1
    assert tally.server_errors == 0, tally.report("2 renames to one name")


def _activate(scenario: Profile) -> tuple[str, dict]:
    return reverse("applicants:scenario_activate", args=[scenario.pk]), {}


def _comment(scenario: Profile) -> tuple[str, dict]:
    return reverse("applicants:profile_comment", args=[scenario.pk]), {"body": "Worth a try"}


def _share(scenario: Profile) -> tuple[str, dict]:
    make_built_list(scenario, make_program())
    return reverse("applicants:sharing_link"), {"profile": scenario.pk, "days": 7}


def _revoke_link(scenario: Profile) -> tuple[str, dict]:
    make_built_list(scenario, make_program())
    link, _token = make_share_link(scenario)
    return reverse("applicants:sharing_link_revoke", args=[link.pk]), {}


@pytest.mark.parametrize(
    "action", [_activate, _comment, _share, _revoke_link], ids=lambda action: action.__name__
)
def test_an_action_on_a_scenario_deleted_at_once_never_fails(alice, action):
    tally = Tally()
    base = make_profile(alice)
    first, second = tabs(alice, 2)
    for trial in trials(10):
        scenario = make_profile(alice, name=f"Doomed {trial}", based_on=base, active=False)
        url, data = action(scenario)
        delete = reverse("applicants:scenario_delete", args=[scenario.pk])
        act, _deleted = at_once(tally, post(first, url, data), post(second, delete))
        assert not Profile.objects.filter(pk=scenario.pk).exists()
        assert Profile.objects.filter(user=alice, active=True).count() == 1
        assert not Comment.objects.filter(profile_id=scenario.pk).exists()
        assert not ShareLink.objects.filter(profile_id=scenario.pk).exists()
        # Done before the deletion, refused as deleted meanwhile, or (gone before the request
        # looked it up) a 404 or the form's "choose one of your own lists".
        refused = [text for text in messages_of(act) if "deleted" in text]
        assert act.status_code in (302, 400, 404)
        if act.status_code == 400:
            page = act.content.decode()
            assert "deleted meanwhile" in page or "Choose one of your own lists" in page
        assert all("meanwhile" in text or "in another window" in text for text in refused)
    assert tally.server_errors == 0, tally.report(f"{action.__name__[1:]} + scenario deletion")


def test_saving_a_scenario_while_the_account_is_deleted_never_fails(db):
    from django.contrib.auth.models import User

    tally = Tally()
    for trial in trials(10):
        user = make_user(f"leaving{trial}")
        base = make_profile(user)
        scenario = make_profile(user, name="What if", based_on=base, active=False)
        first, second = tabs(user, 2)
        data = form_data(make_profile_data(step2_score=240))
        at_once(
            tally,
            post(first, reverse("applicants:scenario", args=[scenario.pk]), data),
            post(second, reverse("account_delete"), {"password": PASSWORD}),
        )
        assert not User.objects.filter(pk=user.pk).exists()
        assert not Profile.objects.filter(user_id=user.pk).exists()
    assert tally.server_errors == 0, tally.report("scenario save + account deletion")


def test_links_made_at_once_never_pass_the_limit_of_live_links(alice):
    from applicants.sharing import MAX_LIVE_LINKS

    tally = Tally()
    profile = make_profile(alice)
    make_built_list(profile, make_program())
    clients = tabs(alice, 3)
    for _ in trials(5):
        ShareLink.objects.all().delete()
        for _ in range(MAX_LIVE_LINKS - 1):
            make_share_link(profile)
        data = {"profile": profile.pk, "days": 7}
        at_once(
            tally, *(post(client, reverse("applicants:sharing_link"), data) for client in clients)
        )
        assert ShareLink.objects.filter(owner=alice).count() == MAX_LIVE_LINKS
    assert tally.server_errors == 0, tally.report("3 links at the limit")


def test_changing_a_grant_while_its_grantee_deletes_their_account_never_fails(alice):
    tally = Tally()
    [owner] = tabs(alice, 1)
    for trial in trials(10):
        mentor = make_user(f"mentor{trial}")
        grant = make_grant(alice, mentor)
        [leaving] = tabs(mentor, 1)
        change = ("sharing_level", {"level": "comment"}) if trial % 2 else ("sharing_revoke", {})
        at_once(
            tally,
            post(owner, reverse(f"applicants:{change[0]}", args=[grant.pk]), change[1]),
            post(leaving, reverse("account_delete"), {"password": PASSWORD}),
        )
        assert not Grant.objects.filter(pk=grant.pk).exists()
    assert tally.server_errors == 0, tally.report("grant change + grantee account deletion")


# The season tracker


def test_two_matches_at_once_leave_at_most_one_matched_program(alice, built, mid_season):
    tally = Tally()
    first, second = tabs(alice, 2)
    one, other = built.entries.filter(excluded=False).order_by("rank")[:2]
    for _ in trials(10):
        ShortlistEntry.objects.filter(pk__in=[one.pk, other.pk]).update(
            matched=False,
            rank_position=None,
            interviewed=False,
            invited_on=None,
            applied_on=None,
            applicant=None,
            season=None,
        )
        at_once(
            tally,
            post(first, entry_url("status", one), {"status": "matched"}),
            post(second, entry_url("status", other), {"status": "matched"}),
        )
        assert ShortlistEntry.objects.filter(applicant=alice, matched=True).count() == 1
    assert tally.server_errors == 0, tally.report("2 matches")


def test_two_tabs_saving_one_entry_at_once_keep_both_or_refuse_the_second_by_name(
    alice, built, mid_season
):
    tally = Tally()
    first, second = tabs(alice, 2)
    entry = built.entries.filter(excluded=False).order_by("rank").first()
    url = reverse("season:entry", args=[entry.pk])
    dates = {"applied_on": "2026-09-10", "invited_on": "2026-10-20"}
    for _ in trials(8):
        ShortlistEntry.objects.filter(pk=entry.pk).update(
            applied_on=None, invited_on=None, cons="", pros="", applicant=None, season=None
        )
        # Different fields: both saves are kept.
        both_save_at_once(tally, (first, second), url, dates, {"cons": "Long commute"})
        stored = ShortlistEntry.objects.get(pk=entry.pk)
        assert (stored.applied_on, stored.cons) == (date(2026, 9, 10), "Long commute")
        # One field in both: one save wins, the other is refused naming it, never mixed.
        answers = both_save_at_once(
            tally,
            (first, second),
            url,
            {"pros": "Kind", "invited_on": ""},
            {"pros": "Warm", "applied_on": "2026-09-11"},
        )
        refused = the_refused_one(answers)
        assert "Pros changed in another tab" in refused.content.decode()
        stored = ShortlistEntry.objects.get(pk=entry.pk)
        first_won = stored.pros == "Kind"
        assert (stored.invited_on is None) == first_won
        assert stored.applied_on == (date(2026, 9, 10) if first_won else date(2026, 9, 11))
    assert tally.server_errors == 0, tally.report("two tabs on one entry")


def test_signals_beyond_the_limit_at_once_never_pass_it(alice, built, mid_season):
    tally = Tally()
    limit = settings.PREFERENCE_SIGNALS
    entries = list(built.entries.filter(excluded=False).order_by("rank")[: limit + 2])
    clients = tabs(alice, 3)
    for _ in trials(5):
        ShortlistEntry.objects.filter(shortlist=built).update(
            signalled=False, applied_on=None, applicant=None, season=None
        )
        for entry in entries[: limit - 1]:
            ShortlistEntry.objects.filter(pk=entry.pk).update(
                signalled=True, applicant=alice, season=2027
            )
        each_at_once(
            tally, clients, "season:entry_signal", entries[limit - 1 :], {"signalled": "true"}
        )
        assert ShortlistEntry.objects.filter(applicant=alice, signalled=True).count() == limit
    assert tally.server_errors == 0, tally.report("signals at the limit")


def test_three_programs_added_to_the_rank_order_list_at_once_take_three_places(alice, mid_season):
    tally = Tally()
    shortlist = Shortlist.objects.create(profile=make_profile(alice))
    interviewed = [
        make_tracked_entry(
            shortlist,
            applied_on=date(2026, 9, 10),
            invited_on=date(2026, 10, 1),
            interview_at=datetime(2026, 11, 2 + n, 15, tzinfo=UTC),
            interviewed=True,
        )
        for n in range(3)
    ]
    clients = tabs(alice, 3)
    for _ in trials(10):
        ShortlistEntry.objects.filter(shortlist=shortlist).update(rank_position=None)
        answers = each_at_once(tally, clients, "season:rank_move", interviewed, {"action": "add"})
        positions = shortlist.entries.values_list("rank_position", flat=True)
        assert sorted(positions) == [1, 2, 3]
        assert not any(messages_of(answer) for answer in answers)  # no refusal either
    assert tally.server_errors == 0, tally.report("3 rank list additions")


# The catalogue


def test_corrections_suggested_at_once_never_pass_the_daily_limit(alice):
    from programs.corrections import DAILY_LIMIT
    from programs.models import Correction

    tally = Tally()
    program = make_program()
    clients = tabs(alice, 3)
    url = reverse("programs:suggest_correction", args=[program.pk])
    data = {"field": "visa_h1b", "value": "yes", "evidence": "https://example.org/visas"}
    for _ in trials(5):
        Correction.objects.all().delete()
        for _ in range(DAILY_LIMIT - 1):
            clients[0].post(url, data)
        at_once(tally, *(post(client, url, data) for client in clients))
        assert Correction.objects.filter(user=alice).count() == DAILY_LIMIT
    assert tally.server_errors == 0, tally.report("3 corrections at the daily limit")


# Staff


def test_four_model_version_activations_at_once_leave_one_active(db):
    tally = Tally()
    staff = make_model_steward("stella")
    versions = [
        ModelVersion.objects.create(number=100 + n, weights={}, conversion=0.5) for n in range(4)
    ]
    clients = tabs(staff, 4)
    for _ in trials(10):
        each_at_once(tally, clients, "applicants:calibration_activate", versions)
        assert ModelVersion.objects.filter(active=True).count() == 1
    assert tally.server_errors == 0, tally.report("4 model version activations")


def test_two_tabs_saving_the_profile_at_once_keep_both_or_refuse_the_second_by_name(alice):
    tally = Tally()
    profile = make_profile(alice)
    first, second = tabs(alice, 2)
    url = reverse("applicants:scenario", args=[profile.pk])  # where its form posts
    for _ in trials(8):
        Profile.objects.filter(pk=profile.pk).update(
            usce_months=3, neuro_publications=2, list_size=100
        )
        # Different fields: both saves are kept.
        both_save_at_once(
            tally, (first, second), url, {"usce_months": "9"}, {"neuro_publications": "5"}
        )
        stored = Profile.objects.get(pk=profile.pk)
        assert (stored.usce_months, stored.neuro_publications) == (9, 5)
        # One field in both: one save wins whole, the other is refused naming it.
        answers = both_save_at_once(
            tally,
            (first, second),
            url,
            {"usce_months": "12", "list_size": "90"},
            {"usce_months": "6", "neuro_publications": "7"},
        )
        refused = the_refused_one(answers)
        assert "US clinical experience (months) changed in another tab" in (
            refused.content.decode()
        )
        stored = Profile.objects.get(pk=profile.pk)
        first_won = stored.usce_months == 12
        assert (stored.list_size == 90) == first_won
        assert (stored.neuro_publications == 7) == (not first_won)
    assert tally.server_errors == 0, tally.report("two tabs on one profile")
