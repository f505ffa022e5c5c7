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
