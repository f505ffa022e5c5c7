import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applicants.catalogue import as_of_year, score_profile
from programs.models import ImportBatch, Program
from tests.factories import make_catalogue_csv, make_profile, make_program

pytestmark = pytest.mark.django_db

HEADER = ["program_id", "name", "state", "img_pct", "J1 Visa"]


def names(response) -> list[str]:
    return [program.name for program in response.context["page"].object_list]


# Catalogue -------------------------------------------------------------------------------------


def test_the_catalogue_lists_active_programs_only(client, alice):
    make_program(name="Open Neurology")
    make_program(name="Closed Neurology", active=False)
    client.force_login(alice)

    response = client.get(reverse("programs:index"))

    assert response.status_code == 200
    assert names(response) == ["Open Neurology"]
    assert "Closed Neurology" not in response.content.decode()


def test_search_matches_name_institution_and_city(client, alice):
    make_program(name="Lakeside Neurology", institution="Harbor Health", city="Duluth")
    make_program(name="Valley Neurology", institution="Valley Hospital", city="Fresno")
    client.force_login(alice)

    for query in ["lakeside", "HARBOR", "duluth"]:
        assert names(client.get(reverse("programs:index"), {"q": query})) == ["Lakeside Neurology"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "TX"}, ["Texas Neurology"]),
        ({"region": "Midwest"}, ["Illinois Neurology"]),
        ({"setting": "community"}, ["Texas Neurology"]),
        ({"tier": "1"}, ["Illinois Neurology"]),
        ({"track": "child"}, ["Texas Neurology"]),
        ({"j1": "yes"}, ["Illinois Neurology"]),
        ({"j1": "not_no"}, ["Illinois Neurology", "Unknown Neurology"]),
        ({"j1": "no"}, ["Texas Neurology"]),
        ({"h1b": "unknown"}, ["Illinois Neurology", "Unknown Neurology"]),
        ({"img_min": "50"}, ["Texas Neurology"]),
        ({"step2_max": "225"}, ["Texas Neurology", "Unknown Neurology"]),
        ({"grad_year": str(as_of_year() - 4)}, ["Illinois Neurology", "Unknown Neurology"]),
        ({"sort": "img"}, ["Texas Neurology", "Illinois Neurology", "Unknown Neurology"]),
    ],
)
def test_each_filter_narrows_the_catalogue(client, alice, params, expected):
    make_program(
        name="Illinois Neurology", state="IL", tier=1, visa_j1=True, img_pct=20.0, step2_min=230
    )
    make_program(
        name="Texas Neurology",
        state="TX",
        setting="community",
        track="child",
        visa_j1=False,
        visa_h1b=True,
        img_pct=60.0,
        step2_min=220,
        yog_policy="limit",
        yog_window=3,
    )
    make_program(
        name="Unknown Neurology", state="CA", tier=3, visa_j1=None, img_pct=None, step2_min=None
    )
    client.force_login(alice)

    response = client.get(reverse("programs:index"), params)

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"img_min": "lots"},
        {"img_min": "101"},
        {"grad_year": "1800"},
        {"state": "ZZ"},
        {"sort": "'; drop table"},
        {"tier": "9"},
        {"page": "nope"},
        {"state": "TX", "region": "West"},
    ],
)
def test_bad_filter_values_give_a_message_not_an_error(client, alice, params):
    make_program(name="Only Neurology")
    client.force_login(alice)

    response = client.get(reverse("programs:index"), params)

    assert response.status_code == 200
    if "page" not in params:
        assert "Some filters were not applied" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"img_min": "lots"}, "Enter a whole number from 0 to 100."),
        ({"img_min": "101"}, "Enter a whole number from 0 to 100."),
        ({"step2_max": "0"}, "Enter a whole number from 1 to 300."),
        ({"grad_year": "1800"}, "Enter a whole number from 1950 to "),
    ],
)
def test_a_bad_number_filter_says_what_to_enter(client, alice, params, message):
    client.force_login(alice)
    page = client.get(reverse("programs:index"), params).content.decode()
    assert message in page


def test_the_catalogue_paginates_and_keeps_the_filters_in_page_links(client, alice):
    for number in range(30):
        make_program(name=f"Program {number:02d}", state="TX")
    client.force_login(alice)

    response = client.get(reverse("programs:index"), {"state": "TX", "page": "2"})

    assert len(names(response)) == 5
    assert "?state=TX&amp;page=1" in response.content.decode()


def test_an_htmx_request_gets_only_the_results_fragment(client, alice):
    make_program(name="Fragment Neurology")
    client.force_login(alice)

    response = client.get(reverse("programs:index"), {"q": "fragment"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "Fragment Neurology" in body and "<html" not in body


def test_the_filter_form_swaps_the_results_and_pushes_the_url(client, alice):
    client.force_login(alice)

    body = client.get(reverse("programs:index")).content.decode()

    form = re.search(r"<form class=\"card filters-card\"[^>]*>", body, re.S).group(0)
    assert 'hx-get="/programs/"' in form and 'action="/programs/"' in form
    assert 'hx-push-url="true"' in form and 'hx-target="#results"' in form


def test_the_detail_page_shows_the_program_and_what_to_verify(client, alice):
    program = make_program(name="Detail Neurology", visa_h1b=None, step2_min=228)
    client.force_login(alice)

    response = client.get(reverse("programs:detail", args=[program.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Detail Neurology</h1>" in body and "228" in body
    assert "H-1B sponsorship unknown" in body


@pytest.mark.parametrize(("accepts", "says"), [(True, "accepted"), (False, "not accepted")])
def test_the_failed_attempt_policy_says_whether_such_applicants_are_accepted(
    client, alice, accepts, says
):
    program = make_program(multiple_attempts_ok=accepts)
    client.force_login(alice)

    body = client.get(reverse("programs:detail", args=[program.pk])).content.decode()

    assert f"<dt>Applicants with a failed USMLE attempt</dt><dd>{says}</dd>" in body
    assert "considered" not in body


def test_an_archived_program_keeps_its_detail_page_with_a_badge(client, alice):
    program = make_program(active=False)
    client.force_login(alice)

    response = client.get(reverse("programs:detail", args=[program.pk]))

    assert response.status_code == 200 and "Archived" in response.content.decode()


def test_a_missing_program_is_a_404(client, alice):
    client.force_login(alice)

    assert client.get(reverse("programs:detail", args=[999999])).status_code == 404


def test_anyone_signed_in_can_download_the_catalogue_in_canonical_columns(client, alice):
    make_program(name="Export Neurology", img_pct=12.5)
    make_program(name="Archived Neurology", active=False)
    client.force_login(alice)

    response = client.get(reverse("programs:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["program_id", "nrmp_codes", "name"]
    assert [row[2] for row in rows[1:]] == ["Export Neurology"]


def test_the_template_csv_is_the_canonical_header(client, alice):
    client.force_login(alice)

    response = client.get(reverse("programs:import_template"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and len(rows[0]) == 25 and rows[0][-1] == "img_observerships"


def test_catalogue_pages_need_sign_in(client):
    for url in [reverse("programs:index"), reverse("programs:export")]:
        assert client.get(url).status_code == 302


# Import page -----------------------------------------------------------------------------------


def upload(client, rows: list[list[str]], name: str = "catalogue.csv", **options: str):
    content = make_catalogue_csv(rows)
    return client.post(
        reverse("programs:import"),
        {"file": SimpleUploadedFile(name, content, "text/csv"), **options},
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_import_page_is_staff_only(client, alice, method):
    client.force_login(alice)

    response = getattr(client, method)(reverse("programs:import"))

    assert response.status_code == 403


def test_confirming_is_staff_only_and_post_only(client, alice, staff):
    client.force_login(alice)
    assert client.post(reverse("programs:import_confirm", args=[1])).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("programs:import_confirm", args=[1])).status_code == 405


def test_the_import_page_shows_the_upload_form_and_downloads(client, staff):
    client.force_login(staff)

    response = client.get(reverse("programs:import"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body and 'hx-encoding="multipart/form-data"' in body
    assert "Download template CSV" in body and "Download catalogue" in body
    assert 'id="upload-progress"' in body


def test_upload_previews_creates_updates_and_ignored_columns_and_writes_nothing(client, staff):
    make_program(program_id="1803500001", name="Known Neurology", img_pct=20.0, visa_j1=None)
    client.force_login(staff)

    response = upload(
        client,
        [
            [*HEADER, "Coordinator"],
            ["1803500001", "Known Neurology", "IL", "45", "yes", "Jane"],
            ["1803500002", "Fresh Neurology", "TX", "10", "no", "Joe"],
        ],
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Preview of catalogue.csv" in body
    assert "Fresh Neurology" in body and "Known Neurology" in body
    assert "<del>20</del> → <ins>45</ins>" in body
    assert "<del>blank</del> → <ins>yes</ins>" in body
    assert "<code>Coordinator</code>" in body
    assert "Import 2 changes" in body
    assert Program.objects.count() == 1
    assert Program.objects.get().img_pct == 20.0


def test_confirming_the_preview_applies_it_and_shows_the_result(client, staff):
    client.force_login(staff)
    response = upload(client, [HEADER, ["1803500002", "Fresh Neurology", "TX", "10", "no"]])
    batch = ImportBatch.objects.get(dry_run=True)

    response = client.post(
        reverse("programs:import_confirm", args=[batch.pk]), {"sha256": batch.sha256}
    )

    assert response.status_code == 200
    assert "Import complete" in response.content.decode()
    assert Program.objects.get().name == "Fresh Neurology"
    assert ImportBatch.objects.filter(dry_run=False).count() == 1


def test_a_tampered_or_replayed_confirmation_imports_nothing(client, staff):
    client.force_login(staff)
    upload(client, [HEADER, ["1803500002", "Fresh Neurology", "TX", "10", "no"]])
    batch = ImportBatch.objects.get(dry_run=True)
    url = reverse("programs:import_confirm", args=[batch.pk])

    tampered = client.post(url, {"sha256": "a" * 64})
    incomplete = client.post(url, {})

    assert "does not match its preview" in tampered.content.decode()
    assert "incomplete" in incomplete.content.decode()
    assert not Program.objects.exists()
    client.post(url, {"sha256": batch.sha256})
    replay = client.post(url, {"sha256": batch.sha256})
    assert "imported already" in replay.content.decode()
    assert Program.objects.count() == 1


def test_another_staff_member_cannot_confirm_my_preview(client, staff):
    from tests.factories import make_catalogue_editor

    client.force_login(staff)
    upload(client, [HEADER, ["1803500002", "Fresh Neurology", "TX", "10", "no"]])
    batch = ImportBatch.objects.get(dry_run=True)
    client.force_login(make_catalogue_editor("otto"))

    response = client.post(
        reverse("programs:import_confirm", args=[batch.pk]), {"sha256": batch.sha256}
    )

    assert "expired" in response.content.decode()
    assert not Program.objects.exists()


def test_a_preview_with_errors_lists_them_and_offers_to_skip_them(client, staff):
    client.force_login(staff)

    response = upload(
        client,
        [HEADER, ["1803500002", "Fresh Neurology", "TX", "10", "no"], ["x", "Bad", "TX", "", ""]],
    )

    body = response.content.decode()
    assert "1 row has errors, so nothing is imported" in body
    assert "10-digit ACGME program ID" in body
    assert "Import 1 change" not in body
    assert "Import the 1 valid change, skip the 1 row with errors" in body
    batch = ImportBatch.objects.get(dry_run=True)
    client.post(
        reverse("programs:import_confirm", args=[batch.pk]),
        {"sha256": batch.sha256, "skip_invalid": "True"},
    )
    assert list(Program.objects.values_list("name", flat=True)) == ["Fresh Neurology"]


def test_the_preview_counts_rows_with_errors_not_their_problems(client, staff):
    client.force_login(staff)
    fine = ["1803500002", "Fresh Neurology", "TX", "10", "no"]

    one_row = upload(client, [HEADER, fine, ["x", "Bad", "Texas?", "250", "maybe"]])
    two_rows = upload(
        client, [HEADER, fine, ["x", "Bad", "TX", "", ""], ["y", "Worse", "TX", "", ""]]
    )

    body = one_row.content.decode()
    problems = len(re.findall(r"<tr><td class=\"num\" data-label=\"Line\">3</td>", body))
    assert problems > 1
    assert f"Rows with errors (1): {problems} problems</h3>" in body
    assert "Rows with errors (2)</h3>" in two_rows.content.decode()


def test_an_unreadable_upload_is_refused_on_the_form(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("programs:import"),
        {"file": SimpleUploadedFile("catalogue.pdf", b"%PDF-1.4", "application/pdf")},
    )

    assert response.status_code == 200
    assert "not a CSV or Excel file" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_upload_without_a_file_asks_for_one(client, staff):
    client.force_login(staff)

    response = client.post(reverse("programs:import"), {})

    assert "This field is required" in response.content.decode()


def test_an_htmx_upload_gets_only_the_step_fragment(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("programs:import"),
        {
            "file": SimpleUploadedFile(
                "c.csv", make_catalogue_csv([HEADER, ["", "A", "TX", "", ""]])
            )
        },
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="import-step"') and "<html" not in body


def test_an_upload_over_the_memory_limit_says_it_is_too_big(client, staff):
    client.force_login(staff)
    content = b"name,state\n" + b"x" * (7 * 1024 * 1024)

    response = client.post(
        reverse("programs:import"), {"file": SimpleUploadedFile("big.csv", content)}
    )

    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_admin_lists_programs_and_import_history_with_row_errors(client, admin_user):
    from programs.importer import import_catalogue

    make_program(name="Admin Neurology")
    import_catalogue(
        content=make_catalogue_csv([HEADER, ["1803500009", "X", "Narnia", "", ""]]),
        file_name="bad.csv",
        dry_run=True,
    )
    client.force_login(admin_user)

    programs = client.get(reverse("admin:programs_program_changelist"))
    batch = ImportBatch.objects.get()
    history = client.get(reverse("admin:programs_importbatch_change", args=[batch.pk]))

    assert programs.status_code == 200 and "Admin Neurology" in programs.content.decode()
    assert history.status_code == 200
    assert "Line 2, column “state”: “Narnia”" in history.content.decode()


def test_the_admin_archive_action_archives_without_deleting(client, admin_user):
    program = make_program()
    client.force_login(admin_user)

    client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "archive", "_selected_action": [program.pk]},
    )

    program.refresh_from_db()
    assert program.active is False


def test_a_malformed_content_length_is_read_as_empty_not_a_server_error(client, staff):
    client.force_login(staff)
    client.raise_request_exception = False
    response = client.post("/programs/import/", {}, CONTENT_LENGTH="abc")
    assert response.status_code == 200


def test_the_catalogue_varies_with_htmx_and_restores_history_as_a_whole_page(client, alice):
    client.force_login(alice)
    fragment = client.get("/programs/?tier=2", HTTP_HX_REQUEST="true")
    assert "HX-Request" in fragment["Vary"]
    assert b"<html" not in fragment.content
    restored = client.get(
        "/programs/?tier=2", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in restored.content


# Who may change the catalogue --------------------------------------------------------------


def test_a_migration_creates_the_catalogue_editors_group_with_the_program_permissions():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Catalogue editors")

    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_program", "change_program", "view_program", "view_importbatch"} <= codenames
    assert "delete_program" not in codenames


def _people():
    from django.contrib.auth.models import Permission

    from tests.factories import make_catalogue_editor, make_user

    adder = make_user("adam", is_staff=True)
    adder.user_permissions.add(Permission.objects.get(codename="add_program"))
    not_staff = make_user("nora")
    not_staff.groups.add(make_catalogue_editor("ed").groups.get())
    return {
        "staff only": (make_user("sam", is_staff=True), False),
        "staff with add but not change": (adder, False),
        "editor without the staff flag": (not_staff, False),
        "catalogue editor": (make_user("carl", is_staff=True), True),
    }


def test_the_import_page_and_the_admin_agree_on_who_may_change_the_catalogue(client, rf):
    from django.contrib.admin import site

    people = _people()
    carl = people["catalogue editor"][0]
    carl.groups.add(people["editor without the staff flag"][0].groups.get())
    program_admin = site._registry[Program]

    for label, (user, allowed) in people.items():
        request = rf.get("/")
        request.user = user
        admin_allows = (
            site.has_permission(request)
            and program_admin.has_add_permission(request)
            and program_admin.has_change_permission(request)
        )
        client.force_login(user)
        page = client.get(reverse("programs:import"))
        listing = client.get(reverse("programs:index"))
        assert admin_allows is allowed, label
        assert (page.status_code == 200) is allowed, label
        has_link = f'href="{reverse("programs:import")}"' in listing.content.decode()
        assert has_link is allowed, label


def test_confirming_a_preview_a_newer_upload_replaced_says_so_truthfully(client, staff):
    client.force_login(staff)
    upload(client, [HEADER, ["1803500002", "Tab A Neurology", "TX", "10", "no"]], name="a.csv")
    tab_a = ImportBatch.objects.get(file_name="a.csv")
    upload(client, [HEADER, ["1803500003", "Tab B Neurology", "TX", "10", "no"]], name="b.csv")
    tab_b = ImportBatch.objects.get(file_name="b.csv")
    client.post(reverse("programs:import_confirm", args=[tab_b.pk]), {"sha256": tab_b.sha256})

    response = client.post(
        reverse("programs:import_confirm", args=[tab_a.pk]), {"sha256": tab_a.sha256}
    )

    content = response.content.decode()
    assert "A newer upload (b.csv, " in content
    assert "replaced this preview, so nothing was imported from a.csv" in content
    assert "imported already or has expired" not in content
    assert list(Program.objects.values_list("name", flat=True)) == ["Tab B Neurology"]


def test_in_february_years_since_graduation_still_count_to_the_application_year(
    client, alice, monkeypatch
):
    # Season 2027's applications went out in 2026: a 2021 graduate is 5 years out for them,
    # in the list's estimates, in this filter and in the fit (season − 1) alike.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 2, 15, 12, tzinfo=UTC))
    make_program(name="Five Year Neurology", yog_policy="limit", yog_window=5)
    client.force_login(alice)

    response = client.get(reverse("programs:index"), {"grad_year": "2021"})

    assert as_of_year() == 2026
    assert names(response) == ["Five Year Neurology"]
    scored = score_profile(make_profile(alice, graduation_year=2021))
    assert bool(scored["eligible"].iloc[0])


@pytest.mark.parametrize(
    ("unchanged", "sentence"),
    [
        (1, "1 program already matches the file and stays as it is."),
        (2, "2 programs already match the file and stay as they are."),
    ],
)
def test_the_preview_counts_unchanged_programs_in_good_english(client, staff, unchanged, sentence):
    rows = [HEADER]
    for number in range(unchanged):
        program_id = f"180350000{number}"
        make_program(program_id=program_id, name=f"Same {number}", state="IL", img_pct=45.0,
                     visa_j1=True)  # fmt: skip
        rows.append([program_id, f"Same {number}", "IL", "45", "yes"])
    rows.append(["1803500009", "Fresh Neurology", "TX", "10", "no"])
    client.force_login(staff)

    assert sentence in upload(client, rows).content.decode()
