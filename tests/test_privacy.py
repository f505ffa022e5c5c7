"""Download my data, delete my account, and sign-in records that expire."""

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from applicants import calendar, sharing, shortlists, tracker
from applicants.models import Profile, Shortlist, ShortlistEntry
from applicants.outlook import ANALYSIS_SLOTS
from applicants.privacy import delete_account, export_user_data, purge_login_records, user_data
from neuromatch.caching import PAGE_SLOTS, cached_for_user
from programs.models import Correction, Program
from tests.factories import PASSWORD, make_profile, make_program

pytestmark = pytest.mark.django_db

MID_SEASON = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # season 2027
APPLIED_ON = date(2026, 10, 1)


def build_lists(user) -> tuple[Profile, Profile]:
    """`user`'s profile and one scenario, each with a built list; a note on one entry."""
    for number in range(8):
        make_program(name=f"{user.username.title()} Lakeside Neurology {number}", tier=4)
    base = make_profile(user)
    scenario = make_profile(user, name="After Step 3", based_on=base, active=False, step3_score=240)
    for profile in (base, scenario):
        shortlists.build_shortlist(profile=profile)
    entry = ShortlistEntry.objects.filter(shortlist__profile=base, rank=1).get()
    entry.notes, entry.pinned = "Emailed the coordinator", True
    entry.save()
    tracker.record_facts(entry=entry, changes={"applied_on": APPLIED_ON}, now=MID_SEASON)
    return base, scenario


def login_record(model, username: str, *, days_ago: float = 0, **fields):
    record = model.objects.create(
        username=username,
        ip_address="203.0.113.9",
        user_agent="Firefox",
        http_accept="text/html",
        path_info="/accounts/login/",
        **fields,
    )
    model.objects.filter(pk=record.pk).update(
        attempt_time=timezone.now() - timedelta(days=days_ago)
    )
    return record


def attempt(username: str, **kwargs):
    fields = {"get_data": "", "post_data": "login=x", "failures_since_start": 2}
    return login_record(AccessAttempt, username, **fields, **kwargs)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- download my data --------------------------------------------------------------------


def test_the_data_has_every_profile_scenario_and_list_entry_with_every_field(alice):
    base, scenario = build_lists(alice)
    data = json.loads(json.dumps(user_data(user=alice), default=str))
    assert data["account"]["username"] == "alice"
    assert data["account"]["email_addresses"] == [
        {"email": "alice@example.org", "verified": True, "primary": True}
    ]
    assert [p["name"] for p in data["profiles"]] == ["My profile", "After Step 3"]
    assert data["profiles"][1]["step3_score"] == 240
    assert data["profiles"][1]["based_on"] == base.pk
    for exported, profile in zip(data["profiles"], (base, scenario), strict=True):
        entries = exported["list"]["entries"]
        assert len(entries) == ShortlistEntry.objects.filter(shortlist__profile=profile).count()
        fields = {field.name for field in ShortlistEntry._meta.concrete_fields} - {"shortlist"}
        assert all(set(entry) == fields for entry in entries)
    first = data["profiles"][0]["list"]["entries"][0]
    assert (first["notes"], first["pinned"]) == ("Emailed the coordinator", True)
    assert (first["applied_on"], first["season"]) == (f"{APPLIED_ON}", 2027)  # tracker facts
    assert first["applicant"] == alice.pk
    program = Program.objects.get(program_id=first["program"]["program_id"])
    assert first["program"]["name"] == program.name


def test_what_other_features_keep_for_the_account_is_exported_without_its_secrets(alice, bob):
    program = make_program()
    Correction.objects.create(
        program=program, user=alice, field="visa_j1", value="yes", evidence="Their website"
    )
    Correction.objects.create(program=program, user=bob, field="img_pct", value="50", evidence="-")
    feed_token = calendar.feed_token(alice)
    base, _ = build_lists(alice)
    link, link_token = sharing.create_share_link(owner=alice, profile=base, days=7, label="Dr Lee")
    sharing.grant_access(owner=alice, who="bob", level="comment")
    data = json.loads(json.dumps(user_data(user=alice), default=str))
    others = data["other_records"]
    corrections = others["programs.correction.user"]
    assert [(c["field"], c["value"], c["evidence"]) for c in corrections] == [
        ("visa_j1", "yes", "Their website")
    ]
    assert len(others["applicants.calendarfeed.user"]) == 1
    assert [row["label"] for row in others["applicants.sharelink.owner"]] == ["Dr Lee"]
    assert [row["grantee"] for row in others["applicants.grant.owner"]] == [bob.pk]
    exported = json.dumps(data)
    assert feed_token not in exported
    assert link_token not in exported and link.token_digest not in exported


def test_the_zip_holds_the_json_and_each_built_list_as_a_spreadsheet(alice):
    base, scenario = build_lists(alice)
    files = unzip(export_user_data(user=alice))
    spreadsheets = sorted(name for name in files if name.startswith("lists/"))
    assert len(spreadsheets) == 2
    assert {"README.txt", "data.json"} <= set(files)
    book = openpyxl.load_workbook(io.BytesIO(files[spreadsheets[0]]))
    names = [row[1] for row in book["Shortlist"].iter_rows(min_row=2, values_only=True)]
    listed = ShortlistEntry.objects.filter(shortlist__profile=base, excluded=False)
    assert sorted(names) == sorted(listed.values_list("program__name", flat=True))


def test_the_data_holds_the_account_s_sign_in_records_and_no_one_else_s(alice, bob):
    build_lists(bob)
    login_record(AccessLog, "alice")
    attempt("alice@example.org")
    login_record(AccessLog, "bob")
    data = json.loads(json.dumps(user_data(user=alice), default=str))
    assert [r["username"] for r in data["login_records"]["sign_ins"]] == ["alice"]
    assert {"ip_address", "user_agent", "attempt_time"} <= set(data["login_records"]["sign_ins"][0])
    assert "session_hash" not in data["login_records"]["sign_ins"][0]  # a key to a session
    assert [r["username"] for r in data["login_records"]["failed_sign_in_counts"]] == [
        "alice@example.org"
    ]
    assert data["profiles"] == []
    assert "Bob Lakeside" not in json.dumps(data, default=str)


def test_the_owner_downloads_a_zip(client, alice):
    build_lists(alice)
    client.force_login(alice)
    response = client.get(reverse("privacy_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="neuromatch-data-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(unzip(response.content)["data.json"])
    assert data["account"]["username"] == "alice"


def test_the_account_page_offers_download_and_delete(client, alice):
    client.force_login(alice)
    content = client.get(reverse("privacy")).content.decode()
    assert reverse("privacy_download") in content
    assert reverse("account_delete") in content
    assert "Deleted after 30 days" in content


def test_the_account_page_says_what_sharing_keeps_and_how_long_sessions_last(client, alice):
    client.force_login(alice)
    content = client.get(reverse("privacy")).content.decode()
    assert "your share links and when each was opened" in content
    assert "signed in for 14 days" in content
    assert reverse("applicants:sharing") in content
    assert "Nothing is sold or shared" not in content  # sharing is what the Sharing page does


def test_the_account_page_says_whether_the_applicant_s_outcomes_are_used(client, alice):
    client.force_login(alice)
    profile = make_profile(alice)
    # Only the base profile's choice counts: a scenario's copy of the field decides nothing.
    make_profile(alice, name="What if", based_on=profile, active=False, share_outcomes=True)
    assert "Your outcomes, for the estimates</strong> — not used" in (
        client.get(reverse("privacy")).content.decode()
    )
    Profile.objects.filter(pk=profile.pk).update(share_outcomes=True)
    content = client.get(reverse("privacy")).content.decode()
    assert "you chose to let the invitations, interviews and match you record here be used" in (
        content
    )


# --- delete my account -------------------------------------------------------------------


def test_deleting_removes_everything_personal_and_nothing_of_others(alice, bob):
    build_lists(alice)
    build_lists(bob)
    for username in ("alice", "alice@example.org", "bob"):
        login_record(AccessLog, username)
        attempt(username)
        login_record(AccessFailureLog, username)
    programs = Program.objects.count()

    delete_account(user=alice)

    assert not User.objects.filter(username="alice").exists()
    assert not Profile.objects.filter(user__username="alice").exists()
    assert (
        Shortlist.objects.count() == 2
        and ShortlistEntry.objects.exclude(shortlist__profile__user__username="bob").count() == 0
    )
    assert not EmailAddress.objects.filter(email="alice@example.org").exists()
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["bob"]
    assert Program.objects.count() == programs


def test_deleting_drops_the_account_s_cached_pages_and_analyses(alice, bob, working_cache):
    kinds = {"page": PAGE_SLOTS, "analysis": ANALYSIS_SLOTS}
    for user in (alice, bob):
        for kind, slots in kinds.items():
            for slot in range(slots):
                cached_for_user(kind, user.pk, f"{slot:08x}", lambda: b"<html>", slots=slots)
    alice_pk = alice.pk
    delete_account(user=alice)
    for kind, slots in kinds.items():
        assert all(working_cache.get(f"{kind}:{alice_pk}:{slot}") is None for slot in range(slots))
        assert all(working_cache.get(f"{kind}:{bob.pk}:{slot}") for slot in range(slots))


def test_the_delete_page_says_comments_on_other_workspaces_go_too(client, alice):
    client.force_login(alice)
    page = client.get(reverse("account_delete")).content.decode()
    assert "the comments you wrote (on your workspace and on anyone else's)" in page


def test_the_delete_page_asks_for_the_password(client, alice):
    client.force_login(alice)
    response = client.get(reverse("account_delete"))
    assert response.status_code == 200
    assert 'type="password"' in response.content.decode()


@pytest.mark.parametrize("password", ["", "wrong-password"])
def test_a_wrong_or_missing_password_deletes_nothing(client, alice, password):
    client.force_login(alice)
    response = client.post(reverse("account_delete"), {"password": password})
    assert response.status_code == 200
    content = response.content.decode()
    assert "That is not your password" in content or "This field is required" in content
    assert User.objects.filter(username="alice").exists()


def test_the_right_password_deletes_the_account_and_signs_out(client, alice):
    build_lists(alice)
    client.force_login(alice)
    response = client.post(reverse("account_delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your account and everything in it are deleted" in response.content.decode()
    assert not User.objects.filter(username="alice").exists()
    assert client.get(reverse("home")).status_code == 302
    assert not AccessLog.objects.filter(username="alice").exists()


def test_wrong_passwords_on_the_delete_page_count_towards_the_lock_out(client, alice, settings):
    client.force_login(alice)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_delete"), {"password": "guess"})
    response = client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(username="alice").exists()
    page = response.content.decode()  # the page speaks to someone signed in, deleting
    assert "<h1>Too many wrong passwords</h1>" in page
    assert "deleting it, changing the password, signing in — is paused for 15 minutes" in page
    assert "You are still signed in and nothing was changed." in page


# --- records expire ----------------------------------------------------------------------


def test_old_sign_in_and_lock_out_records_are_purged_and_recent_ones_kept():
    old = [login_record(AccessLog, "alice", days_ago=31), attempt("bob", days_ago=40)]
    old.append(login_record(AccessFailureLog, "carol", days_ago=30.5))
    recent = [login_record(AccessLog, "alice", days_ago=29), attempt("dave", days_ago=1)]
    counts = purge_login_records(older_than=timedelta(days=30))
    assert counts == {"sign_ins": 1, "failed_sign_in_counts": 1, "failed_sign_ins": 1}
    models = (AccessLog, AccessAttempt, AccessFailureLog)
    remaining = {(type(record), record.pk) for m in models for record in m.objects.all()}
    assert remaining == {(type(record), record.pk) for record in recent}


def test_the_command_uses_the_retention_setting(settings, capsys):
    settings.LOGIN_RECORDS_DAYS = 7
    login_record(AccessLog, "alice", days_ago=8)
    login_record(AccessLog, "alice", days_ago=6)
    call_command("purge_login_records")
    assert AccessLog.objects.count() == 1
    assert "older than 7 days: sign_ins 1, failed_sign_in_counts 0" in capsys.readouterr().out


def test_the_command_refuses_to_delete_a_running_lock_out():
    attempt("alice", days_ago=0)
    with pytest.raises(CommandError, match="at least a day"):
        call_command("purge_login_records", "--days", "0")
    assert AccessAttempt.objects.count() == 1
