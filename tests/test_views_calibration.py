"""The staff calibration page and activating a version from it or from the admin."""

import re

import pytest
from django.urls import reverse

from applicants.charts import reliability_chart
from applicants.model_fitting import fit_version
from applicants.model_versions import active_version
from applicants.models import ModelVersion
from tests.factories import make_imported_outcomes, make_model_steward, make_user

pytestmark = pytest.mark.django_db

URL = reverse("applicants:calibration")


@pytest.fixture
def outcomes(db):
    return make_imported_outcomes()


def activate_url(version: ModelVersion) -> str:
    return reverse("applicants:calibration_activate", args=[version.pk])


def test_staff_see_the_judgement_weights_as_version_one(client, staff):
    client.force_login(staff)
    content = client.get(URL).content.decode()
    assert "<h1>Calibration</h1>" in content
    assert (
        "based on published figures and judgement, not yet checked against real outcomes" in content
    )
    assert "nothing to score them against" in content


def test_applicants_may_not_see_or_activate_versions(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert client.post(activate_url(active_version())).status_code == 403


def test_a_fitted_version_shows_its_data_scores_reliability_and_weights(client, outcomes):
    version, result = fit_version()
    client.force_login(make_model_steward())
    content = client.get(URL, {"version": version.number}).content.decode()
    assert f'<h2 id="version-heading">Version {version.number}' in content
    for season in ("2026", "2027"):
        count = int((outcomes["season"] == int(season)).sum())
        assert re.search(
            rf"<th scope=\"row\">{season}</th><td class=\"num\">{count:,}</td>", content
        )
    assert f"{result.metrics['brier_prior']:.4f}" in content
    assert f"{result.metrics['brier_fitted']:.4f}" in content
    assert "Calibration error (ECE, 10 bins)" in content
    assert '<svg class="curve reliability"' in content
    dots = len(result.reliability["fitted"]) + len(result.reliability["prior"])
    assert content.count('<circle class="curve-dot"') + content.count("prior-dot") == dots
    assert "US clinical experience counts" in content
    assert f"Activate version {version.number}" in content


def test_activating_a_version_makes_it_the_active_one(client):
    version = ModelVersion.objects.create(number=2, weights={}, conversion=0.3, n_train=10)
    client.force_login(make_model_steward())
    response = client.post(activate_url(version), follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}?version=2"
    assert "Version 2 is active" in response.content.decode()
    assert active_version() == version
    assert ModelVersion.objects.filter(active=True).count() == 1


@pytest.mark.parametrize("who", ["catalogue editor", "staff flag only"])
def test_staff_without_the_permission_see_versions_but_may_not_activate_one(client, staff, who):
    version = ModelVersion.objects.create(number=2, weights={}, conversion=0.3, n_train=10)
    client.force_login(staff if who == "catalogue editor" else make_user("sam", is_staff=True))
    content = client.get(URL).content.decode()
    assert "Version 2" in content and "Activate version 2" not in content
    assert "needs the permission to change model versions" in content
    assert client.post(activate_url(version)).status_code == 403
    assert active_version().number == 1


def test_an_unknown_version_is_not_found(client):
    client.force_login(make_model_steward())
    assert client.post(reverse("applicants:calibration_activate", args=[9999])).status_code == 404
    content = client.get(URL, {"version": "9999"}, follow=True).content.decode()
    assert "There is no version 9999" in content


def test_the_admin_action_activates_one_version(admin_client):
    version = ModelVersion.objects.create(number=2, weights={}, conversion=0.3, n_train=10)
    response = admin_client.post(
        reverse("admin:applicants_modelversion_changelist"),
        {"action": "activate", "_selected_action": [version.pk]},
        follow=True,
    )
    assert "Version 2 is active." in response.content.decode()
    assert active_version() == version


def test_the_reliability_chart_puts_each_bin_at_its_predicted_and_observed_rates():
    prior = [{"lower": 0.0, "upper": 0.1, "count": 5, "predicted": 0.05, "observed": 0.1}]
    fitted = [{"lower": 0.1, "upper": 0.2, "count": 7, "predicted": 0.15, "observed": 0.12}]
    chart = reliability_chart(prior, fitted)
    # Both axes run to 20 %: the largest value, 15 %, rounded up to the next 10 %.
    span_x = chart["right"] - chart["left"]
    span_y = chart["bottom"] - chart["top"]
    dot = chart["fitted"]["dots"][0]
    assert dot["x"] == pytest.approx(chart["left"] + 0.75 * span_x, abs=0.1)
    assert dot["y"] == pytest.approx(chart["bottom"] - 0.6 * span_y, abs=0.1)
    assert (chart["diagonal"]["x2"], chart["diagonal"]["y2"]) == (chart["right"], chart["top"])
    assert [tick["label"] for tick in chart["x_ticks"]] == ["0%", "10%", "20%"]


def test_the_versions_are_listed_newest_first_as_the_caption_says(client, staff):
    for number in (3, 2, 4):
        ModelVersion.objects.create(number=number, weights={}, conversion=0.3, n_train=10)
    client.force_login(staff)

    content = client.get(URL).content.decode()

    table = content[content.index("newest first</caption>") :]
    shown = [int(n) for n in re.findall(r">Version (\d+)</a></th>", table)]
    assert shown[:4] == [4, 3, 2, 1]
