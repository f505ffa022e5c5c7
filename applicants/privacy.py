"""What neuromatch keeps about a person: handed over on request, deleted on request, and
sign-in records deleted when they are old.

`user_data` gathers everything stored for an account as plain JSON-ready data; `export_user_data`
packs it, with each built list as the usual spreadsheet, into one zip. `delete_account` removes
the account and everything personal tied to it, including the sign-in and lock-out records
kept under its name. `purge_login_records` deletes those records for everyone once they are
older than the retention period.
"""

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from applicants import calendar, export
from applicants.export_data import export_shortlist
from applicants.locks import lock_applicant
from applicants.models import Profile, Shortlist, ShortlistEntry
from applicants.outlook import ANALYSIS_SLOTS
from applicants.tracker import applicant_zone
from neuromatch.caching import PAGE_SLOTS, forget_user
from programs.models import Program

# django-axes' records, by the name the export gives them: every sign-in, the failure counts
# lock-outs are decided on, and failed sign-ins.
LOGIN_RECORDS: dict[str, type[models.Model]] = {
    "sign_ins": AccessLog,
    "failed_sign_in_counts": AccessAttempt,
    "failed_sign_ins": AccessFailureLog,
}
ZIP_MEDIA_TYPE = "application/zip"
# Exported in their own sections (entries within their lists), or not data about the person.
_EXPORTED_APART: set[type[models.Model]] = {Profile, ShortlistEntry, EmailAddress}
SECRET_WORDS = ("token", "password", "secret", "session")

EXPORT_README = """\
Your data from neuromatch, exported {exported_at}.

data.json   your account, every profile and scenario, every list with each program's
            entry (rank, band, estimate, reasons, pin, notes, tracker dates and every
            other field we keep), anything else kept for your account (such as program
            corrections you suggested), and the sign-in records we hold for it.
lists/      each built list as the spreadsheet the "Download spreadsheet" button gives.
"""


def _fields(obj: models.Model, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every stored field of `obj` by name, so fields added to a model are exported too.

    A link to a catalogue program becomes the program's identity; other links their key.
    """
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        if field.is_relation and field.related_model is Program:
            program = getattr(obj, field.name)  # None where the link is optional
            data[field.name] = program and {
                "program_id": program.program_id,
                "name": program.name,
                "institution": program.institution,
                "city": program.city,
                "state": program.state,
            }
        else:
            data[field.name] = field.value_from_object(obj)  # a link gives the linked key
    return data


def _is_secret(field: models.Field) -> bool:
    return field.name == "key" or any(word in field.name for word in SECRET_WORDS)


def _other_records(user: AbstractBaseUser) -> dict[str, list[dict[str, Any]]]:
    """Rows of every other model that belongs to `user` (deleted with the account), by
    `app_label.model.link` (a model can point at the account twice: a grant's owner and its
    grantee), so data that features add later is handed over too. Fields that are keys to
    something (a calendar feed's token, a share link's token digest) are left out."""
    records: dict[str, list[dict[str, Any]]] = {}
    for relation in get_user_model()._meta.related_objects:
        model = relation.related_model
        if model in _EXPORTED_APART or relation.on_delete is not models.CASCADE:
            continue
        link = relation.field.name
        secrets = tuple(field.name for field in model._meta.concrete_fields if _is_secret(field))
        rows = model._default_manager.filter(**{link: user}).order_by("pk")
        exported = [_fields(row, skip=(link, *secrets)) for row in rows]
        if exported:
            records[f"{model._meta.label_lower}.{link}"] = exported
    return records


def _login_records(names: set[str]) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: [
            _fields(record, skip=("id", "session_hash"))  # the hash identifies a live session
            for record in model.objects.filter(username__in=names).order_by("attempt_time")
        ]
        for kind, model in LOGIN_RECORDS.items()
    }


def _account_names(user: AbstractBaseUser) -> set[str]:
    """The names sign-in records of `user` are kept under: the username, any e-mail address."""
    emails = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    return {user.get_username(), *(email.lower() for email in emails), user.email.lower()} - {""}


def user_data(*, user: AbstractBaseUser, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored for `user`, as JSON-ready data (dates as `datetime`s)."""
    entries_by_list: dict[int, list[dict[str, Any]]] = {}
    entries = (
        ShortlistEntry.objects.filter(shortlist__profile__user=user)
        .select_related("program")
        .order_by("shortlist_id", "rank", "pk")
    )
    for entry in entries:
        entries_by_list.setdefault(entry.shortlist_id, []).append(
            _fields(entry, skip=("shortlist",))
        )
    lists = {
        shortlist.profile_id: {
            **_fields(shortlist, skip=("profile",)),
            "entries": entries_by_list.get(shortlist.pk, []),
        }
        for shortlist in Shortlist.objects.filter(profile__user=user)
    }
    profiles = [
        {**_fields(profile, skip=("user",)), "list": lists.get(profile.pk)}
        # Base profiles first on every database (PostgreSQL sorts NULL last, SQLite first).
        for profile in Profile.objects.filter(user=user).order_by(
            models.F("based_on_id").asc(nulls_first=True), "pk"
        )
    ]
    return {
        "exported_at": now or timezone.now(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
        },
        "profiles": profiles,
        "other_records": _other_records(user),
        "login_records": _login_records(_account_names(user)),
    }


def _list_spreadsheets(user: AbstractBaseUser, day: date) -> list[tuple[str, bytes]]:
    """Each built list as the workbook its own download button gives."""
    files = []
    zone = applicant_zone(user)
    events = calendar.calendar_rows(calendar.season_calendar(user, zone=zone))
    shortlists = Shortlist.objects.filter(profile__user=user, built_at__isnull=False)
    for shortlist in shortlists.select_related("profile").order_by("profile_id"):
        rows, summary, about = export_shortlist(shortlist, zone=zone)
        if rows.empty:
            continue
        name = export.export_filename(shortlist.profile.name, day, "xlsx")
        content = export.write_xlsx(rows, summary=summary, about=about, zone=zone, calendar=events)
        files.append((f"lists/{shortlist.profile_id}-{name}", content))
    return files


def export_user_data(*, user: AbstractBaseUser, now: datetime | None = None) -> bytes:
    """A zip of `data.json` (`user_data`), the built lists as spreadsheets and a README."""
    now = now or timezone.now()
    data = json.dumps(user_data(user=user, now=now), cls=DjangoJSONEncoder, indent=2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        readme = EXPORT_README.format(exported_at=f"{now:%Y-%m-%d %H:%M} UTC")
        archive.writestr("README.txt", readme)
        archive.writestr("data.json", data)
        for name, content in _list_spreadsheets(user, timezone.localdate(now)):
            archive.writestr(name, content)
    return buffer.getvalue()


def export_filename(day: date) -> str:
    return f"neuromatch-data-{day:%Y-%m-%d}.zip"


def delete_account(*, user: AbstractBaseUser) -> None:
    """Delete `user` with their profiles, scenarios, lists, e-mail addresses, sign-in and
    lock-out records and cached pages. Import batches they ran stay in the catalogue's
    history, unattributed."""
    pk = user.pk
    with transaction.atomic():
        lock_applicant(pk)  # a save in another tab finishes first, or finds the account gone
        names = _account_names(user)
        for model in LOGIN_RECORDS.values():
            model.objects.filter(username__in=names).delete()
        user.delete()
    forget_user(pk, {"page": PAGE_SLOTS, "analysis": ANALYSIS_SLOTS})  # cached copies too


def purge_login_records(*, older_than: timedelta, now: datetime | None = None) -> dict[str, int]:
    """Delete sign-in and lock-out records older than `older_than`, and expired sessions.

    Returns the number of records deleted per kind.
    """
    if older_than < timedelta(days=1):
        raise ValueError("Keep sign-in records for at least a day: a lock-out lasts 15 minutes.")
    now = now or timezone.now()
    cutoff = now - older_than
    counts = {
        kind: model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for kind, model in LOGIN_RECORDS.items()
    }
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return counts
