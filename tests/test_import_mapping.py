"""Issue 16: columns the importer does not know can be mapped in the preview; remembered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.importer import import_catalogue
from programs.models import ColumnMapping, ImportBatch, Program
from tests.factories import make_catalogue_csv, make_catalogue_editor

pytestmark = pytest.mark.django_db

HEADER = ["name", "state", "Sponsorship (J)", "Residents from abroad", "Coordinator"]
ROW = ["Harbor Neurology", "TX", "Yes", "45%", "Jane"]


def upload(client, rows, name="harbor.csv"):
    content = make_catalogue_csv(rows)
    return client.post(
        reverse("programs:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def map_columns(client, batch, **choices: str):
    return client.post(reverse("programs:import_mapping", args=[batch.pk]), choices)


def test_mapping_an_unknown_column_updates_the_preview_and_the_confirm_uses_it(client):
    client.force_login(make_catalogue_editor())
    first = upload(client, [HEADER, ROW])
    assert "<code>Sponsorship (J)</code>" in first.content.decode()
    batch = ImportBatch.objects.get()

    remapped = map_columns(client, batch, column_0="visa_j1", column_1="img_pct")

    body = remapped.content.decode()
    assert remapped.status_code == 200
    assert "<code>Sponsorship (J)</code> → <code>visa_j1</code>" in body
    preview = ImportBatch.objects.latest("pk")
    assert preview.column_mapping == {
        "Sponsorship (J)": "visa_j1",
        "Residents from abroad": "img_pct",
    }
    client.post(reverse("programs:import_confirm", args=[preview.pk]), {"sha256": preview.sha256})
    program = Program.objects.get()
    assert (program.visa_j1, program.img_pct) == (True, 45.0)


def test_a_mapping_is_remembered_for_a_file_with_the_same_header_row():
    editor = make_catalogue_editor()
    content = make_catalogue_csv([HEADER, ROW])
    batch = import_catalogue(
        content=content, file_name="a.csv", user=editor, dry_run=True, keep_content=True
    ).batch
    from programs.importer import remap_preview

    remap_preview(batch_id=batch.pk, user=editor, mapping={"Sponsorship (J)": "visa_j1"})

    # Another file, the same headers in another case and spacing, other rows.
    again = [[header.upper() for header in HEADER], ["Bay Neurology", "CA", "no", "10", "Joe"]]
    other = [["name", "state", "Sponsorship (J)"], ["Cove Neurology", "NY", "yes"]]
    result = import_catalogue(content=make_catalogue_csv(again), file_name="b.csv")
    unmapped = import_catalogue(content=make_catalogue_csv(other), file_name="c.csv")

    assert ColumnMapping.objects.count() == 1
    assert result.plan.mapped == {"SPONSORSHIP (J)": "visa_j1"}
    assert Program.objects.get(name="Bay Neurology").visa_j1 is False
    assert unmapped.plan.mapped == {}
    assert Program.objects.get(name="Cove Neurology").visa_j1 is None


def test_a_mapping_can_be_taken_back(client):
    client.force_login(make_catalogue_editor())
    upload(client, [HEADER, ROW])
    map_columns(client, ImportBatch.objects.get(), column_0="visa_j1")

    response = map_columns(client, ImportBatch.objects.latest("pk"), column_0="")

    assert "through the column mapping" not in response.content.decode()
    assert ColumnMapping.objects.get().mapping == {}


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"column_0": "favourite_colour"}, "Choose a field from the lists."),
        ({"column_0": "name"}, "both mean name: keep one of them"),
        ({"column_0": "img_pct", "column_1": "img_pct"}, "both mean img_pct"),
    ],
)
def test_a_bad_mapping_says_what_is_wrong_and_remembers_nothing(client, choices, message):
    client.force_login(make_catalogue_editor())
    upload(client, [HEADER, ROW])

    response = map_columns(client, ImportBatch.objects.get(), **choices)

    assert message in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_another_editors_preview_cannot_be_remapped(client):
    client.force_login(make_catalogue_editor("stella"))
    upload(client, [HEADER, ROW])
    client.force_login(make_catalogue_editor("otto"))

    response = map_columns(client, ImportBatch.objects.get(), column_0="visa_j1")

    assert "expired" in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_a_clashing_mapping_keeps_the_preview_and_shows_the_error_beside_its_column(client):
    client.force_login(make_catalogue_editor())
    upload(client, [HEADER, ROW])
    batch = ImportBatch.objects.get()

    response = map_columns(client, batch, column_0="visa_j1", column_2="name")

    content = response.content.decode()
    assert "Preview of harbor.csv" in content  # not the upload form
    assert 'name="file"' not in content.split("Upload a corrected file")[0]
    form = response.context["mapping_form"]
    assert form.errors == {
        "column_2": ["Columns “name” and “Coordinator” both mean name: keep one of them."]
    }
    assert '<details class="column-mapping" open>' in content
    assert 'value="visa_j1" selected' in content  # the choices made are kept
    assert response.context["batch"] == batch
    assert ImportBatch.objects.filter(content__isnull=False).get() == batch  # still pending
    confirmed = client.post(
        reverse("programs:import_confirm", args=[batch.pk]), {"sha256": batch.sha256}
    )
    assert "Import complete" in confirmed.content.decode()
    assert Program.objects.get().name == "Harbor Neurology"


# A required column under a header the importer does not know --------------------------------

TITLED = ["Program Title X", "state", "img_pct"]


def confirm(client, batch, **extra: str):
    data = {"sha256": batch.sha256, **extra}
    return client.post(reverse("programs:import_confirm", args=[batch.pk]), data)


def test_a_file_whose_name_column_has_an_unknown_header_gets_the_mapping_step(client):
    client.force_login(make_catalogue_editor())

    response = upload(client, [TITLED, ["Harbor Neurology", "TX", "45"]])

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["plan"].missing == ["name"]
    assert "This file has no name column that the importer knows" in body
    assert "choose <code>name</code> for the column that holds it" in body
    assert '<details class="column-mapping" open>' in body
    assert list(response.context["mapping_form"].headers) == ["Program Title X"]
    assert "Import 1 change" not in body and "valid change" not in body
    assert "no name column (accepted headers" not in body  # the command's wording, not here
    assert ImportBatch.objects.filter(content__isnull=False).count() == 1
    assert not Program.objects.exists()


def test_after_mapping_the_required_column_the_preview_proceeds_and_the_confirm_imports(client):
    client.force_login(make_catalogue_editor())
    upload(client, [TITLED, ["Harbor Neurology", "TX", "45"]])

    remapped = map_columns(client, ImportBatch.objects.get(), column_0="name")

    plan = remapped.context["plan"]
    assert (plan.missing, len(plan.creates)) == ([], 1)
    assert "<code>Program Title X</code> → <code>name</code>" in remapped.content.decode()
    assert not Program.objects.exists()
    confirmed = confirm(client, ImportBatch.objects.latest("pk"))
    assert "Import complete" in confirmed.content.decode()
    program = Program.objects.get()
    assert (program.name, program.state, program.img_pct) == ("Harbor Neurology", "TX", 45.0)
    assert ColumnMapping.objects.get().mapping == {"Program Title X": "name"}


def test_an_unknown_state_header_can_be_mapped_too(client):
    client.force_login(make_catalogue_editor())
    response = upload(
        client, [["name", "Location", "Coordinator"], ["Bay Neurology", "Texas", "J"]]
    )
    assert response.context["plan"].missing == ["state"]

    remapped = map_columns(client, ImportBatch.objects.get(), column_0="state")

    assert remapped.context["plan"].creates[0].values["state"] == "TX"


def test_both_required_columns_can_be_missing_and_are_named_together(client):
    client.force_login(make_catalogue_editor())
    response = upload(client, [["Title", "Where"], ["Bay Neurology", "TX"]])

    body = response.content.decode()
    assert "no name and state columns that the importer knows" in body
    assert "choose <code>name</code> and <code>state</code> for the columns that hold them" in body

    remapped = map_columns(client, ImportBatch.objects.get(), column_0="name", column_1="state")

    assert len(remapped.context["plan"].creates) == 1


@pytest.mark.parametrize("skip_invalid", ["", "true"])
def test_a_preview_still_missing_a_required_column_cannot_be_confirmed_and_stays_pending(
    client, skip_invalid
):
    client.force_login(make_catalogue_editor())
    upload(client, [TITLED, ["Harbor Neurology", "TX", "45"]])
    batch = ImportBatch.objects.get()

    refused = confirm(client, batch, skip_invalid=skip_invalid)

    assert "The file has no name column" in refused.content.decode()
    assert "Import complete" not in refused.content.decode()
    assert not Program.objects.exists()
    assert not ImportBatch.objects.filter(dry_run=False).exists()
    assert ImportBatch.objects.filter(content__isnull=False).get() == batch  # still pending
    map_columns(client, batch, column_0="name")
    assert "Import complete" in confirm(client, ImportBatch.objects.latest("pk")).content.decode()


def test_a_full_catalogue_preview_missing_a_required_column_archives_nothing(client):
    from tests.factories import make_program

    make_program(program_id="1803500001", name="Old Neurology", state="TX")
    client.force_login(make_catalogue_editor())
    response = client.post(
        reverse("programs:import"),
        {
            "file": SimpleUploadedFile(
                "all.csv", make_catalogue_csv([TITLED, ["Harbor Neurology", "TX", "45"]])
            ),
            "full_catalogue": "on",
        },
    )

    assert response.context["plan"].archives == []
    assert "Import complete" not in confirm(client, ImportBatch.objects.get()).content.decode()
    assert Program.objects.get().active

    remapped = map_columns(client, ImportBatch.objects.get(), column_0="name")
    assert [program.name for program in remapped.context["plan"].archives] == ["Old Neurology"]


def test_mapping_the_last_unknown_column_elsewhere_says_which_required_column_is_still_missing(
    client,
):
    client.force_login(make_catalogue_editor())
    upload(client, [["Title", "img_pct"], ["Bay Neurology", "45"]])
    batch = ImportBatch.objects.get()

    response = map_columns(client, batch, column_0="name")

    body = response.content.decode()
    assert "The file has no state column" in body
    assert response.context["mapping_form"].non_field_errors()
    assert response.context["batch"] == batch
    assert ImportBatch.objects.filter(content__isnull=False).get() == batch
    assert not ColumnMapping.objects.exists()


def test_a_file_without_a_required_column_or_any_column_to_map_is_still_refused(client):
    client.force_login(make_catalogue_editor())

    response = upload(client, [["program_id", "state"], ["1803500100", "TX"]])

    assert response.context.get("plan") is None
    assert "The file has no name column" in response.context["form"].errors["file"][0]
    assert not ImportBatch.objects.exists()


def test_the_command_refuses_a_file_missing_a_required_column_and_points_to_the_mapping(
    tmp_path,
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "titled.csv"
    path.write_bytes(make_catalogue_csv([TITLED, ["Harbor Neurology", "TX", "45"]]))

    for options in ({}, {"dry_run": True}):
        with pytest.raises(CommandError) as refused:
            call_command("import_programs", str(path), **options)
        message = str(refused.value)
        assert "The file has no name column (accepted headers include name: “name”" in message
        assert "Map columns the importer does not know" in message
        assert "by import_programs too" in message
    assert not Program.objects.exists()


def test_the_command_uses_a_required_column_mapping_remembered_on_the_import_page(client, tmp_path):
    from django.core.management import call_command

    client.force_login(make_catalogue_editor())
    upload(client, [TITLED, ["Harbor Neurology", "TX", "45"]])
    map_columns(client, ImportBatch.objects.get(), column_0="name")
    path = tmp_path / "later.csv"
    path.write_bytes(make_catalogue_csv([TITLED, ["Cove Neurology", "NY", "20"]]))

    call_command("import_programs", str(path))

    assert Program.objects.get().name == "Cove Neurology"
