"""Give every existing account an allauth e-mail address, so sign-in by e-mail, password
reset and mandatory verification work for accounts made before allauth.

The addresses were given at sign-up and have been the accounts' password-reset addresses
since, so they are taken as verified; where two accounts share an address (in any case), the
oldest keeps it verified and the others must confirm theirs.
"""

from django.conf import settings
from django.db import migrations


def create_email_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    have_one = set(EmailAddress.objects.values_list("user_id", flat=True))
    taken = {email.lower() for email in EmailAddress.objects.filter(verified=True).values_list("email", flat=True)}
    rows = []
    for user_id, email in User.objects.exclude(email="").order_by("pk").values_list("pk", "email"):
        if user_id in have_one:
            continue
        email = email.strip().lower()
        rows.append(EmailAddress(user_id=user_id, email=email, verified=email not in taken, primary=True))
        taken.add(email)
    EmailAddress.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_email_addresses, migrations.RunPython.noop)]
