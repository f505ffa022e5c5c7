"""Issue 16: cut-off kinds and observerships in the import, the export, the pages and filters."""

import csv
import io

import pytest
from django.urls import reverse

from programs.export import write_catalogue
from programs.importer import CatalogueImportError, import_catalogue
from programs.models import Program
from programs.normalise import CellError, canonical_field, clean_cutoff_kind
from tests.factories import make_catalogue_csv, make_program

NEW_COLUMN_ALIASES = {
    "step2_min_kind": ["Step 2 minimum kind", "Step 2 cutoff type", "STEP2_MIN_KIND"],
    "yog_window_kind": ["YOG cutoff type", "YOG kind", "Graduation window kind"],
    "usce_kind": ["USCE kind", "USCE type", "USCE required or preferred"],
    "img_observerships": ["Observerships", "IMG observerships", "Electives for IMGs"],
}


@pytest.mark.parametrize(
    ("header", "field"),
    [(header, field) for field, headers in NEW_COLUMN_ALIASES.items() for header in headers],
)
def test_the_new_columns_are_read_from_their_usual_names(header, field):
    assert canonical_field(header) == field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[(text, "required") for text in ["required", "Required", "HARD", "minimum", "strict", ""]],
        *[(text, "required") for text in ["  ", "N/A", "Hard cutoff", "must"]],
        *[(text, "preferred") for text in ["preferred", "Preferred", "soft", "Soft cut-off"]],
        *[(text, "preferred") for text in ["recommended", "flexible"]],
    ],
)
def test_cutoff_kinds_in_the_usual_styles_and_blank_is_required(text, expected):
    assert clean_cutoff_kind(text) == expected


def test_an_unreadable_cutoff_kind_says_what_the_cell_should_contain():
    with pytest.raises(CellError, match="should be required or preferred"):
        clean_cutoff_kind("maybe")


@pytest.mark.django_db
def test_a_file_with_the_new_columns_sets_them_and_bad_values_name_line_and_column():
    header = ["name", "state", "Min Step 2 Score", "Step 2 cutoff type", "USCE", "USCE kind",
              "YOG Cutoff (Years)", "YOG cutoff type", "Observerships"]  # fmt: skip
    good = ["Soft Neurology", "TX", "230", "soft", "3", "preferred", "5", "hard", "Yes"]
    bad = ["Odd Neurology", "NY", "230", "sometimes", "3", "", "5", "", "perhaps"]

    with pytest.raises(CatalogueImportError) as refused:
        import_catalogue(content=make_catalogue_csv([header, good, bad]), file_name="new.csv")
    messages = [str(error) for error in refused.value.errors]
    assert messages == [
        "Line 3, column “Step 2 cutoff type”: “sometimes” should be required or preferred "
        "(hard or soft), or blank (required).",
        "Line 3, column “Observerships”: “perhaps” should be yes, no or blank (unknown).",
    ]

    import_catalogue(content=make_catalogue_csv([header, good, bad]), file_name="new.csv",
                     skip_invalid=True)  # fmt: skip
    program = Program.objects.get()
    assert (program.step2_min, program.step2_min_kind) == (230, "preferred")
    assert (program.usce_min_months, program.usce_kind) == (3, "preferred")
    assert (program.yog_window, program.yog_window_kind) == (5, "required")
    assert program.img_observerships is True


@pytest.mark.django_db
def test_the_export_round_trips_the_new_columns_with_no_changes():
    make_program(step2_min=230, step2_min_kind="preferred", img_observerships=True)
    make_program(yog_policy="limit", yog_window=5, yog_window_kind="preferred",
                 img_observerships=False)  # fmt: skip
    make_program(usce_min_months=3, usce_kind="preferred", step2_min_kind="preferred")
    before = list(Program.objects.order_by("pk").values())
    out = io.StringIO()
    write_catalogue(out=out, programs=Program.objects.order_by("pk"))

    rows = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    result = import_catalogue(content=out.getvalue().encode(), file_name="export.csv")

    # A kind is written where its cut-off is given, or where it is not the default.
    assert [row["step2_min_kind"] for row in rows] == ["preferred", "", "preferred"]
    assert [row["yog_window_kind"] for row in rows] == ["", "preferred", ""]
    assert [row["usce_kind"] for row in rows] == ["", "", "preferred"]
    assert [row["img_observerships"] for row in rows] == ["yes", "no", ""]
    assert result.plan.changes == 0
    assert list(Program.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_filters_keep_preferred_cutoffs_and_find_observerships(client, alice):
    make_program(name="Hard Neurology", step2_min=250)
    make_program(name="Soft Neurology", step2_min=250, step2_min_kind="preferred",
                 img_observerships=True)  # fmt: skip
    make_program(name="Open Neurology", step2_min=None, img_observerships=False)
    client.force_login(alice)

    def names(**params: str) -> set[str]:
        body = client.get(reverse("programs:index"), params).content.decode()
        return {name for name in ("Hard", "Soft", "Open") if f"{name} Neurology" in body}

    assert names(step2_max="240") == {"Soft", "Open"}
    assert names(observerships="yes") == {"Soft"}
    assert names(observerships="no") == {"Open"}
    assert names(observerships="not_no") == {"Soft", "Hard"}


@pytest.mark.django_db
def test_the_program_page_says_which_cutoffs_are_preferred_and_about_observerships(client, alice):
    program = make_program(step2_min=230, step2_min_kind="preferred", usce_min_months=2,
                           img_observerships=True)  # fmt: skip
    client.force_login(alice)

    body = client.get(reverse("programs:detail", args=[program.pk])).content.decode()

    assert "230 · preferred: a lower score does not rule you out" in body
    assert "at least 2 months · required" in body
    assert "Observerships or electives for IMGs</dt><dd>offered by the institution" in body


@pytest.mark.django_db
def test_a_preferred_minimum_reaches_the_applicants_reasons_and_keeps_the_program_open(
    client, alice
):
    from tests.factories import make_profile

    make_profile(alice, step2_score=226)
    preferred = make_program(step2_min=230, step2_min_kind="preferred")
    required = make_program(step2_min=230)
    frame = Program.objects.filter(pk__in=[preferred.pk, required.pk]).to_frame()
    assert list(frame.loc[[preferred.pk, required.pk], "step2_min_kind"]) == [
        "preferred",
        "required",
    ]
    client.force_login(alice)

    body = client.get(reverse("programs:detail", args=[preferred.pk])).content.decode()

    assert "Step 2 CK 226 is below the preferred 230" in body


@pytest.mark.django_db
def test_the_us_experience_page_lists_observership_programs_most_img_friendly_first(client, alice):
    make_program(name="Middle Neurology", img_observerships=True, img_pct=30.0)
    make_program(name="Friendly Neurology", img_observerships=True, img_pct=70.0)
    make_program(name="Unknown Share Neurology", img_observerships=True, img_pct=None)
    make_program(name="Closed Neurology", img_observerships=False, img_pct=90.0)
    make_program(name="Silent Neurology", img_observerships=None, img_pct=80.0)
    make_program(name="Archived Neurology", img_observerships=True, active=False)
    client.force_login(alice)

    body = client.get(reverse("programs:observerships")).content.decode()

    order = ["Friendly Neurology", "Middle Neurology", "Unknown Share Neurology"]
    assert [body.index(name) for name in order] == sorted(body.index(name) for name in order)
    for absent in ("Closed Neurology", "Silent Neurology", "Archived Neurology"):
        assert absent not in body


@pytest.mark.django_db
def test_the_advice_links_to_the_us_experience_page_when_usce_would_help_most(client, alice):
    from tests.factories import make_profile

    for number in range(30):
        make_program(state=("TX", "NY", "CA")[number % 3], usce_min_months=3, tier=4)
    make_profile(alice, usce_months=0, observership_months=0, list_size=80)
    client.force_login(alice)

    body = client.get(reverse("applicants:profile")).content.decode()

    advice = body[body.index('id="advice-heading"') :]
    first = advice[advice.index("<li>") : advice.index("</li>")]
    assert "US clinical experience" in first
    assert f'href="{reverse("programs:observerships")}"' in first


@pytest.mark.django_db
def test_the_advice_does_not_link_to_the_us_experience_page_when_usce_is_not_the_top_step(
    client, alice
):
    from tests.factories import make_profile

    for number in range(30):
        make_program(state=("TX", "NY", "CA")[number % 3], tier=4)
    make_profile(alice, usce_months=12, observership_months=12, us_neuro_letters=0, list_size=80)
    client.force_login(alice)

    body = client.get(reverse("applicants:profile")).content.decode()

    assert '<ol class="advice">' in body
    assert f'href="{reverse("programs:observerships")}"' not in body
