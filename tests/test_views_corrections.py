"""Issue 16: the correction flow, from an applicant's suggestion to staff's decision."""

import pytest
from django.urls import reverse

from programs.corrections import DAILY_LIMIT
from programs.importer import import_catalogue
from programs.models import Correction, CorrectionStatus, Program, ProgramChange
from tests.factories import make_catalogue_csv, make_catalogue_editor, make_program

pytestmark = pytest.mark.django_db

EVIDENCE = "https://example.org/neurology/how-to-apply says: we sponsor H-1B visas."


def suggest(client, program, **data: str):
    fields = {"field": "visa_h1b", "value": "yes", "evidence": EVIDENCE, **data}
    return client.post(reverse("programs:suggest_correction", args=[program.pk]), fields)


def suggested_then_reviewing(client, suggester, program) -> Correction:
    """`suggester` suggests the default correction; then a catalogue editor is signed in."""
    client.force_login(suggester)
    suggest(client, program)
    client.force_login(make_catalogue_editor())
    return Correction.objects.get()


def test_an_accepted_correction_reaches_the_catalogue_and_the_suggester_sees_it(client, alice):
    program = make_program(name="Lake Neurology", visa_h1b=None)
    client.force_login(alice)

    response = suggest(client, program)

    assert response.status_code == 302
    assert "suggestion is waiting for review" in client.get(response["Location"]).content.decode()
    program.refresh_from_db()
    assert program.visa_h1b is None  # nothing changes before staff decide

    client.force_login(make_catalogue_editor())
    queue = client.get(reverse("programs:corrections")).content.decode()
    assert "Lake Neurology" in queue and "by alice" in queue
    assert '<td data-label="Now"><del>unknown</del></td>' in queue
    assert '<td data-label="Proposed"><ins>yes</ins>' in queue
    assert "example.org/neurology/how-to-apply" in queue
    correction = Correction.objects.get()
    accepted = client.post(reverse("programs:correction_accept", args=[correction.pk]))

    assert accepted.status_code == 302
    program.refresh_from_db()
    assert program.visa_h1b is True
    assert ProgramChange.objects.get().correction == correction
    client.force_login(alice)
    mine = client.get(reverse("programs:my_corrections")).content.decode()
    assert "Accepted" in mine and "the catalogue now has your value" in mine


def test_a_rejected_correction_needs_a_reason_that_the_suggester_then_sees(client, alice):
    program = make_program(visa_h1b=False)
    correction = suggested_then_reviewing(client, alice, program)
    url = reverse("programs:correction_reject", args=[correction.pk])

    without_reason = client.post(url, {"reason": "  "})
    with_reason = client.post(url, {"reason": "The page linked is for the surgery program."})

    assert without_reason.status_code == 400
    page = without_reason.content.decode()
    # Said at that correction's reason box, which is marked, and above which one it is.
    assert (
        f'aria-invalid="true" aria-describedby="reason-{correction.pk}-error"></textarea>\n'
        f'        <p class="errorlist" id="reason-{correction.pk}-error">To reject this '
        "correction, say why.</p>"
    ) in page
    assert "the correction marked below needs a reason" in page
    assert with_reason.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REJECTED
    program.refresh_from_db()
    assert program.visa_h1b is False and not ProgramChange.objects.exists()
    client.force_login(alice)
    mine = client.get(reverse("programs:my_corrections")).content.decode()
    assert "Rejected" in mine and "The page linked is for the surgery program." in mine
    detail = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "The page linked is for the surgery program." in detail


def test_a_decided_correction_cannot_be_decided_again(client, alice):
    correction = suggested_then_reviewing(client, alice, make_program(visa_h1b=None))
    client.post(reverse("programs:correction_accept", args=[correction.pk]))

    again = client.post(
        reverse("programs:correction_reject", args=[correction.pk]), {"reason": "Oops"}
    )

    assert again.status_code == 400
    assert "decided already" in again.content.decode()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "perhaps"}, "value", "should be yes, no or blank (unknown)"),
        ({"field": "step2_min", "value": "999"}, "value", "should be between 1 and 300"),
        ({"field": "program_id", "value": "1803500001"}, "field", "Select a valid choice"),
        ({"evidence": ""}, "evidence", "This field is required"),
        ({"value": "x" * 301}, "value", "at most 300 characters"),
    ],
)
def test_a_bad_suggestion_says_what_to_fix_and_saves_nothing(client, alice, data, field, message):
    program = make_program()
    client.force_login(alice)

    response = suggest(client, program, **data)

    assert response.status_code == 400
    errors = response.context["correction_form"].errors
    assert message in " ".join(errors[field])
    assert not Correction.objects.exists()


def test_an_applicant_may_suggest_only_so_many_corrections_a_day(client, alice):
    program = make_program()
    client.force_login(alice)
    for _ in range(DAILY_LIMIT):
        assert suggest(client, program).status_code == 302

    refused = suggest(client, program)

    assert refused.status_code == 400
    assert "the daily limit" in refused.content.decode()
    assert Correction.objects.count() == DAILY_LIMIT


def test_a_suggestion_for_a_missing_program_is_not_found(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("programs:suggest_correction", args=[999999]),
        {"field": "visa_h1b", "value": "yes", "evidence": EVIDENCE},
    )
    assert response.status_code == 404


def test_an_applicant_sees_only_their_own_suggestions(client, alice, bob):
    program = make_program()
    client.force_login(bob)
    suggest(client, program, value="no", evidence="Bob's quote")
    client.force_login(alice)

    mine = client.get(reverse("programs:my_corrections")).content.decode()
    detail = client.get(reverse("programs:detail", args=[program.pk])).content.decode()

    assert "Bob&#x27;s quote" not in mine and "not suggested a correction yet" in mine
    assert "Your suggestions for this program" not in detail


def two_programs_without_ids() -> tuple[Program, Program]:
    alpha = make_program(program_id=None, name="NoID Alpha Neurology", state="OH")
    beta = make_program(program_id=None, name="NoID Beta Neurology", state="OH")
    return alpha, beta


def test_accepting_a_name_another_program_has_in_its_state_is_refused_and_writes_nothing(
    client, alice
):
    alpha, beta = two_programs_without_ids()
    # Suggested before the name was taken (or by a route that did not check): the accept checks.
    correction = Correction.objects.create(
        program=beta, user=alice, field="name", value="noid alpha neurology", evidence=EVIDENCE
    )
    client.force_login(make_catalogue_editor())

    queue = client.get(reverse("programs:corrections")).content.decode()
    accepted = client.post(reverse("programs:correction_accept", args=[correction.pk]))

    assert "Another program in OH is already called" in queue
    assert accepted.status_code == 400
    assert "Another program in OH is already called “NoID Alpha Neurology”" in (
        accepted.content.decode()
    )
    beta.refresh_from_db()
    correction.refresh_from_db()
    assert beta.name == "NoID Beta Neurology"
    assert correction.status == CorrectionStatus.PENDING
    assert not ProgramChange.objects.exists()
    # The catalogue still tells the programs apart: a file row by name and state finds one.
    content = make_catalogue_csv(
        [["name", "state", "positions"], ["NoID Alpha Neurology", "OH", "9"]]
    )
    result = import_catalogue(content=content, file_name="alpha.csv")
    assert [row.program.pk for row in result.plan.updates] == [alpha.pk]


def test_suggesting_a_name_another_program_has_in_its_state_is_refused_at_once(client, alice):
    _alpha, beta = two_programs_without_ids()
    client.force_login(alice)

    response = suggest(client, beta, field="name", value="NoID  Alpha Neurology")

    assert response.status_code == 400
    errors = " ".join(response.context["correction_form"].errors["value"])
    assert "Another program in OH is already called “NoID Alpha Neurology”" in errors
    assert not Correction.objects.exists()


def test_a_name_used_in_another_state_or_by_programs_that_both_have_ids_may_be_accepted(
    client, alice
):
    make_program(program_id=None, name="Shared Name Neurology", state="TX")
    make_program(program_id="1803500001", name="Clinic Neurology", state="OH")
    moving = make_program(program_id=None, name="Old Name Neurology", state="OH")
    child = make_program(program_id="1853500001", name="Clinic Child Neurology", state="OH")
    client.force_login(alice)
    assert suggest(client, moving, field="name", value="Shared Name Neurology").status_code == 302
    assert suggest(client, child, field="name", value="Clinic Neurology").status_code == 302
    client.force_login(make_catalogue_editor())

    for correction in Correction.objects.all():
        url = reverse("programs:correction_accept", args=[correction.pk])
        assert client.post(url).status_code == 302

    moving.refresh_from_db()
    child.refresh_from_db()
    assert (moving.name, child.name) == ("Shared Name Neurology", "Clinic Neurology")


def test_a_program_without_an_id_may_not_take_the_name_of_one_with_an_id(client, alice):
    make_program(program_id="1803500001", name="Clinic Neurology", state="OH")
    without_id = make_program(program_id=None, name="Other Neurology", state="OH")
    client.force_login(alice)

    response = suggest(client, without_id, field="name", value="Clinic Neurology")

    assert response.status_code == 400
    assert not Correction.objects.exists()
