"""Lock-out counts per account and per client address, behind any number of trusted proxies."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from neuromatch.accounts import client_ip
from tests.factories import PASSWORD

PROXY = "10.0.0.2"
ATTACKER, ALICE = "203.0.113.9", "198.51.100.7"


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, f"{ATTACKER}", PROXY),  # no trusted proxy: the header is the client's own words
        (1, None, PROXY),
        (1, ATTACKER, ATTACKER),
        (1, f"{ALICE}, {ATTACKER}", ATTACKER),  # the left part is forged by the client
        (2, f"{ALICE}, {ATTACKER}, 10.0.0.1", ATTACKER),
        (2, ATTACKER, ATTACKER),  # came through one proxy only
        (1, "203.0.113.9:51234", ATTACKER),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "unknown", PROXY),
    ],
)
def test_the_client_address_comes_from_the_trusted_hops_only(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_ip(request_from(PROXY, forwarded)) == expected


def sign_in(client, client_address: str, password: str):
    return client.post(
        reverse("login"),
        {"login": "alice", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.mark.django_db
def test_behind_a_proxy_an_attacker_cannot_lock_a_user_out(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(client, ATTACKER, "guess")
    assert sign_in(client, ATTACKER, PASSWORD).status_code == 429
    response = sign_in(client.__class__(), ALICE, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_forging_the_forwarded_header_does_not_escape_the_lock(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"192.0.2.{number}, {ATTACKER}", "guess")
    assert sign_in(client, f"192.0.2.99, {ATTACKER}", PASSWORD).status_code == 429
