"""Issue 16: every change to a program is recorded, from all three sources, and shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.corrections import accept_correction, suggest_correction
from programs.importer import import_catalogue
from programs.models import ChangeSource, Program, ProgramChange
from tests.factories import make_catalogue_csv, make_catalogue_editor, make_program, make_user

pytestmark = pytest.mark.django_db

HEADER = ["program_id", "name", "state", "visa_h1b", "img_pct"]


def entries(program: Program) -> list[tuple[str, object, object, str]]:
    return [
        (change.field, change.old_value, change.new_value, change.source)
        for change in ProgramChange.objects.filter(program=program).order_by("pk")
    ]


def test_an_import_records_each_changed_field_with_its_batch_and_nothing_for_unchanged():
    program = make_program(program_id="1803500001", name="Lake Neurology", img_pct=20.0)
    content = make_catalogue_csv([HEADER, ["1803500001", "Lake Neurology", "IL", "yes", "20"]])

    result = import_catalogue(content=content, file_name="freida-2026.csv")
    import_catalogue(content=content, file_name="again.csv")

    assert entries(program) == [("visa_h1b", None, True, ChangeSource.IMPORT)]
    change = ProgramChange.objects.get()
    assert change.batch == result.batch


def test_a_program_added_by_an_import_points_at_its_batch():
    content = make_catalogue_csv([HEADER, ["1803500002", "New Neurology", "TX", "", "30"]])

    result = import_catalogue(content=content, file_name="new.csv")

    assert Program.objects.get().created_batch == result.batch


def test_a_full_catalogue_import_records_each_archived_program():
    kept = make_program(program_id="1803500001", name="Kept Neurology")
    gone = make_program(program_id="1803500003", name="Gone Neurology")
    content = make_catalogue_csv([HEADER, ["1803500001", "Kept Neurology", "IL", "", "40"]])

    import_catalogue(content=content, file_name="all.csv", full_catalogue=True)

    assert entries(gone) == [("active", True, False, ChangeSource.IMPORT)]
    assert entries(kept) == []


def test_an_admin_edit_records_the_fields_it_changed_and_who(client):
    editor = make_catalogue_editor("stella")
    program = make_program(name="Admin Neurology", visa_h1b=None, last_verified=dt.date(2025, 1, 2))
    client.force_login(editor)
    url = reverse("admin:programs_program_change", args=[program.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(visa_h1b="true", step2_min="230", last_verified="2026-03-14")
    data = {key: ("" if value is None else value) for key, value in data.items()}

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(entries(program)) == sorted(
        [
            ("visa_h1b", None, True, ChangeSource.ADMIN),
            ("step2_min", None, 230, ChangeSource.ADMIN),
            ("last_verified", "2025-01-02", "2026-03-14", ChangeSource.ADMIN),
        ]
    )
    assert set(ProgramChange.objects.values_list("user__username", flat=True)) == {"stella"}


def test_archiving_in_the_admin_is_recorded(client):
    program = make_program()
    client.force_login(make_catalogue_editor())

    client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "archive", "_selected_action": [program.pk]},
    )

    assert entries(program) == [("active", True, False, ChangeSource.ADMIN)]


def test_an_accepted_correction_is_recorded_with_the_correction():
    program = make_program(visa_h1b=None)
    correction = suggest_correction(
        program=program, user=make_user("alice"), field="visa_h1b", value="Yes",
        evidence="https://example.org/neurology/visas",
    )  # fmt: skip

    accept_correction(correction_id=correction.pk, reviewer=make_catalogue_editor())

    assert entries(program) == [("visa_h1b", None, True, ChangeSource.CORRECTION)]
    assert ProgramChange.objects.get().correction == correction


def test_the_program_page_shows_each_change_with_its_source_and_date(client):
    program = make_program(program_id="1803500001", name="Lake Neurology", visa_h1b=None)
    import_catalogue(
        content=make_catalogue_csv([HEADER, ["1803500001", "Lake Neurology", "IL", "yes", "40"]]),
        file_name="freida-2026.csv",
    )
    client.force_login(make_user("alice"))

    body = client.get(reverse("programs:detail", args=[program.pk])).content.decode()

    today = timezone.localdate()
    assert (
        '<span class="change-field">Sponsors H-1B</span>: <del>unknown</del> → <ins>yes</ins> '
        f'<span class="muted">· {today:%-d %b %Y} · import of freida-2026.csv</span>'
    ) in body
    assert (
        '<th scope="row">Sponsors H-1B</th><td>yes</td><td>import of freida-2026.csv</td>' in body
    )


def test_the_policy_table_says_unknown_for_a_blank_policy_and_no_kind_for_a_missing_cutoff(
    client,
):
    program = make_program(
        img_pct=None, step2_min=None, yog_policy="unknown", yog_window=None, usce_min_months=None
    )
    client.force_login(make_user("alice"))
    body = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert '<th scope="row">IMG share of residents (%)</th><td>unknown</td>' in body
    assert "<td>none published</td>" in body
    assert "<td>blank</td>" not in body
    kinds = (
        "Step 2 CK minimum is",
        "Graduation-year limit is",
        "US clinical experience minimum is",
    )
    for kind in kinds:
        assert f'<th scope="row">{kind}</th>' not in body  # nothing to be required or preferred

    Program.objects.filter(pk=program.pk).update(step2_min=230, step2_min_kind="preferred")
    body = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert '<th scope="row">Step 2 CK minimum is</th><td>Preferred</td>' in body


@pytest.mark.parametrize(
    ("verified", "stale"),
    [(None, True), (400, True), (366, True), (364, False), (0, False)],
)
def test_a_program_not_verified_for_over_a_year_is_flagged_on_its_page(client, verified, stale):
    today = timezone.localdate()
    when = None if verified is None else today - dt.timedelta(days=verified)
    program = make_program(last_verified=when)
    client.force_login(make_user("alice"))

    body = client.get(reverse("programs:detail", args=[program.pk])).content.decode()

    assert ("Nobody has verified this program's data for over a year" in body) is stale
    assert program.is_stale(today) is stale
