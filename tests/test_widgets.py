"""The checkbox list written in Python gives exactly the markup of Django's own templates."""

import pytest
from django import forms

from applicants.forms import ProfileForm
from applicants.widgets import Checkboxes
from programs.geography import STATE_CHOICES

GROUPED = [("South", [("TX", "Texas"), ("FL", "Florida")]), ("NY", "New York")]
ODD = [("a&b", 'Say "hi" <b>'), ("1", 1), ("", "Blank")]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (STATE_CHOICES, ["TX", "CA"], {"class": "choice", "aria-describedby": "x-feedback"}),
        (STATE_CHOICES, [], {"class": "choice", "hx-post": "/v/", "hx-trigger": "change"}),
        (STATE_CHOICES, None, {}),
        (GROUPED, ["NY", "FL"], {"class": "choice", "required": True, "disabled": False}),
        (ODD, ["a&b"], {"data-note": '<"quoted">'}),
    ],
)
def test_the_markup_is_django_s_own(choices, value, attrs):
    ours = Checkboxes(attrs=dict(attrs), choices=choices)
    django = forms.CheckboxSelectMultiple(attrs=dict(attrs), choices=choices)
    given = {"id": "id_places"}
    assert ours.render("places", value, attrs=given) == django.render("places", value, given)


def test_a_widget_without_an_id_still_matches():
    ours = Checkboxes(choices=STATE_CHOICES[:3])
    django = forms.CheckboxSelectMultiple(choices=STATE_CHOICES[:3])
    assert ours.render("places", ["AL"]) == django.render("places", ["AL"])


def test_the_profile_form_renders_its_state_lists_with_it():
    form = ProfileForm(validate=True)
    html = str(form["preferred_states"])
    assert html.count('type="checkbox"') == len(STATE_CHOICES)
    assert '<label for="id_preferred_states_0"><input type="checkbox"' in html
