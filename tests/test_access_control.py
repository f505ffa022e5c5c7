"""Every URL in the URLconf, checked for who may reach it and how.

A URL pattern without an entry in ACCESS fails `test_every_url_has_an_access_rule`: a new
view cannot ship without saying who may use it. An owned URL also says what sharing opens:
nothing (the default), reading it (`shared=READ`: the owner's grantees may GET it) or
commenting (`shared=COMMENT`: grantees with comment access may POST to it). Every owned URL
is then tried by the owner, a viewer, a commenter, a revoked grantee, a stranger and staff.
"""

import copy
import dataclasses
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applicants import calendar
from applicants.models import (
    CalendarFeed,
    Comment,
    Grant,
    ModelVersion,
    Profile,
    ShareLink,
    Shortlist,
    ShortlistEntry,
)
from programs.models import Correction, ImportBatch
from tests.factories import (
    make_catalogue_editor,
    make_entry,
    make_grant,
    make_profile,
    make_program,
    make_share_link,
    make_user,
)

pytestmark = pytest.mark.django_db

PUBLIC, USER, STAFF, OWNED = "public", "user", "staff", "owned"
# Staff with the Program add and change permissions ("Catalogue editors"); staff alone are not.
EDITOR = "catalogue editor"
STEWARD = "model steward"  # staff who may change a model version; staff alone may not
STAFF_KINDS = (STAFF, EDITOR, STEWARD)
TOKEN = "token"  # anonymous allowed, but only with the owner's secret token in the URL
LINK = "link"  # anyone holding a live share link
INVITEE = "invitee"  # the holder of the verified address an invitation was sent to
READ, COMMENT = "read", "comment"  # what sharing opens on an owned URL
ROLES = ("owner", "viewer", "commenter", "revoked grantee", "stranger", "staff")


@dataclass(frozen=True)
class Rule:
    kind: str
    methods: tuple[str, ...] = ("GET",)
    kwargs: Callable[["World"], dict] = field(default=lambda world: {})
    shared: str = ""

    @property
    def post_only(self) -> bool:
        return self.methods == ("POST",)

    def admits(self, role: str, method: str) -> bool:
        """Whether `role` may use this owned URL with `method`."""
        if role == "owner":
            return True
        if method == "GET":
            return self.shared == READ and role in ("viewer", "commenter")
        return self.shared == COMMENT and role == "commenter"

    def tells(self, role: str, method: str) -> bool:
        """Whether `role` is refused with a message on the page it came from rather than a 404:
        a viewer commenting (view-only since the page was opened) sees that page anyway."""
        return method == "POST" and self.shared == COMMENT and role == "viewer"


@dataclass
class World:
    """Alice owns everything; bob is another applicant; stella is staff, a catalogue editor
    and may activate model versions; victor may view alice's workspace, cora may comment on
    it, rex could until alice revoked his access."""

    alice: object
    bob: object
    stella: object
    profile: object
    scenario: object
    entry: object
    program: object
    batch: object
    correction: object
    token: str  # alice's calendar feed
    grant: object  # alice gives victor view access
    link: object  # a live share link to alice's list
    link_token: str
    victor: object
    cora: object
    rex: object
    ivy: object  # invited by address, not accepted yet
    invitation: object

    def user(self, role: str) -> object:
        return {
            "owner": self.alice,
            "viewer": self.victor,
            "commenter": self.cora,
            "revoked grantee": self.rex,
            "stranger": self.bob,
            "staff": self.stella,
        }[role]


def _profile(world: World) -> dict:
    return {"profile_pk": world.profile.pk}


def _scenario(world: World) -> dict:
    return {"pk": world.scenario.pk}


def _entry(world: World) -> dict:
    return {"pk": world.entry.pk}


def _grant(world: World) -> dict:
    return {"pk": world.grant.pk}


def _link(world: World) -> dict:
    return {"pk": world.link.pk}


def _link_token(world: World) -> dict:
    return {"token": world.link_token}


def _owner(world: World) -> dict:
    return {"owner_pk": world.alice.pk}


def _invitation(world: World) -> dict:
    return {"pk": world.invitation.pk}


ACCESS: dict[str, Rule] = {
    "home": Rule(USER),
    "healthz": Rule(PUBLIC),
    # Names from before allauth, kept for links and templates (most share allauth's views).
    "signup": Rule(PUBLIC, ("GET", "POST")),
    "login": Rule(PUBLIC, ("GET", "POST")),
    "logout": Rule(PUBLIC, ("POST",)),
    "password_change": Rule(USER, ("GET", "POST")),
    "password_change_done": Rule(USER),
    "password_reset": Rule(PUBLIC, ("GET", "POST")),
    "password_reset_done": Rule(PUBLIC),
    "password_reset_confirm": Rule(
        PUBLIC, kwargs=lambda world: {"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": Rule(PUBLIC),
    # django-allauth
    "account_login": Rule(PUBLIC, ("GET", "POST")),
    "account_logout": Rule(PUBLIC, ("POST",)),
    "account_signup": Rule(PUBLIC, ("GET", "POST")),
    "account_inactive": Rule(PUBLIC),
    "account_email_verification_sent": Rule(PUBLIC),
    "account_confirm_email": Rule(PUBLIC, ("GET", "POST"), lambda world: {"key": "no-such-key"}),
    "account_reset_password": Rule(PUBLIC, ("GET", "POST")),
    "account_reset_password_done": Rule(PUBLIC),
    "account_reset_password_from_key": Rule(
        PUBLIC, ("GET", "POST"), lambda world: {"uidb36": "1", "key": "no-such-key"}
    ),
    "account_reset_password_from_key_done": Rule(PUBLIC),
    "account_change_password": Rule(USER, ("GET", "POST")),
    "account_set_password": Rule(USER, ("GET", "POST")),
    "account_email": Rule(USER, ("GET", "POST")),
    "account_reauthenticate": Rule(USER, ("GET", "POST")),
    # Your account and data
    "privacy": Rule(USER),
    "privacy_download": Rule(USER),
    "account_delete": Rule(USER, ("GET", "POST")),
    "programs:index": Rule(USER),
    "programs:detail": Rule(USER, kwargs=lambda world: {"pk": world.program.pk}),
    "programs:export": Rule(USER),
    "programs:import_template": Rule(USER),
    "programs:import": Rule(EDITOR, ("GET", "POST")),
    "programs:import_confirm": Rule(EDITOR, ("POST",), lambda world: {"pk": world.batch.pk}),
    "programs:import_mapping": Rule(EDITOR, ("POST",), lambda world: {"pk": world.batch.pk}),
    "programs:suggest_correction": Rule(USER, ("POST",), lambda world: {"pk": world.program.pk}),
    "programs:my_corrections": Rule(USER),
    "programs:observerships": Rule(USER),
    "programs:corrections": Rule(EDITOR),
    "programs:correction_accept": Rule(
        EDITOR, ("POST",), lambda world: {"pk": world.correction.pk}
    ),
    "programs:correction_reject": Rule(
        EDITOR, ("POST",), lambda world: {"pk": world.correction.pk}
    ),
    "applicants:profile": Rule(USER, ("GET", "POST")),
    "applicants:profile_validate": Rule(USER, ("POST",), lambda world: {"field": "step2_score"}),
    "applicants:scenarios": Rule(USER),
    "applicants:scenario_create": Rule(USER, ("POST",)),
    "applicants:scenario": Rule(OWNED, ("GET", "POST"), _scenario, shared=READ),
    "applicants:scenario_activate": Rule(OWNED, ("POST",), _scenario),
    "applicants:scenario_rename": Rule(OWNED, ("POST",), _scenario),
    "applicants:scenario_delete": Rule(OWNED, ("GET", "POST"), _scenario),
    "applicants:list": Rule(USER),
    "applicants:export_xlsx": Rule(USER),
    "applicants:export_csv": Rule(USER),
    "applicants:list_of": Rule(OWNED, kwargs=_profile, shared=READ),
    "applicants:list_build": Rule(OWNED, ("POST",), _profile),
    "applicants:list_search": Rule(OWNED, kwargs=_profile),
    "applicants:list_add": Rule(OWNED, ("POST",), _profile),
    "applicants:list_entry_pin": Rule(OWNED, ("POST",), _entry),
    "applicants:list_entry_status": Rule(OWNED, ("POST",), _entry),
    "applicants:list_entry_status_undo": Rule(OWNED, ("POST",), _entry),
    "applicants:list_entry_notes": Rule(OWNED, ("POST",), _entry),
    "applicants:list_entry_exclude": Rule(OWNED, ("POST",), _entry),
    "applicants:list_entry_restore": Rule(OWNED, ("POST",), _entry),
    "applicants:calibration": Rule(STAFF),
    "applicants:calibration_activate": Rule(
        STEWARD, ("POST",), lambda world: {"pk": ModelVersion.objects.get(number=1).pk}
    ),
    "season:index": Rule(USER),
    "season:entry": Rule(OWNED, ("GET", "POST"), _entry),
    "season:entry_signal": Rule(OWNED, ("POST",), _entry),
    "season:interview_ics": Rule(OWNED, kwargs=_entry, shared=READ),
    "season:signals": Rule(USER),
    "season:time_zone": Rule(USER, ("POST",)),
    "season:costs": Rule(USER),
    "season:calendar": Rule(USER),
    "season:feed_reset": Rule(USER, ("POST",)),
    "season:feed": Rule(TOKEN, kwargs=lambda world: {"token": world.token}),
    "season:rank": Rule(USER),
    "season:rank_print": Rule(USER),
    "season:rank_csv": Rule(USER),
    "season:rank_xlsx": Rule(USER),
    "season:rank_move": Rule(OWNED, ("POST",), _entry),
    "season:rank_undo": Rule(OWNED, ("POST",), _entry),
    "season:rank_notes": Rule(OWNED, ("POST",), _entry),
    "applicants:sharing": Rule(USER),
    "applicants:sharing_grant": Rule(USER, ("POST",)),
    "applicants:sharing_revoke": Rule(OWNED, ("POST",), _grant),
    "applicants:sharing_restore": Rule(OWNED, ("POST",), _grant),
    "applicants:sharing_level": Rule(OWNED, ("POST",), _grant),
    "applicants:sharing_link": Rule(USER, ("POST",)),
    "applicants:sharing_link_revoke": Rule(OWNED, ("POST",), _link),
    "applicants:sharing_link_restore": Rule(OWNED, ("POST",), _link),
    "applicants:shared": Rule(LINK, kwargs=_link_token),
    "applicants:advisor": Rule(USER),
    "applicants:list_entry_comment": Rule(OWNED, ("POST",), _entry, shared=COMMENT),
    "applicants:profile_comment": Rule(
        OWNED, ("POST",), lambda world: {"pk": world.profile.pk}, shared=COMMENT
    ),
    "applicants:shared_scenarios": Rule(OWNED, kwargs=_owner, shared=READ),
    "applicants:shared_season": Rule(OWNED, kwargs=_owner, shared=READ),
    "applicants:shared_calendar": Rule(OWNED, kwargs=_owner, shared=READ),
    "applicants:invitation_accept": Rule(INVITEE, ("POST",), _invitation),
    "applicants:invitation_decline": Rule(INVITEE, ("POST",), _invitation),
}


def url_names(resolver=None, namespace: str = "") -> list[str]:
    """Every named URL pattern outside the admin site (which guards itself)."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern, inner))
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.append(namespace + pattern.name)
    return names


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, made once for the module in a transaction that is rolled back at its end.

    Each test still runs in its own transaction nested inside it (the `db` fixture), so what
    one case changes (a revoked grant, a reset feed token) is undone before the next. No test
    here may use `transactional_db`: flushing the database would take the world with it.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = make_world()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def world(built_world, db) -> World:
    # Fresh instances per test: a case that changes or refreshes an object (the invitation)
    # leaves the next case's objects as they were made.
    return dataclasses.replace(
        built_world,
        **{f.name: copy.copy(getattr(built_world, f.name)) for f in dataclasses.fields(World)},
    )


def make_world() -> World:
    alice, bob = make_user("alice"), make_user("bob")
    stella = make_catalogue_editor("stella")
    stella.user_permissions.add(
        Permission.objects.get(content_type__app_label="applicants", codename="change_modelversion")
    )
    profile = make_profile(alice)
    scenario = make_profile(alice, name="After Step 3", based_on=profile, active=False)
    program = make_program()
    entry = make_entry(
        Shortlist.objects.create(profile=profile, built_at=timezone.now()),
        program,
        applicant=alice,
        season=2027,
        interview_at=datetime(2026, 11, 5, 15, tzinfo=UTC),
    )
    batch = ImportBatch.objects.create(
        user=stella, file_name="programs.csv", sha256="0" * 64, dry_run=True
    )
    correction = Correction.objects.create(
        program=program, user=bob, field="visa_h1b", value="yes", evidence="The website says so."
    )
    token = calendar.feed_token(alice)
    victor, cora, rex = make_user("victor"), make_user("cora"), make_user("rex")
    grant = make_grant(alice, victor)
    make_grant(alice, cora, level="comment")
    make_grant(alice, rex, level="comment", revoked_at=timezone.now())
    link, link_token = make_share_link(profile)
    ivy = make_user("ivy")
    invitation = make_grant(alice, email="ivy@example.org", level="comment")
    return World(
        alice, bob, stella, profile, scenario, entry, program, batch, correction, token, grant,
        link, link_token, victor, cora, rex, ivy, invitation,
    )  # fmt: skip


def _url(name: str, world: World) -> str:
    return reverse(name, kwargs=ACCESS[name].kwargs(world))


def _first_method(rule: Rule) -> str:
    return rule.methods[0].lower()


HUGE = "99999999999999999999"  # past every database's largest integer


def test_an_id_too_large_for_the_database_is_not_found(client, world):
    checked = []
    for name, rule in ACCESS.items():
        kwargs = rule.kwargs(world)
        ids = {key for key, value in kwargs.items() if isinstance(value, int)}
        if not ids or rule.kind in (PUBLIC, TOKEN, LINK):
            continue
        url = reverse(name, kwargs={**kwargs, **dict.fromkeys(ids, 123456789)})
        url = url.replace("123456789", HUGE)
        client.force_login(world.stella if rule.kind in STAFF_KINDS else world.alice)
        for method in rule.methods:
            status = getattr(client, method.lower())(url).status_code
            checked.append((status, method, url))
    assert len(checked) >= 40  # every object URL of the app, each method
    assert [item for item in checked if item[0] != 404] == []


def test_every_url_has_an_access_rule():
    names = url_names()
    assert len(names) == len(set(names)), "two URL patterns share a name"
    missing = sorted(set(names) - set(ACCESS))
    stale = sorted(set(ACCESS) - set(names))
    assert not missing, f"URLs without an access rule in this file: {missing}"
    assert not stale, f"access rules for URLs that no longer exist: {stale}"


@pytest.mark.parametrize(
    "name", [n for n, r in ACCESS.items() if r.kind not in (PUBLIC, TOKEN, LINK)]
)
def test_anonymous_users_are_sent_to_sign_in(client, world, name):
    url = _url(name, world)
    response = getattr(client, _first_method(ACCESS[name]))(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind in STAFF_KINDS])
def test_staff_pages_are_forbidden_to_applicants(client, world, name):
    client.force_login(world.alice)
    response = getattr(client, _first_method(ACCESS[name]))(_url(name, world))
    assert response.status_code == 403


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind in (EDITOR, STEWARD)])
def test_editor_and_steward_pages_are_forbidden_to_staff_without_their_permissions(
    client, world, name
):
    client.force_login(make_user("sam", is_staff=True))
    for method in ACCESS[name].methods:
        response = getattr(client, method.lower())(_url(name, world))
        assert response.status_code == 403, f"{method} {name}"


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind == OWNED])
def test_another_users_objects_are_not_found(client, world, name):
    client.force_login(world.bob)
    for method in ACCESS[name].methods:
        response = getattr(client, method.lower())(_url(name, world))
        assert response.status_code == 404, f"{method} {name}"


@pytest.mark.parametrize(
    "name", [n for n, r in ACCESS.items() if r.kind in (USER, OWNED) and "GET" in r.methods]
)
def test_the_owner_can_open_every_page(client, world, name):
    client.force_login(world.alice)
    response = client.get(_url(name, world))
    assert response.status_code in (200, 302), response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        # One form style on every page: no colon after a label.
        assert not re.search(r":\s*</label>", response.content.decode()), name
    if response.status_code == 302:
        # Only a redirect within the app (e.g. an export before the list is built).
        assert not response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.post_only])
def test_state_changing_views_refuse_get(client, world, name):
    user = world.stella if ACCESS[name].kind in STAFF_KINDS else world.alice
    client.force_login(user)
    assert client.get(_url(name, world)).status_code == 405


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if "POST" in r.methods])
def test_posts_without_a_csrf_token_are_refused(world, name):
    client = Client(enforce_csrf_checks=True)
    if ACCESS[name].kind != PUBLIC:
        client.force_login(world.stella if ACCESS[name].kind in STAFF_KINDS else world.alice)
    response = client.post(_url(name, world), {})
    assert response.status_code == 403


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind == TOKEN])
def test_token_urls_answer_anyone_with_the_token_and_nobody_without_it(client, world, name):
    assert client.get(_url(name, world)).status_code == 200
    for token in (
        "x" * 43,
        world.token[:-1] + ("B" if world.token.endswith("A") else "A"),
        "%2E%2E" + world.token,
        "-",
    ):
        assert client.get(reverse(name, kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind == TOKEN])
def test_a_reset_token_stops_the_old_token_url(client, world, name):
    old = _url(name, world)
    client.force_login(world.alice)
    client.post(reverse("season:feed_reset"))
    client.logout()
    assert client.get(old).status_code == 404
    new = reverse(name, kwargs={"token": calendar.feed_token(world.alice)})
    assert client.get(new).status_code == 200


def test_the_admin_site_is_for_staff_only(client, world):
    assert client.get("/admin/").status_code == 302
    client.force_login(world.alice)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(world.stella)
    assert client.get("/admin/").status_code in (200, 403)


# Sharing: every owned URL by every role; write endpoints; exports; share links.
# The two role-by-URL sweeps are left out of `make test-fast`; its owner and stranger cases
# of every URL are the tests above.


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind == OWNED])
def test_each_role_reaches_an_owned_url_only_as_far_as_it_is_shared(client, world, name, role):
    rule = ACCESS[name]
    client.force_login(world.user(role))
    for method in rule.methods:
        response = getattr(client, method.lower())(_url(name, world))
        if rule.admits(role, method) or rule.tells(role, method):
            assert response.status_code in (200, 302), f"{role} {method} {name}"
            assert not response.get("Location", "").startswith(reverse("login"))
        else:
            assert response.status_code == 404, f"{role} {method} {name}"


def owner_data(world: World) -> list[list[dict]]:
    """Everything of alice's that a request could change, as rows."""
    alice = world.alice
    return [
        list(model.objects.filter(**{path: alice}).order_by("pk").values())
        for model, path in (
            (Profile, "user"),
            (Shortlist, "profile__user"),
            (ShortlistEntry, "shortlist__profile__user"),
            (Grant, "owner"),
            (ShareLink, "owner"),
            (CalendarFeed, "user"),
            (Comment, "owner"),
        )
    ]


def plausible_post(world: World) -> dict[str, object]:
    """Form data every write view accepts, so that only access can stop the write."""
    return {
        "pinned": "true",
        "status": "applied",
        "notes": "Written by someone else",
        "program": world.program.pk,
        "name": "Renamed by someone else",
        "source": world.profile.pk,
        "level": "comment",
        "signalled": "true",
        "offset": "-1",
        "applied_on": "2026-09-02",
        "body": "A comment",
        "days": "7",
    }


@pytest.mark.slow
@pytest.mark.parametrize("role", ["viewer", "commenter", "revoked grantee"])
@pytest.mark.parametrize(
    "name",
    [n for n, r in ACCESS.items() if r.kind == OWNED and "POST" in r.methods],
)
def test_a_grantee_never_reaches_a_write_endpoint_of_the_owners_data(client, world, name, role):
    rule = ACCESS[name]
    before = owner_data(world)
    client.force_login(world.user(role))
    response = client.post(_url(name, world), plausible_post(world))
    if rule.admits(role, "POST"):  # a comment: the commenter's own words, nothing of alice's
        assert response.status_code == 302
        assert owner_data(world)[:-1] == before[:-1]
    elif rule.tells(role, "POST"):  # told so on the page it came from; nothing is written
        assert response.status_code == 302
        assert owner_data(world) == before
    else:
        assert response.status_code == 404
        assert owner_data(world) == before


@pytest.mark.parametrize("role", ["viewer", "commenter"])
def test_a_grantee_cannot_copy_the_owners_profile_into_a_scenario(client, world, role):
    before = owner_data(world)
    client.force_login(world.user(role))
    client.post(reverse("applicants:scenario_create"), plausible_post(world))
    assert owner_data(world) == before
    assert not Profile.objects.filter(user=world.user(role)).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["applicants:export_xlsx", "applicants:export_csv"])
def test_the_owners_exports_open_for_the_owner_and_grantees_only(client, world, name, role):
    client.force_login(world.user(role))
    response = client.get(reverse(name), {"profile": world.profile.pk})
    if ACCESS["applicants:list_of"].admits(role, "GET"):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("state", ["live", "expired", "revoked"])
def test_a_share_link_opens_for_anyone_while_live_and_for_nobody_after(client, world, role, state):
    if state == "expired":
        ShareLink.objects.filter(pk=world.link.pk).update(
            created_at=timezone.now() - timedelta(days=8),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    elif state == "revoked":
        ShareLink.objects.filter(pk=world.link.pk).update(revoked_at=timezone.now())
    if role != "anonymous":
        client.force_login(world.user(role))
    response = client.get(_url("applicants:shared", world))
    assert response.status_code == (200 if state == "live" else 404)
    assert client.post(_url("applicants:shared", world)).status_code == 405


@pytest.mark.parametrize("name", [n for n, r in ACCESS.items() if r.kind == INVITEE])
@pytest.mark.parametrize("role", [*ROLES, "invitee"])
def test_only_the_invitee_answers_an_invitation(client, world, name, role):
    client.force_login(world.ivy if role == "invitee" else world.user(role))
    response = client.post(_url(name, world))
    assert response.status_code == (302 if role == "invitee" else 404)
    world.invitation.refresh_from_db()
    assert (world.invitation.revoked_at is None) == (role != "invitee" or "decline" not in name)
