"""Accounts made before allauth get an e-mail address record, so they keep working."""

from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

migration = import_module("neuromatch.migrations.0001_account_email_addresses")


def old_user(username: str, email: str) -> User:
    """An account as the sign-up before allauth left it: no e-mail address record."""
    return User.objects.create_user(username=username, email=email, password=PASSWORD)


def test_each_existing_address_becomes_a_verified_primary_address():
    old_user("farida", "Farida@Example.org")
    old_user("gus", "gus@example.org")
    old_user("nomail", "")
    migration.create_email_addresses(apps, None)
    rows = EmailAddress.objects.order_by("email").values_list(
        "user__username", "email", "verified", "primary"
    )
    assert list(rows) == [
        ("farida", "farida@example.org", True, True),
        ("gus", "gus@example.org", True, True),
    ]


def test_a_shared_address_stays_verified_for_the_oldest_account_only():
    old_user("first", "shared@example.org")
    old_user("second", "SHARED@example.org")
    migration.create_email_addresses(apps, None)
    verified = dict(EmailAddress.objects.values_list("user__username", "verified"))
    assert verified == {"first": True, "second": False}


def test_running_it_again_changes_nothing():
    old_user("farida", "farida@example.org")
    migration.create_email_addresses(apps, None)
    migration.create_email_addresses(apps, None)
    assert EmailAddress.objects.count() == 1


def test_an_existing_account_signs_in_by_e_mail_under_mandatory_verification(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    old_user("farida", "farida@example.org")
    migration.create_email_addresses(apps, None)
    response = client.post(reverse("login"), {"login": "farida@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("home")
