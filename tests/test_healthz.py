import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_head_request_to_the_health_check_answers_200_without_a_body(client):
    response = client.head(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b""


def test_the_health_check_refuses_a_post(client):
    assert client.post(reverse("healthz")).status_code == 405
